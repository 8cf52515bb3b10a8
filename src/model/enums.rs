//! The closed vocabularies of the record format, with their YAML spelling and their labels.

use std::fmt;

use serde::{Serialize, Serializer};

/// A closed set of spellings, for generic decoding and help lines.
pub trait Vocabulary: Sized + Copy {
    fn parse(text: &str) -> Option<Self>;
    fn choices() -> String;
    /// The YAML spelling of the value whose Chinese or English label is `text` (`决策者` →
    /// `decision_maker`): editors write the word the site shows them.
    fn spelling_of_label(_text: &str) -> Option<&'static str> {
        None
    }
}

/// Declares a closed vocabulary: YAML spelling, Chinese label, English label.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $( $variant:ident = $yaml:literal, $zh:literal, $en:literal; )* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $( $variant, )* }

        impl $name {
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )* ];

            /// The spelling in YAML and in exports.
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $yaml, )* }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text { $( $yaml => Some($name::$variant), )* _ => None }
            }

            pub fn label_zh(self) -> &'static str {
                match self { $( $name::$variant => $zh, )* }
            }

            pub fn label_en(self) -> &'static str {
                match self { $( $name::$variant => $en, )* }
            }

            /// The allowed spellings, for help lines: `a, b, c`.
            pub fn choices() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl Vocabulary for $name {
            fn parse(text: &str) -> Option<Self> {
                $name::parse(text)
            }
            fn choices() -> String {
                $name::choices()
            }
            fn spelling_of_label(text: &str) -> Option<&'static str> {
                let text = text.trim();
                Self::ALL
                    .iter()
                    .find(|v| v.label_zh() == text || v.label_en().eq_ignore_ascii_case(text))
                    .map(|v| v.as_str())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

vocabulary!(Stage {
    Prospect = "prospect", "潜在客户", "Prospect";
    Qualified = "qualified", "准客户", "Qualified";
    Active = "active", "成交客户", "Active";
    Lost = "lost", "流失客户", "Lost";
});

impl Stage {
    /// Prospects and qualified records are not customers yet.
    pub fn is_customer(self) -> bool {
        matches!(self, Stage::Active | Stage::Lost)
    }
}

vocabulary!(Kind {
    Distributor = "distributor", "经销商", "Distributor";
    EndCustomer = "end_customer", "一般客户", "End customer";
});

vocabulary!(Size {
    Small = "small", "小型", "Small";
    Medium = "medium", "中型", "Medium";
    Large = "large", "大型", "Large";
});

vocabulary!(Organization {
    JointStock = "joint_stock", "股份有限公司", "Joint-stock company";
    Limited = "limited", "有限公司", "Limited company";
    SoleProprietor = "sole_proprietor", "独资", "Sole proprietorship";
    Other = "other", "其他", "Other";
});

vocabulary!(Style {
    Proactive = "proactive", "积极", "Proactive";
    Conservative = "conservative", "保守", "Conservative";
    Steady = "steady", "踏实", "Steady";
    Erratic = "erratic", "不定", "Erratic";
    Speculative = "speculative", "投机", "Speculative";
});

vocabulary!(Trend {
    Booming = "booming", "兴隆", "Booming";
    Growing = "growing", "成长", "Growing";
    Stable = "stable", "稳定", "Stable";
    Declining = "declining", "衰退", "Declining";
    Uncertain = "uncertain", "不定", "Uncertain";
});

vocabulary!(Position {
    Leader = "leader", "领导者", "Leader";
    Influential = "influential", "有一定影响力", "Influential";
    Follower = "follower", "追随者", "Follower";
    Other = "other", "其他", "Other";
});

vocabulary!(
    /// A contact's place in the decision chain, in the order pages list it.
    Role {
        Approver = "approver", "决策批准人", "Approver";
        DecisionMaker = "decision_maker", "决策者", "Decision maker";
        Supporter = "supporter", "决策支撑者", "Supporter";
        Influencer = "influencer", "决策影响者", "Influencer";
        User = "user", "使用者", "User";
        Other = "other", "其他", "Other";
    }
);

vocabulary!(WarningCategory {
    Payment = "payment", "付款变化", "Payment";
    Purchasing = "purchasing", "采购变化", "Purchasing";
    Business = "business", "营业变化", "Business";
    Staff = "staff", "员工变化", "Staff";
});

vocabulary!(
    /// Signs that an existing customer's credit is changing (老客户信用变化的征兆).
    Warning {
        LatePayments = "late_payments", "延迟付款期限", "Late payments";
        ChangingPayDates = "changing_pay_dates", "付款日期经常变更", "Payment dates keep changing";
        LargePaymentsDelayed = "large_payments_delayed", "小额付款干脆大额拖延", "Small bills paid, large ones delayed";
        IrregularSettlement = "irregular_settlement", "不按清款支付", "Irregular settlement";
        SupplierSwitch = "supplier_switch", "采购进货厂商急速改变", "Sudden change of suppliers";
        OrderDrop = "order_drop", "订货额突然减少", "Sudden drop in orders";
        OrdersShiftedToUs = "orders_shifted_to_us", "原向竞争企业的采购全部转到本公司", "All purchases shifted to us from competitors";
        NoOrders = "no_orders", "没有订货", "No orders";
        UnexplainedOrderSpike = "unexplained_order_spike", "毫无理由突然增加订货", "Unexplained spike in orders";
        SalesSwing = "sales_swing", "销售情形突然变化", "Sudden change in sales";
        MassReturns = "mass_returns", "销售对象大量退货", "Mass returns from their buyers";
        InventorySwing = "inventory_swing", "库存量锐增或锐减", "Inventory swings";
        NegativeRumors = "negative_rumors", "不利留言", "Negative rumours";
        StaffDepartures = "staff_departures", "不断有人辞职", "Staff keep leaving";
        StaffComplaints = "staff_complaints", "多数人抱怨不满", "Widespread staff complaints";
        LowMorale = "low_morale", "员工无精打采", "Low morale";
        OwnerDistracted = "owner_distracted", "经营者插手无关事务、吹牛自夸", "Owner distracted or boastful";
    }
);

impl Warning {
    pub fn category(self) -> WarningCategory {
        use Warning::*;
        match self {
            LatePayments | ChangingPayDates | LargePaymentsDelayed | IrregularSettlement => {
                WarningCategory::Payment
            }
            SupplierSwitch | OrderDrop | OrdersShiftedToUs | NoOrders | UnexplainedOrderSpike => {
                WarningCategory::Purchasing
            }
            SalesSwing | MassReturns | InventorySwing | NegativeRumors => WarningCategory::Business,
            StaffDepartures | StaffComplaints | LowMorale | OwnerDistracted => {
                WarningCategory::Staff
            }
        }
    }
}

vocabulary!(ComplaintCategory {
    Product = "product", "产品", "Product";
    Service = "service", "服务", "Service";
    Price = "price", "价格", "Price";
    Delivery = "delivery", "交货", "Delivery";
    Billing = "billing", "账务", "Billing";
    Other = "other", "其他", "Other";
});

vocabulary!(ComplaintSeverity {
    Low = "low", "低", "Low";
    Medium = "medium", "中", "Medium";
    High = "high", "高", "High";
});

vocabulary!(VisitKind {
    Visit = "visit", "登门拜访", "Visit";
    Call = "call", "电话", "Call";
    Email = "email", "邮件", "Email";
    Event = "event", "活动", "Event";
});

vocabulary!(ChurnReason {
    Price = "price", "价格流失", "Price";
    Product = "product", "产品流失", "Product";
    Service = "service", "服务流失", "Service";
    Market = "market", "市场流失", "Market";
    Technology = "technology", "技术流失", "Technology";
    Organization = "organization", "组织流失", "Organization";
});

vocabulary!(
    /// The nine credit grades (三类九级), best first.
    Grade {
        Aaa = "AAA", "AAA", "AAA";
        Aa = "AA", "AA", "AA";
        A = "A", "A", "A";
        Bbb = "BBB", "BBB", "BBB";
        Bb = "BB", "BB", "BB";
        B = "B", "B", "B";
        Ccc = "CCC", "CCC", "CCC";
        Cc = "CC", "CC", "CC";
        C = "C", "C", "C";
    }
);

impl Grade {
    /// The grade `steps` places worse, never below C.
    pub fn notched_down(self, steps: usize) -> Grade {
        let index = Grade::ALL.iter().position(|g| *g == self).unwrap_or(0);
        Grade::ALL[(index + steps).min(Grade::ALL.len() - 1)]
    }

    /// The three-grade class (三级制): A for AAA..A, B for BBB..B, C for CCC..C.
    pub fn class(self) -> Class {
        match self {
            Grade::Aaa | Grade::Aa | Grade::A => Class::A,
            Grade::Bbb | Grade::Bb | Grade::B => Class::B,
            Grade::Ccc | Grade::Cc | Grade::C => Class::C,
        }
    }
}

vocabulary!(
    /// A three-way class: the three-grade credit scale and the ABC revenue classes.
    Class {
        A = "A", "A", "A";
        B = "B", "B", "B";
        C = "C", "C", "C";
    }
);

/// A playbook's `grades` entry: a nine-grade name or `unrated`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GradeFilter {
    Grade(Grade),
    Unrated,
}

