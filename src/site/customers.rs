//! The customer index and one dossier per customer (客户资料卡 and everything the analytics
//! say about the customer).

use rayon::prelude::*;
use serde_json::{Value, json};

use super::context::{Ctx, Entry, IndexRow, Taxonomy, grade_order, object};
use crate::analytics::rankings::sales_metrics;
use crate::analytics::satisfaction::survey_fixed;
use crate::analytics::time::{closed_as_of, days_between};
use crate::analytics::{ClvBasis, Level, Notch, PaymentLine, RateSource};
use crate::audience::Group;
use crate::model::{Role, Stage};
use crate::render::markdown;
use crate::render::{RenderError, charts};
use crate::write::Files;

/// `customers/`: every customer in one table that sorts and filters with JavaScript.
/// In the preview it is keyed by the fingerprints of every customer's row and its filters,
/// before its rows are built.
pub(super) fn index(ctx: &Ctx) -> Result<Files, RenderError> {
    let filters = filters(ctx);
    let taxonomies = super::taxonomy::taxonomy_links(ctx);
    let entries: Vec<&Entry> = ctx.customers.iter().collect();
    // A page shows its own rows and the list's length: a save re-renders the page of the
    // saved record, not the whole list.
    let list_inputs =
        crate::render::memo::fingerprint(&("customers", entries.len(), &filters, &taxonomies));
    for page in super::lists::pages("customers", &entries) {
        let html = ctx.r.render_shared_with_inputs(
            "customers.html",
            super::lists::page_inputs(ctx, list_inputs, &page),
            || {
                let rows: Vec<IndexRow> = page.rows.iter().map(|e| ctx.index_row(e)).collect();
                json!({
                    "page": ctx.page(ctx.t("customers"), "customers"),
                    "customers": rows,
                    "list": super::lists::list_context(ctx, "customers", &page, entries.len(), ""),
                    "filters": filters,
                    "taxonomies": taxonomies,
                })
            },
        )?;
        ctx.emit(&page.path, html);
    }
    Ok(Files::new())
}

/// The choices of the index's filter controls: `{column, label, options: [{value, label}]}`;
/// the options of the selects whose values are their labels are left to dossier.js.
fn filters(ctx: &Ctx) -> Value {
    let stages: Vec<Value> = Stage::ALL
        .iter()
        .map(|s| json!({"value": s.as_str(), "label": ctx.label(*s)}))
        .collect();
    let grades: Vec<Value> = grade_order(ctx.a)
        .iter()
        .map(|g| json!({"value": g, "label": ctx.grade_label(g)}))
        .collect();
    let abc: Vec<Value> = ["A", "B", "C"]
        .iter()
        .map(|c| json!({"value": c, "label": c}))
        .collect();
    let mut filters = vec![
        json!({"column": "stage", "label": ctx.t("stage"), "all": ctx.t("all_stages"), "options": stages}),
    ];
    if ctx.shows(Group::Credit) {
        filters.push(json!({"column": "grade", "label": ctx.t("grade"), "all": ctx.t("all_grades"), "options": grades}));
    }
    if ctx.shows(Group::Sales) {
        filters.push(json!({"column": "abc", "label": ctx.t("abc"), "all": ctx.t("all_classes"), "options": abc}));
    }
    // Regions and owners have no options of their own: they are written as they are (value and
    // label alike) and grow with the site (800 owners at 100k, on each of 1,000 pages), so
    // dossier.js offers the values of the rows file, as the report tables do with theirs.
    filters.push(json!({"column": "region", "label": ctx.t("region"), "all": ctx.t("all_regions"), "options": []}));
    filters.push(json!({"column": "owner", "label": ctx.t("owner"), "all": ctx.t("all_owners"), "options": []}));
    Value::Array(filters)
}

/// One dossier per customer, in parallel, each handed over as soon as it is rendered.
pub(super) fn dossiers(ctx: &Ctx) -> Result<Files, RenderError> {
    ctx.customers.par_iter().try_for_each(|e| {
        let html = ctx
            .r
            .render_shared_built_with_inputs("customer.html", ctx.inputs(e), || {
                dossier(ctx, e).into_context()
            })?;
        ctx.emit(&crate::render::urls::customer_page(&e.c.source.slug), html);
        Ok::<_, RenderError>(())
    })?;
    Ok(Files::new())
}

