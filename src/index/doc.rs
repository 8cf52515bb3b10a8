//! What the index is built from: one [`SearchDoc`] per customer and playbook, filled from the
//! records (and from the analytics, by the site build) with no HTML parsing.

use std::collections::BTreeMap;
use std::sync::Arc;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::fields::{DataGroup, Field, FieldClass};
use crate::analytics::Analytics;
use crate::model::{Customer, Grade, Playbook, Site, Stage};
use crate::render::markdown::joins_lines;
use crate::render::urls;

/// What a document is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum DocKind {
    #[default]
    Customer,
    Playbook,
}

impl DocKind {
    pub fn code(self) -> &'static str {
        match self {
            DocKind::Customer => "c",
            DocKind::Playbook => "p",
        }
    }
}

/// One searchable page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchDoc {
    /// The page URL as the site links it (with the base URL), e.g. `/customers/east/acme/`.
    pub url: String,
    /// The record id (customers) or slug (playbooks).
    pub id: String,
    /// Company name or playbook title (the name sort).
    pub name: String,
    pub kind: DocKind,
    /// Everything searchable, each value with its class and data group (see [`Field`]).
    pub fields: Vec<Field>,
    /// What a result card shows.
    pub card: Card,
    /// Facet values by field (`region`, `stage`, `grade`, `owner`, `industry`, `tag`); a
    /// field may have several values (tags).
    pub facets: BTreeMap<String, Vec<String>>,
    /// Sort keys; the name sort uses `name`.
    pub sort: SortKeys,
}

impl SearchDoc {
    /// The texts of the fields of `class`.
    pub fn texts(&self, class: FieldClass) -> impl Iterator<Item = &str> {
        self.fields
            .iter()
            .filter(move |f| f.class == class)
            .map(|f| f.text.as_str())
    }
}

/// The fields of a result card.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Card {
    /// The grade as the site shows it (`AA`, `B`, `unrated`).
    pub grade: Option<String>,
    /// The stage code (`active`); the client shows its label.
    pub stage: Option<String>,
    pub owner: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    /// Revenue of the reporting year.
    pub revenue: Option<f64>,
    /// A short text under the name; when absent, the start of the body.
    pub snippet: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SortKeys {
    /// Revenue of the reporting year; larger first, absent last.
    pub revenue: Option<f64>,
    /// Rank of the grade, 0 = best (AAA, or A on the three-grade scale); absent last.
    pub grade: Option<u32>,
}

/// The figures of a customer that come from the analytics rather than the record.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CustomerFacts {
    /// The page URL as the site links it.
    pub url: String,
    /// The stage as of the as-of date.
    pub stage: Option<Stage>,
    /// The grade as displayed (`AA`, or `A` on the three-grade scale, or `unrated`).
    pub grade: Option<String>,
    /// 0 = best grade.
    pub grade_rank: Option<u32>,
    /// Revenue of the reporting year.
    pub revenue: Option<f64>,
}

impl CustomerFacts {
    /// Facts read from the record alone, for tests and benchmarks: the record's stage, the
    /// revenue of its latest sales row, and the 5C base grade with the default weights and no
    /// notches. The site build uses the analytics instead.
    pub fn from_record(customer: &Customer, url: String) -> Self {
        let revenue = customer
            .sales
            .iter()
            .max_by_key(|s| s.year)
            .map(|s| s.revenue);
        let grade = customer.credit.as_ref().and_then(|c| c.five_c).map(|f| {
            let w = [30u32, 25, 20, 10, 15];
            let s: u32 = f
                .scores()
                .iter()
                .zip(w)
                .map(|(s, w)| u32::from(*s) * w)
                .sum();
            // points = (s/100 - 1) / 4 * 100 = (s - 100) / 4
            let points = (s - 100) / 4;
            let index = match points {
                90.. => 0,
                80..=89 => 1,
                70..=79 => 2,
                60..=69 => 3,
                50..=59 => 4,
                40..=49 => 5,
                30..=39 => 6,
                20..=29 => 7,
                _ => 8,
            };
            Grade::ALL[index]
        });
        CustomerFacts {
            url,
            stage: Some(customer.stage),
            grade: Some(grade.map_or("unrated", |g| g.as_str()).to_string()),
            grade_rank: grade.map(|g| Grade::ALL.iter().position(|x| *x == g).unwrap_or(9) as u32),
            revenue,
        }
    }
}

