//! Whole-site tests of [`analyse`]: the parts working together, order independence, the
//! export against its schema.

use proptest::prelude::*;

use super::testing::*;
use super::*;
use crate::model::{
    ChurnReason, ComplaintSeverity, Grade, GradeFilter, Playbook, Selector, Warning,
};

/// A small site touching every metric. Y = 2025, as of 2025-12-31.
fn sample_customers() -> Vec<Customer> {
    vec![
        customer("KH-9")
            .region("华东")
            .since("2021-03-01")
            .sales_row(2024, 400.0, None, Some(80.0))
            .sales_row(2025, 500.0, Some(400.0), Some(100.0))
            .five_c([5, 5, 5, 5, 5])
            .warnings(&[Warning::OrderDrop])
            .payment("2025-06-01", Some("2025-07-15"), 100.0)
            .limit(1000.0)
            .survey("2025-05-01", [5, 5, 4, 4])
            .visit("2025-12-15")
            .tags(&["重点"])
            .build(),
        customer("KH-10")
            .region("华南")
            .owner("李")
            .since("2022-01-01")
            .sales_row(2025, 300.0, Some(300.0), Some(-30.0))
            .five_c([1, 1, 1, 1, 1])
            .complaint("2025-11-01", None, Some(ComplaintSeverity::High))
            .survey("2025-02-01", [2, 2, 2, 2])
            .build(),
        customer("KH-11")
            .since("2020-05-01")
            .sales_row(2024, 200.0, None, Some(50.0))
            .churn("2025-04-01", ChurnReason::Price)
            .build(),
        customer("KH-12")
            .stage(Stage::Prospect)
            .man(Some(true), None, Some(true))
            .build(),
        customer("KH-13")
            .since("2025-05-01")
            .sales_row(2025, 200.0, None, None)
            .visit("2025-01-01")
            .build(),
    ]
}

fn sample_playbooks() -> Vec<Playbook> {
    vec![
        playbook(
            "collections",
            Some(Selector {
                stages: Some(vec![Stage::Active]),
                credit_class: Some(vec![crate::model::Class::C]),
                ..Default::default()
            }),
        ),
        playbook(
            "key-accounts",
            Some(Selector {
                abc: Some(vec![crate::model::Class::A]),
                tags: Some(vec!["重点".to_string()]),
                ..Default::default()
            }),
        ),
        playbook(
            "unrated",
            Some(Selector {
                grades: Some(vec![GradeFilter::Unrated]),
                stages: Some(vec![Stage::Active]),
                ..Default::default()
            }),
        ),
        playbook("general", None),
        playbook(
            "nothing",
            Some(Selector {
                stages: Some(vec![]),
                ..Default::default()
            }),
        ),
    ]
}

fn sample() -> Analytics {
    let site = Site::new(sample_customers(), sample_playbooks());
    analyse(&site, &config_for(Some(2025)), None).unwrap()
}

