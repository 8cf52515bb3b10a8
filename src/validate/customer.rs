//! Customer records: decoding (domain.md §1) and the rules within one record.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::decode::{Ctx, Map};
use crate::diagnostics::Code;
use crate::model::*;
use crate::yaml::{Node, Pos};

const FIELDS: &[&str] = &[
    "id",
    "name",
    "stage",
    "owner",
    "since",
    "kind",
    "region",
    "city",
    "industry",
    "address",
    "phone",
    "website",
    "legal_rep",
    "size",
    "organization",
    "style",
    "trend",
    "position",
    "employees",
    "capital",
    "tags",
    "contacts",
    "qualification",
    "sales",
    "credit",
    "payments",
    "financials",
    "satisfaction",
    "complaints",
    "visits",
    "churn",
];
const CONTACT: &[&str] = &["name", "title", "role", "phone", "email", "note"];
const QUALIFICATION: &[&str] = &["money", "authority", "need"];
const SALES: &[&str] = &["year", "revenue", "target", "gross_profit"];
const CREDIT: &[&str] = &["five_c", "limit", "warnings"];
const FIVE_C: &[&str] = &[
    "character",
    "capacity",
    "capital",
    "collateral",
    "conditions",
];
const PAYMENT: &[&str] = &["invoice", "due", "paid", "amount"];
const FINANCIALS: &[&str] = &[
    "as_of",
    "current_assets",
    "current_liabilities",
    "inventory",
    "total_assets",
    "total_liabilities",
];
const SURVEY: &[&str] = &["date", "product", "service", "price", "image"];
const COMPLAINT: &[&str] = &["opened", "closed", "category", "severity", "summary"];
const VISIT: &[&str] = &["date", "by", "kind", "note"];
const CHURN: &[&str] = &["date", "reason", "note"];

const ID_HELP: &str =
    "an id starts with a letter or digit and uses only letters, digits, `-` and `_`";

/// What decoding one customer file gave: the record when every required field is usable, and
/// its id with the id's position whenever the id itself could be read, so that the rules across
/// files (duplicate ids) also run on records that have errors of their own.
pub(crate) struct Decoded {
    pub customer: Option<Customer>,
    pub id: Option<(String, Pos)>,
}

/// Decodes a customer, reporting every problem in `ctx`.
pub(crate) fn decode(
    ctx: &mut Ctx<'_>,
    root: &Node,
    source: Source,
    body: &str,
    body_line: u32,
) -> Decoded {
    let Some(map) = ctx.map(root, "", FIELDS) else {
        return Decoded {
            customer: None,
            id: None,
        };
    };
    let id = decode_id(ctx, &map);
    Decoded {
        customer: decode_record(ctx, &map, id.clone(), source, body, body_line),
        id: id.map(|id| (id, map.pos_of("id"))),
    }
}

/// The record of a customer whose front matter is a mapping; `None` when a required field is
/// unusable.
fn decode_record(
    ctx: &mut Ctx<'_>,
    map: &Map<'_>,
    id: Option<String>,
    source: Source,
    body: &str,
    body_line: u32,
) -> Option<Customer> {
    let name = ctx.required_text(map, "name");
    let stage = required_choice::<Stage>(ctx, map, "stage");
    let owner = ctx.required_text(map, "owner");
    let since = ctx.date(map, "since");
    let kind = ctx.choice(map, "kind").unwrap_or(Kind::EndCustomer);
    let profile = decode_profile(ctx, map);
    let tags = text_list(ctx, map, "tags");
    let contacts = decode_contacts(ctx, map);
    let qualification = map
        .get("qualification")
        .and_then(|n| decode_qualification(ctx, n));
    let sales = decode_sales(ctx, map);
    let credit = map.get("credit").and_then(|n| decode_credit(ctx, n));
    let payments = decode_payments(ctx, map);
    let financials = map
        .get("financials")
        .and_then(|n| decode_financials(ctx, n));
    let satisfaction = decode_surveys(ctx, map);
    let complaints = decode_complaints(ctx, map);
    let visits = decode_visits(ctx, map);
    let churn = map.get("churn").and_then(|n| decode_churn(ctx, n));

    if let Some(stage) = stage {
        check_stage_rules(ctx, map, stage, since, churn.as_ref());
    }
    check_dates(ctx, map, since, churn.as_ref());
    let customer = Customer {
        source,
        id: id?,
        name: name?,
        stage: stage?,
        owner: owner?,
        since,
        kind,
        profile,
        tags,
        contacts,
        qualification,
        sales: sales.into_iter().map(|(_, row)| row).collect(),
        credit,
        payments,
        financials,
        satisfaction,
        complaints,
        visits,
        churn,
        body: body.to_string(),
        body_line,
    };
    Some(customer)
}

