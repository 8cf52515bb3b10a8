//! `site.yaml`: decoding with the same diagnostics as records.

use std::path::Path;

use super::decode::{Ctx, Map};
use crate::audience::{Audience, Group, Hidden};
use crate::config::*;
use crate::diagnostics::Code;
use crate::yaml::{Node, Value};

const FIELDS: &[&str] = &[
    "title",
    "base_url",
    "language",
    "theme",
    "output_dir",
    "year",
    "as_of",
    "edit_url",
    "markdown",
    "ranking",
    "credit",
    "retention",
    "satisfaction",
    "visits",
    "history",
    "audiences",
];
const FIVE_C: &[&str] = &[
    "character",
    "capacity",
    "capital",
    "collateral",
    "conditions",
];
const SURVEY: &[&str] = &["product", "service", "price", "image"];

pub(crate) fn decode(ctx: &mut Ctx<'_>, root: &Node) -> SiteConfig {
    let mut config = SiteConfig::default();
    if root.value == Value::Null {
        return config;
    }
    let Some(map) = ctx.map(root, "", FIELDS) else {
        return config;
    };
    if let Some(title) = ctx.text(&map, "title") {
        config.title = title;
    }
    if let Some(base_url) = ctx.text(&map, "base_url") {
        config.base_url = base_url;
    }
    if let Some(node) = map.get("language") {
        match ctx
            .text_node(node, "language")
            .as_deref()
            .map(|t| (t, Language::parse(t)))
        {
            Some((_, Some(language))) => config.language = language,
            Some((text, None)) => ctx.report(
                Code::NotAllowed,
                node.pos,
                "language",
                format!(
                    "language must be one of: {}, found \"{text}\"",
                    Language::CHOICES
                ),
                language_meant(text).map(|code| format!("write `{code}`")),
            ),
            None => {}
        }
    }
    if let Some(node) = map.get("theme")
        && let Some(theme) = ctx.text_node(node, "theme")
    {
        if is_theme_name(&theme) {
            config.theme = theme;
        } else {
            ctx.report(
                Code::NotAllowed,
                node.pos,
                "theme",
                format!(
                    "theme must be the name of a folder in themes/, not a path, found \"{theme}\""
                ),
                Some(THEME_HELP.into()),
            );
        }
    }
    if let Some(output_dir) = ctx.text(&map, "output_dir") {
        config.output_dir = output_dir;
    }
    config.year = ctx.int(&map, "year", 1900, 2100).map(|y| y as i32);
    config.as_of = ctx.date(&map, "as_of");
    config.edit_url = ctx.text(&map, "edit_url");
    if let Some(m) = section(ctx, &map, "markdown", &["allow_html"]) {
        config.markdown.allow_html = ctx.boolean(&m, "allow_html").unwrap_or(false);
    }
    if let Some(r) = section(ctx, &map, "ranking", &["top"])
        && let Some(top) = ctx.int(&r, "top", 1, 10_000)
    {
        config.ranking.top = top as usize;
    }
    decode_credit(ctx, &map, &mut config.credit);
    decode_retention(ctx, &map, &mut config.retention);
    if let Some(s) = section(ctx, &map, "satisfaction", &["weights"])
        && let Some(w) = weights(ctx, &s, SURVEY)
    {
        config.satisfaction.weights = SurveyWeights {
            product: w[0],
            service: w[1],
            price: w[2],
            image: w[3],
        };
    }
    if let Some(v) = section(ctx, &map, "visits", &["interval_days"])
        && let Some(days) = section(ctx, &v, "interval_days", &["A", "B", "C"])
    {
        let defaults = config.visits.interval_days;
        let mut get = |key, default| ctx.int(&days, key, 1, 36_500).map_or(default, |d| d as u32);
        config.visits.interval_days = IntervalDays {
            A: get("A", defaults.A),
            B: get("B", defaults.B),
            C: get("C", defaults.C),
        };
    }
    if let Some(h) = section(ctx, &map, "history", &["commits"])
        && let Some(commits) = ctx.int(&h, "commits", 0, 1_000)
    {
        config.history.commits = commits as usize;
    }
    config.audiences = decode_audiences(ctx, &map);
    config
}

