//! The tables of each report section, read from [`Analytics`] (nothing is recomputed here:
//! rows are only filtered by region and owner, cut to the top N, and formatted).

use std::collections::BTreeMap;

use serde_json::Value;

use super::format::{fixed, money, percent, signed};
use super::table::{Cell, Table};
use super::{ReportRequest, Section};
use crate::analytics::{
    Analytics, ClvBasis, CustomerMetrics, Notch, RankEntry, RateSource, SalesMetrics, Segment,
};
use crate::config::{Language, SiteConfig};
use crate::model::{Customer, Site};

/// What every section reads: the analytics, the language and the request's filters.
pub struct Ctx<'a> {
    pub analytics: &'a Analytics,
    pub language: Language,
    pub request: &'a ReportRequest,
    pub top: usize,
    records: BTreeMap<&'a str, &'a Customer>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        site: &'a Site,
        config: &SiteConfig,
        analytics: &'a Analytics,
        request: &'a ReportRequest,
    ) -> Ctx<'a> {
        Ctx {
            analytics,
            language: config.language,
            request,
            top: request.top.unwrap_or(config.ranking.top),
            records: site
                .customers
                .iter()
                .map(|c| (c.id.as_str(), &**c))
                .collect(),
        }
    }

    /// Chinese or English.
    pub fn t(&self, zh: &str, en: &str) -> String {
        match self.language {
            Language::ZhCn => zh.to_string(),
            Language::En => en.to_string(),
        }
    }

    fn money(&self, x: f64) -> String {
        money(x, self.language)
    }

    fn money_cell(&self, x: f64) -> Cell {
        Cell::new(self.money(x), x)
    }

    fn opt_money(&self, x: Option<f64>) -> Cell {
        Cell::opt(x, |v| self.money(v))
    }

    fn customer(&self, id: &str) -> Option<&'a CustomerMetrics> {
        self.analytics.customer(id)
    }

    /// Whether a customer passes `--region` and `--owner`.
    pub fn keep(&self, m: &CustomerMetrics) -> bool {
        let region = self
            .request
            .region
            .as_ref()
            .is_none_or(|r| m.region.as_ref() == Some(r));
        let owner = self.request.owner.as_ref().is_none_or(|o| &m.owner == o);
        region && owner
    }

    fn keep_id(&self, id: &str) -> bool {
        self.customer(id).is_some_and(|m| self.keep(m))
    }

    fn customers(&self) -> impl Iterator<Item = &'a CustomerMetrics> + '_ {
        self.analytics
            .customers
            .iter()
            .map(|m| &**m)
            .filter(|m| self.keep(m))
    }

    fn name(&self, id: &str) -> Cell {
        Cell::opt_text(self.customer(id).map(|m| m.name.as_str()))
    }

    fn label<'l>(&self, zh: &'l str, en: &'l str) -> &'l str {
        match self.language {
            Language::ZhCn => zh,
            Language::En => en,
        }
    }
}

/// The title of a section in the terminal.
pub fn section_title(ctx: &Ctx, section: Section) -> String {
    match section {
        Section::Rankings => ctx.t("重点客户排行", "Key-customer rankings"),
        Section::Credit => ctx.t("信用评估", "Credit"),
        Section::Retention => ctx.t("客户维系", "Retention"),
        Section::Clv => ctx.t("客户终身价值", "Customer lifetime value"),
        Section::Satisfaction => ctx.t("客户满意度", "Satisfaction"),
        Section::Prospects => ctx.t("潜在客户（MAN 法则）", "Prospects (MAN rule)"),
        Section::Complaints => ctx.t("客户投诉", "Complaints"),
        Section::Visits => ctx.t("客户访问", "Visits"),
        Section::All => ctx.t("全部", "All"),
    }
}

pub fn tables(ctx: &Ctx, section: Section) -> Vec<Table> {
    match section {
        Section::Rankings => rankings(ctx),
        Section::Credit => credit(ctx),
        Section::Retention => retention(ctx),
        Section::Clv => clv(ctx),
        Section::Satisfaction => satisfaction(ctx),
        Section::Prospects => prospects(ctx),
        Section::Complaints => complaints(ctx),
        Section::Visits => visits(ctx),
        Section::All => Vec::new(),
    }
}

