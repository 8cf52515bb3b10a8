//! A [`Digest`] written for people and machines: a terminal table, a pull-request comment in
//! Markdown, GitHub annotations on the changed records, and JSON for scripts. The phrases
//! speak the site's language (zh-CN or en); the JSON keeps codes and unrounded numbers.

use std::fmt::Write as _;

use serde::Serialize;

use super::digest::{
    Change, ComplaintEvent, CustomerChanges, Digest, GradeCause, PlaybookChange, Ranking, Side,
    SiteChange, SiteMetric, Status,
};
use crate::config::Language;
use crate::diagnostics::{workflow_data as data, workflow_property as property};
use crate::model::{Grade, Stage};
use crate::report::format::{decimal, grouped, money};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ChangesFormat {
    /// For a terminal.
    Table,
    /// For scripts (docs/changes.schema.json).
    Json,
    /// For a pull-request comment: a summary line, then collapsible sections.
    Markdown,
    /// GitHub Actions annotations on the changed records.
    Github,
}

/// Writes `digest` in `format`. `prefix` is the site's folder inside the repository (for the
/// file paths of annotations).
pub fn write(digest: &Digest, format: ChangesFormat, language: Language, prefix: &str) -> String {
    let words = Words::of(language);
    match format {
        ChangesFormat::Table => table(digest, words),
        ChangesFormat::Json => {
            let mut json = serde_json::to_string_pretty(digest).unwrap_or_default();
            json.push('\n');
            json
        }
        ChangesFormat::Markdown => markdown(digest, words),
        ChangesFormat::Github => github(digest, words, prefix),
    }
}

/// A digest's phrases for a page of the site (`/changes/` and the dossiers' timelines).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DigestView {
    pub summary: String,
    /// Customers added, removed, edited, invalid or repaired, at most [`VIEW_CUSTOMERS`].
    pub customers: Vec<CustomerView>,
    /// Customers beyond [`VIEW_CUSTOMERS`], not shown.
    pub more_customers: usize,
    /// The heading of the customers moved by the other changes, when there are any.
    pub moved_heading: Option<String>,
    pub moved: Vec<String>,
    pub playbooks: Vec<String>,
    pub site: Vec<SiteRow>,
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CustomerView {
    pub id: String,
    pub name: String,
    pub status: Status,
    pub lines: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SiteRow {
    pub label: String,
    pub before: String,
    pub after: String,
    pub delta: Option<String>,
}

/// At most this many customers of one digest are shown on a page (a first commit adds every
/// record).
pub const VIEW_CUSTOMERS: usize = 50;

/// The phrases of `digest` in `language`, for a page.
pub fn view(digest: &Digest, language: Language) -> DigestView {
    let w = Words::of(language);
    let listed: Vec<&CustomerChanges> = digest
        .customers
        .iter()
        .filter(|c| c.status != Status::Moved)
        .collect();
    let moved = digest.count(Status::Moved);
    DigestView {
        summary: summary(digest, w),
        customers: listed
            .iter()
            .take(VIEW_CUSTOMERS)
            .map(|c| CustomerView {
                id: c.id.clone(),
                name: c.name.clone(),
                status: c.status,
                lines: customer_lines(c, digest, w),
            })
            .collect(),
        more_customers: listed.len().saturating_sub(VIEW_CUSTOMERS),
        moved_heading: (moved > 0).then(|| counted(w.moved_heading, moved)),
        moved: moved_lines(digest, w),
        playbooks: digest
            .playbooks
            .iter()
            .map(|p| playbook_line(p, w))
            .collect(),
        site: digest
            .site
            .iter()
            .map(|c| {
                let (before, after) = site_pair(c, w);
                SiteRow {
                    label: site_label(c, digest, w),
                    before,
                    after,
                    delta: site_delta(c, w),
                }
            })
            .collect(),
        notes: notes(digest, w),
    }
}

/// The lines of one customer's entry of a digest, in `language` (a dossier's timeline).
pub fn customer_view(
    customer: &CustomerChanges,
    digest: &Digest,
    language: Language,
) -> Vec<String> {
    let w = Words::of(language);
    let lines = customer_lines(customer, digest, w);
    if customer.status != Status::Moved {
        return lines;
    }
    // Moved by others: the CLV that follows r is left out here too.
    customer
        .changes
        .iter()
        .filter(|c| !matches!(c, Change::Clv { .. }))
        .map(|c| change_line(c, digest, w))
        .collect()
}

fn table(digest: &Digest, w: &Words) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", heading(digest, w));
    if digest.is_empty() {
        let _ = writeln!(out, "{}", w.nothing);
        return out;
    }
    let _ = writeln!(out, "{}", summary(digest, w));
    for customer in digest
        .customers
        .iter()
        .filter(|c| c.status != Status::Moved)
    {
        let _ = writeln!(
            out,
            "\n{} {} · {}",
            customer.id, customer.name, customer.path
        );
        for line in customer_lines(customer, digest, w) {
            let _ = writeln!(out, "  • {line}");
        }
    }
    let moved = digest.count(Status::Moved);
    if moved > 0 {
        let _ = writeln!(out, "\n{}", counted(w.moved_heading, moved));
        for line in moved_lines(digest, w) {
            let _ = writeln!(out, "  {line}");
        }
    }
    if !digest.playbooks.is_empty() {
        let _ = writeln!(out, "\n{}", w.playbooks);
        for p in &digest.playbooks {
            let _ = writeln!(out, "  • {}", playbook_line(p, w));
        }
    }
    if !digest.site.is_empty() {
        let _ = writeln!(out, "\n{}", w.site);
        let rows: Vec<[String; 2]> = digest
            .site
            .iter()
            .map(|c| [site_label(c, digest, w), site_values(c, w)])
            .collect();
        let width = rows
            .iter()
            .map(|[l, _]| display_width(l))
            .max()
            .unwrap_or(0);
        for [label, values] in rows {
            let pad = " ".repeat(width - display_width(&label));
            let _ = writeln!(out, "  {label}{pad}  {values}");
        }
    }
    for line in notes(digest, w) {
        let _ = writeln!(out, "\n{line}");
    }
    out
}