/// The dossiers of the customer records at `paths` (`Source::path`), rendered through the
/// memo like [`dossiers`] renders them, so the full build that follows reuses them.
pub(super) fn dossiers_of(ctx: &Ctx, paths: &[String]) -> Result<Files, RenderError> {
    ctx.customers
        .iter()
        .filter(|e| paths.binary_search(&e.c.source.path).is_ok())
        .map(|e| {
            let html =
                ctx.r
                    .render_built_with_inputs("customer.html", dossier_inputs(ctx, e), || {
                        dossier(ctx, e).into_context()
                    })?;
            let page = crate::render::urls::customer_page(&e.c.source.slug);
            Ok((crate::render::urls::page_file(&page), html.into_bytes()))
        })
        .collect()
}

/// A fingerprint of everything [`dossier`] reads besides the theme, the configuration and the
/// `build` global (as-of date, year), which the renderer adds to every key: the record, its
/// metrics (rankings, ABC share, credit and the rest, recomputed site-wide each build), its
/// URL, the pages of its owner, region, industry, tags, stage and grade (slugs can change when
/// another record adds a clashing term), its site-wide ranks, the size of the ABC analysis, the
/// playbooks that apply to it and its history. The preview re-renders a dossier only when
/// this changes, without building its context (Markdown body, charts) to find out.
pub(super) fn dossier_inputs(ctx: &Ctx, e: &Entry) -> u64 {
    dossier_inputs_with(ctx, e, dossier_own_inputs(e))
}

/// The record's own part of [`dossier_inputs`]: the record, its metrics but for the ABC
/// placement, and its URL. The costly part to hash, and one that a save of another record
/// does not change (a revenue saved anywhere moves every ABC share, hence the placement is
/// left out): the preview keeps it for records it already hashed.
pub(super) fn dossier_own_inputs(e: &Entry) -> u64 {
    let metrics = crate::analytics::CustomerMetrics {
        abc: None,
        ..e.m.clone()
    };
    crate::render::memo::fingerprint(&(e.c, metrics, &e.url))
}

/// [`dossier_inputs`] from the record's own part (see [`dossier_own_inputs`]).
pub(super) fn dossier_inputs_with(ctx: &Ctx, e: &Entry, own: u64) -> u64 {
    let (c, m) = (e.c, e.m);
    // The term pages' addresses as keys (not formatted: this runs for every dossier at every
    // save), each in its place: owner, stage, grade, region, industry, then the tags.
    let mut terms: Vec<Option<&str>> = vec![
        ctx.term_key(Taxonomy::Owner, &c.owner),
        ctx.term_key(Taxonomy::Stage, m.stage.as_str()),
        ctx.term_key(Taxonomy::Grade, &m.credit.display),
    ];
    for (t, term) in [
        (Taxonomy::Region, &c.profile.region),
        (Taxonomy::Industry, &c.profile.industry),
    ] {
        terms.push(term.as_deref().and_then(|v| ctx.term_key(t, v)));
    }
    terms.extend(c.tags.iter().map(|t| ctx.term_key(Taxonomy::Tag, t)));
    let playbooks: Vec<(&str, &str, Option<&str>)> = m
        .playbooks
        .iter()
        .filter_map(|slug| ctx.site.playbooks.iter().find(|p| &p.source.slug == slug))
        .map(|p| {
            (
                p.source.slug.as_str(),
                p.title.as_str(),
                p.summary.as_deref(),
            )
        })
        .collect();
    // ABC shares are fractions of the site's total revenue: any revenue saved anywhere moves
    // every one of them a little. The dossier shows them rounded, so its key holds them as
    // shown (as the context below builds them), and a save elsewhere that leaves them looking
    // the same does not render the page again.
    let abc_shown = m.abc.as_ref().map(|x| {
        (
            x.class,
            x.rank,
            ctx.share(x.cumulative_share - x.cumulative_share_before),
            ctx.share(x.cumulative_share_before),
            ctx.share(x.cumulative_share),
        )
    });
    crate::render::memo::fingerprint(&(
        own,
        abc_shown,
        terms,
        ctx.ranks(&c.id),
        ctx.a.abc.customers.len(),
        playbooks,
        ctx.history.get(&c.source.path),
        // A commit's id stands for its digest: the whole digest is not keyed again per page.
        ctx.history
            .recent
            .timeline(&c.id)
            .iter()
            .map(|(commit, entry)| (&commit.commit, *entry))
            .collect::<Vec<_>>(),
    ))
}