/// A two-column table of named figures (`metric`, `value`).
fn summary(ctx: &Ctx, key: &'static str, title: String, rows: Vec<(&str, String, Cell)>) -> Table {
    let mut t = Table::new(key, title)
        .left("metric", ctx.t("指标", "Metric"))
        .right("value", ctx.t("数值", "Value"));
    for (metric, label, value) in rows {
        t.push(vec![Cell::new(label, metric), value]);
    }
    t
}

// ---- rankings (§3) -------------------------------------------------------------------------

type Context<'f> = (&'static str, String, &'f dyn Fn(&SalesMetrics) -> Cell);

fn ranking(
    ctx: &Ctx,
    key: &'static str,
    title: String,
    value_header: String,
    entries: &[RankEntry],
    value: &dyn Fn(f64) -> Cell,
    context: [Context; 2],
) -> Table {
    let mut t = Table::new(key, format!("{title} (Top {})", ctx.top))
        .right("rank", ctx.t("名次", "Rank"))
        .left("id", "ID")
        .left("name", ctx.t("客户名称", "Customer"))
        .right("value", value_header);
    for (k, header, _) in &context {
        t = t.right(k, header.clone());
    }
    let kept = entries.iter().filter(|e| ctx.keep_id(&e.id)).take(ctx.top);
    for (i, e) in kept.enumerate() {
        let sales = ctx.customer(&e.id).and_then(|m| m.sales.as_ref());
        let mut row = vec![
            Cell::count(i + 1),
            Cell::text(&e.id),
            ctx.name(&e.id),
            value(e.value),
        ];
        for (_, _, f) in &context {
            row.push(sales.map_or_else(Cell::absent, f));
        }
        t.push(row);
    }
    t
}

fn rankings(ctx: &Ctx) -> Vec<Table> {
    let site = &ctx.analytics.rankings.site;
    let pct = |x: f64| Cell::new(percent(x), x);
    let revenue = ctx.t("销售额", "Revenue");
    let rev = |s: &SalesMetrics| ctx.money_cell(s.revenue);
    let target = |s: &SalesMetrics| ctx.opt_money(s.target);
    let previous = |s: &SalesMetrics| ctx.opt_money(s.previous_revenue);
    let profit = |s: &SalesMetrics| ctx.opt_money(s.gross_profit);
    let achievement = |s: &SalesMetrics| Cell::opt(s.achievement, percent);
    let margin = |s: &SalesMetrics| Cell::opt(s.margin, percent);
    vec![
        ranking(
            ctx,
            "revenue",
            ctx.t("销售额排行", "Revenue"),
            revenue.clone(),
            &site.revenue,
            &|x| ctx.money_cell(x),
            [
                (
                    "achievement",
                    ctx.t("目标达成率", "Achievement"),
                    &achievement,
                ),
                ("margin", ctx.t("利润率", "Margin"), &margin),
            ],
        ),
        ranking(
            ctx,
            "achievement",
            ctx.t("目标达成率排行", "Target achievement"),
            ctx.t("目标达成率", "Achievement"),
            &site.achievement,
            &pct,
            [
                ("revenue", revenue.clone(), &rev),
                ("target", ctx.t("目标", "Target"), &target),
            ],
        ),
        ranking(
            ctx,
            "growth",
            ctx.t("销售成长率排行", "Sales growth"),
            ctx.t("成长率", "Growth"),
            &site.growth,
            &pct,
            [
                ("revenue", revenue.clone(), &rev),
                (
                    "previous_revenue",
                    ctx.t("上年销售额", "Previous year"),
                    &previous,
                ),
            ],
        ),
        ranking(
            ctx,
            "margin",
            ctx.t("利润率排行", "Margin"),
            ctx.t("利润率", "Margin"),
            &site.margin,
            &pct,
            [
                ("revenue", revenue, &rev),
                ("gross_profit", ctx.t("毛利", "Gross profit"), &profit),
            ],
        ),
        abc_table(ctx),
        abc_summary(ctx),
    ]
}

