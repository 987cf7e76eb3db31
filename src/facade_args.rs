//! The facade's argument checks as plain Rust, so that they build and are tested (and
//! fuzzed: fuzz/fuzz_targets/facade_args.rs) natively: the wasm layer (src/wasm.rs,
//! src/wasm_exercise.rs, src/explore/wasm.rs) only reads what kind of JavaScript value it
//! was given ([`Arg`]) and hands it here.
//!
//! Why the facade takes every argument as a JavaScript value and checks it itself: a
//! parameter typed `f64` or `&str` is converted by wasm-bindgen's glue, in JavaScript,
//! after the glue has read the object's pointer. An argument whose `valueOf` frees the
//! object (`ex.advance({ valueOf() { ex.free(); return 10 } })`) then runs the method on
//! freed memory, and a `&str` parameter given `{ length: 1e9 }` has the glue allocate a
//! gigabyte before it notices that it is not a string. A JavaScript value is passed as
//! it is; reading its kind runs no JavaScript code.

/// The longest quoted part of an error message, and the longest word taken from an input.
pub const MAX_QUOTE: usize = 80;

/// The longest error message the facade throws, in characters.
pub const MAX_MESSAGE: usize = 480;

/// What a JavaScript argument is, as far as the checks need to know.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// `undefined` (also a missing argument).
    Undefined,
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number (a primitive, not a `Number` object).
    Number(f64),
    /// A string (a primitive).
    Text(String),
    /// A BigInt.
    BigInt,
    /// An array.
    Array,
    /// A function.
    Function,
    /// Any other object.
    Object,
    /// A symbol or anything else.
    Other,
}

impl Arg {
    /// Whether it is `undefined` or `null` (an optional argument not given).
    pub fn is_missing(&self) -> bool {
        matches!(self, Arg::Undefined | Arg::Null)
    }
}

/// The value in words, for an error message; a short string is shown whole, a long one
/// in its first [`MAX_QUOTE`] characters.
pub fn describe(v: &Arg) -> String {
    match v {
        Arg::Undefined => "undefined".into(),
        Arg::Null => "null".into(),
        Arg::Bool(_) => "a boolean".into(),
        Arg::Number(n) => format!("the number {n}"),
        Arg::Text(t) => format!("the string {:?}", clip(t, MAX_QUOTE)),
        Arg::BigInt => "a BigInt".into(),
        Arg::Array => "an array".into(),
        Arg::Function => "a function".into(),
        Arg::Object => "an object".into(),
        Arg::Other => "a value of another kind".into(),
    }
}

/// `text` cut to its first `max` characters, with an ellipsis when cut.
pub fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// An error message as the facade throws it: one line, every quoted part (`"…"`, `` `…` ``)
/// and every word longer than [`MAX_QUOTE`] characters cut to that with an ellipsis, and
/// the whole at most [`MAX_MESSAGE`] characters, so that no input is ever echoed whole.
pub fn short_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(MAX_MESSAGE * 4));
    let mut quote: Option<char> = None;
    let mut quoted = 0usize;
    let mut word = 0usize;
    let mut escaped = false;
    for ch in message.chars() {
        let ch = if ch == '\n' || ch == '\r' { ' ' } else { ch };
        if let Some(q) = quote {
            if ch == q && !escaped {
                quote = None;
                out.push(ch);
                word = 0;
                continue;
            }
            escaped = ch == '\\' && !escaped;
            quoted += 1;
            if quoted <= MAX_QUOTE {
                out.push(ch);
            } else if quoted == MAX_QUOTE + 1 {
                out.push('…');
            }
            continue;
        }
        if ch == '"' || ch == '`' {
            quote = Some(ch);
            quoted = 0;
            escaped = false;
            out.push(ch);
            continue;
        }
        word = if ch.is_whitespace() { 0 } else { word + 1 };
        if word <= MAX_QUOTE {
            out.push(ch);
        } else if word == MAX_QUOTE + 1 {
            out.push('…');
        }
    }
    clip(&out, MAX_MESSAGE)
}

