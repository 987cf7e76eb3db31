#!/usr/bin/env bash
# Builds the WebAssembly package the page loads: www/pkg/brigade.js + www/pkg/brigade_bg.wasm,
# and copies the exercise sandbox's QuickJS interpreter to www/vendor/quickjs/ (needs npm).
# After this, www/ is the whole static site.
#
#   bash scripts/build-wasm.sh
#
# BRIGADE_SKIP_SETUP=1 skips `scripts/setup.sh page` (the callers that already ran setup set it).
# WASM_OPT=0 skips wasm-opt. The wasm-opt used is the npm package binaryen's (a current one,
# installed by `scripts/setup.sh` with the npm packages), else Debian's if present; either
# way its output is checked in Node and the unoptimised module is kept if anything goes wrong.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[build-wasm] %s\n' "$*"; }

if [ "${BRIGADE_SKIP_SETUP:-0}" != 1 ]; then
  bash scripts/setup.sh page
fi

target_dir=${CARGO_TARGET_DIR:-target}
wasm="$target_dir/wasm32-unknown-unknown/wasm-release/brigade.wasm"
out=www/pkg

# the wasm-release profile (Cargo.toml): thin LTO, which runs faster in wasm engines than
# the native release profile's whole-program LTO
say "cargo build --profile wasm-release --target wasm32-unknown-unknown --lib"
cargo build --profile wasm-release --target wasm32-unknown-unknown --lib </dev/null

say "wasm-bindgen --target web --out-dir $out"
wasm-bindgen --target web --out-dir "$out" "$wasm"

# Loads a built package in Node and runs a small simulation through it: a module that
# does not instantiate or run (as old wasm-opt versions make of wasm-bindgen's externref
# table) fails here instead of in the browser.
smoke_test() {
  command -v node >/dev/null || return 1
  node --input-type=module -e '
    import { readFileSync } from "node:fs";
    const dir = process.argv[1];
    const { default: init, Simulation } = await import(dir + "/brigade.js");
    await init({ module_or_path: readFileSync(dir + "/brigade_bg.wasm") });
    const sim = new Simulation({ orders: 2 });
    if (!(sim.runToIdle() > 0)) throw new Error("the run did not move");
    const text = sim.exportRun();
    if (Simulation.importRun(text).exportRun() !== text) throw new Error("export/import differ");
  ' "$(cd "$1" && pwd)"
}

opt=""
if [ -x node_modules/.bin/wasm-opt ]; then
  opt=node_modules/.bin/wasm-opt
elif command -v wasm-opt >/dev/null; then
  opt=wasm-opt
fi
if [ "${WASM_OPT:-1}" != 0 ] && [ -n "$opt" ]; then
  # name the features rustc's output uses (an older binaryen does not assume them), check the
  # result, and keep the unoptimised module if anything goes wrong
  say "wasm-opt -O ($opt: $("$opt" --version 2>/dev/null | head -n 1))"
  tmp=$(mktemp -d)
  cp "$out/brigade.js" "$tmp/"
  if "$opt" -O --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out/brigade_bg.wasm" -o "$tmp/brigade_bg.wasm" && smoke_test "$tmp" 2>"$tmp/error"; then
    mv "$tmp/brigade_bg.wasm" "$out/brigade_bg.wasm"
  else
    say "the wasm-opt output does not work here ($(grep -m1 Error "$tmp/error" 2>/dev/null || echo 'wasm-opt failed')); keeping the unoptimised module"
  fi
  rm -rf "$tmp"
fi

# the exercise sandbox's interpreter (www/vendor/quickjs/, from the npm packages in package.json)
bash scripts/vendor-quickjs.sh

size=$(wc -c <"$out/brigade_bg.wasm")
say "done: $out/brigade.js, $out/brigade_bg.wasm ($((size / 1024)) KiB)"