fn abc_table(ctx: &Ctx) -> Table {
    let abc = &ctx.analytics.abc;
    let mut t = Table::new(
        "abc",
        ctx.t("ABC 分类（二八法则）", "ABC classes (80/20 rule)"),
    )
    .right("rank", ctx.t("名次", "Rank"))
    .left("id", "ID")
    .left("name", ctx.t("客户名称", "Customer"))
    .right("revenue", ctx.t("销售额", "Revenue"))
    .right("cumulative_share", ctx.t("累计占比", "Cumulative share"))
    .left("class", ctx.t("类别", "Class"));
    for e in abc.customers.iter().filter(|e| ctx.keep_id(&e.id)) {
        t.push(vec![
            Cell::count(e.rank),
            Cell::text(&e.id),
            ctx.name(&e.id),
            ctx.money_cell(e.revenue),
            Cell::new(percent(e.cumulative_share), e.cumulative_share),
            Cell::text(e.class.as_str()),
        ]);
    }
    t
}

fn abc_summary(ctx: &Ctx) -> Table {
    let abc = &ctx.analytics.abc;
    let top = abc.top20.as_ref();
    let rows = vec![
        (
            "total_revenue",
            ctx.t("销售总额", "Total revenue"),
            ctx.money_cell(abc.total_revenue),
        ),
        (
            "class_a",
            ctx.t("A 类客户数", "Class A customers"),
            Cell::count(abc.counts.a),
        ),
        (
            "class_b",
            ctx.t("B 类客户数", "Class B customers"),
            Cell::count(abc.counts.b),
        ),
        (
            "class_c",
            ctx.t("C 类客户数", "Class C customers"),
            Cell::count(abc.counts.c),
        ),
        (
            "top20_customers",
            ctx.t("前 20% 客户数", "Top 20% customers"),
            Cell::opt(top.map(|t| t.top), |k| {
                format!("{k} / {}", top.map_or(0, |t| t.customers))
            }),
        ),
        (
            "top20_revenue_share",
            ctx.t("前 20% 销售额占比", "Top 20% revenue share"),
            Cell::opt(top.map(|t| t.revenue_share), percent),
        ),
        (
            "top20_gross_profit_share",
            ctx.t("前 20% 毛利占比", "Top 20% gross-profit share"),
            Cell::opt(top.and_then(|t| t.gross_profit_share), percent),
        ),
    ];
    summary(
        ctx,
        "abc_summary",
        ctx.t("二八法则测算", "The 80/20 rule, measured"),
        rows,
    )
}

// ---- credit (§4) ---------------------------------------------------------------------------

fn notch_cell(ctx: &Ctx, notches: &[Notch]) -> Cell {
    let text: Vec<String> = notches
        .iter()
        .map(|n| match n {
            Notch::Warnings { category, .. } => ctx
                .label(category.label_zh(), category.label_en())
                .to_string(),
            Notch::PaymentDelay {
                threshold_days,
                delay_days,
            } => match delay_days {
                Some(days) => ctx.t(
                    &format!("拖欠 {} 天 > {} 天", fixed(*days, 1), threshold_days),
                    &format!("delay {} d > {} d", fixed(*days, 1), threshold_days),
                ),
                None => ctx.t(
                    &format!("拖欠 > {} 天", threshold_days),
                    &format!("delay > {} d", threshold_days),
                ),
            },
        })
        .collect();
    let raw: Vec<Value> = notches
        .iter()
        .map(|n| match n {
            Notch::Warnings { category, .. } => format!("warnings:{category}").into(),
            Notch::PaymentDelay { threshold_days, .. } => {
                format!("payment_delay:{threshold_days}").into()
            }
        })
        .collect();
    if notches.is_empty() {
        return Cell::new(super::table::ABSENT, Value::Array(Vec::new()));
    }
    Cell::new(text.join("; "), Value::Array(raw))
}

