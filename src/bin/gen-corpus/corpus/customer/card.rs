//! The 客户资料卡: identity, stage, owner, profile and tags, and the facts of the customer the
//! later sections build on.

use jiff::civil::Date;

use super::super::emit::{Fields, Value};
use super::super::rng::Rng;
use super::super::words::*;
use super::super::{Owners, YEAR, chinese_name, random_date};

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum StageKind {
    Prospect,
    Qualified,
    Active,
    Lost,
}

/// What the other sections need to know about the customer.
pub(crate) struct Facts {
    pub(crate) number: usize,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) path: String,
    pub(crate) city: &'static str,
    pub(crate) industry: &'static Industry,
    pub(crate) overseas: bool,
    pub(crate) domain: String,
    pub(crate) owner: String,
    pub(crate) stage: StageKind,
    pub(crate) is_customer: bool,
    pub(crate) kind: &'static str,
    pub(crate) size: &'static str,
    /// Revenue of the first sales year, in yuan.
    pub(crate) scale: f64,
    pub(crate) first_year: i16,
    /// The last sales year: the churn year of lost customers, else [`YEAR`].
    pub(crate) churn_year: i16,
    pub(crate) since: Option<Date>,
    pub(crate) legal_rep: String,
}

/// The card's fields (`id` to `tags`) and the facts.
pub(crate) fn generate(rng: &mut Rng, index: usize, owners: &Owners) -> (Fields, Facts) {
    let number = index + 1;
    let id = format!("KH-{number:06}");

    let region_index = weighted(rng, REGION_WEIGHTS);
    let region = &REGIONS[region_index];
    let overseas = region.slug == "overseas";
    let (city, city_slug, province) = *rng.pick(region.cities);
    let industry = rng.pick(INDUSTRIES);
    let (brand, brand_slug) = *rng.pick(BRANDS);
    let (name, organization) = company_name(rng, overseas, city, brand, industry);
    let slug_brand = if overseas {
        name.split(' ').next().unwrap_or("co").to_ascii_lowercase()
    } else {
        brand_slug.to_string()
    };
    let path = format!(
        "{}/{city_slug}-{slug_brand}-{}-{number:06}.md",
        region.slug, industry.slug
    );
    let domain = format!("{slug_brand}-{}.example.com", industry.slug);
    let owner = rng.pick(&owners.by_region[region_index]).clone();

    let stage = match rng.below(100) {
        0..=9 => StageKind::Prospect,
        10..=17 => StageKind::Qualified,
        18..=29 => StageKind::Lost,
        _ => StageKind::Active,
    };
    let is_customer = matches!(stage, StageKind::Active | StageKind::Lost);
    let size = *rng.pick(&["small", "medium", "medium", "large"]);
    let employees: i64 = match size {
        "small" => rng.range(15, 150),
        "medium" => rng.range(150, 800),
        _ => rng.range(800, 5000),
    };
    let scale = match size {
        "small" => 300_000.0 + rng.unit() * 1_500_000.0,
        "medium" => 1_500_000.0 + rng.unit() * 8_000_000.0,
        _ => 8_000_000.0 + rng.unit() * 40_000_000.0,
    };

    // Years: active customers have 3–6 sales years ending in YEAR; lost ones end at churn.
    let years = rng.range(3, 6) as i16;
    let churn_year = if stage == StageKind::Lost {
        rng.range(i64::from(YEAR) - 3, i64::from(YEAR)) as i16
    } else {
        YEAR
    };
    let first_year = churn_year - years + 1;
    let since = is_customer.then(|| random_date(rng, first_year));
    let kind = if rng.chance(0.25) {
        "distributor"
    } else {
        "end_customer"
    };

    let mut fields: Fields = vec![
        ("id", Value::token(&id)),
        ("name", Value::text(&name)),
        ("stage", Value::token(stage_word(stage))),
        ("owner", Value::text(&owner)),
        ("since", since.map_or(Value::Absent, Value::token)),
        ("kind", Value::token(kind)),
        ("region", Value::text(region.name)),
        ("city", Value::text(city)),
        ("industry", Value::text(industry.name)),
    ];
    let address = (!overseas).then(|| {
        format!(
            "{province}{}{}{}号",
            rng.pick(DISTRICTS),
            rng.pick(ROADS),
            rng.range(1, 2999)
        )
    });
    fields.push(("address", address.map_or(Value::Absent, Value::Text)));
    fields.push(("phone", Value::Text(phone(rng, overseas))));
    let website = rng
        .chance(0.4)
        .then(|| Value::text(format!("https://www.{domain}")));
    fields.push(("website", website.unwrap_or(Value::Absent)));
    let legal_rep = if overseas {
        format!("{} {}", rng.pick(EN_FIRST), rng.pick(EN_LAST))
    } else {
        chinese_name(rng)
    };
    if !overseas {
        fields.push(("legal_rep", Value::text(&legal_rep)));
    }
    fields.push(("size", Value::token(size)));
    fields.push(("organization", Value::token(organization)));
    if rng.chance(0.7) {
        let style = *rng.pick(&[
            "proactive",
            "conservative",
            "steady",
            "erratic",
            "speculative",
        ]);
        let trend = *rng.pick(&["booming", "growing", "stable", "declining", "uncertain"]);
        let position = *rng.pick(&["leader", "influential", "follower", "other"]);
        fields.push(("style", Value::token(style)));
        fields.push(("trend", Value::token(trend)));
        fields.push(("position", Value::token(position)));
    }
    fields.push(("employees", Value::token(employees)));
    let capital = rng
        .chance(0.6)
        .then(|| Value::token((employees * rng.range(50, 400)) * 1000));
    fields.push(("capital", capital.unwrap_or(Value::Absent)));
    let tags = tags(rng, kind);
    if !tags.is_empty() {
        fields.push((
            "tags",
            Value::List(tags.into_iter().map(Value::text).collect()),
        ));
    }

    let facts = Facts {
        number,
        id,
        name,
        path,
        city,
        industry,
        overseas,
        domain,
        owner,
        stage,
        is_customer,
        kind,
        size,
        scale,
        first_year,
        churn_year,
        since,
        legal_rep,
    };
    (fields, facts)
}

