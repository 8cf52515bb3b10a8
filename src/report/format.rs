//! Display formatting of numbers for terminal tables. Exports and the machine formats carry the
//! unrounded values; only these helpers round.

use crate::config::Language;
pub use crate::decimal::decimal;

/// `1234567.891` → `1,234,567.89` (thousands separators).
pub fn grouped(x: f64, decimals: usize) -> String {
    let text = decimal(x, decimals);
    let (sign, unsigned) = text
        .strip_prefix('-')
        .map_or(("", text.as_str()), |t| ("-", t));
    let (int, frac) = unsigned
        .split_once('.')
        .map_or((unsigned, None), |(i, f)| (i, Some(f)));
    let mut out = String::from(sign);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Money for display. English: thousands separators, two decimals (`1,234,567.89`).
/// Chinese: below 1万 the same; from 1万 in 万 with one decimal (`1234.5万`); from 1亿 in 亿 with
/// one decimal (`3.2亿`, `12,345.6亿`). The unit is chosen on the rounded value, so 99,999,999
/// shows as `1.0亿`, not `10000.0万`, and 9,999.999 as `1.0万`.
pub fn money(x: f64, language: Language) -> String {
    let below = |text: &str, limit: f64| text.parse::<f64>().is_ok_and(|v| v < limit);
    if language == Language::En || below(&decimal(x.abs(), 2), 1e4) {
        return grouped(x, 2);
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let wan = decimal(x.abs() / 1e4, 1);
    if below(&wan, 1e4) {
        format!("{sign}{wan}万")
    } else {
        format!("{sign}{}亿", grouped(x.abs() / 1e8, 1))
    }
}

/// A share as a percentage with one decimal: 0.8523 → `85.2%`.
pub fn percent(x: f64) -> String {
    format!("{}%", decimal(x * 100.0, 1))
}

/// A plain number with fixed decimals.
pub fn fixed(x: f64, decimals: usize) -> String {
    decimal(x, decimals)
}

/// A signed change with fixed decimals: `+0.40`, `-1.20`, `0.00`.
pub fn signed(x: f64, decimals: usize) -> String {
    let text = decimal(x, decimals);
    if x > 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        format!("+{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping() {
        assert_eq!(grouped(1_234_567.891, 2), "1,234,567.89");
        assert_eq!(grouped(999.0, 0), "999");
        assert_eq!(grouped(1000.0, 0), "1,000");
        assert_eq!(grouped(-1234.5, 2), "-1,234.50");
        assert_eq!(grouped(-0.001, 2), "0.00");
        assert_eq!(grouped(0.0, 2), "0.00");
    }

    #[test]
    fn chinese_money_uses_wan_and_yi() {
        let zh = Language::ZhCn;
        assert_eq!(money(9_876.5, zh), "9,876.50");
        assert_eq!(money(9_999.999, zh), "1.0万");
        assert_eq!(money(12_345_000.0, zh), "1234.5万");
        assert_eq!(money(10_000.0, zh), "1.0万");
        assert_eq!(money(320_000_000.0, zh), "3.2亿");
        assert_eq!(money(99_999_999.0, zh), "1.0亿");
        assert_eq!(money(1_234_560_000_000.0, zh), "12,345.6亿");
        assert_eq!(money(-50_000.0, zh), "-5.0万");
        assert_eq!(money(12_345_000.0, Language::En), "12,345,000.00");
    }

    #[test]
    fn percents_and_signs() {
        assert_eq!(percent(0.8523), "85.2%");
        assert_eq!(percent(-0.25), "-25.0%");
        assert_eq!(signed(0.4, 2), "+0.40");
        assert_eq!(signed(-1.2, 2), "-1.20");
        assert_eq!(signed(0.0, 2), "0.00");
        assert_eq!(fixed(-0.0001, 2), "0.00");
    }
}