fn credit(ctx: &Ctx) -> Vec<Table> {
    let mut t = Table::new("credit", ctx.t("信用等级（5C 评估）", "Credit grades (5C)"))
        .left("id", "ID")
        .left("name", ctx.t("客户名称", "Customer"))
        .right("points", ctx.t("5C 分数", "5C points"))
        .left("base", ctx.t("基础等级", "Base"))
        .left("notches", ctx.t("降级原因", "Notches"))
        .left("grade", ctx.t("信用等级", "Grade"))
        .right("payment_delay_days", ctx.t("拖欠天数", "Delay (days)"))
        .right("outstanding", ctx.t("未收款", "Outstanding"))
        .right("limit", ctx.t("信用额度", "Limit"))
        .right("limit_use", ctx.t("额度使用", "Limit use"))
        .right("current_ratio", ctx.t("流动比率", "Current"))
        .right("quick_ratio", ctx.t("速动比率", "Quick"))
        .right("debt_ratio", ctx.t("负债比率", "Debt"));
    let shown = ctx.customers().filter(|m| {
        let c = &m.credit;
        c.rating.is_some() || c.payment_delay.is_some() || c.outstanding > 0.0 || c.limit.is_some()
    });
    for m in shown {
        let c = &m.credit;
        let r = c.rating.as_ref();
        let ratio = |x: Option<f64>| Cell::opt(x, |v| fixed(v, 2));
        t.push(vec![
            Cell::text(&m.id),
            Cell::text(&m.name),
            Cell::opt(r.map(|r| r.points), |p| fixed(p, 2)),
            Cell::opt_text(r.map(|r| r.base.as_str())),
            r.map_or_else(Cell::absent, |r| notch_cell(ctx, &r.notches)),
            Cell::text(&c.display),
            Cell::opt(c.payment_delay.as_ref().map(|d| d.days), |d| fixed(d, 1)),
            ctx.money_cell(c.outstanding),
            ctx.opt_money(c.limit),
            Cell::opt(c.limit_use, percent),
            ratio(c.ratios.current),
            ratio(c.ratios.quick),
            ratio(c.ratios.debt),
        ]);
    }
    vec![t]
}

// ---- retention (§5) ------------------------------------------------------------------------

fn retention(ctx: &Ctx) -> Vec<Table> {
    let r = &ctx.analytics.retention;
    let mut years = Table::new(
        "retention",
        ctx.t(
            "客户维系（维系率 = (E−N)/S，教材公式；期初留存率 = (S−L^S)/S）",
            "Retention (rate = (E−N)/S, the material's formula; cohort rate = (S−L^S)/S)",
        ),
    )
    .right("year", ctx.t("年度", "Year"))
    .right("start", ctx.t("原有 S", "Start S"))
    .right("new", ctx.t("新增 N", "New N"))
    .right("lost", ctx.t("流失 L", "Lost L"))
    .right("end", ctx.t("现有 E", "End E"))
    .right("rate", ctx.t("维系率", "Rate"))
    .right("cohort_rate", ctx.t("期初留存率", "Cohort rate"))
    .right("churn_rate", ctx.t("流失率", "Churn rate"))
    .right("revenue_lost", ctx.t("流失销售额", "Revenue lost"))
    .right("gross_profit_lost", ctx.t("流失毛利", "Gross profit lost"))
    .right("value_lost", ctx.t("流失价值", "Value lost"));
    for y in &r.years {
        years.push(vec![
            Cell::int(y.year),
            Cell::count(y.start),
            Cell::count(y.new),
            Cell::count(y.lost),
            Cell::count(y.end),
            Cell::opt(y.rate, percent),
            Cell::opt(y.cohort_rate, percent),
            Cell::opt(y.churn_rate, percent),
            ctx.money_cell(y.revenue_lost),
            ctx.money_cell(y.gross_profit_lost),
            ctx.money_cell(y.value_lost),
        ]);
    }
    let mut reasons = Table::new(
        "churn_reasons",
        ctx.t("流失原因（合计）", "Churn by reason (total)"),
    )
    .left("reason", ctx.t("原因", "Reason"))
    .right("count", ctx.t("客户数", "Customers"))
    .right("revenue_lost", ctx.t("流失销售额", "Revenue lost"))
    .right("gross_profit_lost", ctx.t("流失毛利", "Gross profit lost"));
    for c in &r.churn_reasons.total {
        reasons.push(vec![
            Cell::new(
                ctx.label(c.reason.label_zh(), c.reason.label_en()),
                c.reason.as_str(),
            ),
            Cell::count(c.count),
            ctx.money_cell(c.revenue_lost),
            ctx.money_cell(c.gross_profit_lost),
        ]);
    }
    let mut by_year = Table::new(
        "churn_reasons_by_year",
        ctx.t("流失原因（按年度）", "Churn by reason and year"),
    )
    .right("year", ctx.t("年度", "Year"))
    .left("reason", ctx.t("原因", "Reason"))
    .right("count", ctx.t("客户数", "Customers"))
    .right("revenue_lost", ctx.t("流失销售额", "Revenue lost"));
    for y in &r.churn_reasons.by_year {
        for c in y.reasons.iter().filter(|c| c.count > 0) {
            by_year.push(vec![
                Cell::int(y.year),
                Cell::new(
                    ctx.label(c.reason.label_zh(), c.reason.label_en()),
                    c.reason.as_str(),
                ),
                Cell::count(c.count),
                ctx.money_cell(c.revenue_lost),
            ]);
        }
    }
    vec![years, reasons, by_year]
}

