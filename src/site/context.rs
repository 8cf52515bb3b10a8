//! What every page group reads: the site, its analytics, the renderer, and the values several
//! pages share (customer URLs, index rows, taxonomy slugs, labels and number formats).

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use serde_json::{Value, json};

use crate::analytics::{Analytics, CustomerMetrics, Level, ManCode};
use crate::config::{Language, SiteConfig};
use crate::git::History;
use crate::model::{
    ChurnReason, ComplaintCategory, ComplaintSeverity, Customer, Kind, Organization, Position,
    Role, Site, Size, Stage, Style, Trend, VisitKind, Warning, WarningCategory,
};
use crate::render::markdown::MarkdownSettings;
use crate::render::{RenderError, Renderer, format, urls};
use crate::write::Files;

/// A template value map from `"key" => value` pairs, each value moved in with
/// `tera::Value::from`: built directly as tera's value, not as a JSON tree that tera would
/// convert again when the page is rendered (that conversion and the tree cost more CPU than
/// rendering a dossier). Its maps are hash maps: serialise it only into tera, never for a
/// fingerprint (the key order is not stable).
macro_rules! object {
    ($($key:literal => $value:expr),* $(,)?) => {{
        let mut map = std::collections::BTreeMap::<&'static str, tera::Value>::new();
        $( map.insert($key, tera::Value::from($value)); )*
        tera::Value::from(map)
    }};
}
pub(crate) use object;

/// A link to a customer's dossier, `{id, name, url, owner}`: url and owner are null for an id
/// that names no record.
#[derive(Clone, Serialize)]
pub(crate) struct Link<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub url: Option<&'a str>,
    pub owner: Option<&'a str>,
}

/// One customer record with its metrics and page URL.
pub(crate) struct Entry<'a> {
    pub c: &'a Customer,
    pub m: &'a CustomerMetrics,
    pub url: String,
}

/// A row of every customer table (index, owner, taxonomy and playbook pages).
#[derive(Serialize)]
pub(crate) struct IndexRow<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub url: &'a str,
    /// The stage as of the as-of date (code).
    pub stage: &'static str,
    pub owner: &'a str,
    pub owner_url: String,
    pub region: Option<&'a str>,
    pub industry: Option<&'a str>,
    /// The grade as displayed (`AA`, `B`, `unrated`).
    pub grade: &'a str,
    pub abc: Option<&'static str>,
    /// revenue_Y, unrounded, for sorting.
    pub revenue: Option<f64>,
    pub revenue_display: Option<String>,
    /// The columns of an owner's workspace: visits (active customers), open complaints and
    /// credit warnings.
    pub last_visit: Option<Value>,
    pub next_due: Option<Value>,
    pub days_until_due: Option<i64>,
    pub open_complaints: usize,
    pub warnings: usize,
}

/// The taxonomies with a page per term.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Taxonomy {
    Owner,
    Region,
    Industry,
    Tag,
    Stage,
    Grade,
}

impl Taxonomy {
    pub const ALL: [Taxonomy; 6] = [
        Taxonomy::Owner,
        Taxonomy::Region,
        Taxonomy::Industry,
        Taxonomy::Tag,
        Taxonomy::Stage,
        Taxonomy::Grade,
    ];

    /// The folder of its pages and its i18n key (`taxonomy_<key>`).
    pub fn key(self) -> &'static str {
        match self {
            Taxonomy::Owner => "owners",
            Taxonomy::Region => "regions",
            Taxonomy::Industry => "industries",
            Taxonomy::Tag => "tags",
            Taxonomy::Stage => "stages",
            Taxonomy::Grade => "grades",
        }
    }
}

/// Term → page slug, per taxonomy. Slugs keep letters and digits of any script, `-` and `_`;
/// other characters become `-`; clashes (also when they differ only in case, for
/// case-insensitive file systems) get `-2`, `-3`… in term order.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Terms {
    slugs: BTreeMap<Taxonomy, BTreeMap<String, String>>,
}

