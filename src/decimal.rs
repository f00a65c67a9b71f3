//! Numbers with a fixed number of decimals, written exactly as
//! `format!("{x:.N}")` writes them, without its slow path for the usual
//! value: see [`push_fixed`]. The tables write two such numbers a row and
//! the evidence column one or two a tone term, and exact float formatting
//! (often by the Dragon4 algorithm) was a third of the time of writing
//! UNGDC's tables and about a twentieth of a run with `--sentences`.

use std::fmt::Write;

/// Powers of ten that [`push_fixed`] scales by, all exact in an `f64`.
const POW10: [f64; 10] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/// Appends `x` with `decimals` digits after the point to `out`: exactly
/// what `format!("{x:.decimals$}")` writes, or `format!("{x:+.decimals$}")`
/// with `plus`.
///
/// `format!` rounds the exact binary value, ties to even, and writes the
/// sign of `x` (so `-0.04` is `-0.0` at one decimal). Here the value scaled
/// by 10^`decimals` is computed in floating point; below 10⁹ its error is
/// under 10⁻⁷, so unless it lies within 10⁻⁶ of a half it rounds to the
/// same integer as the exact value, and that integer is written. The rest
/// (ties, large or non-finite values, more than 9 decimals) go to
/// `format!`.
///
/// ```
/// use stancemeter::decimal::push_fixed;
/// let mut s = String::new();
/// push_fixed(&mut s, -2.0 / 3.0, 4, false);
/// s.push(' ');
/// push_fixed(&mut s, 1.5, 1, true);
/// s.push(' ');
/// push_fixed(&mut s, -0.04, 1, true);
/// assert_eq!(s, "-0.6667 +1.5 -0.0");
/// ```
#[inline]
pub fn push_fixed(out: &mut String, x: f64, decimals: usize, plus: bool) {
    if let Some(&scale) = POW10.get(decimals) {
        let scaled = x.abs() * scale;
        // The whole part by a cast and the rounding by a comparison:
        // `f64::trunc` and `f64::round` are calls into the C library on
        // x86-64 without SSE4.1, and were a fifth of the time of writing
        // the tables' numbers. Below 10⁹ the cast truncates exactly.
        let whole = scaled as u64;
        let frac = scaled - whole as f64;
        if scaled < 1e9 && (frac - 0.5).abs() > 1e-6 {
            let n = whole + u64::from(frac > 0.5);
            if x.is_sign_negative() {
                out.push('-');
            } else if plus {
                out.push('+');
            }
            let p = 10u64.pow(decimals as u32);
            push_int(out, n / p);
            if decimals > 0 {
                out.push('.');
                // `p + n % p` is a 1 and then the decimals, zeros kept.
                let mut digits = itoa::Buffer::new();
                out.push_str(&digits.format(p + n % p)[1..]);
            }
            return;
        }
    }
    push_fixed_slow(out, x, decimals, plus);
}

/// [`push_fixed`] by `format!`: out of line, so that the fast path inlines
/// (with `decimals` a constant, its divisions become multiplications).
#[cold]
#[inline(never)]
fn push_fixed_slow(out: &mut String, x: f64, decimals: usize, plus: bool) {
    // Writing to a `String` cannot fail.
    let _ = if plus {
        write!(out, "{x:+.decimals$}")
    } else {
        write!(out, "{x:.decimals$}")
    };
}

/// Appends the decimal digits of `n` to `out`.
///
/// ```
/// let mut s = String::from("n=");
/// stancemeter::decimal::push_int(&mut s, 1_234_567);
/// assert_eq!(s, "n=1234567");
/// ```
pub fn push_int(out: &mut String, n: u64) {
    out.push_str(itoa::Buffer::new().format(n));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(x: f64, decimals: usize, plus: bool) -> String {
        if plus {
            format!("{x:+.decimals$}")
        } else {
            format!("{x:.decimals$}")
        }
    }

    fn fast(x: f64, decimals: usize, plus: bool) -> String {
        let mut s = String::new();
        push_fixed(&mut s, x, decimals, plus);
        s
    }

    #[test]
    fn writes_what_format_writes() {
        let mut values = vec![
            0.0,
            -0.0,
            0.05,
            -0.05,
            0.25,
            0.35,
            1.03125,
            -1.03125,
            2.5,
            -2.5,
            0.00005,
            0.5e-4,
            999_999.999_95,
            1e9,
            2.5e11,
            -1e300,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        // The ratios of small counts (net stance, shares), micro-unit
        // means (tone sums over sentences), exact halves at every scale,
        // and the weights and factors of the lexicons.
        for n in 1..=200i64 {
            values.extend((-n..=n).map(|k| k as f64 / n as f64));
        }
        for micros in (-3_000_000i64..=3_000_000).step_by(997) {
            for sentences in [1.0, 3.0, 7.0, 1_000.0] {
                values.push(micros as f64 / 1e6 / sentences);
            }
        }
        for k in -2_000i64..=2_000 {
            for scale in [10.0, 100.0, 10_000.0] {
                values.push((k as f64 + 0.5) / scale);
            }
        }
        for w in -40i32..=40 {
            for f in [0.5, 0.8, 1.2, 1.5, -0.8, 0.25] {
                values.push(f64::from(w) / 10.0 * f);
            }
        }
        // Large values, where the scaled value's own rounding error grows:
        // ten-thousandfolds from 10⁵ to 10¹⁷ with every kind of fraction.
        for mag in [1e1, 1e3, 1e5, 1e7, 1e9, 1e11, 1e13] {
            values.extend((0..2_000).map(|j| mag * (1.0 + f64::from(j) * 1.234_567e-7)));
        }
        for &x in &values {
            for decimals in 0..=5 {
                for plus in [false, true] {
                    assert_eq!(
                        fast(x, decimals, plus),
                        reference(x, decimals, plus),
                        "{x:e} with {decimals} decimals, plus {plus}"
                    );
                }
            }
        }
    }

    #[test]
    fn ints() {
        for n in [0, 7, 10, 99, 100, 12_345, u64::MAX] {
            let mut s = String::new();
            push_int(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }

    proptest::proptest! {
        #[test]
        fn any_value(x in proptest::num::f64::ANY, decimals in 0usize..=11, plus: bool) {
            proptest::prop_assert_eq!(fast(x, decimals, plus), reference(x, decimals, plus));
        }

        #[test]
        fn values_of_the_tables(x in -1.0f64..=1.0, decimals in 0usize..=4, plus: bool) {
            proptest::prop_assert_eq!(fast(x, decimals, plus), reference(x, decimals, plus));
        }
    }
}