/// The search documents of a whole site, with the figures of the analytics (stage as of the
/// as-of date, grade as displayed, revenue of the reporting year) and the page URLs under
/// `base_url`: what `dossier build` indexes.
pub fn site_docs(site: &Site, analytics: &Analytics, base_url: &str) -> Vec<SearchDoc> {
    site_docs_reusing(site, analytics, base_url, &|_| None)
        .into_iter()
        .map(Arc::unwrap_or_clone)
        .collect()
}

/// [`site_docs`], shared, taking the document of the `i`-th record from `kept(i)` where it
/// gives one (the preview keeps the documents of records that did not change).
pub fn site_docs_reusing(
    site: &Site,
    analytics: &Analytics,
    base_url: &str,
    kept: &(dyn Fn(usize) -> Option<Arc<SearchDoc>> + Sync),
) -> Vec<Arc<SearchDoc>> {
    let mut docs: Vec<Arc<SearchDoc>> = site
        .customers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if let Some(doc) = kept(i) {
                return doc;
            }
            let url = urls::record_url(base_url, &c.source.path).unwrap_or_default();
            let facts = match analytics.customer(&c.id) {
                Some(m) => CustomerFacts {
                    url,
                    stage: Some(m.stage),
                    // Empty in the site of an audience that hides credit.
                    grade: Some(m.credit.display.clone()).filter(|g| !g.is_empty()),
                    grade_rank: m
                        .credit
                        .grade()
                        .and_then(|g| Grade::ALL.iter().position(|x| *x == g))
                        .map(|i| i as u32),
                    revenue: m.sales.as_ref().map(|s| s.revenue),
                },
                None => CustomerFacts::from_record(c, url),
            };
            Arc::new(customer_doc(c, facts))
        })
        .collect();
    docs.extend(site.playbooks.iter().map(|p| {
        Arc::new(playbook_doc(
            p,
            urls::record_url(base_url, &p.source.path).unwrap_or_default(),
        ))
    }));
    docs
}

/// The search document of a customer. Every searchable value and the data group it comes
/// from are listed here (see [`Field`]); financials, credit and payments are never indexed.
pub fn customer_doc(c: &Customer, facts: CustomerFacts) -> SearchDoc {
    use DataGroup as G;
    use FieldClass as F;
    let p = &c.profile;
    let mut fields = Vec::new();
    let mut add = |class: F, group: G, text: Option<&str>| {
        if let Some(t) = text.filter(|t| !t.trim().is_empty()) {
            fields.push(Field::new(class, group, t));
        }
    };
    add(F::Name, G::Card, Some(&c.name));
    add(F::Id, G::Card, Some(&c.id));
    add(F::City, G::Card, p.city.as_deref());
    add(F::Region, G::Card, p.region.as_deref());
    add(F::Owner, G::Card, Some(&c.owner));
    for tag in &c.tags {
        add(F::Tag, G::Card, Some(tag));
    }
    add(F::Text, G::Card, p.industry.as_deref());
    add(F::Person, G::Profile, p.legal_rep.as_deref());
    add(F::Text, G::Profile, p.address.as_deref());
    add(F::Email, G::Profile, p.website.as_deref());
    add(F::Phone, G::Phone, p.phone.as_deref());
    for contact in &c.contacts {
        add(F::Person, G::Contacts, Some(&contact.name));
        add(F::Text, G::Contacts, contact.title.as_deref());
        add(F::Phone, G::ContactsPhone, contact.phone.as_deref());
        add(F::Email, G::ContactsEmail, contact.email.as_deref());
        add(F::Text, G::Notes, contact.note.as_deref());
    }
    for complaint in &c.complaints {
        add(F::Text, G::Notes, complaint.summary.as_deref());
    }
    for visit in &c.visits {
        add(F::Text, G::Notes, visit.note.as_deref());
    }
    add(
        F::Text,
        G::Notes,
        c.churn.as_ref().and_then(|x| x.note.as_deref()),
    );
    add(F::Text, G::Body, Some(&markdown_text(&c.body)));
    let stage = facts.stage.unwrap_or(c.stage);
    let mut facets: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut facet = |field: &str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            facets.entry(field.to_string()).or_default().push(v);
        }
    };
    facet("region", p.region.clone());
    facet("stage", Some(stage.as_str().to_string()));
    facet("grade", facts.grade.clone());
    facet("owner", Some(c.owner.clone()));
    facet("industry", p.industry.clone());
    for tag in &c.tags {
        facet("tag", Some(tag.clone()));
    }

    SearchDoc {
        url: facts.url,
        id: c.id.clone(),
        name: c.name.clone(),
        kind: DocKind::Customer,
        fields,
        card: Card {
            grade: facts.grade,
            stage: Some(stage.as_str().to_string()),
            owner: Some(c.owner.clone()),
            city: p.city.clone(),
            region: p.region.clone(),
            revenue: facts.revenue,
            snippet: None,
        },
        facets,
        sort: SortKeys {
            revenue: facts.revenue,
            grade: facts.grade_rank,
        },
    }
}

