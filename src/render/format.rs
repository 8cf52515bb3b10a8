//! Display formatting of numbers, money, percentages and dates for the site's language.
//! Pages round for display only; exports keep the unrounded numbers.

use std::fmt::Write as _;

use jiff::civil::Date;

use crate::config::Language;

/// Writes an integer part with thousands separators: `1234567` → `1,234,567`.
fn push_grouped(out: &mut String, int: u64) {
    let digits = int.to_string();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
}

/// A number with `decimals` decimal places and thousands separators; `-0` shows as `0`.
pub fn number(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    let Some(rounded) = crate::decimal::Rounded::of(value, decimals) else {
        return number_from_digits(value, decimals);
    };
    let mut out = String::with_capacity(24);
    if rounded.negative {
        out.push('-');
    }
    push_grouped(&mut out, rounded.whole());
    if decimals > 0 {
        let _ = write!(out, ".{:0decimals$}", rounded.fraction());
    }
    out
}

/// [`number`] beyond [`crate::decimal::Rounded`]'s reach (past 10¹⁵, or a 15th digit on a
/// half): from the digits that [`crate::decimal::decimal`] writes.
fn number_from_digits(value: f64, decimals: usize) -> String {
    let text = crate::decimal::decimal(value.abs(), decimals);
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let int: u64 = int.parse().unwrap_or(0);
    let zero = int == 0 && frac.chars().all(|c| c == '0');
    let mut out = String::from(if value < 0.0 && !zero { "-" } else { "" });
    push_grouped(&mut out, int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Money: in zh-CN with 万 (10⁴) and 亿 (10⁸) and up to two decimals; in en with thousands
/// separators and no decimals.
pub fn money(value: f64, language: Language) -> String {
    match (language, in_units(value)) {
        (Language::ZhCn, Some((scaled, unit))) => {
            let text = number(scaled, 2);
            let text = if text.contains('.') {
                text.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                text
            };
            format!("{text}{unit}")
        }
        _ => number(value, 0),
    }
}

/// An amount in 亿 (10⁸) or 万 (10⁴); `None` under 1万.
fn in_units(value: f64) -> Option<(f64, &'static str)> {
    let abs = value.abs();
    if abs >= 1e8 {
        Some((value / 1e8, "亿"))
    } else if abs >= 1e4 {
        Some((value / 1e4, "万"))
    } else {
        None
    }
}

/// The decimals that the amounts of one table need in zh-CN so that all of them can be written
/// with the same number of decimals (at most two, as [`money`]): `2` for 12,345 and 2,300,000
/// (1.23万, 230.00万).
pub fn money_decimals(values: impl IntoIterator<Item = f64>) -> usize {
    values
        .into_iter()
        .filter_map(in_units)
        .map(|(scaled, _)| {
            let text = number(scaled, 2);
            let fraction = text.split_once('.').map_or("", |(_, f)| f);
            fraction.trim_end_matches('0').len()
        })
        .max()
        .unwrap_or(0)
}

/// Money as [`money`], but in 万 and 亿 with exactly `decimals` decimals: amounts of one
/// table read alike (`230.0万` beside `398.5万`, not `230万`). Amounts under 1万 and English
/// amounts are whole, as in [`money`].
pub fn money_fixed(value: f64, decimals: usize, language: Language) -> String {
    match (language, in_units(value)) {
        (Language::ZhCn, Some((scaled, unit))) => format!("{}{unit}", number(scaled, decimals)),
        _ => number(value, 0),
    }
}

/// Money on a chart axis, short enough for its margin: as [`money`] in zh-CN (万, 亿), and
/// with K, M and B in en (`48,000,000` → `48M`).
pub fn money_tick(value: f64, language: Language) -> String {
    match language {
        Language::ZhCn => money(value, language),
        Language::En => {
            let abs = value.abs();
            let (scaled, unit) = if abs >= 1e9 {
                (value / 1e9, "B")
            } else if abs >= 1e6 {
                (value / 1e6, "M")
            } else if abs >= 1e3 {
                (value / 1e3, "K")
            } else {
                return number(value, 0);
            };
            let text = number(scaled, 1);
            format!("{}{unit}", text.strip_suffix(".0").unwrap_or(&text))
        }
    }
}

/// A share as a percentage: `0.1234` → `12.3%`.
pub fn percent(share: f64, decimals: usize) -> String {
    format!("{}%", number(share * 100.0, decimals))
}

/// A part of a whole as a percentage, as [`percent`], except that a part above zero that
/// would round to nothing shows as `< 0.1%` (with one decimal): a customer with a sliver of
/// revenue does not read as having none.
pub fn share(share: f64, decimals: usize) -> String {
    let text = percent(share, decimals);
    let rounds_to_zero = !text.bytes().any(|b| (b'1'..=b'9').contains(&b));
    if share > 0.0 && rounds_to_zero {
        format!("< {}%", number(10f64.powi(-(decimals as i32)), decimals))
    } else {
        text
    }
}

/// A date: `2024年3月5日` in zh-CN, `5 Mar 2024` in en.
pub fn date(date: Date, language: Language) -> String {
    match language {
        Language::ZhCn => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
        Language::En => {
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            format!(
                "{} {} {}",
                date.day(),
                MONTHS[(date.month() - 1) as usize],
                date.year()
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date as d;

    #[test]
    fn numbers() {
        assert_eq!(number(1234567.891, 2), "1,234,567.89");
        assert_eq!(number(-0.001, 1), "0.0");
        assert_eq!(number(-1500.0, 0), "-1,500");
        assert_eq!(number(999.5, 0), "1,000");
        assert_eq!(number(f64::NAN, 0), "–");
        assert_eq!(percent(0.12345, 1), "12.3%");
        assert_eq!(percent(0.0625, 1), "6.3%");
        assert_eq!(number(2.675, 2), "2.68");
    }

    proptest::proptest! {
        /// The integer road of [`number`] writes what the digits road writes.
        #[test]
        fn numbers_by_either_road_read_alike(
            x in proptest::prop_oneof![-1e12f64..1e12, -1.0f64..1.0, 0.0f64..1e5],
            decimals in 0usize..5,
        ) {
            proptest::prop_assert_eq!(number(x, decimals), number_from_digits(x, decimals));
        }
    }

    #[test]
    fn shares_above_zero_never_show_as_zero() {
        // 0.05% rounds half away from zero to 0.1%; just below it would show 0.0%.
        assert_eq!(share(0.0005, 1), "0.1%");
        assert_eq!(share(0.000_499, 1), "< 0.1%");
        assert_eq!(share(1e-9, 1), "< 0.1%");
        assert_eq!(share(0.0, 1), "0.0%");
        assert_eq!(share(0.1234, 1), "12.3%");
        assert_eq!(share(0.000_04, 2), "< 0.01%");
        assert_eq!(share(-0.000_1, 1), "0.0%");
    }

    #[test]
    fn money_by_language() {
        assert_eq!(money(1_280_000.0, Language::ZhCn), "128万");
        assert_eq!(money(12_345.0, Language::ZhCn), "1.23万");
        assert_eq!(money(250_000_000.0, Language::ZhCn), "2.5亿");
        assert_eq!(money(-50_000.0, Language::ZhCn), "-5万");
        assert_eq!(money(9_999.0, Language::ZhCn), "9,999");
        assert_eq!(money(1_280_000.0, Language::En), "1,280,000");
        assert_eq!(money_tick(50_000_000.0, Language::En), "50M");
        assert_eq!(money_tick(2_500_000.0, Language::En), "2.5M");
        assert_eq!(money_tick(-900_000.0, Language::En), "-900K");
        assert_eq!(money_tick(250.0, Language::En), "250");
        assert_eq!(money_tick(50_000_000.0, Language::ZhCn), "5,000万");
    }

    #[test]
    fn amounts_of_one_table_share_their_decimals() {
        let sales = [2_300_000.0, 3_985_000.0, 8_000.0];
        // 398.5万 needs one decimal; 230万 gets it too; 8,000 stays whole.
        assert_eq!(money_decimals(sales), 1);
        let written: Vec<String> = sales
            .iter()
            .map(|v| money_fixed(*v, 1, Language::ZhCn))
            .collect();
        assert_eq!(written, ["230.0万", "398.5万", "8,000"]);
        assert_eq!(money_decimals([12_345.0, 2_300_000.0]), 2);
        assert_eq!(money_decimals([2_300_000.0, 150_000_000.0]), 1);
        assert_eq!(money_fixed(150_000_000.0, 1, Language::ZhCn), "1.5亿");
        assert_eq!(money_decimals([9_999.0]), 0);
        assert_eq!(money_decimals([]), 0);
        // 99,999 is 9.9999万, written 10万 with two decimals: no decimals needed.
        assert_eq!(money_decimals([99_999.0]), 0);
        assert_eq!(money_fixed(3_985_000.0, 1, Language::En), "3,985,000");
    }

    #[test]
    fn dates_by_language() {
        assert_eq!(date(d(2024, 3, 5), Language::ZhCn), "2024年3月5日");
        assert_eq!(date(d(2024, 12, 31), Language::En), "31 Dec 2024");
    }
}
