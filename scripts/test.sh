#!/usr/bin/env bash
# brigade's whole check, exactly what CI runs (.ci/run). Needs no standard input.
#
#   bash scripts/test.sh
#
# Stages, in order, stopping at the first failure:
#   setup · fmt · clippy (native, and wasm32 for the wasm tests) · native tests · wasm tests in Node (wasm-pack) · wasm tests in Chromium ·
#   wasm package build · type test of its declarations · browser end-to-end tests
# The last line is a plain summary: "brigade: N passed, N failed" (tests counted over all
# stages; a failed stage that is not a test run counts as one failure).
set -uo pipefail
cd "$(dirname "$0")/.."
exec </dev/null

export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
export BRIGADE_CHROMIUM=${BRIGADE_CHROMIUM:-/usr/bin/chromium}

log_dir=$(mktemp -d "${TMPDIR:-/tmp}/brigade-test.XXXXXX")
trap 'rm -rf "$log_dir"' EXIT

passed=0 failed=0 ignored=0
timings=()
stage_no=0
stage_count=9
t_start=$SECONDS

# Adds up the counts that cargo's libtest / wasm-bindgen-test-runner ("test result: ...
# N passed; N failed; N ignored") and node's test runner ("# pass N") print.
count_tests() {
  local log=$1 p f i
  read -r p f i < <(awk '
    /^test result:/ {
      for (k = 1; k <= NF; k++) {
        if ($(k) ~ /^passed;?$/)  p += $(k-1)
        if ($(k) ~ /^failed;?$/)  f += $(k-1)
        if ($(k) ~ /^ignored;?$/) i += $(k-1)
      }
    }
    /^# pass [0-9]+$/    { p += $3 }
    /^# fail [0-9]+$/    { f += $3 }
    /^# skipped [0-9]+$/ { i += $3 }
    END { print p + 0, f + 0, i + 0 }' "$log")
  passed=$((passed + p)) failed=$((failed + f)) ignored=$((ignored + i))
  STAGE_FAILED_TESTS=$f
}

summary() {
  local total=$((SECONDS - t_start))
  echo
  echo "==> stage times: ${timings[*]:-none}; total ${total}s"
  if [ "$ignored" -gt 0 ]; then
    echo "brigade: $passed passed, $failed failed, $ignored skipped"
  else
    echo "brigade: $passed passed, $failed failed"
  fi
}

if [ -t 1 ]; then bold=$'\033[1m' red=$'\033[1;31m' green=$'\033[1;32m' plain=$'\033[0m'; else
  bold='' red='' green='' plain=''
fi

# stage KEY DESCRIPTION COMMAND...: runs one stage under a banner; its output is shown and
# kept for counting tests.
stage() {
  local key=$1 name=$2
  shift 2
  stage_no=$((stage_no + 1))
  local log="$log_dir/$stage_no.log" t0=$SECONDS rc
  printf '\n%s==> [%d/%d] %s%s\n    $ %s\n' "$bold" "$stage_no" "$stage_count" "$name" "$plain" "$*"
  "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  count_tests "$log"
  timings+=("$key=$((SECONDS - t0))s")
  if [ "$rc" -ne 0 ]; then
    [ "$STAGE_FAILED_TESTS" -gt 0 ] || failed=$((failed + 1))
    printf '\n%s==> FAILED: [%d/%d] %s (exit %d)%s\n' "$red" "$stage_no" "$stage_count" "$name" "$rc" "$plain"
    summary
    exit "$rc"
  fi
  printf '%s==> ok: %s (%ds)%s\n' "$green" "$name" "$((SECONDS - t0))" "$plain"
}

# Runs one command after printing it.
run() {
  echo "    \$ $*"
  "$@"
}

lint() {
  run cargo clippy --all-targets -- -D warnings || return
  run cargo clippy --all-targets --features planted-bug,live -- -D warnings || return
  # The wasm test files are empty natively: lint them (and the lib) for wasm32 as well.
  run cargo clippy --target wasm32-unknown-unknown --test wasm_node --test wasm_browser --test wasm_exercise -- -D warnings
}

e2e() {
  # The stage is always wired; it has nothing to run until tests/e2e holds test files.
  if [ -z "$(find tests/e2e -type f \( -name '*.test.*js' -o -name '*-test.*js' -o -name '*_test.*js' -o -name 'test-*.*js' \) 2>/dev/null | head -n 1)" ]; then
    echo "no browser end-to-end tests in tests/e2e/ yet: nothing to run"
    return 0
  fi
  run npm run e2e
}

stage setup "setup: install what is missing" bash scripts/setup.sh all
stage fmt "format: cargo fmt --check" cargo fmt --all -- --check
stage clippy "lint: cargo clippy, warnings are errors (native, then the wasm tests)" lint
# `live`: the live kitchen's tests too, against a real nats-server (tests/live_kitchen.rs)
stage test "native tests: unit, integration, doc" cargo test --no-fail-fast --features planted-bug,live
# as a client of the package runs them: every test target built for wasm32 (a native-only
# one says #![cfg(not(target_arch = "wasm32"))]), the wasm-bindgen tests run in Node
stage wasm-node "wasm tests in Node: wasm-pack test --node" wasm-pack test --node
stage wasm-browser "wasm tests in headless Chromium" cargo test --target wasm32-unknown-unknown --test wasm_browser
stage build-wasm "build the wasm package into www/pkg" env BRIGADE_SKIP_SETUP=1 bash scripts/build-wasm.sh
stage types "type test of the package's TypeScript declarations: npm run types" npm run -s types
stage e2e "browser end-to-end tests: npm run e2e" e2e

summary
