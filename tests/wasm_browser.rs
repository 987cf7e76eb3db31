//! The JavaScript facade tests of `tests/wasm_node.rs`, run again in headless Chromium, plus
//! a check that this really is a browser. Together with the native fingerprints in
//! wasm_node.rs this checks that one seed gives one history natively, in Node and in the
//! browser.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test wasm_browser`
//! (scripts/test.sh sets it). Natively this file is empty.
#![cfg(target_arch = "wasm32")]

use js_sys::Reflect;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Every facade test, compiled into this browser test binary.
#[path = "wasm_node.rs"]
mod facade;

#[wasm_bindgen_test]
fn runs_in_a_browser_page() {
    let global = js_sys::global();
    let document = Reflect::get(&global, &"document".into()).expect("globalThis.document");
    assert!(document.is_object(), "a DOM document: this is a browser, not Node");
    let agent = Reflect::get(&global, &"navigator".into())
        .and_then(|n| Reflect::get(&n, &"userAgent".into()))
        .ok()
        .and_then(|a| a.as_string())
        .unwrap_or_default();
    assert!(agent.contains("Chrome"), "headless Chromium, got user agent {agent:?}");
    let process = Reflect::get(&global, &"process".into()).unwrap_or(JsValue::UNDEFINED);
    assert!(process.is_undefined(), "no Node `process` object in the browser");
}
