//! The MAN rule for prospects (寻找潜在客户; domain.md §7).

use serde::Serialize;

use super::time::{Period, stage_as_of};
use crate::model::{Customer, Qualification, Stage};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ManCode {
    /// M+A+N: ideal prospect, pursue now.
    Ideal,
    /// M+A+n: may contact; needs skilled selling.
    SkilledSelling,
    /// M+a+N: may contact; find the person with authority.
    FindAuthority,
    /// m+A+N: may contact; check business and credit, consider financing.
    CheckCredit,
    /// m+a+N, m+A+n, M+a+n: may contact; nurture over time.
    Nurture,
    /// m+a+n: not a customer; stop contact.
    Stop,
    /// A letter is unknown.
    NotYetQualified,
}

impl ManCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ManCode::Ideal => "ideal",
            ManCode::SkilledSelling => "skilled_selling",
            ManCode::FindAuthority => "find_authority",
            ManCode::CheckCredit => "check_credit",
            ManCode::Nurture => "nurture",
            ManCode::Stop => "stop",
            ManCode::NotYetQualified => "not_yet_qualified",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ManCode::Ideal => "理想潜在客户，立即跟进",
            ManCode::SkilledSelling => "可以接触；需要熟练的销售技巧",
            ManCode::FindAuthority => "可以接触；找到有决定权的人",
            ManCode::CheckCredit => "可以接触；调查业务与信用，考虑融资",
            ManCode::Nurture => "可以接触；长期培养",
            ManCode::Stop => "非客户；停止接触",
            ManCode::NotYetQualified => "尚未完成资格认定",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ManCode::Ideal => "Ideal prospect, pursue now",
            ManCode::SkilledSelling => "May contact; needs skilled selling",
            ManCode::FindAuthority => "May contact; find the person with authority",
            ManCode::CheckCredit => "May contact; check business and credit, consider financing",
            ManCode::Nurture => "May contact; nurture over time",
            ManCode::Stop => "Not a customer; stop contact",
            ManCode::NotYetQualified => "Not yet qualified",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ManLetter {
    Money,
    Authority,
    Need,
}

impl ManLetter {
    pub fn as_str(self) -> &'static str {
        match self {
            ManLetter::Money => "money",
            ManLetter::Authority => "authority",
            ManLetter::Need => "need",
        }
    }
}

/// The verdict with its letters: upper case yes, lower case no, `?` unknown (e.g. `M+?+N`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ManVerdict {
    pub code: ManCode,
    pub letters: String,
    /// The letters left out, in M, A, N order.
    pub missing: Vec<ManLetter>,
}

/// The verdict of a record that is a prospect or qualified as of the as-of date and has a
/// qualification.
pub fn man(customer: &Customer, period: &Period) -> Option<ManVerdict> {
    match stage_as_of(customer, period.as_of) {
        Stage::Prospect | Stage::Qualified => customer.qualification.map(verdict),
        _ => None,
    }
}

pub fn verdict(q: Qualification) -> ManVerdict {
    let letter = |value: Option<bool>, yes: char| match value {
        Some(true) => yes,
        Some(false) => yes.to_ascii_lowercase(),
        None => '?',
    };
    let letters = format!(
        "{}+{}+{}",
        letter(q.money, 'M'),
        letter(q.authority, 'A'),
        letter(q.need, 'N')
    );
    let missing: Vec<ManLetter> = [
        (q.money, ManLetter::Money),
        (q.authority, ManLetter::Authority),
        (q.need, ManLetter::Need),
    ]
    .into_iter()
    .filter_map(|(v, l)| v.is_none().then_some(l))
    .collect();
    let code = match (q.money, q.authority, q.need) {
        (Some(m), Some(a), Some(n)) => code(m, a, n),
        _ => ManCode::NotYetQualified,
    };
    ManVerdict {
        code,
        letters,
        missing,
    }
}

fn code(money: bool, authority: bool, need: bool) -> ManCode {
    match (money, authority, need) {
        (true, true, true) => ManCode::Ideal,
        (true, true, false) => ManCode::SkilledSelling,
        (true, false, true) => ManCode::FindAuthority,
        (false, true, true) => ManCode::CheckCredit,
        (false, false, false) => ManCode::Stop,
        _ => ManCode::Nurture,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::testing::*;
    use crate::analytics::time::{AsOfSource, YearSource};

    fn q(m: Option<bool>, a: Option<bool>, n: Option<bool>) -> Qualification {
        Qualification {
            money: m,
            authority: a,
            need: n,
        }
    }

    #[test]
    fn all_eight_combinations() {
        let t = Some(true);
        let f = Some(false);
        let cases = [
            (t, t, t, ManCode::Ideal, "M+A+N"),
            (t, t, f, ManCode::SkilledSelling, "M+A+n"),
            (t, f, t, ManCode::FindAuthority, "M+a+N"),
            (f, t, t, ManCode::CheckCredit, "m+A+N"),
            (f, f, t, ManCode::Nurture, "m+a+N"),
            (f, t, f, ManCode::Nurture, "m+A+n"),
            (t, f, f, ManCode::Nurture, "M+a+n"),
            (f, f, f, ManCode::Stop, "m+a+n"),
        ];
        for (m, a, n, expected, letters) in cases {
            let v = verdict(q(m, a, n));
            assert_eq!((v.code, v.letters.as_str()), (expected, letters));
            assert!(v.missing.is_empty());
        }
    }

    #[test]
    fn unknown_letters_are_named() {
        let v = verdict(q(Some(true), None, Some(true)));
        assert_eq!(v.code, ManCode::NotYetQualified);
        assert_eq!(v.letters, "M+?+N");
        assert_eq!(v.missing, [ManLetter::Authority]);
        // Even a known "no" does not settle it while another letter is unknown.
        let v = verdict(q(Some(false), Some(false), None));
        assert_eq!(
            (v.code, v.missing.as_slice()),
            (ManCode::NotYetQualified, &[ManLetter::Need][..])
        );
        let v = verdict(q(None, None, None));
        assert_eq!(
            v.missing,
            [ManLetter::Money, ManLetter::Authority, ManLetter::Need]
        );
    }

    #[test]
    fn only_prospects_and_qualified_records_get_a_verdict() {
        let p = Period {
            year: 2025,
            year_source: YearSource::Config,
            as_of: date("2025-12-31"),
            as_of_source: AsOfSource::EndOfYear,
        };
        let all = (Some(true), Some(true), Some(true));
        let prospect = customer("P")
            .stage(Stage::Prospect)
            .man(all.0, all.1, all.2)
            .build();
        assert_eq!(man(&prospect, &p).unwrap().code, ManCode::Ideal);
        let qualified = customer("Q").stage(Stage::Qualified).build();
        assert_eq!(man(&qualified, &p), None);
        let active = customer("A").man(all.0, all.1, all.2).build();
        assert_eq!(man(&active, &p), None);
        // A customer whose first deal is after the as-of date is still qualified then.
        let future = customer("F")
            .since("2026-02-01")
            .man(Some(false), Some(false), Some(false))
            .build();
        assert_eq!(man(&future, &p).unwrap().code, ManCode::Stop);
    }
}
