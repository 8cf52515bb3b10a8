//! Audience builds (`audiences:` in site.yaml): which groups of fields each group of staff may
//! not see, and the one redaction that enforces it.
//!
//! A static intranet cannot check a login, so each audience gets a site of its own, which the
//! web server puts behind its own access rule (docs/deploy.md). The redaction runs once, on the
//! validated records and on the analytics computed from the full records, before anything
//! renders: a hidden value is not in the data that pages, charts, exports and the search index
//! are made from, so no template can show it by forgetting an `if`. Numbers an audience does
//! see stay those of the full site (a credit grade still counts the payment delay behind it).
//! The pages then leave out what has no data: sections, columns and whole pages.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

use crate::analytics::{Analytics, Notch};
use crate::git::History;
use crate::model::{Customer, Playbook, Selector, Site};
use crate::yaml::Pos;

/// A group of fields, with everything computed from them, that an audience can hide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Group {
    Sales,
    Credit,
    Payments,
    Financials,
    Satisfaction,
    Complaints,
    Visits,
    Contacts,
    ContactPhone,
    ContactEmail,
    Notes,
    History,
}

impl Group {
    pub const ALL: [Group; 12] = [
        Group::Sales,
        Group::Credit,
        Group::Payments,
        Group::Financials,
        Group::Satisfaction,
        Group::Complaints,
        Group::Visits,
        Group::Contacts,
        Group::ContactPhone,
        Group::ContactEmail,
        Group::Notes,
        Group::History,
    ];

    /// The name written in site.yaml.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Sales => "sales",
            Group::Credit => "credit",
            Group::Payments => "payments",
            Group::Financials => "financials",
            Group::Satisfaction => "satisfaction",
            Group::Complaints => "complaints",
            Group::Visits => "visits",
            Group::Contacts => "contacts",
            Group::ContactPhone => "contacts.phone",
            Group::ContactEmail => "contacts.email",
            Group::Notes => "notes",
            Group::History => "history",
        }
    }

    /// The key of the group in the templates' `audience.hides` map.
    fn key(self) -> &'static str {
        match self {
            Group::ContactPhone => "contact_phone",
            Group::ContactEmail => "contact_email",
            other => other.as_str(),
        }
    }

    pub fn parse(text: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.as_str() == text)
    }

    pub fn names() -> Vec<&'static str> {
        Group::ALL.iter().map(|g| g.as_str()).collect()
    }
}

/// The groups an audience hides. Hiding `contacts` hides both contact fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Hidden(BTreeSet<Group>);

impl Hidden {
    pub fn new(groups: impl IntoIterator<Item = Group>) -> Self {
        let mut set: BTreeSet<Group> = groups.into_iter().collect();
        if set.contains(&Group::Contacts) {
            set.extend([Group::ContactPhone, Group::ContactEmail]);
        }
        Hidden(set)
    }

    pub fn hides(&self, group: Group) -> bool {
        self.0.contains(&group)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `{sales: bool, credit: bool, …}` for the templates (`contacts.phone` as `contact_phone`).
    pub fn template_map(&self) -> Value {
        Value::Object(
            Group::ALL
                .iter()
                .map(|g| (g.key().to_string(), Value::Bool(self.hides(*g))))
                .collect(),
        )
    }

    /// The first group a playbook's selector reads that this audience hides, with the
    /// selector key: such a playbook's customer list would reveal the hidden values.
    pub fn withholds(&self, playbook: &Playbook) -> Option<(&'static str, Group)> {
        let selector = playbook.applies_to.as_ref()?;
        selector_groups(selector)
            .into_iter()
            .find(|(_, group)| self.hides(*group))
    }
}

/// One audience of site.yaml: its name (the folder of its site) and what it hides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Audience {
    pub name: String,
    pub hidden: Hidden,
    /// The address its site is served at; default: the site's `base_url` for `--audience`,
    /// `<base_url><name>/` for `--all-audiences` (which writes it to `<out>/<name>/`).
    pub base_url: Option<String>,
    /// `withhold_lists: true`: the audience accepts that playbooks selecting by a group it
    /// hides show no customer list in its site (without it, `check` warns, W034).
    pub withhold_lists: bool,
    /// Where each hidden group is written in site.yaml, for diagnostics.
    #[serde(skip)]
    pub positions: Vec<(Group, Pos)>,
}