fn markdown(digest: &Digest, w: &Words) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### {}\n", md(&summary(digest, w)));
    let _ = writeln!(out, "<sub>{}</sub>\n", html(&heading(digest, w)));
    if digest.is_empty() {
        let _ = writeln!(out, "{}", w.nothing);
        return out;
    }
    if !digest.site.is_empty() {
        let _ = writeln!(
            out,
            "<details open><summary><b>{}</b> ({})</summary>\n",
            w.site,
            digest.site.len()
        );
        let _ = writeln!(
            out,
            "| | {} | {} | {} |\n|---|---:|---:|---:|",
            w.before, w.after, w.difference
        );
        for change in &digest.site {
            let (before, after) = site_pair(change, w);
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                md(&site_label(change, digest, w)),
                before,
                after,
                site_delta(change, w).unwrap_or_default()
            );
        }
        let _ = writeln!(out, "\n</details>\n");
    }
    for customer in digest
        .customers
        .iter()
        .filter(|c| c.status != Status::Moved)
    {
        let lines = customer_lines(customer, digest, w);
        let headline = lines.first().cloned().unwrap_or_default();
        let _ = writeln!(
            out,
            "<details><summary><b>{} {}</b>: {}</summary>\n",
            html(&customer.id),
            html(&customer.name),
            html(&headline)
        );
        for line in &lines {
            let _ = writeln!(out, "- {}", md(line));
        }
        let _ = writeln!(out, "\n`{}`\n</details>\n", customer.path.replace('`', "'"));
    }
    let moved = digest.count(Status::Moved);
    if moved > 0 {
        let _ = writeln!(
            out,
            "<details><summary><b>{}</b></summary>\n",
            html(&counted(w.moved_heading, moved))
        );
        for line in moved_lines(digest, w) {
            let _ = writeln!(out, "- {}", md(&line));
        }
        let _ = writeln!(out, "\n</details>\n");
    }
    if !digest.playbooks.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary><b>{}</b> ({})</summary>\n",
            w.playbooks,
            digest.playbooks.len()
        );
        for p in &digest.playbooks {
            let _ = writeln!(out, "- {}", md(&playbook_line(p, w)));
        }
        let _ = writeln!(out, "\n</details>\n");
    }
    for line in notes(digest, w) {
        let _ = writeln!(out, "> {}\n", md(&line));
    }
    out
}

fn github(digest: &Digest, w: &Words, prefix: &str) -> String {
    let mut out = String::new();
    let mut overview = vec![summary(digest, w), heading(digest, w)];
    if digest.count(Status::Moved) > 0 {
        overview.push(counted(w.moved_heading, digest.count(Status::Moved)));
        overview.extend(moved_lines(digest, w));
    }
    let _ = writeln!(
        out,
        "::notice title={}::{}",
        property("dossier changes"),
        data(&overview.join("\n"))
    );
    if !digest.settings.is_empty() {
        let _ = writeln!(
            out,
            "::notice file={},line=1,title={}::{}",
            property(&format!("{prefix}site.yaml")),
            property(w.settings_changed),
            data(&digest.settings.join(", "))
        );
    }
    for customer in digest
        .customers
        .iter()
        .filter(|c| c.status != Status::Moved)
    {
        let level = if is_setback(customer) {
            "warning"
        } else {
            "notice"
        };
        let lines = customer_lines(customer, digest, w);
        let _ = writeln!(
            out,
            "::{level} file={},line=1,title={}::{}",
            property(&format!("{prefix}{}", customer.path)),
            property(&format!("{} {}", customer.id, customer.name)),
            data(&lines.join("\n"))
        );
    }
    for file in &digest.to.invalid_files {
        let _ = writeln!(
            out,
            "::warning file={},line={},col={},title={}::{}",
            property(&format!("{prefix}{}", file.path)),
            file.line,
            file.column,
            property(w.invalid_title),
            data(&format!("{} {}", file.code, file.message))
        );
    }
    out
}

/// A fall in grade, a churn, a new overdue visit or a file that became invalid: worth a
/// warning rather than a notice.
fn is_setback(customer: &CustomerChanges) -> bool {
    customer.status == Status::Invalid
        || customer.changes.iter().any(|c| match c {
            Change::Grade { before, after, .. } => {
                grade_direction(before.as_deref(), after.as_deref()) == Some(Direction::Down)
            }
            Change::Stage { after, .. } => *after == Some(Stage::Lost),
            Change::VisitOverdue { after, .. } => *after,
            _ => false,
        })
}

