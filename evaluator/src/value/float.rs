//! Float formatting exactly as C++ Nix prints floats (`std::ostream` defaults:
//! six significant digits, `%g` style).

/// Formats `x` the way `nix-instantiate --eval` prints a float.
pub fn format_float(x: f64) -> String {
    if x.is_nan() {
        return if x.is_sign_negative() {
            "-nan".into()
        } else {
            "nan".into()
        };
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf".into() } else { "inf".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    const PRECISION: i32 = 6;
    // Round to six significant digits first; the exponent of the rounded
    // value decides between fixed and scientific notation, as %g does.
    let sci = format!("{:.*e}", (PRECISION - 1) as usize, x);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..PRECISION).contains(&exp) {
        let mantissa = strip_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        let decimals = (PRECISION - 1 - exp).max(0) as usize;
        strip_zeros(&format!("{:.*}", decimals, x)).to_string()
    }
}

fn strip_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::format_float;

    #[test]
    fn matches_cpp_ostream() {
        assert_eq!(format_float(1.0), "1");
        assert_eq!(format_float(0.1), "0.1");
        assert_eq!(format_float(1e20), "1e+20");
        assert_eq!(format_float(123456789.0), "1.23457e+08");
        assert_eq!(format_float(1.5e-7), "1.5e-07");
        assert_eq!(format_float(1e-5), "1e-05");
        assert_eq!(format_float(100000.0), "100000");
        assert_eq!(format_float(1000000.0), "1e+06");
        assert_eq!(format_float(0.000123456789), "0.000123457");
        assert_eq!(format_float(999999.5), "1e+06");
        assert_eq!(format_float(-2.5), "-2.5");
    }
}