impl Audience {
    /// The `audience` global of every template: its name and what it hides. A site built for
    /// no audience hides nothing and has no name.
    pub fn template_global(audience: Option<&Audience>) -> Value {
        let hidden = audience.map(|a| a.hidden.clone()).unwrap_or_default();
        serde_json::json!({
            "name": audience.map(|a| a.name.as_str()),
            "hides": hidden.template_map(),
        })
    }
}

/// Whether an audience's site has the page (or page group, or navigation entry) of a
/// section: the analysis page of a group it hides does not exist at all.
pub fn shows_section(hidden: &Hidden, section: &str) -> bool {
    match section {
        "rankings" => !hidden.hides(Group::Sales),
        "credit" => !hidden.hides(Group::Credit),
        "satisfaction" => !hidden.hides(Group::Satisfaction),
        "service" => !(hidden.hides(Group::Complaints) && hidden.hides(Group::Visits)),
        "changes" => !hidden.hides(Group::History),
        _ => true,
    }
}

/// The keys of a customer in `data/metrics.json` (and columns of `data/customers.csv`) that
/// belong to a group; an audience that hides the group has them null (and no such column).
pub const CUSTOMER_KEYS: &[(Group, &[&str])] = &[
    (
        Group::Sales,
        &[
            "revenue",
            "target",
            "gross_profit",
            "achievement",
            "growth",
            "margin",
            "abc",
            "clv",
        ],
    ),
    (
        Group::Credit,
        &[
            "credit_points",
            "grade",
            "grade_nine",
            "credit_class",
            "credit_limit",
            "limit_use",
        ],
    ),
    (
        Group::Payments,
        &["payment_delay_days", "outstanding", "limit_use"],
    ),
    (Group::Satisfaction, &["csi", "csi_level"]),
    (Group::Complaints, &["open_complaints"]),
    (
        Group::Visits,
        &["visit_overdue", "last_visit", "next_visit_due"],
    ),
];

/// The top-level keys of `data/metrics.json` that belong to a group.
const DOCUMENT_KEYS: &[(Group, &[&str])] = &[
    (
        Group::Sales,
        &["rankings", "abc", "customer_equity", "win_back"],
    ),
    (Group::Satisfaction, &["satisfaction"]),
    (Group::Complaints, &["complaints"]),
];

impl Hidden {
    /// Whether a customer key of the export (see [`CUSTOMER_KEYS`]) is hidden.
    pub fn hides_key(&self, key: &str) -> bool {
        CUSTOMER_KEYS
            .iter()
            .any(|(group, keys)| self.hides(*group) && keys.contains(&key))
    }
}