fn heading(digest: &Digest, w: &Words) -> String {
    let side = |s: &Side| match &s.commit {
        Some(id) => format!("{} ({})", s.revision, &id[..id.len().min(7)]),
        None => s.revision.clone(),
    };
    let (from, to) = (&digest.from, &digest.to);
    let mut text = format!("{} → {}", side(from), side(to));
    if from.year == to.year && from.as_of == to.as_of {
        let _ = write!(text, " · {} {} · {} {}", w.year, to.year, w.as_of, to.as_of);
    } else {
        let _ = write!(
            text,
            " · {} {} / {} → {} / {}",
            w.year_as_of, from.year, from.as_of, to.year, to.as_of
        );
    }
    text
}

/// The one line a reviewer reads first.
fn summary(digest: &Digest, w: &Words) -> String {
    if digest.is_empty() {
        return w.nothing.to_string();
    }
    let mut parts = Vec::new();
    let statuses = [
        (Status::Edited, w.edited),
        (Status::Added, w.added),
        (Status::Removed, w.removed),
        (Status::Invalid, w.invalid),
        (Status::Repaired, w.repaired),
    ];
    parts.extend(statuses.iter().filter_map(|(status, template)| {
        let n = digest.count(*status);
        (n > 0).then(|| counted(template, n))
    }));
    let grade_moves = count_changes(digest, |c| {
        matches!(
            c,
            Change::Grade {
                before: Some(_),
                after: Some(_),
                ..
            }
        )
    });
    if grade_moves > 0 {
        parts.push(counted(w.grade_moves, grade_moves));
    }
    let churned = count_changes(digest, |c| {
        matches!(
            c,
            Change::Stage {
                before: Some(_),
                after: Some(Stage::Lost),
                ..
            }
        )
    });
    if churned > 0 {
        parts.push(counted(w.churned_count, churned));
    }
    if let Some(equity) = digest
        .site
        .iter()
        .find(|c| c.metric == SiteMetric::CustomerEquity)
        && let (Some(b), Some(a)) = (equity.before, equity.after)
    {
        parts.push(format!("{} {}", w.customer_equity, signed_money(a - b, w)));
    }
    if !digest.settings.is_empty() {
        parts.push(format!("site.yaml: {}", digest.settings.join(", ")));
    }
    let moved = digest.count(Status::Moved);
    if moved > 0 {
        parts.push(counted(w.moved, moved));
    }
    if parts.is_empty() {
        parts.push(w.figures_only.to_string());
    }
    format!("{}{}", w.title, parts.join(w.separator))
}

/// A phrase with a count: `{n}` is the number, `{s}` an English plural ending.
fn counted(template: &str, n: usize) -> String {
    template
        .replace("{n}", &n.to_string())
        .replace("{s}", if n == 1 { "" } else { "s" })
}

/// At most this many customers moved by other changes are listed one by one in the formats
/// for people (the JSON lists all).
const MOVED_LISTED: usize = 50;

/// Customers whose record is unchanged but whose figures moved, one line each. A CLV that
/// moved with r or the discount rate moves for every active customer: those are counted in
/// one line, not listed.
fn moved_lines(digest: &Digest, w: &Words) -> Vec<String> {
    let mut lines = Vec::new();
    let mut clv_moved = 0;
    let mut unlisted = 0;
    for customer in digest
        .customers
        .iter()
        .filter(|c| c.status == Status::Moved)
    {
        let changes: Vec<String> = customer
            .changes
            .iter()
            .filter(|c| !matches!(c, Change::Clv { .. }))
            .map(|c| change_line(c, digest, w))
            .collect();
        if customer
            .changes
            .iter()
            .any(|c| matches!(c, Change::Clv { .. }))
        {
            clv_moved += 1;
        }
        if changes.is_empty() {
            continue;
        }
        if lines.len() == MOVED_LISTED {
            unlisted += 1;
            continue;
        }
        lines.push(format!(
            "{} {}{}{}",
            customer.id,
            customer.name,
            w.colon,
            changes.join(w.separator)
        ));
    }
    if unlisted > 0 {
        lines.push(counted(w.more_moved, unlisted));
    }
    if clv_moved > 0 {
        lines.push(counted(w.clv_moved, clv_moved));
    }
    lines
}

fn count_changes(digest: &Digest, pick: impl Fn(&Change) -> bool) -> usize {
    digest
        .customers
        .iter()
        .filter(|c| c.changes.iter().any(&pick))
        .count()
}

fn notes(digest: &Digest, w: &Words) -> Vec<String> {
    let mut notes = Vec::new();
    if !digest.settings.is_empty() {
        notes.push(format!(
            "{}: {}",
            w.settings_changed,
            digest.settings.join(", ")
        ));
    }
    for (side, label) in [
        (&digest.from, &digest.from.revision),
        (&digest.to, &digest.to.revision),
    ] {
        for file in &side.invalid_files {
            notes.push(
                counted(w.invalid_note, file.errors)
                    .replace("{side}", label)
                    .replace(
                        "{file}",
                        &format!("{}:{}:{}", file.path, file.line, file.column),
                    )
                    .replace("{code}", &file.code)
                    .replace("{message}", &file.message),
            );
        }
    }
    notes
}