impl Terms {
    fn new<'a>(customers: &[Entry<'a>]) -> Self {
        // Hashed while reading the records, sorted once per taxonomy: a few hundred distinct
        // terms, where ordered sets compared strings for every record.
        let mut terms: BTreeMap<Taxonomy, FxHashSet<&'a str>> = BTreeMap::new();
        for e in customers {
            let mut add = |t: Taxonomy, term: &'a str| {
                terms.entry(t).or_default().insert(term);
            };
            add(Taxonomy::Owner, &e.c.owner);
            if let Some(r) = &e.c.profile.region {
                add(Taxonomy::Region, r);
            }
            if let Some(i) = &e.c.profile.industry {
                add(Taxonomy::Industry, i);
            }
            for tag in &e.c.tags {
                add(Taxonomy::Tag, tag);
            }
        }
        let slugs = terms
            .into_iter()
            .map(|(t, set)| {
                let mut taken = BTreeSet::new();
                let mut set: Vec<&str> = set.into_iter().collect();
                set.sort_unstable();
                let map = set
                    .into_iter()
                    .map(|term| {
                        let base = slugify(term);
                        let mut slug = base.clone();
                        let mut n = 2;
                        while !taken.insert(slug.to_lowercase()) {
                            slug = format!("{base}-{n}");
                            n += 1;
                        }
                        (term.to_string(), slug)
                    })
                    .collect();
                (t, map)
            })
            .collect();
        Terms { slugs }
    }

    /// The slug of a term of a slugged taxonomy (owner, region, industry, tag).
    pub fn slug(&self, t: Taxonomy, term: &str) -> Option<&str> {
        self.slugs.get(&t)?.get(term).map(String::as_str)
    }

    /// What [`Terms::page`] is made of, borrowed: the term itself for stages and grades (their
    /// slug is a function of it), the slug given to it otherwise.
    pub fn page_key<'s>(&'s self, t: Taxonomy, term: &'s str) -> Option<&'s str> {
        match t {
            Taxonomy::Stage | Taxonomy::Grade => Some(term),
            _ => self.slug(t, term),
        }
    }

    /// The page path of a term: `owners/<slug>`, `stages/active`, `grades/AA`.
    pub fn page(&self, t: Taxonomy, term: &str) -> Option<String> {
        match t {
            Taxonomy::Stage | Taxonomy::Grade => Some(format!("{}/{}", t.key(), slugify(term))),
            _ => self
                .slugs
                .get(&t)
                .and_then(|m| m.get(term))
                .map(|slug| format!("{}/{slug}", t.key())),
        }
    }
}

/// A path segment from any text: letters and digits of any script, `-` and `_` kept, runs of
/// anything else turned into one `-`. A long one is cut and suffixed with a hash of the whole
/// text, so that it stays a valid file name (at most 255 bytes on most file systems, less on
/// some encrypted ones) and distinct terms keep distinct pages.
pub(crate) fn slugify(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    for ch in term.chars() {
        if ch.is_alphanumeric() || ch == '_' || ch == '-' {
            out.push(ch);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-');
    if out.is_empty() {
        "term".to_string()
    } else if out.len() > MAX_SLUG_BYTES {
        bounded(out, term)
    } else {
        out.to_string()
    }
}

/// The longest slug kept whole, in bytes (40 Chinese characters, 100 ASCII ones).
pub(crate) const MAX_SLUG_BYTES: usize = 100;

/// `slug` cut to at most [`MAX_SLUG_BYTES`] with `-` and 16 hex digits of a hash of `term`.
fn bounded(slug: &str, term: &str) -> String {
    let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(term.as_bytes()));
    let mut end = MAX_SLUG_BYTES - hash.len() - 1;
    while !slug.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}-{hash}", slug[..end].trim_end_matches('-'))
}

/// A closed vocabulary shown with a label: the theme's `<prefix>_<code>` string when it has
/// one, else the built-in label of the site's language.
pub(crate) trait Labelled: Copy {
    const PREFIX: &'static str;
    fn code(self) -> &'static str;
    fn builtin(self, language: Language) -> &'static str;
}

macro_rules! labelled {
    ($($t:ty => $prefix:literal),* $(,)?) => {$(
        impl Labelled for $t {
            const PREFIX: &'static str = $prefix;
            fn code(self) -> &'static str {
                self.as_str()
            }
            fn builtin(self, language: Language) -> &'static str {
                match language {
                    Language::ZhCn => self.label_zh(),
                    Language::En => self.label_en(),
                }
            }
        }
    )*};
}

