//! The fixed set of playbooks every generated site has.

use super::emit::{Fields, Value};

/// A playbook: its file name, front matter and Markdown body.
pub(crate) struct Playbook {
    pub(crate) slug: &'static str,
    title: &'static str,
    summary: &'static str,
    order: i64,
    /// The selector: each key with its list of values, or `true` when the list is empty.
    applies_to: &'static [(&'static str, &'static [&'static str])],
    pub(crate) body: &'static str,
}

impl Playbook {
    pub(crate) fn fields(&self) -> Fields {
        let applies_to = self
            .applies_to
            .iter()
            .map(|(key, values)| {
                let value = if values.is_empty() {
                    Value::token(true)
                } else {
                    Value::List(values.iter().map(|v| Value::text(*v)).collect())
                };
                (*key, value)
            })
            .collect();
        vec![
            ("title", Value::text(self.title)),
            ("summary", Value::text(self.summary)),
            ("order", Value::token(self.order)),
            ("applies_to", Value::Map(applies_to)),
        ]
    }
}

pub(crate) const PLAYBOOKS: &[Playbook] = &[
    Playbook {
        slug: "key-account-care",
        title: "大客户关怀",
        summary: "A 类客户每月至少接触一次，年度回顾由客户经理和销售总监共同参加。",
        order: 10,
        applies_to: &[("abc", &["A"]), ("stages", &["active"])],
        body: "## 接触频率\n\nA 类客户每月至少一次接触，季度一次登门拜访。\n\n## 年度回顾\n\n回顾全年销售额、目标达成率和满意度，商定下一年的框架协议。参见 [信用复核](credit-review.md)。\n",
    },
    Playbook {
        slug: "credit-review",
        title: "信用复核",
        summary: "出现付款变化、采购变化等征兆时，复核 5C 评分并调整信用额度。",
        order: 20,
        applies_to: &[("warnings", &[])],
        body: "## 什么时候复核\n\n- 延迟付款超过 30 天；\n- 订货额突然减少；\n- 不利传言。\n\n## 怎么做\n\n重新打分 character、capacity、capital、collateral、conditions 五项，额度按新等级调整。\n",
    },
    Playbook {
        slug: "complaint-handling",
        title: "投诉处理",
        summary: "高严重度投诉 24 小时内响应，结案后回访。",
        order: 30,
        applies_to: &[("open_complaints", &[])],
        body: "## 响应时限\n\n高严重度 24 小时，中等 3 天，低 1 周。\n\n## 结案\n\n结案后一周内电话回访，并记录在拜访记录里。\n",
    },
    Playbook {
        slug: "visit-planning",
        title: "巡视与访问计划",
        summary: "按 ABC 分级安排拜访间隔，逾期未访的客户每周一汇总。",
        order: 40,
        applies_to: &[("visit_overdue", &[])],
        body: "## 间隔\n\nA 类 30 天，B 类 90 天，C 类 180 天。\n\n逾期名单每周一发给客户经理，参见 [大客户关怀](key-account-care.md)。\n",
    },
    Playbook {
        slug: "man-prospecting",
        title: "MAN 法则寻找潜在客户",
        summary: "按购买能力、决定权和需求判断潜在客户，决定下一步行动。",
        order: 50,
        applies_to: &[("stages", &["prospect", "qualified"])],
        body: "## 八种组合\n\nM+A+N 是理想客户，立即跟进；m+a+n 停止接触。其余组合按 [年末筛选](annual-screening.md) 的节奏培育。\n",
    },
    Playbook {
        slug: "win-back",
        title: "赢返流失客户",
        summary: "按重生终身价值排序，优先挽回价值高、流失原因可以解决的客户。",
        order: 60,
        applies_to: &[("stages", &["lost"])],
        body: "## 先分析原因\n\n价格流失、产品流失、服务流失各有不同的挽回办法。\n\n## 再排优先级\n\n按赢返价值从高到低，每季度挑前十名制定计划。\n",
    },
    Playbook {
        slug: "annual-screening",
        title: "年末客户筛选",
        summary: "每年年末按购买额、收益性、安全性、未来性、合作性筛选客户。",
        order: 70,
        applies_to: &[("stages", &["active"])],
        body: "## 五项依据\n\n全年购买额、收益性、安全性、未来性、合作性。\n\n结果写进下一年的 [巡视与访问计划](visit-planning.md)。\n",
    },
    Playbook {
        slug: "distributor-support",
        title: "经销商支持",
        summary: "Support for distributors: joint marketing, stock rotation and rebates.",
        order: 80,
        applies_to: &[("tags", &["经销商"])],
        body: "## Joint marketing\n\nPlan two campaigns a year with each distributor.\n\n## Stock rotation\n\nTake back slow-moving stock once a year against new orders.\n",
    },
];