/// `audiences: {NAME: {hide: [GROUP, …]}, …}`, sorted by name.
fn decode_audiences(ctx: &mut Ctx<'_>, map: &Map<'_>) -> Vec<Audience> {
    let Some(node) = map.get("audiences") else {
        return Vec::new();
    };
    let Value::Map(entries) = &node.value else {
        ctx.wrong_type(
            node,
            "audiences",
            "a mapping from audience name to `{hide: [...]}`",
        );
        return Vec::new();
    };
    let mut audiences: Vec<Audience> = Vec::new();
    for entry in entries {
        let path = format!("audiences.{}", entry.key);
        if !is_theme_name(&entry.key) {
            ctx.report(
                Code::NotAllowed,
                entry.key_pos,
                &path,
                format!(
                    "audience name \"{}\" cannot be a folder name of the output",
                    entry.key
                ),
                Some("use a plain name such as `staff` or `credit-team` (no `/`, `\\`, `:`, leading `.`)".into()),
            );
            continue;
        }
        if entry.value.value == Value::Null {
            audiences.push(Audience {
                name: entry.key.clone(),
                hidden: Hidden::default(),
                base_url: None,
                withhold_lists: false,
                positions: Vec::new(),
            });
            continue;
        }
        let Some(fields) = ctx.map(&entry.value, &path, &["hide", "base_url", "withhold_lists"])
        else {
            continue;
        };
        let mut positions = Vec::new();
        for (item_path, item) in ctx.list(&fields, "hide") {
            let Some(text) = ctx.text_node(item, &item_path) else {
                continue;
            };
            match Group::parse(&text) {
                Some(group) => positions.push((group, item.pos)),
                None => {
                    let names = Group::names();
                    let help = match super::decode::suggest(&text, &names) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => format!("hideable groups: {}", names.join(", ")),
                    };
                    ctx.report(
                        Code::NotAllowed,
                        item.pos,
                        &item_path,
                        format!("unknown group \"{text}\" in {item_path}"),
                        Some(help),
                    );
                }
            }
        }
        audiences.push(Audience {
            name: entry.key.clone(),
            hidden: Hidden::new(positions.iter().map(|(g, _)| *g)),
            base_url: ctx.text(&fields, "base_url"),
            withhold_lists: ctx.boolean(&fields, "withhold_lists").unwrap_or(false),
            positions,
        });
    }
    audiences.sort_by(|a, b| a.name.cmp(&b.name));
    audiences
}

const THEME_HELP: &str = "a theme is a folder in the site's themes/ folder: put it in themes/<name>/ \
     and write `theme: <name>`";

/// The one rule of site.yaml that looks at the disk: the theme's folder must be inside the
/// site's themes/ folder. A link out of it would publish what it points to (its static/).
pub(crate) fn check_theme_folder(ctx: &mut Ctx<'_>, root_node: &Node, root: &Path, theme: &str) {
    let folder = root.join("themes").join(theme);
    if std::fs::symlink_metadata(&folder).is_err() {
        return;
    }
    let (Ok(themes), Ok(resolved)) = (
        crate::write::canonical(root).map(|r| r.join("themes")),
        crate::write::canonical(&folder),
    ) else {
        return;
    };
    if resolved.starts_with(&themes) {
        return;
    }
    let pos = match &root_node.value {
        Value::Map(entries) => entries
            .iter()
            .find(|e| e.key == "theme")
            .map_or(root_node.pos, |e| e.value.pos),
        _ => root_node.pos,
    };
    ctx.report(
        Code::NotAllowed,
        pos,
        "theme",
        format!(
            "theme \"{theme}\" leads out of the site's themes/ folder, to {}",
            resolved.display()
        ),
        Some(format!(
            "copy the theme into themes/{theme}/ instead of linking to it"
        )),
    );
}

fn section<'n>(ctx: &mut Ctx<'_>, map: &Map<'n>, key: &str, known: &[&str]) -> Option<Map<'n>> {
    let node = map.get(key)?;
    ctx.map(node, &map.path_of(key), known)
}

fn decode_credit(ctx: &mut Ctx<'_>, map: &Map<'_>, credit: &mut CreditConfig) {
    let Some(c) = section(ctx, map, "credit", &["scale", "weights", "delay_notches"]) else {
        return;
    };
    if let Some(node) = c.get("scale") {
        match &node.value {
            Value::Str(s) if s == "nine" => credit.scale = CreditScale::Nine,
            Value::Str(s) if s == "three" => credit.scale = CreditScale::Three,
            other => ctx.report(
                Code::NotAllowed,
                node.pos,
                "credit.scale",
                format!("credit.scale must be one of: nine, three, found {other}"),
                None,
            ),
        }
    }
    if let Some(w) = weights(ctx, &c, FIVE_C) {
        credit.weights = FiveCWeights {
            character: w[0],
            capacity: w[1],
            capital: w[2],
            collateral: w[3],
            conditions: w[4],
        };
    }
    if c.has("delay_notches") {
        let items = ctx.list(&c, "delay_notches");
        let days: Vec<f64> = items
            .iter()
            .filter_map(|(path, n)| ctx.number_node(n, path, 0.0, false))
            .collect();
        if days.len() == items.len() {
            credit.delay_notches = days;
        }
    }
}