fn decode_id(ctx: &mut Ctx<'_>, map: &Map<'_>) -> Option<String> {
    let node = ctx.required(map, "id")?;
    let id = ctx.text_node(node, "id")?;
    if !is_valid_id(&id) {
        ctx.report(
            Code::InvalidId,
            node.pos,
            "id",
            format!("id \"{id}\" is not a valid id"),
            Some(ID_HELP.into()),
        );
        return None;
    }
    Some(id)
}

/// `^[A-Za-z0-9][A-Za-z0-9_-]*$`
pub fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `^[^@\s]+@[^@\s]+\.[^@\s]+$`: one `@`, no spaces, a dot inside the domain.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let clean = |s: &str| !s.is_empty() && !s.contains('@') && !s.chars().any(char::is_whitespace);
    clean(local)
        && clean(domain)
        && domain
            .char_indices()
            .any(|(i, c)| c == '.' && i > 0 && i + 1 < domain.len())
}

fn required_choice<T: Vocabulary>(ctx: &mut Ctx<'_>, map: &Map<'_>, key: &str) -> Option<T> {
    let node = map.get(key);
    if node.is_none() {
        ctx.missing(map, key, Some(format!("one of: {}", T::choices())));
    }
    ctx.choice_node(node?, &map.path_of(key))
}

fn decode_profile(ctx: &mut Ctx<'_>, map: &Map<'_>) -> Profile {
    Profile {
        region: ctx.text(map, "region"),
        city: ctx.text(map, "city"),
        industry: ctx.text(map, "industry"),
        address: ctx.text(map, "address"),
        phone: ctx.text(map, "phone"),
        website: ctx.text(map, "website"),
        legal_rep: ctx.text(map, "legal_rep"),
        size: ctx.choice(map, "size"),
        organization: ctx.choice(map, "organization"),
        style: ctx.choice(map, "style"),
        trend: ctx.choice(map, "trend"),
        position: ctx.choice(map, "position"),
        employees: ctx.int(map, "employees", 0, i64::MAX).map(|n| n as u64),
        capital: ctx.amount(map, "capital", 0.0, false),
    }
}

pub(crate) fn text_list(ctx: &mut Ctx<'_>, map: &Map<'_>, key: &str) -> Vec<String> {
    ctx.list(map, key)
        .into_iter()
        .filter_map(|(path, node)| ctx.text_node(node, &path))
        .collect()
}

fn decode_contacts(ctx: &mut Ctx<'_>, map: &Map<'_>) -> Vec<Contact> {
    ctx.list(map, "contacts")
        .into_iter()
        .filter_map(|(path, node)| {
            let c = ctx.map(node, &path, CONTACT)?;
            let email = ctx.text(&c, "email");
            if let Some(address) = &email
                && !is_valid_email(address)
            {
                let field = c.path_of("email");
                ctx.report(
                    Code::InvalidEmail,
                    c.pos_of("email"),
                    &field,
                    format!("{field} \"{address}\" does not look like an email address"),
                    Some("an address looks like name@example.com".into()),
                );
            }
            Some(Contact {
                name: ctx.required_text(&c, "name")?,
                title: ctx.text(&c, "title"),
                role: ctx.choice(&c, "role"),
                phone: ctx.text(&c, "phone"),
                email: email.filter(|e| is_valid_email(e)),
                note: ctx.text(&c, "note"),
            })
        })
        .collect()
}

fn decode_qualification(ctx: &mut Ctx<'_>, node: &Node) -> Option<Qualification> {
    let q = ctx.map(node, "qualification", QUALIFICATION)?;
    Some(Qualification {
        money: ctx.boolean(&q, "money"),
        authority: ctx.boolean(&q, "authority"),
        need: ctx.boolean(&q, "need"),
    })
}