impl GradeFilter {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "unrated" => Some(GradeFilter::Unrated),
            other => Grade::parse(other).map(GradeFilter::Grade),
        }
    }

    pub fn choices() -> String {
        format!("{}, unrated", Grade::choices())
    }
}

impl Vocabulary for GradeFilter {
    fn parse(text: &str) -> Option<Self> {
        GradeFilter::parse(text)
    }
    fn choices() -> String {
        GradeFilter::choices()
    }
}

impl Serialize for GradeFilter {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            GradeFilter::Grade(g) => g.serialize(serializer),
            GradeFilter::Unrated => serializer.serialize_str("unrated"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notches_stop_at_c() {
        assert_eq!(Grade::Aaa.notched_down(0), Grade::Aaa);
        assert_eq!(Grade::Aaa.notched_down(2), Grade::A);
        assert_eq!(Grade::Cc.notched_down(5), Grade::C);
    }

    #[test]
    fn every_warning_has_its_category() {
        let count = |c| Warning::ALL.iter().filter(|w| w.category() == c).count();
        assert_eq!(count(WarningCategory::Payment), 4);
        assert_eq!(count(WarningCategory::Purchasing), 5);
        assert_eq!(count(WarningCategory::Business), 4);
        assert_eq!(count(WarningCategory::Staff), 4);
    }

    #[test]
    fn spellings_round_trip() {
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(*s));
        }
        assert_eq!(GradeFilter::parse("unrated"), Some(GradeFilter::Unrated));
        assert_eq!(
            GradeFilter::parse("BBB"),
            Some(GradeFilter::Grade(Grade::Bbb))
        );
        assert_eq!(GradeFilter::parse("bbb"), None);
    }
}
