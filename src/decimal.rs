//! Rounding for display, shared by the site and the terminal report: half away from zero, on
//! the decimal a person reads (not on the binary value, and not half to even as `format!`
//! does, which would show 6.25% as 6.2%). Exports keep unrounded numbers.

/// `x` rounded half away from zero to `decimals` places, as the decimal a person reads: the
/// binary value is first written to 15 significant digits, so 1.2345 · 100 (stored as
/// 123.44999999999999) shows as `123.5`, as on a calculator. Negative zero shows as `0`.
pub fn decimal(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let abs = x.abs();
    // Whole numbers (amounts of money, counts) have nothing to round: their digits, and zeros.
    // Several times faster than writing 15 digits and reading them back, on every page.
    if abs.fract() == 0.0 && abs < 1e18 {
        let mut out = if x < 0.0 {
            format!("-{}", abs as u64)
        } else {
            (abs as u64).to_string()
        };
        if decimals > 0 {
            out.push('.');
            out.extend(std::iter::repeat_n('0', decimals));
        }
        return out;
    }
    rounded(x, abs, decimals)
}

/// [`decimal`] of a number with a fraction (or past `u64`).
fn rounded(x: f64, abs: f64, decimals: usize) -> String {
    let int_digits = if abs < 1.0 {
        1
    } else {
        abs.log10().floor() as usize + 1
    };
    let precision = 15usize.saturating_sub(int_digits).max(decimals + 1);
    let written = format!("{abs:.precision$}");
    let (int, frac) = written.split_once('.').unwrap_or((&written, ""));
    let mut digits: Vec<u8> = int.bytes().chain(frac.bytes().take(decimals)).collect();
    if frac.as_bytes().get(decimals).is_some_and(|d| *d >= b'5') {
        round_up(&mut digits);
    }
    let split = digits.len() - decimals;
    let mut out = String::from_utf8(digits[..split].to_vec()).unwrap_or_default();
    if decimals > 0 {
        out.push('.');
        out.push_str(std::str::from_utf8(&digits[split..]).unwrap_or_default());
    }
    if x < 0.0 && out.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        out.insert(0, '-');
    }
    out
}

/// Adds one unit in the last place of a string of ASCII digits.
fn round_up(digits: &mut Vec<u8>) {
    for d in digits.iter_mut().rev() {
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            return;
        }
    }
    digits.insert(0, b'1');
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn rounding_is_half_up_on_the_decimal_a_person_reads() {
        // 1.2345 · 100 is stored as 123.44999999999999; a calculator shows 123.45 → 123.5.
        assert_eq!(decimal(1.2345 * 100.0, 1), "123.5");
        assert_eq!(decimal(6.25, 1), "6.3");
        assert_eq!(decimal(2.675, 2), "2.68");
        assert_eq!(decimal(1_234_567.005, 2), "1234567.01");
        assert_eq!(decimal(9.96, 1), "10.0");
        assert_eq!(decimal(-0.04, 1), "0.0");
        assert_eq!(decimal(-0.05, 1), "-0.1");
        assert_eq!(decimal(0.5, 0), "1");
        assert_eq!(decimal(999.5, 0), "1000");
    }

    proptest! {
        /// Whole numbers take a shortcut that must write what the general rounding writes.
        #[test]
        fn whole_numbers_as_the_general_rounding_writes_them(
            whole in prop_oneof![-1e7f64..1e7, -1e18f64..1e18],
            decimals in 0usize..4,
        ) {
            let whole = whole.trunc();
            prop_assert_eq!(decimal(whole, decimals), rounded(whole, whole.abs(), decimals));
        }
    }
}