fn customer_lines(customer: &CustomerChanges, digest: &Digest, w: &Words) -> Vec<String> {
    let mut lines = Vec::new();
    match customer.status {
        Status::Added => lines.push(w.status_added.to_string()),
        Status::Removed => lines.push(w.status_removed.to_string()),
        Status::Invalid => lines.push(w.status_invalid.replace("{side}", &digest.to.revision)),
        Status::Repaired => lines.push(w.status_repaired.replace("{side}", &digest.from.revision)),
        Status::Edited | Status::Moved => {}
    }
    lines.extend(customer.changes.iter().map(|c| change_line(c, digest, w)));
    lines
}

fn change_line(change: &Change, digest: &Digest, w: &Words) -> String {
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".to_string());
    match change {
        Change::Renamed { from, to } => w.renamed.replace("{from}", from).replace("{to}", to),
        Change::Name { before, after } => arrow(w.name, &opt(before), &opt(after)),
        Change::Stage {
            before,
            after,
            churn_date,
            churn_reason,
        } => {
            let label = |s: &Option<Stage>| s.map_or("—".to_string(), |s| w.stage_label(s));
            let mut text = arrow(w.stage, &label(before), &label(after));
            if let (Some(date), Some(reason)) = (churn_date, churn_reason) {
                let reason = w.pick(reason.label_zh(), reason.label_en());
                text.push_str(
                    &w.churned
                        .replace("{date}", &date.to_string())
                        .replace("{reason}", reason),
                );
            }
            text
        }
        Change::Owner { before, after } => arrow(w.owner, &opt(before), &opt(after)),
        Change::Grade {
            before,
            after,
            points_before,
            points_after,
            causes,
        } => grade_line(before, after, *points_before, *points_after, causes, w),
        Change::CreditPoints { before, after } => {
            let (b, a) = distinct(*before, *after, 1, decimal);
            arrow(w.points, &b, &a)
        }
        Change::Warnings { added, cleared } => {
            let names = |list: &[crate::model::Warning]| {
                list.iter()
                    .map(|x| w.pick(x.label_zh(), x.label_en()).to_string())
                    .collect::<Vec<_>>()
                    .join(w.list_separator)
            };
            let mut parts = Vec::new();
            if !added.is_empty() {
                parts.push(format!("{}{}", w.warnings_added, names(added)));
            }
            if !cleared.is_empty() {
                parts.push(format!("{}{}", w.warnings_cleared, names(cleared)));
            }
            parts.join(w.separator)
        }
        Change::CreditLimit { before, after } => money_arrow(w.credit_limit, *before, *after, w),
        Change::Outstanding { before, after } => money_arrow(w.outstanding, *before, *after, w),
        Change::Revenue { before, after } => {
            let label = w.revenue_of.replace("{year}", &digest.to.year.to_string());
            money_arrow(&label, *before, *after, w)
        }
        Change::Ranking {
            ranking,
            top,
            before,
            after,
        } => ranking_line(*ranking, *top, *before, *after, w),
        Change::Abc { before, after } => {
            let class =
                |c: &Option<crate::model::Class>| c.map_or("—".to_string(), |c| c.to_string());
            arrow(w.abc, &class(before), &class(after))
        }
        Change::Clv { before, after } => money_arrow(w.clv, *before, *after, w),
        Change::Complaint {
            event,
            opened,
            category,
            severity,
            summary,
        } => {
            let mut details: Vec<&str> = Vec::new();
            if let Some(c) = category {
                details.push(w.pick(c.label_zh(), c.label_en()));
            }
            if let Some(s) = severity {
                details.push(w.pick(s.label_zh(), s.label_en()));
            }
            let mut text = match event {
                ComplaintEvent::New => w.complaint_new,
                ComplaintEvent::Closed => w.complaint_closed,
                ComplaintEvent::Reopened => w.complaint_reopened,
                ComplaintEvent::Removed => w.complaint_removed,
            }
            .replace("{date}", &opened.to_string());
            if !details.is_empty() {
                text.push_str(&w.paren(&details.join(w.list_separator)));
            }
            if let Some(summary) = summary {
                let _ = write!(text, "{}{summary}", w.colon);
            }
            text
        }
        Change::VisitOverdue {
            after,
            days_overdue,
            ..
        } => match (after, days_overdue) {
            (true, Some(days)) => counted(w.visit_overdue_by, usize::try_from(*days).unwrap_or(0)),
            (true, None) => w.visit_overdue.to_string(),
            (false, _) => w.visit_no_longer_overdue.to_string(),
        },
        Change::Satisfaction {
            before,
            after,
            csi_before,
            csi_after,
        } => {
            let level =
                |l: &Option<String>| l.as_deref().map_or("—".to_string(), |l| w.level_label(l));
            let mut text = arrow(w.satisfaction, &level(before), &level(after));
            if let (Some(b), Some(a)) = (csi_before, csi_after) {
                let (b, a) = distinct(Some(*b), Some(*a), 2, decimal);
                text.push_str(&w.paren(&format!("CSI {b} → {a}")));
            }
            text
        }
    }
}