/// The text of `data/metrics.json` (and of `report --format json`) for `audience`, or for the
/// whole site without one.
pub fn metrics_json(
    document: &crate::analytics::MetricsDocument,
    audience: Option<&Audience>,
) -> String {
    let Some(audience) = audience else {
        return crate::analytics::document_json(document);
    };
    let mut value = serde_json::to_value(document).unwrap_or(Value::Null);
    redact_metrics(&mut value, audience);
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// `data/metrics.json` as the site writes it: the document of [`metrics_json`] without
/// indentation, a third fewer bytes in every published site (`report --format json` keeps it
/// indented for people).
pub fn site_metrics_json(
    document: &crate::analytics::MetricsDocument,
    audience: Option<&Audience>,
) -> String {
    let mut text = match audience {
        None => serde_json::to_string(document).unwrap_or_default(),
        Some(audience) => {
            let mut value = serde_json::to_value(document).unwrap_or(Value::Null);
            redact_metrics(&mut value, audience);
            serde_json::to_string(&value).unwrap_or_default()
        }
    };
    text.push('\n');
    text
}

/// `data/metrics.json` of an audience's site: the `audience` key, and null for every value of
/// a group it hides (the redacted analytics hold zeros and empty lists there, which the
/// document must not present as facts).
pub fn redact_metrics(document: &mut Value, audience: &Audience) {
    let hidden = &audience.hidden;
    let Value::Object(top) = document else {
        return;
    };
    for (group, keys) in DOCUMENT_KEYS {
        if hidden.hides(*group) {
            for key in *keys {
                top.insert((*key).to_string(), Value::Null);
            }
        }
    }
    if let Some(Value::Array(customers)) = top.get_mut("customers") {
        for customer in customers.iter_mut().filter_map(Value::as_object_mut) {
            for (key, value) in customer.iter_mut() {
                if hidden.hides_key(key) {
                    *value = Value::Null;
                }
            }
        }
    }
    if hidden.hides(Group::Sales) {
        let lost = ["revenue_lost", "gross_profit_lost", "value_lost"];
        let mut null_lost = |row: &mut Value| {
            if let Some(row) = row.as_object_mut() {
                for key in lost {
                    if let Some(value) = row.get_mut(key) {
                        *value = Value::Null;
                    }
                }
            }
        };
        if let Some(Value::Array(years)) = top.get_mut("retention") {
            years.iter_mut().for_each(&mut null_lost);
        }
        if let Some(reasons) = top.get_mut("churn_reasons") {
            if let Some(Value::Array(total)) = reasons.get_mut("total") {
                total.iter_mut().for_each(&mut null_lost);
            }
            if let Some(Value::Array(years)) = reasons.get_mut("by_year") {
                for year in years {
                    if let Some(Value::Array(list)) = year.get_mut("reasons") {
                        list.iter_mut().for_each(&mut null_lost);
                    }
                }
            }
        }
    }
    let names: Vec<Value> = Group::ALL
        .iter()
        .filter(|g| hidden.0.contains(g))
        .map(|g| Value::from(g.as_str()))
        .collect();
    top.insert(
        "audience".into(),
        serde_json::json!({"name": audience.name, "hidden": names}),
    );
}

/// The selector keys that read a hideable group, with that group.
fn selector_groups(selector: &Selector) -> Vec<(&'static str, Group)> {
    let mut groups = Vec::new();
    if selector.grades.is_some() {
        groups.push(("grades", Group::Credit));
    }
    if selector.credit_class.is_some() {
        groups.push(("credit_class", Group::Credit));
    }
    if selector.warnings.is_some() {
        groups.push(("warnings", Group::Credit));
    }
    if selector.abc.is_some() {
        groups.push(("abc", Group::Sales));
    }
    if selector.open_complaints.is_some() {
        groups.push(("open_complaints", Group::Complaints));
    }
    if selector.visit_overdue.is_some() {
        groups.push(("visit_overdue", Group::Visits));
    }
    groups
}

/// The records as an audience may see them: every hidden field emptied.
pub fn redact_site(site: &Site, hidden: &Hidden) -> Site {
    if hidden.is_empty() {
        return site.clone();
    }
    let customers = site
        .customers
        .iter()
        .map(|c| std::sync::Arc::new(redact_customer(c, hidden)))
        .collect();
    Site::shared(customers, site.playbooks.clone())
}

fn redact_customer(c: &Customer, hidden: &Hidden) -> Customer {
    let mut c = c.clone();
    if hidden.hides(Group::Sales) {
        c.sales.clear();
    }
    if hidden.hides(Group::Credit) {
        c.credit = None;
    }
    if hidden.hides(Group::Payments) {
        c.payments.clear();
    }
    if hidden.hides(Group::Financials) {
        c.financials = None;
    }
    if hidden.hides(Group::Satisfaction) {
        c.satisfaction.clear();
    }
    if hidden.hides(Group::Complaints) {
        c.complaints.clear();
    }
    if hidden.hides(Group::Visits) {
        c.visits.clear();
    }
    if hidden.hides(Group::Contacts) {
        c.contacts.clear();
    }
    for contact in &mut c.contacts {
        if hidden.hides(Group::ContactPhone) {
            contact.phone = None;
        }
        if hidden.hides(Group::ContactEmail) {
            contact.email = None;
        }
    }
    if hidden.hides(Group::Notes) {
        c.body.clear();
        for contact in &mut c.contacts {
            contact.note = None;
        }
        for visit in &mut c.visits {
            visit.note = None;
        }
        if let Some(churn) = &mut c.churn {
            churn.note = None;
        }
    }
    c
}

/// The analytics as an audience may see them: computed from the full records (so what it
/// sees is exact), with every hidden value and everything derived from it emptied.
pub fn redact_analytics(a: &Analytics, playbooks: &[Playbook], hidden: &Hidden) -> Analytics {
    let mut a = a.clone();
    if hidden.is_empty() {
        return a;
    }
    let withheld: BTreeSet<&str> = playbooks
        .iter()
        .filter(|p| hidden.withholds(p).is_some())
        .map(|p| p.source.slug.as_str())
        .collect();
    for m in &mut a.customers {
        let m = std::sync::Arc::make_mut(m);
        redact_customer_metrics(m, hidden);
        m.playbooks.retain(|slug| !withheld.contains(slug.as_str()));
    }
    for matches in &mut a.playbooks {
        if withheld.contains(matches.slug.as_str()) {
            matches.customers.clear();
        }
    }
    if hidden.hides(Group::Sales) {
        a.rankings = Default::default();
        a.abc = Default::default();
        a.clv.customer_equity = 0.0;
        a.clv.customers = 0;
        a.clv.win_back.clear();
        for year in &mut a.retention.years {
            year.revenue_lost = 0.0;
            year.gross_profit_lost = 0.0;
            year.value_lost = 0.0;
        }
        let reasons = &mut a.retention.churn_reasons;
        for reason in reasons.total.iter_mut().chain(
            reasons
                .by_year
                .iter_mut()
                .flat_map(|y| y.reasons.iter_mut()),
        ) {
            reason.revenue_lost = 0.0;
            reason.gross_profit_lost = 0.0;
        }
    }
    if hidden.hides(Group::Satisfaction) {
        a.satisfaction = Default::default();
    }
    if hidden.hides(Group::Sales) {
        a.visits.overdue_by_class = Default::default();
        let lists = a.visits.by_owner.iter_mut().flat_map(|o| &mut o.customers);
        for entry in lists {
            entry.status.class = None;
        }
        for entry in &mut a.visits.due_soon {
            entry.status.class = None;
        }
    }
    if hidden.hides(Group::Complaints) {
        let stats = &mut a.complaints;
        stats.total.open = 0;
        stats.total.closed_in_year = 0;
        stats.total.mean_resolution_days = None;
        stats.by_category.clear();
        stats.by_severity.clear();
        stats.alerts.clear();
    }
    if hidden.hides(Group::Visits) {
        a.visits = Default::default();
    }
    a
}

fn redact_customer_metrics(m: &mut crate::analytics::CustomerMetrics, hidden: &Hidden) {
    if hidden.hides(Group::Sales) {
        m.sales = None;
        m.abc = None;
        m.clv = None;
        // The visit interval still follows the class (that rhythm is what visits are about),
        // but the class itself is a sales fact.
        if let Some(visits) = &mut m.visits {
            visits.class = None;
        }
        if let Some(churn) = &mut m.churn {
            churn.sales_year = None;
            churn.revenue_lost = 0.0;
            churn.gross_profit_lost = 0.0;
        }
    }
    let credit = std::sync::Arc::make_mut(&mut m.credit);
    if hidden.hides(Group::Credit) {
        credit.rating = None;
        credit.display.clear();
        credit.warnings.clear();
        credit.limit = None;
        credit.limit_use = None;
        credit.over_limit = None;
    }
    if hidden.hides(Group::Payments) {
        credit.payment_delay = None;
        credit.outstanding = 0.0;
        credit.outstanding_payments.clear();
        credit.limit_use = None;
        credit.over_limit = None;
        // The grade, when shown, keeps its notch for payment delay, but not the delay itself.
        for notch in credit.rating.iter_mut().flat_map(|r| r.notches.iter_mut()) {
            if let Notch::PaymentDelay { delay_days, .. } = notch {
                *delay_days = None;
            }
        }
    }
    if hidden.hides(Group::Financials) {
        credit.ratios = Default::default();
    }
    if hidden.hides(Group::Satisfaction) {
        m.satisfaction = None;
    }
    if hidden.hides(Group::Complaints) {
        m.complaints = Default::default();
    }
    if hidden.hides(Group::Visits) {
        m.visits = None;
    }
}

/// The record history an audience may see: none when it hides `history`.
pub fn redact_history(history: &History, hidden: &Hidden) -> History {
    if hidden.hides(Group::History) {
        history.without_files()
    } else {
        let mut redacted = history.clone();
        redacted.recent = history.recent.redacted(hidden);
        redacted
    }
}