// ---- CLV (§5) ------------------------------------------------------------------------------

fn clv(ctx: &Ctx) -> Vec<Table> {
    let s = &ctx.analytics.clv;
    let source = match s.rate.source {
        RateSource::CohortRetention { year } => ctx.t(
            &format!("{year} 年期初留存率"),
            &format!("cohort retention of {year}"),
        ),
        RateSource::Default => ctx.t("默认值 retention.default_rate", "retention.default_rate"),
    };
    let params = summary(
        ctx,
        "clv_summary",
        ctx.t(
            "客户终身价值参数与客户资产",
            "CLV inputs and customer equity",
        ),
        vec![
            (
                "r",
                ctx.t("维系率 r", "Retention r"),
                Cell::new(fixed(s.rate.r, 4), s.rate.r),
            ),
            (
                "r_source",
                ctx.t("r 的来源", "Source of r"),
                Cell::new(source.clone(), source),
            ),
            (
                "d",
                ctx.t("折现率 d", "Discount d"),
                Cell::new(fixed(s.discount_rate, 4), s.discount_rate),
            ),
            (
                "customer_equity",
                ctx.t("客户资产", "Customer equity"),
                ctx.money_cell(s.customer_equity),
            ),
            (
                "customers",
                ctx.t("计入客户数", "Customers counted"),
                Cell::count(s.customers),
            ),
        ],
    );
    let mut active = Table::new(
        "clv",
        ctx.t(
            "成交客户终身价值 CLV = m·(1+d)/(1+d−r)",
            "CLV of active customers = m·(1+d)/(1+d−r)",
        ),
    )
    .left("id", "ID")
    .left("name", ctx.t("客户名称", "Customer"))
    .right("m", ctx.t("平均毛利 m", "Mean profit m"))
    .left("m_years", ctx.t("m 的年度", "Years of m"))
    .right("r", "r")
    .right("d", "d")
    .right("clv", "CLV");
    let mut rows: Vec<&CustomerMetrics> = ctx
        .customers()
        .filter(|m| m.clv.as_ref().is_some_and(|c| c.basis == ClvBasis::Active))
        .collect();
    let value = |m: &CustomerMetrics| m.clv.as_ref().map_or(0.0, |c| c.value);
    rows.sort_by(|a, b| value(b).total_cmp(&value(a)).then_with(|| a.id.cmp(&b.id)));
    for m in rows {
        let Some(c) = m.clv.as_ref() else { continue };
        active.push(vec![
            Cell::text(&m.id),
            Cell::text(&m.name),
            ctx.money_cell(c.m.value),
            Cell::list(c.m.years.iter().map(i32::to_string).collect()),
            Cell::new(fixed(c.r, 4), c.r),
            Cell::new(fixed(c.d, 4), c.d),
            ctx.money_cell(c.value),
        ]);
    }
    let mut win_back = Table::new(
        "win_back",
        format!(
            "{} (Top {})",
            ctx.t("赢返流失客户（重生终身价值）", "Win-back list"),
            ctx.top
        ),
    )
    .right("rank", ctx.t("名次", "Rank"))
    .left("id", "ID")
    .left("name", ctx.t("客户名称", "Customer"))
    .left("churn_date", ctx.t("流失日期", "Lost on"))
    .left("reason", ctx.t("流失原因", "Reason"))
    .right("m", "m")
    .right("clv", "CLV");
    let kept = s
        .win_back
        .iter()
        .filter(|w| ctx.keep_id(&w.id))
        .take(ctx.top);
    for (i, w) in kept.enumerate() {
        let m = ctx
            .customer(&w.id)
            .and_then(|m| m.clv.as_ref())
            .map(|c| c.m.value);
        win_back.push(vec![
            Cell::count(i + 1),
            Cell::text(&w.id),
            ctx.name(&w.id),
            Cell::text(w.churn_date.to_string()),
            Cell::new(
                ctx.label(w.reason.label_zh(), w.reason.label_en()),
                w.reason.as_str(),
            ),
            ctx.opt_money(m),
            ctx.money_cell(w.clv),
        ]);
    }
    vec![params, active, win_back]
}