fn grade_line(
    before: &Option<String>,
    after: &Option<String>,
    points_before: Option<f64>,
    points_after: Option<f64>,
    causes: &[GradeCause],
    w: &Words,
) -> String {
    let show = |g: &Option<String>| match g.as_deref() {
        None => "—".to_string(),
        Some("unrated") => w.unrated.to_string(),
        Some(g) => g.to_string(),
    };
    let (b, a) = (show(before), show(after));
    let mut text = match grade_direction(before.as_deref(), after.as_deref()) {
        Some(Direction::Down) => w.grade_fell.replace("{b}", &b).replace("{a}", &a),
        Some(Direction::Up) => w.grade_rose.replace("{b}", &b).replace("{a}", &a),
        None => arrow(w.grade, &b, &a),
    };
    let mut why = Vec::new();
    if let (Some(pb), Some(pa)) = (points_before, points_after)
        && pb != pa
    {
        let (pb, pa) = distinct(Some(pb), Some(pa), 1, decimal);
        why.push(arrow(w.points, &pb, &pa));
    }
    why.extend(causes.iter().map(|c| cause_line(c, w)));
    if !why.is_empty() {
        text.push_str(&w.paren(&why.join(w.list_separator)));
    }
    text
}

fn cause_line(cause: &GradeCause, w: &Words) -> String {
    let score = |s: &Option<u8>| s.map_or("—".to_string(), |s| s.to_string());
    match cause {
        GradeCause::Score {
            component,
            before,
            after,
        } => arrow(w.component(component), &score(before), &score(after)),
        GradeCause::WarningNotch { category, added } => {
            let category = w.pick(category.label_zh(), category.label_en());
            let template = if *added {
                w.warning_notch_added
            } else {
                w.warning_notch_lifted
            };
            template.replace("{category}", category)
        }
        GradeCause::DelayNotch {
            threshold_days,
            delay_before,
            delay_after,
            added,
        } => {
            let delay = if *added { delay_after } else { delay_before };
            let template = if *added {
                w.delay_notch_added
            } else {
                w.delay_notch_lifted
            };
            template
                .replace("{threshold}", &decimal(*threshold_days, 0))
                .replace(
                    "{days}",
                    &delay_after
                        .or(*delay)
                        .map_or("—".to_string(), |d| decimal(d, 1)),
                )
        }
        GradeCause::Settings => w.credit_settings.to_string(),
    }
}

fn ranking_line(
    ranking: Ranking,
    top: usize,
    before: Option<usize>,
    after: Option<usize>,
    w: &Words,
) -> String {
    let name = w.ranking(ranking);
    let fill = |t: &str| {
        t.replace("{ranking}", name)
            .replace("{top}", &top.to_string())
            .replace("{b}", &before.map_or(String::new(), |p| p.to_string()))
            .replace("{a}", &after.map_or(String::new(), |p| p.to_string()))
    };
    match (before, after) {
        (None, _) => fill(w.ranking_entered),
        (_, None) => fill(w.ranking_left),
        _ => fill(w.ranking_moved),
    }
}

fn playbook_line(p: &PlaybookChange, w: &Words) -> String {
    let count = |n: Option<usize>| n.map_or("—".to_string(), |n| n.to_string());
    let what = match p.status {
        Status::Added => w.playbook_added,
        Status::Removed => w.playbook_removed,
        _ => w.playbook_changed,
    };
    let counts = arrow(
        w.applies_to,
        &count(p.customers_before),
        &count(p.customers_after),
    );
    format!("{}{}{}{}{counts}", p.title, w.paren(&p.path), what, w.colon)
}

fn site_label(change: &SiteChange, digest: &Digest, w: &Words) -> String {
    let key = change.key.as_deref().unwrap_or("");
    match change.metric {
        SiteMetric::Revenue => w.revenue_of.replace("{year}", &digest.to.year.to_string()),
        SiteMetric::CustomerEquity => w.customer_equity.to_string(),
        SiteMetric::ClvRetentionRate => w.clv_rate.to_string(),
        SiteMetric::RetentionRate => w.retention_rate.to_string(),
        SiteMetric::CohortRetentionRate => w.cohort_rate.to_string(),
        SiteMetric::ChurnRate => w.churn_rate.to_string(),
        SiteMetric::Csi => "CSI".to_string(),
        SiteMetric::OpenComplaints => w.open_complaints.to_string(),
        SiteMetric::OverdueVisits => w.overdue_visits.to_string(),
        SiteMetric::Stage => {
            let stage = Stage::parse(key).map_or(key.to_string(), |s| w.stage_label(s));
            w.records_in_stage.replace("{stage}", &stage)
        }
        SiteMetric::Grade => {
            let grade = if key == "unrated" { w.unrated } else { key };
            w.records_graded.replace("{grade}", grade)
        }
    }
}

