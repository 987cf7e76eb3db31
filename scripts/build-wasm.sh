#!/usr/bin/env bash
# Builds the WebAssembly package the page loads: www/pkg/brigade.js + www/pkg/brigade_bg.wasm.
# After this, www/ is the whole static site.
#
#   bash scripts/build-wasm.sh
#
# BRIGADE_SKIP_SETUP=1 skips `scripts/setup.sh page` (the callers that already ran setup set it).
# WASM_OPT=0 skips wasm-opt even when it is installed (it is optional; setup does not install it).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[build-wasm] %s\n' "$*"; }

if [ "${BRIGADE_SKIP_SETUP:-0}" != 1 ]; then
  bash scripts/setup.sh page
fi

target_dir=${CARGO_TARGET_DIR:-target}
wasm="$target_dir/wasm32-unknown-unknown/release/brigade.wasm"
out=www/pkg

say "cargo build --release --target wasm32-unknown-unknown --lib"
cargo build --release --target wasm32-unknown-unknown --lib </dev/null

say "wasm-bindgen --target web --out-dir $out"
wasm-bindgen --target web --out-dir "$out" "$wasm"

if [ "${WASM_OPT:-1}" != 0 ] && command -v wasm-opt >/dev/null; then
  # Debian's binaryen is older than rustc: name the features rustc's output uses, and keep
  # the unoptimised file if this wasm-opt cannot read it.
  say "wasm-opt -O ($(wasm-opt --version 2>/dev/null | head -n 1))"
  if wasm-opt -O --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out/brigade_bg.wasm" -o "$out/brigade_bg.opt.wasm"; then
    mv "$out/brigade_bg.opt.wasm" "$out/brigade_bg.wasm"
  else
    rm -f "$out/brigade_bg.opt.wasm"
    say "wasm-opt failed; keeping the unoptimised module (it works the same)"
  fi
fi

size=$(wc -c <"$out/brigade_bg.wasm")
say "done: $out/brigade.js, $out/brigade_bg.wasm ($((size / 1024)) KiB)"