/// Sales rows with the position of each row's year, for the rules between rows and dates.
fn decode_sales(ctx: &mut Ctx<'_>, map: &Map<'_>) -> Vec<(Pos, SalesYear)> {
    let mut rows: Vec<(Pos, SalesYear)> = Vec::new();
    let mut seen: BTreeMap<i64, String> = BTreeMap::new();
    for (path, node) in ctx.list(map, "sales") {
        let Some(row) = ctx.map(node, &path, SALES) else {
            continue;
        };
        let year = ctx
            .required(&row, "year")
            .and_then(|n| ctx.int_node(n, &row.path_of("year"), 1900, 2100));
        let revenue = ctx
            .required(&row, "revenue")
            .and_then(|n| ctx.amount_node(n, &row.path_of("revenue"), 0.0, false));
        let target = ctx.amount(&row, "target", 0.0, false);
        let gross_profit = ctx.amount(&row, "gross_profit", f64::NEG_INFINITY, false);
        if let Some(year) = year {
            if let Some(first) = seen.get(&year) {
                let field = row.path_of("year");
                ctx.report(
                    Code::DuplicateYear,
                    row.pos_of("year"),
                    &field,
                    format!("sales year {year} appears twice (also in {first})"),
                    Some("merge the two rows into one".into()),
                );
                continue;
            }
            seen.insert(year, path.clone());
        }
        if let (Some(revenue), Some(gp)) = (revenue, gross_profit)
            && gp > revenue
        {
            let field = row.path_of("gross_profit");
            ctx.report(
                Code::ProfitAboveRevenue,
                row.pos_of("gross_profit"),
                &field,
                format!("{field} ({gp}) is larger than revenue ({revenue})"),
                Some("check the figures: gross profit is revenue less cost of sales".into()),
            );
        }
        if let (Some(year), Some(revenue)) = (year, revenue) {
            let row_value = SalesYear {
                year: year as i32,
                revenue,
                target,
                gross_profit,
            };
            rows.push((row.pos_of("year"), row_value));
        }
    }
    rows
}

fn decode_credit(ctx: &mut Ctx<'_>, node: &Node) -> Option<Credit> {
    let c = ctx.map(node, "credit", CREDIT)?;
    let five_c = c.get("five_c").and_then(|n| decode_five_c(ctx, n));
    let warnings = ctx
        .list(&c, "warnings")
        .into_iter()
        .filter_map(|(path, n)| ctx.choice_node::<Warning>(n, &path))
        .collect();
    Some(Credit {
        five_c,
        limit: ctx.amount(&c, "limit", 0.0, false),
        warnings,
    })
}

fn decode_five_c(ctx: &mut Ctx<'_>, node: &Node) -> Option<FiveC> {
    let m = ctx.map(node, "credit.five_c", FIVE_C)?;
    let mut score = |key: &str| {
        let n = ctx.required(&m, key)?;
        ctx.int_node(n, &m.path_of(key), 1, 5).map(|v| v as u8)
    };
    let (character, capacity, capital, collateral, conditions) = (
        score("character"),
        score("capacity"),
        score("capital"),
        score("collateral"),
        score("conditions"),
    );
    Some(FiveC {
        character: character?,
        capacity: capacity?,
        capital: capital?,
        collateral: collateral?,
        conditions: conditions?,
    })
}

fn decode_payments(ctx: &mut Ctx<'_>, map: &Map<'_>) -> Vec<Payment> {
    let mut invoices: BTreeMap<String, String> = BTreeMap::new();
    let mut payments = Vec::new();
    for (path, node) in ctx.list(map, "payments") {
        let Some(p) = ctx.map(node, &path, PAYMENT) else {
            continue;
        };
        let invoice = ctx.text(&p, "invoice");
        if let Some(invoice) = &invoice {
            if let Some(first) = invoices.get(invoice) {
                let field = p.path_of("invoice");
                ctx.report(
                    Code::DuplicateInvoice,
                    p.pos_of("invoice"),
                    &field,
                    format!("invoice \"{invoice}\" appears twice (also in {first})"),
                    Some("each payment row is one invoice; merge or renumber them".into()),
                );
            } else {
                invoices.insert(invoice.clone(), path.clone());
            }
        }
        let due = ctx.required_date(&p, "due");
        let paid = ctx.date(&p, "paid");
        let amount = ctx
            .required(&p, "amount")
            .and_then(|n| ctx.amount_node(n, &p.path_of("amount"), 0.0, true));
        if let (Some(due), Some(amount)) = (due, amount) {
            payments.push(Payment {
                invoice,
                due,
                paid,
                amount,
            });
        }
    }
    payments
}