/// Before and after of a site-wide figure, formatted alike.
fn site_pair(change: &SiteChange, w: &Words) -> (String, String) {
    let (b, a) = (change.before, change.after);
    match change.metric {
        SiteMetric::Revenue | SiteMetric::CustomerEquity => money_pair(b, a, w),
        SiteMetric::ClvRetentionRate => distinct(b, a, 3, decimal),
        SiteMetric::RetentionRate | SiteMetric::CohortRetentionRate | SiteMetric::ChurnRate => {
            distinct(b, a, 1, |x, d| format!("{}%", decimal(x * 100.0, d)))
        }
        SiteMetric::Csi => distinct(b, a, 2, decimal),
        _ => distinct(b, a, 0, decimal),
    }
}

fn site_values(change: &SiteChange, w: &Words) -> String {
    let (b, a) = site_pair(change, w);
    match site_delta(change, w) {
        Some(delta) => format!("{b} → {a} ({delta})"),
        None => format!("{b} → {a}"),
    }
}

/// After − before of a site-wide figure; rates in percentage points.
fn site_delta(change: &SiteChange, w: &Words) -> Option<String> {
    let (before, after) = (change.before?, change.after?);
    Some(match change.metric {
        SiteMetric::Revenue | SiteMetric::CustomerEquity => signed_money(after - before, w),
        SiteMetric::RetentionRate | SiteMetric::CohortRetentionRate | SiteMetric::ChurnRate => {
            format!("{} pp", signed((after - before) * 100.0, 1))
        }
        SiteMetric::Csi => signed(after - before, 2),
        SiteMetric::ClvRetentionRate => signed(after - before, 3),
        _ => signed(after - before, 0),
    })
}

/// A difference with fixed decimals, its minus the typographic one.
fn signed(x: f64, decimals: usize) -> String {
    crate::report::format::signed(x, decimals).replacen('-', "−", 1)
}

fn signed_money(x: f64, w: &Words) -> String {
    let text = money(x, w.language);
    if x > 0.0 {
        format!("+{text}")
    } else {
        text.replacen('-', "−", 1)
    }
}

fn arrow(label: &str, before: &str, after: &str) -> String {
    format!("{label} {before} → {after}")
}

fn money_arrow(label: &str, before: Option<f64>, after: Option<f64>, w: &Words) -> String {
    let (b, a) = money_pair(before, after, w);
    arrow(label, &b, &a)
}

/// Two amounts as the site shows money; when that rounding makes different amounts look the
/// same, both with as many decimals as tell them apart.
fn money_pair(before: Option<f64>, after: Option<f64>, w: &Words) -> (String, String) {
    let show = |x: Option<f64>| x.map_or("—".to_string(), |x| money(x, w.language));
    let (b, a) = (show(before), show(after));
    if b != a || before == after {
        return (b, a);
    }
    distinct(before, after, 2, grouped)
}

/// Two numbers with at least `decimals` decimals, more (up to 6) when needed to tell apart
/// two numbers that differ; absent ones as `—`.
fn distinct(
    before: Option<f64>,
    after: Option<f64>,
    decimals: usize,
    show: impl Fn(f64, usize) -> String,
) -> (String, String) {
    let at = |x: Option<f64>, d| x.map_or("—".to_string(), |x| show(x, d));
    let mut d = decimals;
    loop {
        let (b, a) = (at(before, d), at(after, d));
        if b != a || before == after || d >= 6 {
            return (b, a);
        }
        d += 1;
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Up,
    Down,
}

/// Whether a displayed grade got better or worse (nine grades or three classes; `unrated`
/// and absence have no direction).
fn grade_direction(before: Option<&str>, after: Option<&str>) -> Option<Direction> {
    let place =
        |g: Option<&str>| Grade::parse(g?).and_then(|g| Grade::ALL.iter().position(|x| *x == g));
    let (b, a) = (place(before)?, place(after)?);
    match a.cmp(&b) {
        std::cmp::Ordering::Greater => Some(Direction::Down),
        std::cmp::Ordering::Less => Some(Direction::Up),
        std::cmp::Ordering::Equal => None,
    }
}

/// Columns a string takes in a terminal: CJK characters take two.
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

/// Text from records made inert in Markdown and HTML: no markup, links or table cells.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' => out.push_str("\\|"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Text inside an HTML block of the comment (a `<summary>`), where Markdown is not read.
fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\n', '\r'], " ")
}

