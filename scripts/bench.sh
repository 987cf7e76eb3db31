#!/usr/bin/env bash
# Throughput benchmarks: native (with its bare-queue baseline in the same run), then the
# same engine run compiled to wasm in Node. Prints the wasm/native ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh page >/dev/null
# the engine line's minimum, in ms
min_ms() { awk '/engine    run to idle/ && !done { sub(/.* min +/, ""); sub(/ ms.*/, ""); print; done = 1 }'; }
native=$(cargo run --quiet --release --example throughput -- --bench 2>/dev/null | tee /dev/stderr | min_ms)
bash scripts/build-wasm.sh >/dev/null
wasm=$(node benches/wasm-node.mjs 100000 120 engine | tee /dev/stderr | min_ms)
awk -v n="$native" -v w="$wasm" 'BEGIN { printf "wasm (node) / native, min of runs: %.2f×\n", w / n }'