/// The order of the decision chain; contacts without a role come last.
fn role_rank(role: Option<Role>) -> usize {
    role.and_then(|r| Role::ALL.iter().position(|x| *x == r))
        .unwrap_or(Role::ALL.len())
}

/// The dossier's values are built as tera's own values (see [`object!`]).
type TValue = tera::Value;

/// `{code, label}` of a vocabulary value.
fn coded<L: super::context::Labelled>(ctx: &Ctx, value: L) -> TValue {
    object! {"code" => value.code(), "label" => ctx.label(value)}
}

/// `{iso, text}` of a date, for `<time datetime="{{ d.iso }}">{{ d.text }}</time>`.
fn date(ctx: &Ctx, d: jiff::civil::Date) -> TValue {
    object! {"iso" => d.to_string(), "text" => crate::render::format::date(d, ctx.lang)}
}

fn opt_date(ctx: &Ctx, d: Option<jiff::civil::Date>) -> TValue {
    d.map_or_else(TValue::none, |d| date(ctx, d))
}

fn page(title: &str, section: &'static str) -> TValue {
    object! {"title" => title, "section" => section}
}

/// The context of `customer.html`.
fn dossier<'a>(ctx: &Ctx, e: &Entry<'a>) -> Dossier<'a> {
    let (c, m) = (e.c, e.m);
    let lang = ctx.lang;
    let as_of = ctx.a.as_of();

    // 客户资料卡: every profile field that is given, labelled from the translations.
    let p = &c.profile;
    let mut profile: Vec<TValue> = Vec::new();
    let mut fact = |key: &str, value: String, url: Option<String>| {
        profile
            .push(object! {"key" => key, "label" => ctx.t(key_label(key)), "value" => value, "url" => url});
    };
    fact(
        "owner",
        c.owner.clone(),
        ctx.term_url(Taxonomy::Owner, &c.owner),
    );
    if let Some(since) = c.since {
        fact("since", crate::render::format::date(since, lang), None);
    }
    fact("kind", ctx.label(c.kind), None);
    if let Some(v) = &p.region {
        fact("region", v.clone(), ctx.term_url(Taxonomy::Region, v));
    }
    if let Some(v) = &p.city {
        fact("city", v.clone(), None);
    }
    if let Some(v) = &p.industry {
        fact("industry", v.clone(), ctx.term_url(Taxonomy::Industry, v));
    }
    if let Some(v) = &p.address {
        fact("address", v.clone(), None);
    }
    if let Some(v) = &p.phone {
        fact("phone", v.clone(), None);
    }
    if let Some(v) = &p.website {
        // Only web addresses become links: a `javascript:` URL stays text.
        let lower = v.to_ascii_lowercase();
        let url =
            (lower.starts_with("https://") || lower.starts_with("http://")).then(|| v.clone());
        fact("website", v.clone(), url);
    }
    if let Some(v) = &p.legal_rep {
        fact("legal_rep", v.clone(), None);
    }
    if let Some(v) = p.size {
        fact("size", ctx.label(v), None);
    }
    if let Some(v) = p.organization {
        fact("organization", ctx.label(v), None);
    }
    if let Some(v) = p.style {
        fact("style", ctx.label(v), None);
    }
    if let Some(v) = p.trend {
        fact("trend", ctx.label(v), None);
    }
    if let Some(v) = p.position {
        fact("position", ctx.label(v), None);
    }
    if let Some(v) = p.employees {
        fact("employees", ctx.number(v as f64, 0), None);
    }
    if let Some(v) = p.capital {
        fact("capital", ctx.money(v), None);
    }

    // Contacts as a decision chain: approver → decision maker → supporter → influencer → user
    // → other → no role; the order of the record within a role.
    let mut contacts: Vec<&crate::model::Contact> = c.contacts.iter().collect();
    contacts.sort_by_key(|p| role_rank(p.role));
    let contacts: Vec<TValue> = contacts
        .into_iter()
        .map(|p| {
            object! {"name" => p.name.as_str(), "title" => p.title.as_deref(),
                "role" => p.role.map(|r| coded(ctx, r)), "phone" => p.phone.as_deref(), "email" => p.email.as_deref(),
                "note" => p.note.as_deref()}
        })
        .collect();

    let tags: Vec<TValue> = c
        .tags
        .iter()
        .map(|t| object! {"name" => t.as_str(), "url" => ctx.term_url(Taxonomy::Tag, t)})
        .collect();

    let values = object! {
        "page" => page(&c.name, "customers"),
        "breadcrumb" => breadcrumb(ctx, e),
        "stage" => object! {
            "code" => m.stage.as_str(), "label" => ctx.label(m.stage),
            "url" => ctx.term_url(Taxonomy::Stage, m.stage.as_str()),
            "record" => m.record_stage.as_str(), "record_label" => ctx.label(m.record_stage),
            "changed" => m.stage != m.record_stage,
        },
        "tags" => tags,
        "profile" => profile,
        "since_display" => c.since.map(|d| crate::render::format::date(d, lang)),
        "contacts" => contacts,
        "sales" => sales(ctx, e),
        "abc" => m.abc.as_ref().map(|x| object! {
            "class" => x.class.as_str(), "rank" => x.rank,
            "share" => ctx.share(x.cumulative_share - x.cumulative_share_before),
            "cumulative_before" => ctx.share(x.cumulative_share_before),
            "cumulative" => ctx.share(x.cumulative_share),
            "customers" => ctx.a.abc.customers.len(),
            "url" => ctx.url("rankings") + "#abc",
        }),
        "credit" => credit(ctx, e),
        "financials" => financials(ctx, e),
        "satisfaction" => satisfaction(ctx, e),
        "complaints" => complaints(ctx, e),
        "visits" => visits(ctx, e),
        "clv" => m.clv.as_ref().map(|v| object! {
            "win_back" => matches!(v.basis, ClvBasis::WinBack { .. }),
            "churn_year" => match v.basis { ClvBasis::WinBack { churn_year } => Some(churn_year), ClvBasis::Active => None },
            "value" => ctx.money(v.value),
            "m" => ctx.money(v.m.value),
            "m_rows" => v.m.years.iter().zip(&v.m.gross_profits)
                .map(|(y, gp)| object! {"year" => *y, "gross_profit" => ctx.money(*gp)})
                .collect::<Vec<_>>(),
            "r" => ctx.percent(v.r),
            "r_year" => match v.r_source { RateSource::CohortRetention { year } => Some(year), RateSource::Default => None },
            "d" => ctx.percent(v.d),
            "url" => ctx.url("retention") + if matches!(v.basis, ClvBasis::WinBack { .. }) { "#win-back" } else { "#clv" },
        }),
        "churn" => c.churn.as_ref().filter(|_| m.churn.is_some()).map(|ch| {
            let loss = m.churn.as_ref();
            object! {
                "date" => date(ctx, ch.date),
                "reason" => coded(ctx, ch.reason),
                "note" => ch.note.as_deref(),
                "sales_year" => loss.and_then(|l| l.sales_year),
                "revenue_lost" => loss.map(|l| ctx.money(l.revenue_lost)),
                "gross_profit_lost" => loss.map(|l| ctx.money(l.gross_profit_lost)),
            }
        }),
        "man" => m.man.as_ref().map(|v| object! {
            "code" => v.code.as_str(), "label" => ctx.label(v.code), "letters" => v.letters.as_str(),
            "missing" => v.missing.iter().map(|l| ctx.t(man_letter_key(*l))).collect::<Vec<_>>(),
            "url" => ctx.url("prospects"),
        }),
        "playbooks" => m.playbooks.iter().filter_map(|slug| {
            ctx.site.playbooks.iter().find(|p| &p.source.slug == slug).map(|p| object! {
                "title" => p.title.as_str(), "summary" => p.summary.as_deref(),
                "url" => ctx.url(&crate::render::urls::playbook_page(slug)),
            })
        }).collect::<Vec<_>>(),
        "charts" => object! {
            "sales" => sales_chart(ctx, e),
            "radar" => radar_chart(ctx, e),
            "satisfaction" => satisfaction_chart(ctx, e),
        },
        "body" => markdown::render(&c.source.path, &c.body, &ctx.md).html,
        "history" => ctx.history.get(&c.source.path).map(|h| object! {
            "last_changed" => h.last_changed.to_string(),
            "last_changed_display" => crate::render::format::date(h.last_changed, lang),
            "last_author" => h.last_author.as_str(), "changes" => h.changes,
        }),
        "timeline" => super::changes::timeline(ctx, e).map(|t| TValue::from_serializable(&t)),
        "edit_url" => ctx.config.edit_url.as_ref().map(|u| u.replace("{path}", &c.source.path)),
        "as_of" => date(ctx, as_of),
    };
    Dossier {
        customer: c,
        values,
    }
}