/// The search document of a playbook.
pub fn playbook_doc(p: &Playbook, url: String) -> SearchDoc {
    SearchDoc {
        url,
        id: p.source.slug.clone(),
        name: p.title.clone(),
        kind: DocKind::Playbook,
        fields: [
            Field::new(FieldClass::Name, DataGroup::Card, p.title.clone()),
            Field::new(FieldClass::Id, DataGroup::Card, p.source.slug.clone()),
        ]
        .into_iter()
        .chain(
            p.summary
                .iter()
                .map(|s| Field::new(FieldClass::Text, DataGroup::Card, s.clone())),
        )
        .chain([Field::new(
            FieldClass::Text,
            DataGroup::Body,
            markdown_text(&p.body),
        )])
        .filter(|f| !f.text.trim().is_empty())
        .collect(),
        card: Card {
            snippet: p.summary.clone(),
            ..Card::default()
        },
        ..SearchDoc::default()
    }
}

/// The readable text of a Markdown body: text and code, link and image text kept, URLs and
/// markup dropped, blocks separated by newlines. A soft line break joins the lines where the
/// page does ([`joins_lines`]: Chinese paragraphs are wrapped without spaces); elsewhere it is a
/// space.
pub fn markdown_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut soft_break = false;
    let parser = Parser::new_ext(
        markdown,
        pulldown_cmark::Options::ENABLE_TABLES
            | pulldown_cmark::Options::ENABLE_STRIKETHROUGH
            | pulldown_cmark::Options::ENABLE_FOOTNOTES
            | pulldown_cmark::Options::ENABLE_TASKLISTS,
    );
    for event in parser {
        match event {
            Event::Text(t) | Event::Code(t) => {
                if soft_break {
                    let joins = matches!((out.chars().next_back(), t.chars().next()),
                        (Some(before), Some(after)) if joins_lines(before, after));
                    if !joins {
                        out.push(' ');
                    }
                    soft_break = false;
                }
                out.push_str(&t);
            }
            Event::SoftBreak => soft_break = true,
            Event::HardBreak => out.push('\n'),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item)
            | Event::End(TagEnd::TableCell) => {
                soft_break = false;
                if !out.ends_with('\n') {
                    out.push(if matches!(event, Event::End(TagEnd::TableCell)) {
                        ' '
                    } else {
                        '\n'
                    });
                }
            }
            Event::Start(Tag::Item) | Event::End(TagEnd::TableRow | TagEnd::TableHead)
                if !out.is_empty() && !out.ends_with('\n') =>
            {
                out.push('\n');
            }
            _ => {}
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_text_keeps_words_and_joins_wrapped_chinese() {
        let text = markdown_text(
            "集团核心客户，浙江省内医院\n配送网络。见 [杭州华东物流](hangzhou.md)。\n\n- **决策链**：周建国；\n对内复盘\n- `code` and\nmore\n",
        );
        assert_eq!(
            text,
            "集团核心客户，浙江省内医院配送网络。见 杭州华东物流。\n决策链：周建国；对内复盘\ncode and more"
        );
    }
}
