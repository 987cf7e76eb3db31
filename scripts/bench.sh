#!/usr/bin/env bash
# Throughput benchmarks: native (with its bare-queue baseline in the same run), then the
# same engine run compiled to wasm in Node. Prints the wasm/native ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh page >/dev/null
native=$(cargo bench --bench throughput 2>/dev/null | tee /dev/stderr | awk '/engine    run to idle/ {print $(NF-5)}')
bash scripts/build-wasm.sh >/dev/null
wasm=$(node benches/wasm-node.mjs | tee /dev/stderr | awk '/engine    run to idle/ {print $(NF-5)}')
awk -v n="$native" -v w="$wasm" 'BEGIN { printf "wasm (node) / native, min of runs: %.2f×\n", w / n }'