labelled!(
    Stage => "stage",
    Kind => "kind",
    Size => "size",
    Organization => "organization",
    Style => "style",
    Trend => "trend",
    Position => "position",
    Role => "role",
    WarningCategory => "warning_category",
    Warning => "warning",
    ComplaintCategory => "complaint_category",
    ComplaintSeverity => "severity",
    VisitKind => "visit_kind",
    ChurnReason => "churn_reason",
    Level => "level",
    ManCode => "man",
);

/// Everything a page group needs.
pub(crate) struct Ctx<'a> {
    pub r: &'a Renderer,
    pub site: &'a Site,
    pub config: &'a SiteConfig,
    pub history: &'a History,
    pub a: &'a Analytics,
    pub base: String,
    pub lang: Language,
    pub md: MarkdownSettings,
    /// Every customer with its metrics, in id order.
    pub customers: Vec<Entry<'a>>,
    by_id: FxHashMap<&'a str, usize>,
    /// Site-wide rank of each customer in the revenue, achievement, growth and margin tables.
    ranks: FxHashMap<&'a str, [Option<usize>; 4]>,
    pub terms: Terms,
    /// The fingerprints of each customer's inputs, in the order of `customers`: of its dossier
    /// (see [`super::customers::dossier_inputs`]) and of its row in the lists (see
    /// [`Ctx::row_inputs`]). Empty without a page memo, where nothing is keyed.
    inputs: Vec<(u64, u64)>,
    /// Where the preview takes the search documents to index after the pages are published;
    /// `None`: the index is built with the pages.
    pub search_docs: Option<&'a super::SearchDocs>,
    /// Where a preview build leaves every customer's part of the exports, for the next one.
    pub export_rows: Option<&'a super::reuse::ExportRows>,
    /// The preview's pieces of its last gzip files, see [`Ctx::gzip_in_pieces`].
    pub gzip_cache: Option<&'a crate::gzip::PieceCache>,
    /// What the preview takes from its last rebuild (`None`: every value is computed).
    pub reuse: Option<&'a super::reuse::Reuse<'a>>,
    /// Where pages go as soon as they are rendered.
    out: &'a dyn super::Sink,
    /// What the audience being built may not see: the values are gone from `site` and `a`
    /// already; pages use this to leave out their sections, columns and whole pages.
    pub hidden: crate::audience::Hidden,
}

/// Each customer's place in `customers`, by id.
fn by_id<'a>(customers: &[Entry<'a>]) -> FxHashMap<&'a str, usize> {
    customers
        .iter()
        .enumerate()
        .map(|(i, e)| (e.c.id.as_str(), i))
        .collect()
}

/// Each customer's site-wide rank in the revenue, achievement, growth and margin tables.
fn site_ranks(a: &Analytics, customers: usize) -> FxHashMap<&str, [Option<usize>; 4]> {
    let mut ranks: FxHashMap<&str, [Option<usize>; 4]> =
        FxHashMap::with_capacity_and_hasher(customers, Default::default());
    let site_tables = &a.rankings.site;
    for (k, table) in [
        &site_tables.revenue,
        &site_tables.achievement,
        &site_tables.growth,
        &site_tables.margin,
    ]
    .into_iter()
    .enumerate()
    {
        for entry in table {
            ranks.entry(entry.id.as_str()).or_default()[k] = Some(entry.rank);
        }
    }
    ranks
}