// ---- satisfaction (§6) ---------------------------------------------------------------------

fn segment_table(
    ctx: &Ctx,
    key: &'static str,
    title: String,
    segments: &[Segment],
    kind: bool,
) -> Table {
    let mut t = Table::new(key, title)
        .left("segment", ctx.t("细分", "Segment"))
        .right("customers", ctx.t("客户数", "Customers"))
        .right("share", ctx.t("占比", "Share"))
        .right("csi", "CSI")
        .left("level", ctx.t("满意度", "Level"));
    for s in segments {
        let label = match (&s.key, kind) {
            (None, _) => ctx.t("（无区域）", "(no region)"),
            (Some(k), true) => crate::model::Kind::parse(k).map_or(k.clone(), |k| {
                ctx.label(k.label_zh(), k.label_en()).to_string()
            }),
            (Some(k), false) => k.clone(),
        };
        t.push(vec![
            Cell::new(label, s.key.clone().map_or(Value::Null, Value::String)),
            Cell::count(s.customers),
            Cell::new(percent(s.share), s.share),
            Cell::new(fixed(s.csi, 2), s.csi),
            Cell::new(
                ctx.label(s.level.label_zh(), s.level.label_en()),
                s.level.as_str(),
            ),
        ]);
    }
    t
}

fn satisfaction(ctx: &Ctx) -> Vec<Table> {
    let s = &ctx.analytics.satisfaction;
    let site = summary(
        ctx,
        "satisfaction_summary",
        ctx.t(
            "全体满意度（成交客户）",
            "Site satisfaction (active customers)",
        ),
        vec![
            (
                "csi",
                ctx.t("CSI", "CSI"),
                Cell::opt(s.csi, |v| fixed(v, 2)),
            ),
            (
                "level",
                ctx.t("满意度", "Level"),
                s.level.map_or_else(Cell::absent, |l| {
                    Cell::new(ctx.label(l.label_zh(), l.label_en()), l.as_str())
                }),
            ),
            (
                "customers",
                ctx.t("有 CSI 的客户数", "Customers with a CSI"),
                Cell::count(s.customers),
            ),
        ],
    );
    let regions = segment_table(
        ctx,
        "by_region",
        ctx.t("按区域", "By region"),
        &s.by_region,
        false,
    );
    let kinds = segment_table(
        ctx,
        "by_kind",
        ctx.t("按客户类型", "By kind"),
        &s.by_kind,
        true,
    );
    let mut customers = Table::new("csi", ctx.t("客户满意度指数", "Customer CSI"))
        .left("id", "ID")
        .left("name", ctx.t("客户名称", "Customer"))
        .left("date", ctx.t("调查日期", "Surveyed"))
        .right("csi", "CSI")
        .left("level", ctx.t("满意度", "Level"))
        .right("previous", ctx.t("上次", "Previous"))
        .right("trend", ctx.t("变化", "Trend"));
    for m in ctx.customers() {
        let Some(c) = m.satisfaction.as_ref() else {
            continue;
        };
        customers.push(vec![
            Cell::text(&m.id),
            Cell::text(&m.name),
            Cell::text(c.date.to_string()),
            Cell::new(fixed(c.score, 2), c.score),
            Cell::new(
                ctx.label(c.level.label_zh(), c.level.label_en()),
                c.level.as_str(),
            ),
            Cell::opt(c.previous.map(|p| p.score), |v| fixed(v, 2)),
            Cell::opt(c.trend, |v| signed(v, 2)),
        ]);
    }
    vec![site, regions, kinds, customers]
}