/// The context of `customer.html`: the record, serialised straight from the model when the
/// page is rendered (not copied into a JSON tree first), and the values prepared for it, which
/// are tera's values already and go into the context as they are.
struct Dossier<'a> {
    customer: &'a crate::model::Customer,
    values: TValue,
}

impl Dossier<'_> {
    fn into_context(self) -> Result<tera::Context, RenderError> {
        let customer =
            TValue::try_from_serializable(self.customer).map_err(|e| RenderError::Render {
                template: "customer.html".to_string(),
                message: e.to_string(),
            })?;
        let mut context = tera::Context::new();
        context.insert_value("customer", customer);
        for (key, value) in self.values.into_map().into_iter().flatten() {
            // The keys are `object!`'s literals, borrowed for the whole program.
            match key {
                tera::value::Key::Str(key) => context.insert_value(key, value),
                other => context.insert_value(other.to_string(), value),
            }
        }
        Ok(context)
    }
}

/// The i18n key of a profile field's label.
fn key_label(key: &str) -> &str {
    key
}

fn man_letter_key(letter: crate::analytics::ManLetter) -> &'static str {
    match letter {
        crate::analytics::ManLetter::Money => "man_money",
        crate::analytics::ManLetter::Authority => "man_authority",
        crate::analytics::ManLetter::Need => "man_need",
    }
}