impl<'a> Ctx<'a> {
    pub fn new(
        r: &'a Renderer,
        site: &'a Site,
        config: &'a SiteConfig,
        history: &'a History,
        a: &'a Analytics,
        out: &'a dyn super::Sink,
    ) -> Self {
        let base = r.site().base_url.clone();
        // Both lists are in id order, so the metrics of the i-th record are usually the i-th.
        let customers: Vec<Entry> = site
            .customers
            .par_iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let m = a.customers.get(i).map(|m| &**m).filter(|m| m.id == c.id);
                m.or_else(|| a.customer(&c.id)).map(|m| Entry {
                    c,
                    m,
                    url: urls::page_url(&base, &urls::customer_page(&c.source.slug)),
                })
            })
            .collect();
        // The slugs and the maps by id are independent: made side by side.
        let (terms, (by_id, ranks)) = rayon::join(
            || Terms::new(&customers),
            || (by_id(&customers), site_ranks(a, customers.len())),
        );
        Ctx {
            ranks,
            r,
            site,
            config,
            history,
            a,
            md: MarkdownSettings {
                base_url: base.clone(),
                allow_html: config.markdown.allow_html,
            },
            base,
            lang: r.language(),
            customers,
            by_id,
            terms,
            inputs: Vec::new(),
            search_docs: None,
            export_rows: None,
            gzip_cache: None,
            reuse: None,
            out,
            hidden: Default::default(),
        }
    }

    /// Sets the fingerprints of every customer, in the order of `customers`, computed
    /// elsewhere (see [`super::reuse::fingerprints`]).
    pub fn set_fingerprints(&mut self, fingerprints: Vec<(u64, u64)>) {
        self.inputs = fingerprints;
    }

    /// The fingerprint of everything a customer's dossier is made of (0 without a page memo).
    pub fn inputs(&self, e: &Entry) -> u64 {
        self.fingerprints(e).0
    }

    /// The fingerprint of everything a list of customers shows of one (0 without a page
    /// memo): its [`IndexRow`] and its share of a group's summary (stage, revenue, open
    /// complaints, overdue visit). A new note or contact leaves it as it was.
    pub fn row_inputs(&self, e: &Entry) -> u64 {
        self.fingerprints(e).1
    }

    fn fingerprints(&self, e: &Entry) -> (u64, u64) {
        // Term pages ask this for every row they show: an entry of `customers` finds its place
        // from its address rather than by hashing its id.
        let offset = (e as *const Entry as usize).wrapping_sub(self.customers.as_ptr() as usize);
        let at = offset / std::mem::size_of::<Entry>().max(1);
        let place = match self.customers.get(at) {
            Some(found) if std::ptr::eq(found, e) => Some(at),
            _ => self.by_id.get(e.c.id.as_str()).copied(),
        };
        place
            .and_then(|i| self.inputs.get(i))
            .copied()
            .unwrap_or((0, 0))
    }

    pub(crate) fn row_fingerprint(&self, e: &Entry) -> u64 {
        let m = e.m;
        crate::render::memo::fingerprint(&(
            self.index_row(e),
            m.complaints.open,
            m.visits.as_ref().map(|v| v.overdue),
        ))
    }

    /// About how many pages the site has (for a progress bar): a dossier per customer, a page
    /// per playbook and per taxonomy term, and the fixed pages.
    pub fn expected_pages(&self) -> usize {
        let terms: usize = self.terms.slugs.values().map(BTreeMap::len).sum();
        self.customers.len()
            + self.site.playbooks.len()
            + terms
            + crate::model::Stage::ALL.len()
            + grade_order(self.a).len()
            + 20
    }

    /// Hands a rendered page over at once, at the page path `page` (`customers/acme`), instead
    /// of keeping it until its group is done. The page comes as the preview's memo holds it,
    /// which keeps it without a copy.
    pub fn emit(&self, page: &str, html: std::sync::Arc<str>) {
        self.out.put_shared(urls::page_file(page), html);
    }

    /// The taxonomies with pages in this audience's site (no grade pages without credit).
    pub fn taxonomies(&self) -> Vec<Taxonomy> {
        Taxonomy::ALL
            .into_iter()
            .filter(|t| *t != Taxonomy::Grade || self.shows(crate::audience::Group::Credit))
            .collect()
    }

    /// Whether the audience being built may see `group`.
    pub fn shows(&self, group: crate::audience::Group) -> bool {
        !self.hidden.hides(group)
    }

    pub fn t(&self, key: &'a str) -> &'a str {
        self.r.t(key)
    }

    pub fn label<L: Labelled>(&self, value: L) -> String {
        // `{PREFIX}_{code}`, put together on the stack: a dossier asks for a few dozen labels.
        let (prefix, code) = (L::PREFIX.as_bytes(), value.code().as_bytes());
        let mut key = [0u8; 64];
        let length = prefix.len() + 1 + code.len();
        let translated = key.get_mut(..length).and_then(|slot| {
            slot[..prefix.len()].copy_from_slice(prefix);
            slot[prefix.len()] = b'_';
            slot[prefix.len() + 1..].copy_from_slice(code);
            self.r.t_opt(std::str::from_utf8(slot).ok()?)
        });
        translated.map_or_else(|| value.builtin(self.lang).to_string(), str::to_string)
    }

    /// `{code, label}` of a vocabulary value.
    pub fn coded<L: Labelled>(&self, value: L) -> Value {
        json!({"code": value.code(), "label": self.label(value)})
    }

    pub fn page(&self, title: &str, section: &str) -> Value {
        json!({ "title": title, "section": section })
    }

    pub fn url(&self, page: &str) -> String {
        urls::page_url(&self.base, page)
    }

    pub fn term_url(&self, t: Taxonomy, term: &str) -> Option<String> {
        self.has_term_pages(t)
            .then(|| self.terms.page(t, term))
            .flatten()
            .map(|p| self.url(&p))
    }

    /// Whether the audience has the pages of taxonomy `t`: no grade pages without credit.
    fn has_term_pages(&self, t: Taxonomy) -> bool {
        t != Taxonomy::Grade || self.shows(crate::audience::Group::Credit)
    }

    /// Everything [`Ctx::term_url`] depends on besides the site's base URL and audience (which
    /// every page key holds), for keys: the same answer whenever the URL is the same, without
    /// formatting it.
    pub fn term_key<'s>(&'s self, t: Taxonomy, term: &'s str) -> Option<&'s str> {
        self.has_term_pages(t)
            .then(|| self.terms.page_key(t, term))
            .flatten()
    }

    pub fn entry(&self, id: &str) -> Option<&Entry<'a>> {
        self.by_id.get(id).map(|&i| &self.customers[i])
    }

    /// [`Ctx::link`] as a typed value, for rows serialised straight into the template's values.
    pub fn link_to<'s>(&'s self, id: &'s str) -> Link<'s> {
        match self.entry(id) {
            Some(e) => Link {
                id,
                name: &e.c.name,
                url: Some(&e.url),
                owner: Some(&e.c.owner),
            },
            None => Link {
                id,
                name: id,
                url: None,
                owner: None,
            },
        }
    }

    /// `{id, name, url, owner}` of a customer, for lists.
    pub fn link(&self, id: &str) -> Value {
        serde_json::to_value(self.link_to(id)).unwrap_or_default()
    }

    /// The site-wide ranks of a customer: revenue, achievement, growth, margin.
    pub fn ranks(&self, id: &str) -> [Option<usize>; 4] {
        self.ranks.get(id).copied().unwrap_or_default()
    }

    pub fn index_row(&self, e: &'a Entry) -> IndexRow<'a> {
        let m = e.m;
        IndexRow {
            id: &e.c.id,
            name: &e.c.name,
            url: &e.url,
            stage: m.stage.as_str(),
            owner: &e.c.owner,
            owner_url: self
                .term_url(Taxonomy::Owner, &e.c.owner)
                .unwrap_or_default(),
            region: e.c.profile.region.as_deref(),
            industry: e.c.profile.industry.as_deref(),
            grade: &m.credit.display,
            abc: m.abc.as_ref().map(|x| x.class.as_str()),
            revenue: m.sales.as_ref().map(|s| s.revenue),
            revenue_display: m.sales.as_ref().map(|s| self.money(s.revenue)),
            last_visit: m
                .visits
                .as_ref()
                .and_then(|v| v.last_visit.as_ref())
                .map(|l| self.date(l.date)),
            next_due: m
                .visits
                .as_ref()
                .and_then(|v| v.next_due)
                .map(|d| self.date(d)),
            days_until_due: m.visits.as_ref().and_then(|v| v.days_until_due),
            open_complaints: m.complaints.open,
            warnings: m.credit.warnings.len(),
        }
    }

    /// The gzip file `file` of the concatenation of `texts`, deflated apart (in parallel; in
    /// the preview, only the texts that changed since its last rebuild), see [`crate::gzip`].
    pub fn gzip_in_pieces(&self, file: &str, texts: &[&[u8]]) -> Vec<u8> {
        match self.gzip_cache {
            Some(cache) => cache.gzip(file, texts),
            None => crate::gzip::Pieces::default().gzip(texts).0,
        }
    }

    pub fn money(&self, v: f64) -> String {
        format::money(v, self.lang)
    }

    /// Money with the decimals that all amounts of its table share ([`format::money_decimals`]).
    pub fn money_fixed(&self, v: f64, decimals: usize) -> String {
        format::money_fixed(v, decimals, self.lang)
    }

    /// Money on a chart axis (short: 万/亿, K/M/B).
    pub fn money_tick(&self, v: f64) -> String {
        format::money_tick(v, self.lang)
    }

    pub fn opt_money(&self, v: Option<f64>) -> Option<String> {
        v.map(|v| self.money(v))
    }

    pub fn percent(&self, share: f64) -> String {
        format::percent(share, 1)
    }

    /// A part of a whole (revenue share, segment share): `< 0.1%` rather than `0.0%` above zero.
    pub fn share(&self, part: f64) -> String {
        format::share(part, 1)
    }

    pub fn opt_share(&self, part: Option<f64>) -> Option<String> {
        part.map(|s| self.share(s))
    }

    pub fn opt_percent(&self, share: Option<f64>) -> Option<String> {
        share.map(|s| self.percent(s))
    }

    pub fn number(&self, v: f64, decimals: usize) -> String {
        format::number(v, decimals)
    }

    /// `{iso, text}` of a date, for `<time datetime="{{ d.iso }}">{{ d.text }}</time>`.
    pub fn date(&self, d: Date) -> Value {
        json!({"iso": d.to_string(), "text": format::date(d, self.lang)})
    }

    pub fn opt_date(&self, d: Option<Date>) -> Value {
        d.map_or(Value::Null, |d| self.date(d))
    }

    /// The grade as displayed with the label of `unrated`.
    pub fn grade_label(&self, display: &str) -> String {
        if display == "unrated" {
            self.t("grade_unrated").to_string()
        } else {
            display.to_string()
        }
    }

    /// Renders `template` into `files` at the page path `page`.
    pub fn render_into(
        &self,
        files: &mut Files,
        page: &str,
        template: &str,
        context: &impl Serialize,
    ) -> Result<(), RenderError> {
        let html = self.r.render(template, context)?;
        files.insert(urls::page_file(page), html.into_bytes());
        Ok(())
    }
}