/// 杭州华东医药商业有限公司, or Atlas Pharma Trading GmbH overseas; and its legal form.
fn company_name(
    rng: &mut Rng,
    overseas: bool,
    city: &str,
    brand: &str,
    industry: &Industry,
) -> (String, &'static str) {
    if overseas {
        let prefix = rng.pick(EN_PREFIXES);
        let second = rng.pick(EN_SECOND);
        let suffix = rng.pick(EN_SUFFIXES);
        let org = if *suffix == "S.A." || *suffix == "AS" {
            "joint_stock"
        } else {
            "limited"
        };
        (
            format!("{prefix} {} {second} {suffix}", industry.english),
            org,
        )
    } else {
        let phrase = rng.pick(industry.phrases);
        let (suffix, org) = *rng.pick(LEGAL_SUFFIXES);
        (format!("{city}{brand}{phrase}{suffix}"), org)
    }
}

fn stage_word(stage: StageKind) -> &'static str {
    match stage {
        StageKind::Prospect => "prospect",
        StageKind::Qualified => "qualified",
        StageKind::Active => "active",
        StageKind::Lost => "lost",
    }
}

fn tags(rng: &mut Rng, kind: &str) -> Vec<&'static str> {
    let mut tags = Vec::new();
    for _ in 0..rng.below(4) {
        let tag = *rng.pick(TAGS);
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if kind == "distributor" && !tags.contains(&"经销商") {
        tags.push("经销商");
    }
    tags
}

fn weighted(rng: &mut Rng, weights: &[usize]) -> usize {
    let total: usize = weights.iter().sum();
    let mut x = rng.below(total);
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

pub(crate) fn phone(rng: &mut Rng, overseas: bool) -> String {
    if overseas {
        format!(
            "+{} {} {}",
            rng.range(30, 99),
            rng.range(100, 999),
            rng.range(100_000, 999_999)
        )
    } else if rng.chance(0.3) {
        format!("13{}", rng.range(100_000_000, 999_999_999))
    } else {
        format!(
            "0{}-{}",
            rng.range(10, 999),
            rng.range(20_000_000, 89_999_999)
        )
    }
}
