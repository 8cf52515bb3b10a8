//! Terse builders for hand-made model values in the analytics tests.

use jiff::civil::Date;

use crate::config::SiteConfig;
use crate::model::*;

pub fn date(text: &str) -> Date {
    text.parse().expect("a valid test date")
}

/// An active end customer since 2020-01-01, owned by "王", with nothing else.
pub fn customer(id: &str) -> CustomerBuilder {
    CustomerBuilder(Customer {
        source: Source {
            path: format!("content/customers/{id}.md"),
            slug: id.to_string(),
            absolute: Default::default(),
        },
        id: id.to_string(),
        name: format!("{id} 公司"),
        stage: Stage::Active,
        owner: "王".to_string(),
        since: Some(date("2020-01-01")),
        kind: Kind::EndCustomer,
        profile: Profile::default(),
        tags: Vec::new(),
        contacts: Vec::new(),
        qualification: None,
        sales: Vec::new(),
        credit: None,
        payments: Vec::new(),
        financials: None,
        satisfaction: Vec::new(),
        complaints: Vec::new(),
        visits: Vec::new(),
        churn: None,
        body: String::new(),
        body_line: 1,
    })
}

pub struct CustomerBuilder(Customer);

impl CustomerBuilder {
    pub fn build(self) -> Customer {
        self.0
    }

    pub fn stage(mut self, stage: Stage) -> Self {
        self.0.stage = stage;
        if !stage.is_customer() {
            self.0.since = None;
        }
        self
    }

    pub fn owner(mut self, owner: &str) -> Self {
        self.0.owner = owner.to_string();
        self
    }

    pub fn region(mut self, region: &str) -> Self {
        self.0.profile.region = Some(region.to_string());
        self
    }

    pub fn kind(mut self, kind: Kind) -> Self {
        self.0.kind = kind;
        self
    }

    pub fn since(mut self, since: &str) -> Self {
        self.0.since = Some(date(since));
        self
    }

    pub fn tags(mut self, tags: &[&str]) -> Self {
        self.0.tags = tags.iter().map(|t| t.to_string()).collect();
        self
    }

    /// A sales row with revenue only.
    pub fn sale(self, year: i32, revenue: f64) -> Self {
        self.sales_row(year, revenue, None, None)
    }

    pub fn sales_row(
        mut self,
        year: i32,
        revenue: f64,
        target: Option<f64>,
        gross_profit: Option<f64>,
    ) -> Self {
        self.0.sales.push(SalesYear {
            year,
            revenue,
            target,
            gross_profit,
        });
        self
    }

    /// Scores in the order character, capacity, capital, collateral, conditions.
    pub fn five_c(mut self, s: [u8; 5]) -> Self {
        self.credit_mut().five_c = Some(FiveC {
            character: s[0],
            capacity: s[1],
            capital: s[2],
            collateral: s[3],
            conditions: s[4],
        });
        self
    }

    pub fn warnings(mut self, warnings: &[Warning]) -> Self {
        self.credit_mut().warnings = warnings.to_vec();
        self
    }

    pub fn limit(mut self, limit: f64) -> Self {
        self.credit_mut().limit = Some(limit);
        self
    }

    fn credit_mut(&mut self) -> &mut Credit {
        self.0.credit.get_or_insert(Credit {
            five_c: None,
            limit: None,
            warnings: Vec::new(),
        })
    }

    pub fn payment(mut self, due: &str, paid: Option<&str>, amount: f64) -> Self {
        let n = self.0.payments.len() + 1;
        self.0.payments.push(Payment {
            invoice: Some(format!("INV-{n}")),
            due: date(due),
            paid: paid.map(date),
            amount,
        });
        self
    }

    pub fn financials(mut self, f: Financials) -> Self {
        self.0.financials = Some(f);
        self
    }

    /// Scores in the order product, service, price, image.
    pub fn survey(mut self, on: &str, s: [u8; 4]) -> Self {
        self.0.satisfaction.push(Survey {
            date: date(on),
            product: s[0],
            service: s[1],
            price: s[2],
            image: s[3],
        });
        self
    }

    pub fn complaint(
        self,
        opened: &str,
        closed: Option<&str>,
        severity: Option<ComplaintSeverity>,
    ) -> Self {
        self.complaint_in(opened, closed, severity, None)
    }

    pub fn complaint_in(
        mut self,
        opened: &str,
        closed: Option<&str>,
        severity: Option<ComplaintSeverity>,
        category: Option<ComplaintCategory>,
    ) -> Self {
        self.0.complaints.push(Complaint {
            opened: date(opened),
            closed: closed.map(date),
            category,
            severity,
            summary: Some("投诉".to_string()),
        });
        self
    }

    pub fn visit(mut self, on: &str) -> Self {
        self.0.visits.push(Visit {
            date: date(on),
            by: Some("王".to_string()),
            kind: Some(VisitKind::Visit),
            note: None,
        });
        self
    }

    /// Marks the record lost on `on` for `reason`.
    pub fn churn(mut self, on: &str, reason: ChurnReason) -> Self {
        self.0.stage = Stage::Lost;
        self.0.churn = Some(Churn {
            date: date(on),
            reason,
            note: None,
        });
        self
    }

    pub fn man(mut self, money: Option<bool>, authority: Option<bool>, need: Option<bool>) -> Self {
        self.0.qualification = Some(Qualification {
            money,
            authority,
            need,
        });
        self
    }
}

pub fn site(customers: Vec<Customer>) -> Site {
    Site::new(customers, Vec::new())
}

/// The default configuration with the given reporting year.
pub fn config_for(year: Option<i32>) -> SiteConfig {
    SiteConfig {
        year,
        ..SiteConfig::default()
    }
}

pub fn playbook(slug: &str, applies_to: Option<Selector>) -> Playbook {
    Playbook {
        source: Source {
            path: format!("content/playbooks/{slug}.md"),
            slug: slug.to_string(),
            absolute: Default::default(),
        },
        title: slug.to_string(),
        summary: None,
        order: None,
        applies_to,
        body: String::new(),
        body_line: 1,
    }
}
