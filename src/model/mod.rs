//! The typed, validated records: what every stage after validation reads.
//!
//! Sensitive groups of fields (contacts' phones and emails, financials, credit, payments) are
//! separate sub-structures, so that an audience build can leave each group out whole.

mod enums;

use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;
use serde::Serialize;

pub use enums::*;

/// Where a record came from, for links, git history and diagnostics.
/// The largest amount of money a record may hold, in absolute value: 10^15 in the currency
/// unit (a thousand trillion yuan), far above any one customer's figures. Whole amounts up to
/// it are exact in a 64-bit float (exact up to 2^53 ≈ 9.007 × 10^15); in the analytics' fixed
/// point (`i128` ten-thousandths, up to 1.7 × 10^38) their largest product, Σ amount · days
/// late (≤ 364) · 10^4 over the payments of a 5 MiB file, stays below 10^31, and a sum over
/// millions of customers below 10^26. Validation refuses larger amounts (E029).
pub const MAX_AMOUNT: f64 = 1e15;

/// Where a record was written. Two sources are equal when they name the same file of the
/// site: where it was read from (`absolute`: the disk or a git revision) is not compared.
#[derive(Clone, Debug, Eq, Serialize)]
pub struct Source {
    /// Site-relative path with `/` separators, e.g. `content/customers/east/acme.md`.
    pub path: String,
    /// Path below the collection folder without extension, e.g. `east/acme`; the page path.
    pub slug: String,
    #[serde(skip)]
    pub absolute: PathBuf,
}

impl PartialEq for Source {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path && self.slug == other.slug
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Customer {
    pub source: Source,
    pub id: String,
    pub name: String,
    pub stage: Stage,
    pub owner: String,
    pub since: Option<Date>,
    pub kind: Kind,
    pub profile: Profile,
    pub tags: Vec<String>,
    pub contacts: Vec<Contact>,
    pub qualification: Option<Qualification>,
    pub sales: Vec<SalesYear>,
    pub credit: Option<Credit>,
    pub payments: Vec<Payment>,
    pub financials: Option<Financials>,
    pub satisfaction: Vec<Survey>,
    pub complaints: Vec<Complaint>,
    pub visits: Vec<Visit>,
    pub churn: Option<Churn>,
    /// The Markdown body, as written.
    pub body: String,
    /// Line of the body's first line in the file, for diagnostics inside the body.
    pub body_line: u32,
}

impl Customer {
    /// Where the record stands among a site's records: by id (code points), then path.
    pub fn site_order(&self) -> (&str, &str) {
        (&self.id, &self.source.path)
    }
}

/// The descriptive facts of the 客户资料卡, all optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Profile {
    pub region: Option<String>,
    pub city: Option<String>,
    pub industry: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub legal_rep: Option<String>,
    pub size: Option<Size>,
    pub organization: Option<Organization>,
    pub style: Option<Style>,
    pub trend: Option<Trend>,
    pub position: Option<Position>,
    pub employees: Option<u64>,
    pub capital: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub name: String,
    pub title: Option<String>,
    pub role: Option<Role>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub note: Option<String>,
}

/// The MAN rule's three letters; `None` is a letter left out (unknown).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Qualification {
    pub money: Option<bool>,
    pub authority: Option<bool>,
    pub need: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SalesYear {
    pub year: i32,
    pub revenue: f64,
    pub target: Option<f64>,
    pub gross_profit: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Credit {
    pub five_c: Option<FiveC>,
    pub limit: Option<f64>,
    pub warnings: Vec<Warning>,
}

/// The five C scores, each 1..=5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FiveC {
    pub character: u8,
    pub capacity: u8,
    pub capital: u8,
    pub collateral: u8,
    pub conditions: u8,
}

impl FiveC {
    /// Scores in the fixed order character, capacity, capital, collateral, conditions.
    pub fn scores(&self) -> [u8; 5] {
        [
            self.character,
            self.capacity,
            self.capital,
            self.collateral,
            self.conditions,
        ]
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Payment {
    pub invoice: Option<String>,
    pub due: Date,
    pub paid: Option<Date>,
    pub amount: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Financials {
    pub as_of: Option<Date>,
    pub current_assets: Option<f64>,
    pub current_liabilities: Option<f64>,
    pub inventory: Option<f64>,
    pub total_assets: Option<f64>,
    pub total_liabilities: Option<f64>,
}

/// One satisfaction survey; scores 1..=5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Survey {
    pub date: Date,
    pub product: u8,
    pub service: u8,
    pub price: u8,
    pub image: u8,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Complaint {
    pub opened: Date,
    pub closed: Option<Date>,
    pub category: Option<ComplaintCategory>,
    pub severity: Option<ComplaintSeverity>,
    pub summary: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Visit {
    pub date: Date,
    pub by: Option<String>,
    pub kind: Option<VisitKind>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Churn {
    pub date: Date,
    pub reason: ChurnReason,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Playbook {
    pub source: Source,
    pub title: String,
    pub summary: Option<String>,
    pub order: Option<i64>,
    pub applies_to: Option<Selector>,
    pub body: String,
    pub body_line: u32,
}

/// Which customers a playbook applies to: a customer matches when it matches every key given.
/// An empty list matches nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Selector {
    pub stages: Option<Vec<Stage>>,
    pub grades: Option<Vec<GradeFilter>>,
    pub credit_class: Option<Vec<Class>>,
    pub abc: Option<Vec<Class>>,
    pub tags: Option<Vec<String>>,
    pub warnings: Option<bool>,
    pub open_complaints: Option<bool>,
    pub visit_overdue: Option<bool>,
}

/// All validated content of a site.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Site {
    /// Sorted by id (code-point order). Shared, so the preview's check cache and each build
    /// hold the same records instead of copies.
    pub customers: Vec<Arc<Customer>>,
    /// Sorted by order, then title, then path.
    pub playbooks: Vec<Playbook>,
}

impl Site {
    pub fn new(customers: Vec<Customer>, playbooks: Vec<Playbook>) -> Self {
        Site::shared(customers.into_iter().map(Arc::new).collect(), playbooks)
    }

    /// [`Site::new`] with records that others hold too.
    pub fn shared(mut customers: Vec<Arc<Customer>>, mut playbooks: Vec<Playbook>) -> Self {
        customers.sort_by(|a, b| a.site_order().cmp(&b.site_order()));
        playbooks.sort_by(|a, b| {
            (a.order.unwrap_or(i64::MAX), &a.title, &a.source.path).cmp(&(
                b.order.unwrap_or(i64::MAX),
                &b.title,
                &b.source.path,
            ))
        });
        Site {
            customers,
            playbooks,
        }
    }
}