/// The phrases of one language.
struct Words {
    language: Language,
    title: &'static str,
    nothing: &'static str,
    figures_only: &'static str,
    year: &'static str,
    as_of: &'static str,
    year_as_of: &'static str,
    separator: &'static str,
    list_separator: &'static str,
    edited: &'static str,
    added: &'static str,
    removed: &'static str,
    moved: &'static str,
    moved_heading: &'static str,
    more_moved: &'static str,
    clv_moved: &'static str,
    invalid: &'static str,
    repaired: &'static str,
    grade_moves: &'static str,
    churned_count: &'static str,
    playbooks: &'static str,
    site: &'static str,
    before: &'static str,
    after: &'static str,
    difference: &'static str,
    colon: &'static str,
    settings_changed: &'static str,
    invalid_note: &'static str,
    invalid_title: &'static str,
    status_added: &'static str,
    status_removed: &'static str,
    status_invalid: &'static str,
    status_repaired: &'static str,
    renamed: &'static str,
    name: &'static str,
    stage: &'static str,
    churned: &'static str,
    owner: &'static str,
    grade: &'static str,
    grade_fell: &'static str,
    grade_rose: &'static str,
    unrated: &'static str,
    points: &'static str,
    warning_notch_added: &'static str,
    warning_notch_lifted: &'static str,
    delay_notch_added: &'static str,
    delay_notch_lifted: &'static str,
    credit_settings: &'static str,
    warnings_added: &'static str,
    warnings_cleared: &'static str,
    credit_limit: &'static str,
    outstanding: &'static str,
    revenue_of: &'static str,
    ranking_entered: &'static str,
    ranking_left: &'static str,
    ranking_moved: &'static str,
    abc: &'static str,
    clv: &'static str,
    complaint_new: &'static str,
    complaint_closed: &'static str,
    complaint_reopened: &'static str,
    complaint_removed: &'static str,
    visit_overdue: &'static str,
    visit_overdue_by: &'static str,
    visit_no_longer_overdue: &'static str,
    satisfaction: &'static str,
    playbook_added: &'static str,
    playbook_removed: &'static str,
    playbook_changed: &'static str,
    applies_to: &'static str,
    customer_equity: &'static str,
    clv_rate: &'static str,
    retention_rate: &'static str,
    cohort_rate: &'static str,
    churn_rate: &'static str,
    open_complaints: &'static str,
    overdue_visits: &'static str,
    records_in_stage: &'static str,
    records_graded: &'static str,
}

const EN: Words = Words {
    language: Language::En,
    title: "dossier changes: ",
    nothing: "No change to stages, grades, rankings, values or site figures.",
    figures_only: "site-wide figures changed",
    year: "year",
    as_of: "as of",
    year_as_of: "year / as of",
    separator: "; ",
    list_separator: ", ",
    edited: "{n} record{s} edited",
    added: "{n} added",
    removed: "{n} removed",
    moved: "{n} other customer{s} moved",
    moved_heading: "Moved by the other changes ({n} customer{s}, record{s} unchanged)",
    more_moved: "… and {n} more (the JSON format lists every one)",
    clv_moved: "CLV of {n} customer{s} moved with r or the discount rate (see the site-wide figures; the JSON format lists every one)",
    invalid: "{n} invalid",
    repaired: "{n} valid again",
    grade_moves: "{n} credit grade{s} moved",
    churned_count: "{n} churned",
    playbooks: "Playbooks",
    site: "Site-wide",
    before: "before",
    after: "after",
    difference: "change",
    colon: ": ",
    settings_changed: "site.yaml settings changed",
    invalid_note: "Invalid at {side}: {file} {code} {message} ({n} error{s} in the file); its record is left out of the comparison.",
    invalid_title: "invalid record: left out of the digest",
    status_added: "new record",
    status_removed: "record removed",
    status_invalid: "the file has errors at {side}: not compared (run `dossier check`)",
    status_repaired: "the file had errors at {side} and is valid now",
    renamed: "file renamed from {from} to {to}",
    name: "name",
    stage: "stage",
    churned: ", churned on {date} ({reason})",
    owner: "account manager",
    grade: "credit grade",
    grade_fell: "credit grade fell from {b} to {a}",
    grade_rose: "credit grade rose from {b} to {a}",
    unrated: "unrated",
    points: "points",
    warning_notch_added: "one notch down for {category} warnings",
    warning_notch_lifted: "no more notch for {category} warnings",
    delay_notch_added: "one notch down: payment delay {days} days over {threshold}",
    delay_notch_lifted: "payment delay {days} days no longer over {threshold}",
    credit_settings: "site.yaml credit settings changed",
    warnings_added: "new warnings: ",
    warnings_cleared: "warnings cleared: ",
    credit_limit: "credit limit",
    outstanding: "outstanding",
    revenue_of: "revenue {year}",
    ranking_entered: "entered the {ranking} top {top} at #{a}",
    ranking_left: "left the {ranking} top {top} (was #{b})",
    ranking_moved: "{ranking} ranking #{b} → #{a}",
    abc: "ABC class",
    clv: "CLV",
    complaint_new: "new complaint of {date}",
    complaint_closed: "complaint of {date} closed",
    complaint_reopened: "complaint of {date} reopened",
    complaint_removed: "complaint of {date} taken out of the record",
    visit_overdue: "visit now overdue (never visited)",
    visit_overdue_by: "visit now overdue by {n} day{s}",
    visit_no_longer_overdue: "visit no longer overdue",
    satisfaction: "satisfaction",
    playbook_added: " added",
    playbook_removed: " removed",
    playbook_changed: " applies to other customers",
    applies_to: "customers",
    customer_equity: "customer equity",
    clv_rate: "r (retention rate of the CLV formula)",
    retention_rate: "retention rate",
    cohort_rate: "cohort retention",
    churn_rate: "churn rate",
    open_complaints: "open complaints",
    overdue_visits: "overdue visits",
    records_in_stage: "{stage} records",
    records_graded: "records graded {grade}",
};