/// The sales table: every row with its achievement, growth and margin (the same definitions
/// as the rankings of Y), the Y figures from the analytics.
fn sales(ctx: &Ctx, e: &Entry) -> TValue {
    let (c, m) = (e.c, e.m);
    if c.sales.is_empty() {
        return TValue::none();
    }
    let year = ctx.a.year();
    let mut rows: Vec<&crate::model::SalesYear> = c.sales.iter().collect();
    rows.sort_by_key(|s| s.year);
    let decimals = sales_decimals(&rows);
    let amount = |v: f64| ctx.money_fixed(v, decimals);
    let rows: Vec<TValue> = rows
        .into_iter()
        .map(|s| {
            let f = if s.year == year {
                m.sales.clone()
            } else {
                sales_metrics(c, s.year)
            };
            let f = f.as_ref();
            object! {
                "year" => s.year,
                "current" => s.year == year,
                "revenue" => amount(s.revenue),
                "target" => s.target.map(amount),
                "achievement" => ctx.opt_percent(f.and_then(|f| f.achievement)),
                "growth" => ctx.opt_percent(f.and_then(|f| f.growth)),
                "gross_profit" => s.gross_profit.map(amount),
                "margin" => ctx.opt_percent(f.and_then(|f| f.margin)),
            }
        })
        .collect();
    let current = m.sales.as_ref().map(|s| {
        let ranks = ctx.ranks(&c.id);
        object! {
            "year" => s.year,
            "revenue" => ctx.money(s.revenue),
            "target" => ctx.opt_money(s.target),
            "previous_revenue" => ctx.opt_money(s.previous_revenue),
            "achievement" => ctx.opt_percent(s.achievement),
            "growth" => ctx.opt_percent(s.growth),
            "margin" => ctx.opt_percent(s.margin),
            "ranks" => object! {
                "revenue" => ranks[0], "achievement" => ranks[1],
                "growth" => ranks[2], "margin" => ranks[3],
            },
            "rankings_url" => ctx.url("rankings"),
        }
    });
    object! {"year" => year, "rows" => rows, "current" => current}
}

/// The way to a dossier: the customer list, then the owner's page (the region's when the site
/// has no owner pages), as `{name, url}`; the dossier itself is not in it.
fn breadcrumb(ctx: &Ctx, e: &Entry) -> Vec<TValue> {
    let customers = object! {"name" => ctx.t("nav_customers"), "url" => ctx.url("customers")};
    let owner = ctx
        .term_url(Taxonomy::Owner, &e.c.owner)
        .map(|url| object! {"name" => e.c.owner.as_str(), "url" => url});
    let region = || {
        let region = e.c.profile.region.as_deref()?;
        let url = ctx.term_url(Taxonomy::Region, region)?;
        Some(object! {"name" => region, "url" => url})
    };
    std::iter::once(customers)
        .chain(owner.or_else(region))
        .collect()
}

