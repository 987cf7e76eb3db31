//! The facade's argument checks (`brigade::facade_args`, which src/wasm.rs calls with the
//! kind of every JavaScript argument) and its memory budget (`checkMemory`), given
//! arbitrary values: no panic, a value accepted is in its range, and every error message
//! is one line, quotes at most 80 characters of any input and is at most 480 characters.
#![no_main]

use arbitrary::Arbitrary;
use brigade::facade_args::{self, Arg, MAX_MESSAGE, MAX_QUOTE};
use brigade::scenario::Config;
use brigade::sim::budget::check_memory;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
enum Value {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    BigInt,
    Array,
    Function,
    Object,
    Other,
}

impl Value {
    fn arg(self) -> Arg {
        match self {
            Value::Undefined => Arg::Undefined,
            Value::Null => Arg::Null,
            Value::Bool(b) => Arg::Bool(b),
            Value::Number(n) => Arg::Number(n),
            Value::Text(t) => Arg::Text(t),
            Value::BigInt => Arg::BigInt,
            Value::Array => Arg::Array,
            Value::Function => Arg::Function,
            Value::Object => Arg::Object,
            Value::Other => Arg::Other,
        }
    }
}

#[derive(Debug, Arbitrary)]
struct Input {
    value: Value,
    max: u32,
    min: u8,
    message: String,
    config: String,
    placed: u32,
}

/// What the facade throws for `message`, checked against its promise.
fn check_message(message: &str) {
    let thrown = facade_args::short_message(&brigade::run_file::plain(message));
    assert!(!thrown.contains('\n'), "not one line: {thrown:?}");
    assert!(thrown.chars().count() <= MAX_MESSAGE + 1, "{} characters", thrown.chars().count());
    let longest_word = thrown.split(char::is_whitespace).map(|w| w.chars().count()).max().unwrap_or(0);
    // a word is cut at 80 characters, a quote at 80 inside it: a word before a quote, the
    // quote and a word after it make at most three such pieces with their marks
    assert!(longest_word <= 3 * MAX_QUOTE + 8, "a word of {longest_word} characters: {thrown:?}");
}

fuzz_target!(|input: Input| {
    let arg = input.value.arg();
    let max = input.max as f64;
    match facade_args::whole("seek", &arg, max) {
        Ok(n) => assert!(n >= 0.0 && n <= max && n.fract() == 0.0),
        Err(e) => check_message(&e),
    }
    let min = input.min as u64;
    match facade_args::whole_in("hireCook", "the cooking time", &arg, min, input.max as u64) {
        Ok(n) => assert!(n >= min && n <= input.max as u64),
        Err(e) => check_message(&e),
    }
    match facade_args::position("messages: from", &arg, max) {
        Ok(n) => assert!(n as f64 <= max),
        Err(e) => check_message(&e),
    }
    match facade_args::budget("advance", &arg) {
        Ok(n) => assert!((1..=1_000_000_000).contains(&n)),
        Err(e) => check_message(&e),
    }
    if let Err(e) = facade_args::text("importRun", "the run file's text", arg) {
        check_message(&e);
    }
    check_message(&input.message);
    check_message(&format!("cookLeaves: no cook is called {:?}", input.message));
    if let Ok(cfg) = Config::from_json(&input.config) {
        if let Err(e) = check_memory(&cfg, input.placed as u64) {
            check_message(&format!("config: {e}"));
        }
    } else if let Err(e) = Config::from_json(&input.config) {
        check_message(&format!("config: {e}"));
    }
});