// ---- prospects (§7) ------------------------------------------------------------------------

fn prospects(ctx: &Ctx) -> Vec<Table> {
    let mut t = Table::new(
        "prospects",
        ctx.t("潜在客户资格（MAN）", "Prospect qualification (MAN)"),
    )
    .left("id", "ID")
    .left("name", ctx.t("客户名称", "Customer"))
    .left("stage", ctx.t("阶段", "Stage"))
    .left("owner", ctx.t("客户经理", "Owner"))
    .left("city", ctx.t("城市", "City"))
    .left("letters", "MAN")
    .left("code", ctx.t("结论", "Verdict"))
    .left("missing", ctx.t("未知项", "Unknown"));
    for m in ctx.customers() {
        let Some(v) = m.man.as_ref() else { continue };
        let city = ctx
            .records
            .get(m.id.as_str())
            .and_then(|c| c.profile.city.as_deref());
        let missing: Vec<String> = v.missing.iter().map(|l| l.as_str().to_string()).collect();
        t.push(vec![
            Cell::text(&m.id),
            Cell::text(&m.name),
            Cell::new(
                ctx.label(m.stage.label_zh(), m.stage.label_en()),
                m.stage.as_str(),
            ),
            Cell::text(&m.owner),
            Cell::opt_text(city),
            Cell::text(&v.letters),
            Cell::new(
                ctx.label(v.code.label_zh(), v.code.label_en()),
                v.code.as_str(),
            ),
            Cell::list(missing),
        ]);
    }
    vec![t]
}

// ---- complaints and visits (§8) ------------------------------------------------------------