/// One number of decimals for every amount of the sales table (revenue, target, gross profit).
fn sales_decimals(rows: &[&crate::model::SalesYear]) -> usize {
    crate::render::format::money_decimals(
        rows.iter()
            .flat_map(|s| [Some(s.revenue), s.target, s.gross_profit])
            .flatten(),
    )
}

fn payment_line(ctx: &Ctx, p: &PaymentLine) -> TValue {
    object! {
        "invoice" => p.invoice.as_deref(), "due" => date(ctx, p.due), "paid" => opt_date(ctx, p.paid),
        "amount" => ctx.money(p.amount), "days_late" => p.days_late,
    }
}

/// The credit panel: grade with points and notches, warnings, limit, outstanding and the
/// payment delay with the payments it counts.
fn credit(ctx: &Ctx, e: &Entry) -> TValue {
    let cm = &e.m.credit;
    let weights = &ctx.config.credit.weights;
    let rating = cm.rating.as_ref().map(|r| {
        let scores = r.five_c.scores();
        let w = weights.as_array();
        let five_c: Vec<TValue> = FIVE_C
            .iter()
            .zip(scores)
            .zip(w)
            .map(|((key, score), weight)| {
                object! {"key" => *key, "label" => ctx.t(key), "score" => score, "weight" => ctx.percent(f64::from(weight) / 10_000.0)}
            })
            .collect();
        let notches: Vec<TValue> = r
            .notches
            .iter()
            .map(|n| match n {
                Notch::Warnings {
                    category,
                    warnings,
                } => object! {
                    "kind" => "warnings",
                    "category" => coded(ctx, *category),
                    "warnings" => warnings.iter().map(|w| coded(ctx, *w)).collect::<Vec<_>>(),
                },
                Notch::PaymentDelay {
                    threshold_days,
                    delay_days,
                } => object! {
                    "kind" => "payment_delay",
                    "threshold" => ctx.number(*threshold_days, 0),
                    "delay" => delay_days.map(|d| ctx.number(d, 1)),
                },
            })
            .collect();
        object! {
            "score" => ctx.number(r.weighted_score, 2),
            "points" => ctx.number(r.points, 1),
            "base" => r.base.as_str(),
            "grade" => r.grade.as_str(),
            "class" => r.class.as_str(),
            "notches" => notches,
            "floored" => r.floored,
            "five_c" => five_c,
        }
    });
    let warnings: Vec<TValue> = cm
        .warnings
        .iter()
        .map(|w| object! {"code" => w.as_str(), "label" => ctx.label(*w), "category" => coded(ctx, w.category())})
        .collect();
    let delay = cm.payment_delay.as_ref().map(|d| {
        object! {
            "days" => ctx.number(d.days, 1),
            "window_start" => date(ctx, d.window_start),
            "window_end" => date(ctx, d.window_end),
            "payments" => d.payments.iter().map(|p| payment_line(ctx, p)).collect::<Vec<_>>(),
        }
    });
    object! {
        "display" => cm.display.as_str(),
        "label" => ctx.grade_label(&cm.display),
        "url" => ctx.term_url(Taxonomy::Grade, &cm.display),
        "scale" => match ctx.config.credit.scale { crate::config::CreditScale::Nine => "nine", crate::config::CreditScale::Three => "three" },
        "rating" => rating,
        "warnings" => warnings,
        "limit" => ctx.opt_money(cm.limit),
        "outstanding" => ctx.money(cm.outstanding),
        "outstanding_payments" => cm.outstanding_payments.iter().map(|p| payment_line(ctx, p)).collect::<Vec<_>>(),
        "limit_use" => ctx.opt_percent(cm.limit_use),
        "over_limit" => cm.limit_use.is_some_and(|u| u > 1.0),
        "over_by" => ctx.opt_money(cm.over_limit),
        "delay" => delay,
        "delay_thresholds" => ctx.config.credit.delay_notches.iter().map(|t| ctx.number(*t, 0)).collect::<Vec<_>>(),
        "url_page" => ctx.url("credit"),
    }
}