fn decode_retention(ctx: &mut Ctx<'_>, map: &Map<'_>, retention: &mut RetentionConfig) {
    let Some(r) = section(ctx, map, "retention", &["default_rate", "discount_rate"]) else {
        return;
    };
    if let Some(node) = r.get("default_rate")
        && let Some(rate) = ctx.number_node(node, "retention.default_rate", 0.0, false)
    {
        if rate > 1.0 {
            ctx.report(
                Code::OutOfRange,
                node.pos,
                "retention.default_rate",
                format!("retention.default_rate must be 0..1, found {rate}"),
                Some("a rate is a fraction: 0.8 means 80%".into()),
            );
        } else {
            retention.default_rate = rate;
        }
    }
    if let Some(rate) = ctx.number(&r, "discount_rate", 0.0, false) {
        retention.discount_rate = rate;
    }
}

/// Weights at one level: each 0..1 with at most 4 decimals, summing to exactly 1.
fn weights(ctx: &mut Ctx<'_>, parent: &Map<'_>, keys: &[&str]) -> Option<Vec<Weight>> {
    let node = parent.get("weights")?;
    let w = ctx.map(node, &parent.path_of("weights"), keys)?;
    let mut values = Vec::with_capacity(keys.len());
    for key in keys {
        let n = ctx.required(&w, key)?;
        values.push(weight(ctx, n, &w.path_of(key))?);
    }
    let sum: u32 = values.iter().sum();
    if sum != WEIGHT_SCALE {
        let shown: Vec<String> = values.iter().map(|v| format_weight(*v)).collect();
        ctx.report(
            Code::WeightsSum,
            w.pos,
            &w.path,
            format!(
                "{} must sum to 1, found {} = {}",
                w.path,
                shown.join(" + "),
                format_weight(sum)
            ),
            Some("adjust the weights so that they add up to exactly 1".into()),
        );
        return None;
    }
    Some(values)
}

fn weight(ctx: &mut Ctx<'_>, node: &Node, path: &str) -> Option<Weight> {
    let value = ctx.number_node(node, path, 0.0, false)?;
    if value > 1.0 {
        ctx.report(
            Code::OutOfRange,
            node.pos,
            path,
            format!("{path} must be 0..1, found {value}"),
            None,
        );
        return None;
    }
    let scaled = value * f64::from(WEIGHT_SCALE);
    if (scaled - scaled.round()).abs() > 1e-6 {
        ctx.report(
            Code::TooPrecise,
            node.pos,
            path,
            format!("{path} has more than 4 decimal places ({value})"),
            Some(
                "weights are exact to 0.0001, so that scores compare exactly with thresholds"
                    .into(),
            ),
        );
        return None;
    }
    Some(scaled.round() as Weight)
}

fn format_weight(w: Weight) -> String {
    let text = format!("{}.{:04}", w / WEIGHT_SCALE, w % WEIGHT_SCALE);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The language code a person most likely means by `text` (`中文`, `Chinese`, `zh` → `zh-CN`;
/// `English`, `en-US` → `en`).
fn language_meant(text: &str) -> Option<&'static str> {
    let lower = text.trim().to_lowercase();
    match lower.as_str() {
        "中文" | "简体中文" | "汉语" | "chinese" | "zh" | "zh-cn" | "zh_cn" | "zh-hans" | "cn" => {
            Some("zh-CN")
        }
        "英文" | "英语" | "english" | "en-us" | "en-gb" | "en_us" | "en_gb" => Some("en"),
        _ => None,
    }
}

#[cfg(test)]
mod language_tests {
    use super::language_meant;

    #[test]
    fn language_names_give_their_code() {
        for (text, code) in [
            ("中文", Some("zh-CN")),
            ("Chinese", Some("zh-CN")),
            ("zh", Some("zh-CN")),
            ("English", Some("en")),
            ("en-US", Some("en")),
            ("fr", None),
        ] {
            assert_eq!(language_meant(text), code, "{text}");
        }
    }
}