/// A whole number `0..=max` (a number; nothing else).
pub fn whole(name: &str, v: &Arg, max: f64) -> Result<f64, String> {
    match v {
        Arg::Number(n) if n.is_finite() && *n >= 0.0 && n.fract() == 0.0 && *n <= max => Ok(*n),
        _ => Err(format!("{name}: expected a whole number from 0 to {max}, got {}", describe(v))),
    }
}

/// A whole number `min..=max` (a number; nothing else), named `what` of call `call`.
pub fn whole_in(call: &str, what: &str, v: &Arg, min: u64, max: u64) -> Result<u64, String> {
    match v {
        Arg::Number(n) if n.is_finite() && *n >= min as f64 && n.fract() == 0.0 && *n <= max as f64 => Ok(*n as u64),
        _ => Err(format!("{call}: {what} must be a whole number {min}..={max}, got {}", describe(v))),
    }
}

/// A position in a list (`from`/`to` of a slice): negatives count as 0, fractions are
/// rounded down, numbers past `max` are clipped to it; non-numbers, `NaN` and infinities
/// are refused.
pub fn position(name: &str, v: &Arg, max: f64) -> Result<usize, String> {
    match v {
        Arg::Number(n) if n.is_finite() => Ok(n.max(0.0).floor().min(max) as usize),
        _ => Err(format!("{name}: expected a position (a whole number from 0), got {}", describe(v))),
    }
}

/// A string (`what` says what it should hold), of call `call`.
pub fn text(call: &str, what: &str, v: Arg) -> Result<String, String> {
    match v {
        Arg::Text(t) => Ok(t),
        other => Err(format!("{call}: expected {what} (a string), got {}", describe(&other))),
    }
}

/// The budget of an explorer's `advance`: a whole number ≥ 1 (the most explored at once
/// is a billion).
pub fn budget(call: &str, v: &Arg) -> Result<usize, String> {
    match v {
        Arg::Number(n) if n.is_finite() && *n >= 1.0 && n.fract() == 0.0 => Ok(n.min(1e9) as usize),
        _ => Err(format!("{call}: budget must be a whole number ≥ 1, got {}", describe(v))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_input_is_quoted_in_its_first_80_characters() {
        let long = "x".repeat(100_000);
        let m = short_message(&format!("cookLeaves: no cook is called {long:?}"));
        assert!(m.chars().count() <= "cookLeaves: no cook is called \"\"…".len() + MAX_QUOTE, "{m}");
        assert!(m.ends_with("…\""), "{m}");
        let m = short_message(&format!("cookLeaves: {long} is not a cook"));
        assert!(m.ends_with("… is not a cook"), "{m}");
        assert!(m.chars().count() <= MAX_QUOTE + 40, "{m}");
    }

    #[test]
    fn a_short_message_is_kept_as_it_is_on_one_line() {
        assert_eq!(short_message("seek: expected a \"number\"\nthere"), "seek: expected a \"number\" there");
        assert_eq!(short_message(r#"x: "a\"b" c"#), r#"x: "a\"b" c"#);
    }

    #[test]
    fn numbers_are_checked_without_conversion() {
        assert_eq!(whole("seek", &Arg::Number(3.0), 10.0), Ok(3.0));
        for bad in [Arg::Number(-1.0), Arg::Number(0.5), Arg::Number(f64::NAN), Arg::Number(11.0), Arg::Object] {
            let e = whole("seek", &bad, 10.0).unwrap_err();
            assert!(e.starts_with("seek: expected a whole number from 0 to 10, got "), "{e}");
        }
        assert_eq!(budget("advance", &Arg::Number(1e30)), Ok(1_000_000_000));
        assert!(budget("advance", &Arg::Object).unwrap_err().contains("got an object"));
        assert_eq!(position("from", &Arg::Number(-5.5), 9.0), Ok(0));
        assert_eq!(position("from", &Arg::Number(1e20), 9.0), Ok(9));
    }

    #[test]
    fn a_string_is_taken_only_from_a_string() {
        assert_eq!(text("importRun", "the run file's text", Arg::Text("{}".into())), Ok("{}".into()));
        let e = text("importProcessRun", "the run file's text", Arg::Number(5.0)).unwrap_err();
        assert_eq!(e, "importProcessRun: expected the run file's text (a string), got the number 5");
    }
}