const FIVE_C: [&str; 5] = [
    "five_c_character",
    "five_c_capacity",
    "five_c_capital",
    "five_c_collateral",
    "five_c_conditions",
];

/// Financial statements and the four ratios (sensitive group `financials`).
fn financials(ctx: &Ctx, e: &Entry) -> TValue {
    let Some(f) = e.c.financials else {
        return TValue::none();
    };
    let r = &e.m.credit.ratios;
    let items: Vec<TValue> = [
        ("current_assets", f.current_assets),
        ("current_liabilities", f.current_liabilities),
        ("inventory", f.inventory),
        ("total_assets", f.total_assets),
        ("total_liabilities", f.total_liabilities),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| object! {"label" => ctx.t(k), "value" => ctx.money(v)}))
    .collect();
    let ratio = |k: &str, v: Option<f64>| object! {"label" => ctx.t(k), "value" => v.map(|v| ctx.number(v, 2))};
    object! {
        "as_of" => opt_date(ctx, f.as_of),
        "items" => items,
        "ratios" => vec![
            ratio("ratio_current", r.current),
            ratio("ratio_quick", r.quick),
            ratio("ratio_debt", r.debt),
            ratio("ratio_equity", r.equity),
        ],
    }
}

/// The customer's surveys up to the as-of date, oldest first.
fn surveys_to_date<'a>(ctx: &Ctx, e: &Entry<'a>) -> Vec<&'a crate::model::Survey> {
    let as_of = ctx.a.as_of();
    let mut surveys: Vec<_> =
        e.c.satisfaction
            .iter()
            .filter(|s| s.date <= as_of)
            .collect();
    surveys.sort_by_key(|s| s.date);
    surveys
}

/// CSI with level and trend, and every survey up to the as-of date (oldest first).
fn satisfaction(ctx: &Ctx, e: &Entry) -> TValue {
    let weights = &ctx.config.satisfaction.weights;
    let surveys = surveys_to_date(ctx, e);
    if surveys.is_empty() {
        return TValue::none();
    }
    let rows: Vec<TValue> = surveys
        .iter()
        .map(|s| {
            let fixed = survey_fixed(s, weights);
            object! {
                "date" => date(ctx, s.date),
                "product" => s.product, "service" => s.service, "price" => s.price, "image" => s.image,
                "score" => ctx.number(fixed as f64 / 10_000.0, 2),
                "level" => coded(ctx, Level::of_fixed(fixed)),
            }
        })
        .collect();
    let csi = e.m.satisfaction.as_ref().map(|s| {
        object! {
            "score" => ctx.number(s.score, 2),
            "level" => coded(ctx, s.level),
            "date" => date(ctx, s.date),
            "trend" => s.trend.map(|t| format!("{}{}", if t > 0.0 { "+" } else { "" }, ctx.number(t, 2))),
            "trend_sign" => s.trend.map(|t| if t > 0.0 { "up" } else if t < 0.0 { "down" } else { "flat" }),
            "previous" => s.previous.as_ref().map(|p| object! {"date" => date(ctx, p.date), "score" => ctx.number(p.score, 2)}),
            "url" => ctx.url("satisfaction"),
        }
    });
    object! {"csi" => csi, "surveys" => rows}
}

/// Complaints opened up to the as-of date, newest first, open or closed as of that date.
fn complaints(ctx: &Ctx, e: &Entry) -> TValue {
    let as_of = ctx.a.as_of();
    let mut items: Vec<&crate::model::Complaint> =
        e.c.complaints
            .iter()
            .filter(|x| x.opened <= as_of)
            .collect();
    items.sort_by_key(|i| std::cmp::Reverse(i.opened));
    let items: Vec<TValue> = items
        .into_iter()
        .map(|x| {
            let closed = closed_as_of(x, as_of);
            object! {
                "opened" => date(ctx, x.opened),
                "closed" => opt_date(ctx, closed),
                "open" => closed.is_none(),
                "days" => days_between(x.opened, closed.unwrap_or(as_of)),
                "category" => x.category.map(|v| coded(ctx, v)),
                "severity" => x.severity.map(|v| coded(ctx, v)),
                "summary" => x.summary.as_deref(),
            }
        })
        .collect();
    object! {
        "total" => e.m.complaints.total,
        "open" => e.m.complaints.open,
        "open_high" => e.m.complaints.open_high,
        "items" => items,
        "url" => ctx.url("service") + "#open-complaints",
    }
}