const ZH: Words = Words {
    language: Language::ZhCn,
    title: "dossier 变更：",
    nothing: "阶段、信用等级、排名、价值和全站指标均无变化。",
    figures_only: "全站指标有变化",
    year: "报告年度",
    as_of: "截至",
    year_as_of: "报告年度 / 截至",
    separator: "；",
    list_separator: "、",
    edited: "修改 {n} 条记录",
    added: "新增 {n} 位",
    removed: "删除 {n} 位",
    moved: "另有 {n} 位客户随之变动",
    moved_heading: "随其他变更而变动（{n} 位客户，记录未改）",
    more_moved: "……另有 {n} 位（JSON 格式逐一列出）",
    clv_moved: "{n} 位客户的终身价值随 r 或折现率变动（见全站指标；JSON 格式逐一列出）",
    invalid: "{n} 个记录无效",
    repaired: "{n} 个记录恢复有效",
    grade_moves: "{n} 个信用等级变动",
    churned_count: "{n} 位流失",
    playbooks: "销售手册",
    site: "全站",
    before: "之前",
    after: "之后",
    difference: "变化",
    colon: "：",
    settings_changed: "site.yaml 设置已改",
    invalid_note: "{side} 中无效：{file} {code} {message}（该文件共 {n} 个错误）；其记录未参与比较。",
    invalid_title: "记录无效：未列入变更",
    status_added: "新记录",
    status_removed: "记录已删除",
    status_invalid: "文件在 {side} 中有错误：未比较（请运行 `dossier check`）",
    status_repaired: "文件在 {side} 中有错误，现已有效",
    renamed: "文件改名：{from} → {to}",
    name: "名称",
    stage: "阶段",
    churned: "，于 {date} 流失（{reason}）",
    owner: "客户经理",
    grade: "信用等级",
    grade_fell: "信用等级由 {b} 降至 {a}",
    grade_rose: "信用等级由 {b} 升至 {a}",
    unrated: "未评级",
    points: "分数",
    warning_notch_added: "因{category}征兆降一级",
    warning_notch_lifted: "{category}征兆的降级取消",
    delay_notch_added: "付款延迟 {days} 天超过 {threshold} 天，降一级",
    delay_notch_lifted: "付款延迟 {days} 天，不再超过 {threshold} 天",
    credit_settings: "site.yaml 的信用设置已改",
    warnings_added: "新增征兆：",
    warnings_cleared: "解除征兆：",
    credit_limit: "信用额度",
    outstanding: "未收款",
    revenue_of: "{year} 年销售额",
    ranking_entered: "进入{ranking}前 {top} 名（第 {a} 名）",
    ranking_left: "跌出{ranking}前 {top} 名（原第 {b} 名）",
    ranking_moved: "{ranking}排名 第 {b} → 第 {a} 名",
    abc: "ABC 分类",
    clv: "客户终身价值",
    complaint_new: "新投诉（{date}）",
    complaint_closed: "{date} 的投诉已结",
    complaint_reopened: "{date} 的投诉重新打开",
    complaint_removed: "{date} 的投诉已从记录删除",
    visit_overdue: "访问已逾期（从未访问）",
    visit_overdue_by: "访问已逾期 {n} 天",
    visit_no_longer_overdue: "访问不再逾期",
    satisfaction: "满意度",
    playbook_added: "新增",
    playbook_removed: "删除",
    playbook_changed: "适用客户有变",
    applies_to: "适用客户数",
    customer_equity: "客户资产",
    clv_rate: "r（CLV 公式的保持率）",
    retention_rate: "客户维系率",
    cohort_rate: "期初客户留存率",
    churn_rate: "客户流失率",
    open_complaints: "未结投诉",
    overdue_visits: "逾期未访问",
    records_in_stage: "{stage}数",
    records_graded: "{grade} 级记录数",
};

impl Words {
    fn of(language: Language) -> &'static Words {
        match language {
            Language::ZhCn => &ZH,
            Language::En => &EN,
        }
    }

    fn pick(&self, zh: &'static str, en: &'static str) -> &'static str {
        match self.language {
            Language::ZhCn => zh,
            Language::En => en,
        }
    }

    fn paren(&self, text: &str) -> String {
        match self.language {
            Language::ZhCn => format!("（{text}）"),
            Language::En => format!(" ({text})"),
        }
    }

    fn stage_label(&self, stage: Stage) -> String {
        self.pick(stage.label_zh(), stage.label_en()).to_string()
    }

    fn level_label(&self, level: &str) -> String {
        crate::analytics::Level::ALL
            .iter()
            .find(|l| l.as_str() == level)
            .map_or(level.to_string(), |l| {
                self.pick(l.label_zh(), l.label_en()).to_string()
            })
    }

    fn component(&self, component: &str) -> &'static str {
        let names: [(&str, &str, &str); 5] = [
            ("character", "品质", "character"),
            ("capacity", "能力", "capacity"),
            ("capital", "资本", "capital"),
            ("collateral", "抵押", "collateral"),
            ("conditions", "条件", "conditions"),
        ];
        names
            .iter()
            .find(|(key, ..)| *key == component)
            .map_or("5C", |(_, zh, en)| self.pick(zh, en))
    }

    fn ranking(&self, ranking: Ranking) -> &'static str {
        match ranking {
            Ranking::Revenue => self.pick("销售额", "revenue"),
            Ranking::Achievement => self.pick("目标达成率", "achievement"),
            Ranking::Growth => self.pick("销售成长率", "growth"),
            Ranking::Margin => self.pick("利润率", "margin"),
        }
    }
}