#[test]
fn the_parts_fit_together() {
    let a = sample();
    assert_eq!(a.period.as_of, date("2025-12-31"));
    let ids: Vec<&str> = a.customers.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["KH-10", "KH-11", "KH-12", "KH-13", "KH-9"]);

    // Rankings by revenue: KH-9 500, KH-10 300, KH-13 200 (KH-11 is lost).
    let revenue: Vec<&str> = a
        .rankings
        .site
        .revenue
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(revenue, ["KH-9", "KH-10", "KH-13"]);
    // ABC over 1000: KH-9 c0 = 0 → A; KH-10 c1 = 0.5 → A; KH-13 c2 = 0.8 → B.
    let kh9 = a.customer("KH-9").unwrap();
    assert_eq!(kh9.abc.as_ref().unwrap().class, crate::model::Class::A);
    assert_eq!(
        a.customer("KH-13").unwrap().abc.as_ref().unwrap().class,
        crate::model::Class::B
    );

    // KH-9: 100 points → AAA; purchasing warning → AA; payment 44 days late (06-01 → 07-15):
    // D = 44 > 30 → A.
    let rating = kh9.credit.rating.as_ref().unwrap();
    assert_eq!((rating.base, rating.grade), (Grade::Aaa, Grade::A));
    assert_eq!(kh9.credit.payment_delay.as_ref().unwrap().days, 44.0);
    assert_eq!(a.customer("KH-10").unwrap().credit.grade(), Some(Grade::C));

    // Retention 2025: S = {KH-9, KH-10, KH-11} = 3, N = 1 (KH-13), L = 1 (KH-11).
    // cohort = 2/3; material's rate = (E − N)/S = (3 − 1)/3 = 2/3 too.
    let y = a.retention.years.last().unwrap();
    assert_eq!((y.year, y.start, y.new, y.lost, y.end), (2025, 3, 1, 1, 3));
    assert_eq!(a.retention.years.first().unwrap().year, 2020);
    // r = 2/3; d = 0.1. KH-9: m = (100 + 80)/2 = 90 → CLV = 90·1.1/(1.1 − 2/3) = 99/0.4333… = 228.46…
    let r = 2.0 / 3.0;
    let clv9 = kh9.clv.as_ref().unwrap();
    assert!((clv9.value - 90.0 * 1.1 / (1.1 - r)).abs() < 1e-9);
    // KH-10: m = −30 → CLV negative, still counted in equity.
    let clv10 = a.customer("KH-10").unwrap().clv.as_ref().unwrap().value;
    assert!((a.clv.customer_equity - (clv9.value + clv10)).abs() < 1e-9);
    // KH-11 lost 2025: win-back m = 50 (2024 row) → CLV = 55/(1.1 − r); value lost the same.
    assert_eq!(a.clv.win_back.len(), 1);
    assert!((y.value_lost - 55.0 / (1.1 - r)).abs() < 1e-9);
    assert_eq!(y.revenue_lost, 200.0);

    // Satisfaction: KH-9 4.6, KH-10 2.0 → site CSI 3.3 → fairly satisfied.
    assert!((a.satisfaction.csi.unwrap() - 3.3).abs() < 1e-12);
    assert_eq!(a.satisfaction.level, Some(Level::FairlySatisfied));

    // MAN: KH-12 has no authority letter.
    assert_eq!(
        a.customer("KH-12").unwrap().man.as_ref().unwrap().code,
        ManCode::NotYetQualified
    );

    // Complaints: KH-10 has an open high complaint → alert.
    assert_eq!(a.complaints.alerts[0].id, "KH-10");

    // Visits: KH-9 (A, 30 days) visited 16 days ago → fine; KH-10 never → overdue;
    // KH-13 (B, 90 days) 364 days ago → overdue by 274.
    assert!(!kh9.visits.as_ref().unwrap().overdue);
    assert_eq!(a.visits.overdue, 2);
    let kh13 = a.customer("KH-13").unwrap().visits.as_ref().unwrap();
    assert_eq!((kh13.interval_days, kh13.days_overdue), (90, Some(274)));

    // Playbooks both ways.
    assert_eq!(kh9.playbooks, ["key-accounts"]);
    assert_eq!(a.customer("KH-10").unwrap().playbooks, ["collections"]);
    assert_eq!(a.customer("KH-13").unwrap().playbooks, ["unrated"]);
    let reverse: Vec<(&str, Vec<&str>)> = a
        .playbooks
        .iter()
        .map(|p| {
            (
                p.slug.as_str(),
                p.customers.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        reverse,
        [
            ("collections", vec!["KH-10"]),
            ("general", vec![]),
            ("key-accounts", vec!["KH-9"]),
            ("nothing", vec![]),
            ("unrated", vec!["KH-13"]),
        ]
    );
}

#[test]
fn as_of_override_reads_everything_earlier() {
    // As of 2025-03-31: KH-11 not yet lost, KH-13 not yet a customer, KH-9's payment not due.
    let site = Site::new(sample_customers(), sample_playbooks());
    let a = analyse(&site, &config_for(Some(2025)), Some(date("2025-03-31"))).unwrap();
    assert_eq!(a.customer("KH-11").unwrap().stage, Stage::Active);
    assert_eq!(a.customer("KH-13").unwrap().stage, Stage::Qualified);
    assert!(a.customer("KH-9").unwrap().credit.payment_delay.is_none());
    assert_eq!(a.customer("KH-9").unwrap().credit.outstanding, 100.0);
    let y = a.retention.years.last().unwrap();
    assert_eq!((y.start, y.new, y.lost), (3, 0, 0));
    // KH-9's survey (2025-05-01) is later: only KH-10's counts.
    assert_eq!(a.satisfaction.csi, Some(2.0));
}

#[test]
fn no_reporting_year_is_an_error() {
    let site = Site::new(vec![customer("P").stage(Stage::Prospect).build()], vec![]);
    assert_eq!(
        analyse(&site, &config_for(None), None),
        Err(AnalyticsError::NoReportingYear)
    );
}

fn schema() -> serde_json::Value {
    serde_json::from_str(include_str!("../../docs/metrics.schema.json")).expect("schema is JSON")
}

fn schema_errors(document: &serde_json::Value) -> Vec<String> {
    let validator = jsonschema::draft202012::new(&schema()).expect("schema compiles");
    validator
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

#[test]
fn the_export_is_valid_against_its_schema() {
    jsonschema::draft202012::meta::validate(&schema()).expect("a valid 2020-12 schema");
    let document: serde_json::Value = serde_json::from_str(&metrics_json(&sample())).unwrap();
    assert_eq!(schema_errors(&document), Vec::<String>::new());
    // An empty site (all nulls and empty lists) is valid too.
    let empty = analyse(&Site::default(), &config_for(Some(2025)), None).unwrap();
    let document = serde_json::to_value(metrics_document(&empty)).unwrap();
    assert_eq!(schema_errors(&document), Vec::<String>::new());
}

#[test]
fn the_schema_rejects_a_broken_export() {
    let mut document = serde_json::to_value(metrics_document(&sample())).unwrap();
    document["customers"][0]["grade"] = serde_json::json!("Z");
    document["customers"][1]
        .as_object_mut()
        .unwrap()
        .remove("clv");
    document["year"] = serde_json::json!("2025");
    assert_eq!(schema_errors(&document).len(), 3);
}

#[test]
fn the_export_has_the_keys_of_domain_section_9() {
    let document = serde_json::to_value(metrics_document(&sample())).unwrap();
    for key in [
        "year",
        "as_of",
        "customers",
        "rankings",
        "abc",
        "retention",
        "churn_reasons",
        "customer_equity",
        "win_back",
        "satisfaction",
    ] {
        assert!(document.get(key).is_some(), "{key}");
    }
    let kh9 = &document["customers"][4];
    assert_eq!(kh9["id"], "KH-9");
    assert_eq!(kh9["grade"], "A");
    assert_eq!(kh9["grade_nine"], "A");
    assert_eq!(kh9["credit_points"], 100.0);
    assert_eq!(kh9["achievement"], 1.25);
    assert_eq!(kh9["growth"], 0.25);
    let prospect = &document["customers"][2];
    assert_eq!(prospect["man"], "not_yet_qualified");
    assert!(prospect["clv"].is_null() && prospect["visit_overdue"].is_null());
    assert_eq!(prospect["grade"], "unrated");
    assert_eq!(
        document["rankings"]["revenue"],
        serde_json::json!(["KH-9", "KH-10", "KH-13"])
    );
    assert_eq!(document["as_of"], "2025-12-31");
}

/// A varied set of customers from small numbers, with distinct ids.
fn varied(rows: &[(u8, u8, u8, bool)]) -> Vec<Customer> {
    rows.iter()
        .enumerate()
        .map(|(i, (revenue, score, month, lost))| {
            let mut b = customer(&format!("KH-{i}"))
                .owner(if i % 2 == 0 { "王" } else { "李" })
                .since(&format!("202{}-{:02}-01", i % 5, month % 12 + 1))
                .sales_row(
                    2024,
                    f64::from(*revenue) * 0.7,
                    None,
                    Some(f64::from(*score)),
                )
                .sales_row(
                    2025,
                    f64::from(*revenue),
                    Some(50.0),
                    Some(f64::from(*score) - 2.0),
                )
                .five_c([score % 5 + 1; 5])
                .survey("2025-03-01", [score % 5 + 1, 3, 4, month % 5 + 1])
                .payment(
                    "2025-05-01",
                    Some(&format!("2025-{:02}-10", month % 7 + 5)),
                    10.0,
                )
                .visit(&format!("2025-{:02}-15", month % 12 + 1));
            if i % 3 == 0 {
                b = b.region("华东");
            }
            if *lost {
                b = b.churn("2025-08-01", ChurnReason::ALL[i % 6]);
            }
            b.build()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn metrics_are_the_same_when_customers_are_shuffled(
        (rows, order) in prop::collection::vec((0u8..100, 0u8..20, 0u8..12, any::<bool>()), 1..15)
            .prop_flat_map(|rows| {
                let n = rows.len();
                (Just(rows), Just((0..n).collect::<Vec<_>>()).prop_shuffle())
            })
    ) {
        let customers = varied(&rows);
        let shuffled: Vec<Customer> = order.iter().map(|i| customers[*i].clone()).collect();
        let config = config_for(Some(2025));
        // Bypass Site::new's sorting: analyse must not depend on the order it is given.
        let shared = |list: Vec<Customer>| list.into_iter().map(std::sync::Arc::new).collect();
        let a = analyse(&Site { customers: shared(customers), playbooks: sample_playbooks() }, &config, None).unwrap();
        let b = analyse(&Site { customers: shared(shuffled), playbooks: sample_playbooks() }, &config, None).unwrap();
        prop_assert_eq!(metrics_json(&a), metrics_json(&b));
        prop_assert_eq!(a, b);
    }
}

/// 100,000 customers with every amount at the largest allowed (10^15) and payments of it as late
/// as the one-year window allows: the sums and products stay exact and positive.
#[test]
fn amounts_at_the_maximum_sum_exactly_over_100k_customers() {
    let max = crate::model::MAX_AMOUNT;
    let customers: Vec<Customer> = (0..100_000)
        .map(|i| {
            customer(&format!("KH-{i:06}"))
                .sales_row(2024, max, Some(max), Some(max))
                .sales_row(2025, max, Some(max), Some(max))
                .five_c([5, 5, 5, 5, 5])
                .limit(max)
                .payment("2025-01-01", Some("2025-12-31"), max)
                .payment("2025-06-01", None, max)
                .build()
        })
        .collect();
    let site = Site::new(customers, Vec::new());
    let a = analyse(&site, &config_for(Some(2025)), None).unwrap();
    // Σ revenue = 10^5 · 10^15 = 10^20, exactly representable.
    assert_eq!(a.abc.total_revenue, 1e20);
    let first = a.customer("KH-000000").unwrap();
    // m = (10^15 + 10^15) / 2; CLV = m · (1 + d) / (1 + d − r) > 0.
    let clv = first.clv.as_ref().unwrap();
    assert_eq!(clv.m.value, max);
    assert!(clv.value > max, "{}", clv.value);
    // 2025-01-01 → 2025-12-31 is 364 days late; 2025-06-01 → 2025-12-31 (unpaid) 213; equal
    // amounts: D is their mean.
    let delay = first.credit.payment_delay.as_ref().unwrap();
    assert_eq!(delay.days, (364.0 + 213.0) / 2.0);
    assert_eq!(first.credit.outstanding, max);
    assert_eq!(first.credit.limit_use, Some(1.0));
    // D = 288.5 exceeds both delay thresholds (30, 90): AAA two notches down.
    let rating = first.credit.rating.as_ref().unwrap();
    assert_eq!((rating.base, rating.grade), (Grade::Aaa, Grade::A));
}

/// Amounts far beyond the maximum never reach the analytics from a file (E029), but records
/// built in code may carry them: sums saturate instead of wrapping to a negative number.
#[test]
fn amounts_beyond_the_maximum_do_not_wrap() {
    let huge = 1e34;
    let c = customer("KH-1")
        .sales_row(2023, huge, None, Some(huge))
        .sales_row(2024, huge, None, Some(huge))
        .sales_row(2025, huge, None, Some(huge))
        .five_c([5, 5, 5, 5, 5])
        .payment("2025-01-01", Some("2025-03-01"), 1e35)
        .payment("2025-02-01", None, 1e35)
        .build();
    let site = Site::new(vec![c], Vec::new());
    let a = analyse(&site, &config_for(Some(2025)), None).unwrap();
    let m = a.customer("KH-1").unwrap();
    assert!(m.clv.as_ref().unwrap().value > 0.0);
    assert!(m.credit.payment_delay.as_ref().unwrap().days > 0.0);
    assert!(m.credit.outstanding > 0.0);
}

/// What happens to one customer between two versions in [`incremental_analysis_equals_a_full_one`].
#[derive(Clone, Debug)]
enum Edit {
    Keep,
    /// A new record with the same content (a file saved again, a note edited).
    Touch,
    Change((u8, u8, u8, bool)),
    Remove,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => Just(Edit::Keep),
        1 => Just(Edit::Touch),
        2 => (0u8..100, 0u8..20, 0u8..12, any::<bool>()).prop_map(Edit::Change),
        1 => Just(Edit::Remove),
    ]
}

/// The versions before and after `edits` (one per row, then `added` rows), sharing the
/// records of the rows kept, as the change history's versions do.
fn versions(
    rows: &[(u8, u8, u8, bool)],
    edits: &[Edit],
    added: &[(u8, u8, u8, bool)],
) -> (Vec<std::sync::Arc<Customer>>, Vec<std::sync::Arc<Customer>>) {
    let before: Vec<std::sync::Arc<Customer>> =
        varied(rows).into_iter().map(std::sync::Arc::new).collect();
    let mut after_rows = rows.to_vec();
    for (row, edit) in after_rows.iter_mut().zip(edits) {
        if let Edit::Change(new) = edit {
            *row = *new;
        }
    }
    after_rows.extend_from_slice(added);
    let fresh = varied(&after_rows);
    let mut after = Vec::new();
    for (i, record) in fresh.into_iter().enumerate() {
        match edits.get(i) {
            Some(Edit::Keep) => after.push(before[i].clone()),
            Some(Edit::Remove) => {}
            _ => after.push(std::sync::Arc::new(record)),
        }
    }
    (before, after)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn incremental_analysis_equals_a_full_one(
        (rows, edits) in prop::collection::vec((0u8..100, 0u8..20, 0u8..12, any::<bool>()), 1..15)
            .prop_flat_map(|rows| {
                let n = rows.len();
                (Just(rows), prop::collection::vec(edit(), n))
            }),
        added in prop::collection::vec((0u8..100, 0u8..20, 0u8..12, any::<bool>()), 0..3),
        fewer_playbooks in any::<bool>(),
    ) {
        let (before, after) = versions(&rows, &edits, &added);
        let config = config_for(Some(2025));
        let mut playbooks = sample_playbooks();
        let old = Site::shared(before, playbooks.clone());
        if fewer_playbooks {
            playbooks.remove(1);
        }
        let new = Site::shared(after, playbooks);
        let old_analytics = analyse(&old, &config, None).unwrap();
        let previous = Previous { site: &old, config: &config, analytics: &old_analytics };
        let incremental = analyse_after(previous, &new, &config, None).unwrap();
        prop_assert_eq!(&incremental, &analyse(&new, &config, None).unwrap());
        // And back, from an analysis that was itself incremental.
        let previous = Previous { site: &new, config: &config, analytics: &incremental };
        prop_assert_eq!(analyse_after(previous, &old, &config, None).unwrap(), old_analytics);
    }
}

/// The reuse is real: an unchanged record's metrics come from the previous analysis (a marked
/// copy shows through), a changed record's are computed; the rankings are kept while no
/// revenue moves and computed again when one does.
#[test]
fn an_incremental_analysis_takes_what_did_not_change() {
    let rows = [(50, 3, 2, false), (70, 5, 4, false), (30, 8, 6, false)];
    let config = config_for(Some(2025));
    let mut other = config.clone();
    other.retention.discount_rate = 0.2;
    // The analysis after `edits`, from a previous one analysed with `config`, every customer's
    // name and the first revenue place marked, and said to be of `previous_config`; and the
    // full analysis of the same version.
    let after_marked = |edits: &[Edit], previous_config: &SiteConfig| {
        let (before, after) = versions(&rows, edits, &[]);
        let old = Site::shared(before, sample_playbooks());
        let new = Site::shared(after, sample_playbooks());
        let mut marked = analyse(&old, &config, None).unwrap();
        for m in &mut marked.customers {
            let m = Arc::make_mut(m);
            m.name = format!("marked {}", m.id);
        }
        Arc::make_mut(&mut marked.rankings).site.revenue[0].value = -1.0;
        let previous = Previous {
            site: &old,
            config: previous_config,
            analytics: &marked,
        };
        (
            analyse_after(previous, &new, &config, None).unwrap(),
            analyse(&new, &config, None).unwrap(),
        )
    };

    // KH-1 saved again with the same content: nothing the rankings read moved.
    let (a, _) = after_marked(&[Edit::Keep, Edit::Touch, Edit::Keep], &config);
    let names: Vec<&str> = a.customers.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["marked KH-0", "KH-1 公司", "marked KH-2"]);
    assert_eq!(a.rankings.site.revenue[0].value, -1.0);

    // KH-2's revenue changed: the rankings are computed again.
    let revenue_moved = [Edit::Keep, Edit::Keep, Edit::Change((90, 8, 6, false))];
    let (a, _) = after_marked(&revenue_moved, &config);
    assert_eq!(a.rankings.site.revenue[0].id, "KH-2");
    assert_eq!(a.rankings.site.revenue[0].value, 90.0);
    assert_eq!(a.customers[0].name, "marked KH-0");

    // Other settings: nothing is taken.
    let (a, full) = after_marked(&revenue_moved, &other);
    assert_eq!(a, full);
}