/// Visits up to the as-of date (newest first) and the visit plan of an active customer.
fn visits(ctx: &Ctx, e: &Entry) -> TValue {
    let as_of = ctx.a.as_of();
    let mut items: Vec<&crate::model::Visit> =
        e.c.visits.iter().filter(|v| v.date <= as_of).collect();
    items.sort_by_key(|i| std::cmp::Reverse(i.date));
    let items: Vec<TValue> = items
        .into_iter()
        .map(|v| object! {"date" => date(ctx, v.date), "by" => v.by.as_deref(), "kind" => v.kind.map(|k| coded(ctx, k)), "note" => v.note.as_deref()})
        .collect();
    let status = e.m.visits.as_ref().map(|s| {
        // Never visited: due now.
        let next_due = s.next_due.unwrap_or(as_of);
        object! {
            "class" => s.class.map(|c| c.as_str()),
            "interval_days" => s.interval_days,
            "last_visit" => s.last_visit.as_ref().map(|l| date(ctx, l.date)),
            "days_since" => s.days_since,
            "next_due" => date(ctx, next_due),
            "overdue" => s.overdue,
            "days_overdue" => s.days_overdue,
            "days_until_due" => s.days_until_due,
            "url" => ctx.url("service") + "#visits",
        }
    });
    if items.is_empty() && status.is_none() {
        return TValue::none();
    }
    object! {"items" => items, "status" => status}
}

fn sales_chart(ctx: &Ctx, e: &Entry) -> Option<String> {
    let mut rows: Vec<&crate::model::SalesYear> = e.c.sales.iter().collect();
    if rows.is_empty() {
        return None;
    }
    rows.sort_by_key(|s| s.year);
    let decimals = sales_decimals(&rows);
    let data: Vec<charts::Datum> = rows
        .iter()
        .map(|s| {
            let revenue = ctx.money_fixed(s.revenue, decimals);
            charts::Datum::new(s.year.to_string(), s.revenue, revenue)
        })
        .collect();
    let tick = |v: f64| ctx.money_tick(v);
    let title = format!("{} · {}", e.c.name, ctx.t("sales"));
    Some(charts::beside_its_table(charts::bar_chart(
        &charts::Chart {
            id: "chart-sales",
            title: &title,
            category: ctx.t("year"),
            ticks: &tick,
        },
        ctx.t("revenue"),
        &data,
    )))
}

fn radar_chart(ctx: &Ctx, e: &Entry) -> Option<String> {
    let rating = e.m.credit.rating.as_ref()?;
    let data: Vec<charts::Datum> = FIVE_C
        .iter()
        .zip(rating.five_c.scores())
        .map(|(key, score)| charts::Datum::new(ctx.t(key), f64::from(score), score.to_string()))
        .collect();
    let tick = |v: f64| ctx.number(v, 0);
    let title = format!("{} · {}", e.c.name, ctx.t("five_c"));
    Some(charts::beside_its_table(charts::radar(
        &charts::Chart {
            id: "chart-5c",
            title: &title,
            category: ctx.t("five_c_factor"),
            ticks: &tick,
        },
        ctx.t("score"),
        &data,
        5.0,
    )))
}

fn satisfaction_chart(ctx: &Ctx, e: &Entry) -> Option<String> {
    let weights = &ctx.config.satisfaction.weights;
    let surveys = surveys_to_date(ctx, e);
    if surveys.len() < 2 {
        return None;
    }
    let labels: Vec<String> = surveys
        .iter()
        .map(|s| crate::render::format::date(s.date, ctx.lang))
        .collect();
    let points = surveys
        .iter()
        .map(|s| {
            let v = survey_fixed(s, weights) as f64 / 10_000.0;
            Some((v, ctx.number(v, 2)))
        })
        .collect();
    let tick = |v: f64| ctx.number(v, 1);
    let title = format!("{} · {}", e.c.name, ctx.t("satisfaction_trend"));
    Some(charts::beside_its_table(charts::line_chart(
        &charts::Chart {
            id: "chart-csi",
            title: &title,
            category: ctx.t("survey_date"),
            ticks: &tick,
        },
        &labels,
        &[charts::Series {
            name: ctx.t("survey_score").to_string(),
            points,
        }],
        &charts::LineOptions::FROM_ZERO,
    )))
}