fn decode_financials(ctx: &mut Ctx<'_>, node: &Node) -> Option<Financials> {
    let f = ctx.map(node, "financials", FINANCIALS)?;
    let mut amount = |key: &str| ctx.amount(&f, key, 0.0, false);
    let (current_assets, current_liabilities, inventory, total_assets, total_liabilities) = (
        amount("current_assets"),
        amount("current_liabilities"),
        amount("inventory"),
        amount("total_assets"),
        amount("total_liabilities"),
    );
    Some(Financials {
        as_of: ctx.date(&f, "as_of"),
        current_assets,
        current_liabilities,
        inventory,
        total_assets,
        total_liabilities,
    })
}

fn decode_surveys(ctx: &mut Ctx<'_>, map: &Map<'_>) -> Vec<Survey> {
    let mut dates: BTreeMap<Date, String> = BTreeMap::new();
    let mut surveys = Vec::new();
    for (path, node) in ctx.list(map, "satisfaction") {
        let Some(s) = ctx.map(node, &path, SURVEY) else {
            continue;
        };
        let date = ctx.required_date(&s, "date");
        let mut score = |key: &str| {
            let n = ctx.required(&s, key)?;
            ctx.int_node(n, &s.path_of(key), 1, 5).map(|v| v as u8)
        };
        let (product, service, price, image) = (
            score("product"),
            score("service"),
            score("price"),
            score("image"),
        );
        if let Some(date) = date {
            if let Some(first) = dates.get(&date) {
                let field = s.path_of("date");
                ctx.report(
                    Code::DuplicateSurvey,
                    s.pos_of("date"),
                    &field,
                    format!("two satisfaction surveys on {date} (also {first})"),
                    Some("keep one survey per date".into()),
                );
                continue;
            }
            dates.insert(date, path.clone());
        }
        if let (Some(date), Some(product), Some(service), Some(price), Some(image)) =
            (date, product, service, price, image)
        {
            surveys.push(Survey {
                date,
                product,
                service,
                price,
                image,
            });
        }
    }
    surveys
}

fn decode_complaints(ctx: &mut Ctx<'_>, map: &Map<'_>) -> Vec<Complaint> {
    let mut complaints = Vec::new();
    for (path, node) in ctx.list(map, "complaints") {
        let Some(c) = ctx.map(node, &path, COMPLAINT) else {
            continue;
        };
        let opened = ctx.required_date(&c, "opened");
        let closed = ctx.date(&c, "closed");
        if let (Some(opened), Some(closed)) = (opened, closed)
            && closed < opened
        {
            let field = c.path_of("closed");
            ctx.report(
                Code::ClosedBeforeOpened,
                c.pos_of("closed"),
                &field,
                format!("{field} {closed} is before the complaint was opened ({opened})"),
                Some("a complaint closes on or after the day it is opened".into()),
            );
        }
        let category = ctx.choice(&c, "category");
        let severity = ctx.choice(&c, "severity");
        let summary = ctx.text(&c, "summary");
        if let Some(opened) = opened {
            complaints.push(Complaint {
                opened,
                closed,
                category,
                severity,
                summary,
            });
        }
    }
    complaints
}

fn decode_visits(ctx: &mut Ctx<'_>, map: &Map<'_>) -> Vec<Visit> {
    ctx.list(map, "visits")
        .into_iter()
        .filter_map(|(path, node)| {
            let v = ctx.map(node, &path, VISIT)?;
            let date = ctx.required_date(&v, "date");
            let by = ctx.text(&v, "by");
            let kind = ctx.choice(&v, "kind");
            let note = ctx.text(&v, "note");
            Some(Visit {
                date: date?,
                by,
                kind,
                note,
            })
        })
        .collect()
}

fn decode_churn(ctx: &mut Ctx<'_>, node: &Node) -> Option<Churn> {
    let c = ctx.map(node, "churn", CHURN)?;
    let date = ctx.required_date(&c, "date");
    let reason = required_choice::<ChurnReason>(ctx, &c, "reason");
    let note = ctx.text(&c, "note");
    Some(Churn {
        date: date?,
        reason: reason?,
        note,
    })
}