fn complaints(ctx: &Ctx) -> Vec<Table> {
    let s = &ctx.analytics.complaints;
    let year = ctx.analytics.period.year;
    let mut stats = Table::new(
        "complaint_stats",
        ctx.t(
            &format!("投诉统计（未结 = 截至日未关闭；处理天数 = {year} 年关闭的投诉）"),
            &format!("Complaint statistics (open as of the date; resolution over complaints closed in {year})"),
        ),
    )
    .left("group", ctx.t("分组", "Group"))
    .left("key", ctx.t("项目", "Item"))
    .right("open", ctx.t("未结", "Open"))
    .right("closed_in_year", ctx.t("年内关闭", "Closed in year"))
    .right("mean_resolution_days", ctx.t("平均处理天数", "Mean days to resolve"));
    let groups = [
        (
            "total",
            ctx.t("合计", "Total"),
            std::slice::from_ref(&s.total),
        ),
        (
            "category",
            ctx.t("类别", "Category"),
            s.by_category.as_slice(),
        ),
        (
            "severity",
            ctx.t("严重程度", "Severity"),
            s.by_severity.as_slice(),
        ),
    ];
    for (group, label, rows) in groups {
        for g in rows {
            stats.push(vec![
                Cell::new(label.clone(), group),
                Cell::new(complaint_key_label(ctx, &g.key), g.key.clone()),
                Cell::count(g.open),
                Cell::count(g.closed_in_year),
                Cell::opt(g.mean_resolution_days, |d| fixed(d, 1)),
            ]);
        }
    }
    let mut alerts = Table::new(
        "complaint_alerts",
        ctx.t(
            "投诉警示（未结的高严重度投诉）",
            "Alerts (open high-severity complaints)",
        ),
    )
    .left("id", "ID")
    .left("name", ctx.t("客户名称", "Customer"))
    .left("owner", ctx.t("客户经理", "Owner"))
    .left("opened", ctx.t("投诉日期", "Opened"))
    .left("category", ctx.t("类别", "Category"))
    .right("days_open", ctx.t("已开天数", "Days open"))
    .left("summary", ctx.t("摘要", "Summary"));
    for a in s.alerts.iter().filter(|a| ctx.keep_id(&a.id)) {
        for c in &a.complaints {
            let category = c.category.map_or("unspecified", |k| k.as_str());
            alerts.push(vec![
                Cell::text(&a.id),
                ctx.name(&a.id),
                Cell::text(&a.owner),
                Cell::text(c.opened.to_string()),
                Cell::new(complaint_key_label(ctx, category), category),
                Cell::int(c.days_open),
                Cell::opt_text(c.summary.as_deref()),
            ]);
        }
    }
    vec![stats, alerts]
}

fn complaint_key_label(ctx: &Ctx, key: &str) -> String {
    use crate::model::{ComplaintCategory, ComplaintSeverity};
    if let Some(c) = ComplaintCategory::parse(key) {
        return ctx.label(c.label_zh(), c.label_en()).to_string();
    }
    if let Some(s) = ComplaintSeverity::parse(key) {
        return ctx.label(s.label_zh(), s.label_en()).to_string();
    }
    match key {
        "total" => ctx.t("全部", "All"),
        "unspecified" => ctx.t("未填写", "Unspecified"),
        other => other.to_string(),
    }
}

fn visits(ctx: &Ctx) -> Vec<Table> {
    let v = &ctx.analytics.visits;
    let overview = summary(
        ctx,
        "visit_summary",
        ctx.t("客户访问计划", "Visit plan"),
        vec![
            (
                "active",
                ctx.t("成交客户数", "Active customers"),
                Cell::count(v.active),
            ),
            (
                "overdue",
                ctx.t("逾期未访客户数", "Overdue"),
                Cell::count(v.overdue),
            ),
        ],
    );
    let mut t = Table::new(
        "visits_overdue",
        ctx.t("逾期未访（按客户经理）", "Overdue visits by owner"),
    )
    .left("owner", ctx.t("客户经理", "Owner"))
    .left("id", "ID")
    .left("name", ctx.t("客户名称", "Customer"))
    .left("class", "ABC")
    .right("interval_days", ctx.t("间隔（天）", "Interval (days)"))
    .left("last_visit", ctx.t("上次访问", "Last visit"))
    .right("days_since", ctx.t("距今天数", "Days since"))
    .right("days_overdue", ctx.t("逾期天数", "Days overdue"));
    for owner in &v.by_owner {
        for e in owner.customers.iter().filter(|e| ctx.keep_id(&e.id)) {
            let s = &e.status;
            t.push(vec![
                Cell::text(&owner.owner),
                Cell::text(&e.id),
                ctx.name(&e.id),
                Cell::opt_text(s.class.map(|c| c.as_str())),
                Cell::int(s.interval_days),
                s.last_visit.as_ref().map_or_else(
                    || Cell::new(ctx.t("从未访问", "never"), Value::Null),
                    |l| Cell::text(l.date.to_string()),
                ),
                Cell::opt(s.days_since, |d| d.to_string()),
                Cell::opt(s.days_overdue, |d| d.to_string()),
            ]);
        }
    }
    vec![overview, t]
}
