//! What an untagged plain scalar means: null, boolean, integer, float or string, by the YAML 1.2
//! core schema exactly as serde-saphyr reads it with dossier's options (strict booleans, no
//! legacy octal, `0x`/`0o`/`0b` and `_` separators accepted, a redundant leading zero making a
//! float, an integer beyond `i64` a float). Property tests hold it to serde-saphyr
//! (`tests` below and `tests/it/yaml_roads.rs`).

use super::Value;

/// The value of a plain scalar, or `None` for a non-finite number (`.inf`, `.nan`, `1e999`),
/// which serde-saphyr reports as an error.
pub(super) fn plain(text: &str) -> Option<Value> {
    if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
        return Some(Value::Null);
    }
    let t = text.trim_matches([' ', '\t', '\r', '\n']);
    match t {
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    if !t.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.')) {
        // Neither a number nor a non-finite float: the common case of words.
        return Some(Value::Str(text.to_owned()));
    }
    if t.starts_with('-') {
        if !has_redundant_leading_zero(t)
            && let Some(int) = signed(t)
        {
            return Some(Value::Int(int));
        }
    } else if let Some(int) = unsigned(t) {
        return Some(i64::try_from(int).map_or(Value::Float(int as f64), Value::Int));
    }
    match float(t) {
        Float::Finite(x) => Some(Value::Float(x)),
        Float::NonFinite => None,
        Float::No => Some(Value::Str(text.to_owned())),
    }
}

/// The text of a mapping key when it is the same whatever the scalar rules: quoted and not the
/// merge key, or plain and reading as a string that starts with a letter, `_` or a non-ASCII
/// character. Other keys (`2024:`, `true:`, `<<:`) are left to serde-saphyr.
pub(super) fn key(text: &str, quoted: bool) -> Option<&str> {
    let first = *text.as_bytes().first()?;
    let ok = if quoted {
        text != "<<"
    } else {
        (first.is_ascii_alphabetic() || first >= 0x80 || first == b'_')
            && matches!(plain(text), Some(Value::Str(_)))
    };
    ok.then_some(text)
}

/// `0127`, `-0127`: digits with a zero in front, which the core schema does not read as an
/// integer (they become floats).
fn has_redundant_leading_zero(t: &str) -> bool {
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit())
}

/// An integer with `+` or no sign, in `u64`.
fn unsigned(t: &str) -> Option<u64> {
    let rest = t.strip_prefix('+').unwrap_or(t);
    u64::try_from(magnitude(rest)?).ok()
}

/// An integer with a sign, in `i64`.
fn signed(t: &str) -> Option<i64> {
    let (negative, rest) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let magnitude = i128::try_from(magnitude(rest)?).ok()?;
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

/// The value of unsigned integer digits: `0x`, `0o` or `0b` and their digits, or decimal
/// digits without a redundant leading zero; `_` may separate digits.
fn magnitude(rest: &str) -> Option<u128> {
    let prefixed = |lower: &str, upper: &str| {
        rest.strip_prefix(lower)
            .or_else(|| rest.strip_prefix(upper))
    };
    if let Some(digits) = prefixed("0x", "0X") {
        return digits_value(digits, 16);
    }
    if let Some(digits) = prefixed("0o", "0O") {
        return digits_value(digits, 8);
    }
    if let Some(digits) = prefixed("0b", "0B") {
        return digits_value(digits, 2);
    }
    if rest.starts_with('0') && rest != "0" {
        return None;
    }
    digits_value(rest, 10)
}

/// Digits in `radix`, each `_` between two digits; at least one digit.
fn digits_value(digits: &str, radix: u32) -> Option<u128> {
    let bytes = digits.as_bytes();
    let mut value: u128 = 0;
    let mut any = false;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            let between =
                i > 0 && bytes[i - 1] != b'_' && bytes.get(i + 1).is_some_and(|&n| n != b'_');
            if !between {
                return None;
            }
            continue;
        }
        let digit = (b as char).to_digit(radix)?;
        value = value
            .checked_mul(u128::from(radix))?
            .checked_add(u128::from(digit))?;
        any = true;
    }
    any.then_some(value)
}

enum Float {
    Finite(f64),
    /// `.inf`, `.nan` and decimal literals beyond `f64`.
    NonFinite,
    No,
}

fn float(t: &str) -> Float {
    let unsigned = t.strip_prefix(['-', '+']).unwrap_or(t);
    if matches!(
        unsigned,
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF"
    ) {
        return Float::NonFinite;
    }
    match t.parse::<f64>() {
        Ok(x) if x.is_finite() => Float::Finite(x),
        // Rust also reads `inf`, `infinity` and `nan`, which YAML keeps as words.
        Ok(_) if unsigned.starts_with(|c: char| c.is_ascii_digit()) => Float::NonFinite,
        _ => Float::No,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::yaml::readers;

    #[test]
    fn core_schema_as_serde_saphyr_reads_it() {
        let cases: [(&str, Value); 22] = [
            ("", Value::Null),
            ("~", Value::Null),
            ("NULL", Value::Null),
            ("True", Value::Bool(true)),
            ("yes", Value::Str("yes".into())),
            ("2024", Value::Int(2024)),
            ("-7", Value::Int(-7)),
            ("+3", Value::Int(3)),
            ("-0", Value::Int(0)),
            ("1_000", Value::Int(1000)),
            ("0x1F", Value::Int(31)),
            ("-0o17", Value::Int(-15)),
            ("0b101", Value::Int(5)),
            ("0571", Value::Float(571.0)),
            ("-0571", Value::Float(-571.0)),
            (
                "12345678901234567890",
                Value::Float(12_345_678_901_234_567_890.0),
            ),
            ("1e5", Value::Float(100_000.0)),
            (".5", Value::Float(0.5)),
            ("1_0.5", Value::Str("1_0.5".into())),
            ("inf", Value::Str("inf".into())),
            ("2025-03-23", Value::Str("2025-03-23".into())),
            ("0x", Value::Str("0x".into())),
        ];
        for (text, value) in cases {
            assert_eq!(plain(text), Some(value), "{text:?}");
        }
        for text in [".inf", "-.Inf", ".NaN", "1e999", "-1e400"] {
            assert_eq!(plain(text), None, "{text:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// Number-like and word-like scalars, as values and as keys: where serde-saphyr reads
        /// the document the event reader gives the same tree, and where it reports an error
        /// the event reader leaves the document to it.
        #[test]
        fn scalars_read_as_serde_saphyr_reads_them(
            scalar in "[-+._0-9a-fA-FxXoObBeE]{0,10}|[~nulNUtrTRUEfasFALS]{0,5}|[0-9]{15,25}",
            quote in 0..3usize,
        ) {
            let quoted = match quote {
                0 => scalar.clone(),
                1 => format!("'{scalar}'"),
                _ => format!("\"{scalar}\""),
            };
            for text in [format!("k: {quoted}\n"), format!("{quoted}: v\n"), format!("k: [{quoted}]\n")] {
                let events = readers::events(&text, 1);
                match readers::saphyr(&text, 1) {
                    Ok(node) => {
                        if text.starts_with('k') {
                            prop_assert_eq!(events, Some(node), "{:?}", text);
                        } else if let Some(events) = events {
                            // Keys: the event reader takes only keys that read as text.
                            prop_assert_eq!(events, node, "{:?}", text);
                        }
                    }
                    Err(_) => prop_assert_eq!(events, None, "{:?}", text),
                }
            }
        }
    }
}
