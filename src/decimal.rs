//! Rounding for display, shared by the site and the terminal report: half away from zero, on
//! the decimal a person reads (not on the binary value, and not half to even as `format!`
//! does, which would show 6.25% as 6.2%). Exports keep unrounded numbers.

/// `x` rounded half away from zero to `decimals` places, as the decimal a person reads: the
/// binary value is first written to 15 significant digits, so 1.2345 · 100 (stored as
/// 123.44999999999999) shows as `123.5`, as on a calculator. Negative zero shows as `0`.
pub fn decimal(x: f64, decimals: usize) -> String {
    match Rounded::of(x, decimals) {
        Some(r) => r.to_string(),
        None if !x.is_finite() => x.to_string(),
        None => rounded(x, x.abs(), decimals),
    }
}

/// A number rounded as [`decimal`] rounds it, held as a whole number of units of
/// `10^-decimals` (`12.35` with two decimals is 1235), so that callers can write it (with
/// separators, without a sign for zero) without parsing the text back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rounded {
    /// Below zero and not zero once rounded (`-0.04` to one decimal is `0.0`, not negative).
    pub negative: bool,
    pub units: u64,
    pub decimals: usize,
}

/// Exact powers of ten as `f64` (every one up to 10²² is representable).
const POWERS: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

impl Rounded {
    /// `x` rounded to `decimals` places by integer arithmetic, or `None` where that road does
    /// not apply (not finite, too large, too many decimals, or a value whose 15th significant
    /// digit sits too near a half for one multiplication to decide it): [`decimal`] then
    /// writes the digits out and reads them back, which is exact but several times slower
    /// (a 10k build formats a few million numbers).
    pub fn of(x: f64, decimals: usize) -> Option<Self> {
        if !x.is_finite() || decimals > 8 {
            return None;
        }
        let abs = x.abs();
        let scale = 10u64.pow(decimals as u32);
        let units = if abs.fract() == 0.0 {
            // Whole numbers (amounts of money, counts) have nothing to round.
            if abs >= 1e15 {
                return None;
            }
            (abs as u64).checked_mul(scale)?
        } else {
            Self::units_of_fraction(abs, decimals)?
        };
        Some(Rounded {
            negative: x < 0.0 && units != 0,
            units,
            decimals,
        })
    }

    /// The rounded units of a number with a fraction, as [`rounded`] finds them: the value to
    /// 15 significant digits (`m`, a whole number of `10^-precision`), then half up at
    /// `decimals`. Below 2⁵³ the one multiplication `abs · 10^precision` is within 1/16 of the
    /// exact product, so it rounds to the same `m` unless the product lies near a half.
    fn units_of_fraction(abs: f64, decimals: usize) -> Option<u64> {
        let int_digits = if abs < 1.0 {
            1
        } else {
            abs.log10().floor() as usize + 1
        };
        let precision = 15usize.saturating_sub(int_digits).max(decimals + 1);
        let product = abs * POWERS.get(precision)?;
        if product >= 1e15 {
            return None;
        }
        let whole = product.floor();
        let fraction = product - whole;
        if (fraction - 0.5).abs() < 0.125 {
            return None;
        }
        let m = whole as u64 + u64::from(fraction > 0.5);
        let dropped = 10u64.pow((precision - decimals) as u32);
        let units = m / dropped;
        let next_digit = (m % dropped) / (dropped / 10);
        Some(units + u64::from(next_digit >= 5))
    }

    /// The whole part (`12` of `12.35`).
    pub fn whole(self) -> u64 {
        self.units / 10u64.pow(self.decimals as u32)
    }

    /// The decimals as a whole number (`35` of `12.35`, `5` of `3.05`): write it zero-padded to
    /// [`Rounded::decimals`] digits.
    pub fn fraction(self) -> u64 {
        self.units % 10u64.pow(self.decimals as u32)
    }
}

impl std::fmt::Display for Rounded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.negative { "-" } else { "" };
        write!(f, "{sign}{}", self.whole())?;
        if self.decimals > 0 {
            write!(f, ".{:0width$}", self.fraction(), width = self.decimals)?;
        }
        Ok(())
    }
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

    #[test]
    fn ordinary_numbers_take_the_integer_road() {
        for (x, decimals, units) in [
            (0.1234, 3, 123),
            (1_234_567.891, 2, 123_456_789),
            (-1500.0, 0, 1500),
            (128.0, 2, 12_800),
            (0.0625 * 100.0, 1, 63),
        ] {
            let r = Rounded::of(x, decimals).expect("the integer road applies");
            assert_eq!((r.units, r.negative), (units, x < 0.0));
        }
        assert_eq!(Rounded::of(-0.04, 1).map(|r| r.negative), Some(false));
        assert_eq!(Rounded::of(f64::NAN, 1), None);
        assert_eq!(Rounded::of(1e300, 0), None);
    }

    proptest! {
        /// Where the integer road answers, it writes what the digit-by-digit rounding writes:
        /// amounts of money and their 万 and 亿, shares, ratios, and values whose last digits
        /// sit on a half (`x.xx5`) where one multiplication could round the other way.
        #[test]
        fn the_integer_road_writes_what_the_digits_write(
            x in prop_oneof![
                -1e9f64..1e9,
                -1.0f64..1.0,
                (0u64..10_000_000).prop_map(|c| c as f64 / 1000.0 + 0.0005),
                (0u64..100_000_000).prop_map(|c| c as f64 / 100.0 / 1e4),
                (1u64..1_000_000).prop_map(|c| 1.0 / c as f64),
                (0u64..1_000_000).prop_map(|c| c as f64 * 1e-7),
            ],
            decimals in 0usize..6,
        ) {
            if let Some(r) = Rounded::of(x, decimals) {
                prop_assert_eq!(r.to_string(), rounded(x, x.abs(), decimals));
            }
        }
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