/// Rules that tie the stage to other fields.
fn check_stage_rules(
    ctx: &mut Ctx<'_>,
    map: &Map<'_>,
    stage: Stage,
    since: Option<Date>,
    churn: Option<&Churn>,
) {
    if !stage.is_customer() {
        for key in ["sales", "payments", "churn"] {
            if map.has(key) {
                ctx.report(
                    Code::NotYetCustomer,
                    map.pos_of(key),
                    key,
                    format!("a {stage} record cannot have `{key}`: it is not a customer yet"),
                    Some("set `stage: active` (with `since`) once the first deal is made".into()),
                );
            }
        }
    }
    if stage.is_customer() && since.is_none() && !map.has("since") {
        ctx.report(
            Code::MissingSince,
            map.pos_of("stage"),
            "since",
            format!("an {stage} customer needs `since`, the date of the first deal"),
            Some("add e.g. `since: 2021-04-01`".into()),
        );
    }
    let churn_given = map.has("churn");
    if stage == Stage::Lost && !churn_given {
        ctx.report(
            Code::ChurnMismatch,
            map.pos_of("stage"),
            "churn",
            "a lost customer needs `churn` with its date and reason".into(),
            Some(format!(
                "add churn: {{date: YYYY-MM-DD, reason: one of {}}}",
                ChurnReason::choices()
            )),
        );
    }
    if stage != Stage::Lost && churn_given && stage.is_customer() {
        ctx.report(
            Code::ChurnMismatch,
            map.pos_of("churn"),
            "churn",
            format!("`churn` is only for lost customers, but stage is {stage}"),
            Some("set `stage: lost`, or remove `churn`".into()),
        );
    }
    let _ = churn;
}

/// Dates that must be ordered: churn on or after since, sales years within since..churn.
fn check_dates(ctx: &mut Ctx<'_>, map: &Map<'_>, since: Option<Date>, churn: Option<&Churn>) {
    if let (Some(since), Some(churn)) = (since, churn)
        && churn.date < since
    {
        ctx.report(
            Code::ChurnBeforeSince,
            churn_date_pos(map),
            "churn.date",
            format!("churn.date {} is before since ({since})", churn.date),
            Some("a customer is lost on or after its first deal".into()),
        );
    }
    let Some(sales) = map.get("sales") else {
        return;
    };
    let crate::yaml::Value::Seq(rows) = &sales.value else {
        return;
    };
    for (i, row) in rows.iter().enumerate() {
        let Some((year, pos)) = sales_year(row) else {
            continue;
        };
        let field = format!("sales[{i}].year");
        if let Some(since) = since
            && year < i64::from(since.year())
        {
            ctx.report(
                Code::SalesBeforeSince,
                pos,
                &field,
                format!("sales year {year} is before the first deal ({since})"),
                Some("check the year, or move `since` earlier".into()),
            );
        }
        if let Some(churn) = churn
            && year > i64::from(churn.date.year())
        {
            ctx.report(
                Code::SalesAfterChurn,
                pos,
                &field,
                format!(
                    "sales year {year} is after the customer was lost ({})",
                    churn.date
                ),
                Some("check the year, or the churn date".into()),
            );
        }
    }
}

fn sales_year(row: &Node) -> Option<(i64, Pos)> {
    let crate::yaml::Value::Map(entries) = &row.value else {
        return None;
    };
    let year = entries.iter().find(|e| e.key == "year")?;
    match year.value.value {
        crate::yaml::Value::Int(y) => Some((y, year.value.pos)),
        _ => None,
    }
}

fn churn_date_pos(map: &Map<'_>) -> Pos {
    let Some(churn) = map.get("churn") else {
        return map.pos;
    };
    match &churn.value {
        crate::yaml::Value::Map(entries) => entries
            .iter()
            .find(|e| e.key == "date")
            .map_or(churn.pos, |e| e.value.pos),
        _ => churn.pos,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(is_valid_id("KH-001"));
        assert!(is_valid_id("a_b-9"));
        assert!(!is_valid_id("-KH"));
        assert!(!is_valid_id("KH 1"));
        assert!(!is_valid_id("客户1"));
        assert!(!is_valid_id(""));
    }

    #[test]
    fn emails() {
        for good in ["wang.lei@example.com", "a@b.c", "a@b.c.d", "李@公司.中国"] {
            assert!(is_valid_email(good), "{good}");
        }
        for bad in [
            "a@b", "a@@b.c", "a b@c.d", "@b.c", "a@.c", "a@b.", "a@b .c", "",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }
}