/// The display grades in order (best first) under the configured scale, then `unrated`.
pub(crate) fn grade_order(a: &Analytics) -> Vec<String> {
    let mut present: BTreeSet<&str> = a
        .customers
        .iter()
        .map(|m| m.credit.display.as_str())
        .collect();
    let nine = crate::model::Grade::ALL.iter().map(|g| g.as_str());
    let three = crate::model::Class::ALL.iter().map(|c| c.as_str());
    let mut order: Vec<String> = Vec::new();
    for g in nine.chain(three).chain(["unrated"]) {
        if present.remove(g) {
            order.push(g.to_string());
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_letters_of_any_script() {
        assert_eq!(slugify("华东"), "华东");
        assert_eq!(slugify("VIP / key"), "VIP-key");
        assert_eq!(slugify("../x"), "x");
        assert_eq!(slugify("?#"), "term");
        assert_eq!(slugify("a_b-c"), "a_b-c");
    }

    #[test]
    fn long_slugs_are_bounded_and_stay_distinct() {
        let short = "标".repeat(MAX_SLUG_BYTES / 3);
        assert_eq!(slugify(&short), short, "up to the bound a slug is whole");
        let long = "重点客户".repeat(100);
        let slug = slugify(&long);
        assert!(slug.len() <= MAX_SLUG_BYTES, "{} bytes", slug.len());
        assert!(slug.starts_with("重点客户重点客户"), "{slug}");
        let (_, hash) = slug.rsplit_once('-').expect("hash suffix");
        assert_eq!(hash.len(), 16);
        assert_eq!(slugify(&long), slug, "the same every build");
        let other = format!("{long}!");
        assert_ne!(slugify(&format!("{long}x")), slug);
        // Punctuation is not part of the slug, but is part of the text hashed.
        assert_ne!(slugify(&other), slug);
        let ascii = "a".repeat(300);
        assert_eq!(slugify(&ascii).len(), MAX_SLUG_BYTES);
    }
}
