#!/usr/bin/env bash
# Installs what brigade's build and tests need, skipping what is already present.
# Fetches nothing but registry packages (crates.io, Debian, npm). Never reads stdin.
#
#   bash scripts/setup.sh        # everything: wasm tools (wasm-bindgen, wasm-pack), Chromium + ChromeDriver, npm packages
#   bash scripts/setup.sh page   # only what building and serving the page needs
#   bash scripts/setup.sh live   # only the NATS server of the live kitchen (scripts/live.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

want=${1:-all}
case "$want" in
  all | page | live) ;;
  *) echo "usage: bash scripts/setup.sh [all|page|live]" >&2; exit 2 ;;
esac

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

# The wasm-bindgen CLI must be exactly the version of the wasm-bindgen crate: read it from
# Cargo.lock (the version really built), else from the `=X.Y.Z` pin in Cargo.toml.
wasm_bindgen_version() {
  local v=""
  if [ -f Cargo.lock ]; then
    v=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  fi
  if [ -z "$v" ]; then
    v=$(sed -n 's/^wasm-bindgen *= *"=\{0,1\}\([0-9][0-9.]*\)".*/\1/p' Cargo.toml | head -n 1)
  fi
  [ -n "$v" ] || die "cannot find the wasm-bindgen version in Cargo.lock or Cargo.toml"
  echo "$v"
}

command -v cargo >/dev/null || die "cargo is not on PATH (install Rust with rustup first)"

# apt-get needs root; use sudo when we are not root and it exists.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else
    die "need root for: $*"
  fi
}

# --- the live kitchen's broker: Debian's nats-server (JetStream), for tests/live_kitchen.rs
# and scripts/live.sh
if [ "$want" = all ] || [ "$want" = live ]; then
  if ! command -v nats-server >/dev/null && [ ! -x /usr/sbin/nats-server ]; then
    say "installing Debian's nats-server"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get install -y -qq nats-server </dev/null ||
      { as_root apt-get update -qq </dev/null && as_root apt-get install -y -qq nats-server </dev/null; } ||
      die "cannot install nats-server (apt-get install -y nats-server)"
  fi
  if [ "$want" = live ]; then
    say "toolchain ready ($want)"
    exit 0
  fi
fi

# --- Rust: wasm target, rustfmt and clippy ---------------------------------------------
if command -v rustup >/dev/null; then
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  if [ "$want" = all ]; then
    for component in rustfmt clippy; do
      if ! rustup component list --installed | grep -q "^$component"; then
        say "adding rust component $component"
        rustup component add "$component"
      fi
    done
  fi
fi

# --- wasm-bindgen CLI (wasm-bindgen + wasm-bindgen-test-runner) ------------------------
want_wb=$(wasm_bindgen_version)
have_wb=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
have_runner=$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have_wb" != "$want_wb" ] || [ "$have_runner" != "$want_wb" ]; then
  say "installing wasm-bindgen-cli $want_wb (2-3 minutes; found: ${have_wb:-none})"
  # No --locked: one of its locked dependency versions is not in the registry.
  cargo install wasm-bindgen-cli --version "$want_wb" --force </dev/null
fi

# --- wasm-pack: `wasm-pack test --node` runs every test for wasm32 as a client of the
# package would (scripts/test.sh). Offline it needs the wasm-bindgen above on PATH and
# wasm-opt off (Cargo.toml, [package.metadata.wasm-pack]).
if [ "$want" = all ] && ! command -v wasm-pack >/dev/null; then
  say "installing wasm-pack (about 2.5 minutes)"
  cargo install wasm-pack </dev/null
fi

# --- browser tests: Debian's Chromium + ChromeDriver, npm packages ---------------------
if [ "$want" = all ]; then
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing Debian's chromium and chromium-driver"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq </dev/null
    as_root apt-get install -y -qq chromium chromium-driver </dev/null
  fi

  command -v node >/dev/null && command -v npm >/dev/null ||
    die "node and npm are needed for the browser end-to-end tests"
  # package-lock.json is committed: `npm ci` installs exactly it, from the registry only.
  if [ ! -f node_modules/playwright-core/package.json ] || [ ! -f node_modules/typescript/package.json ] ||
    [ ! -f node_modules/quickjs-emscripten-core/package.json ] ||
    [ ! -f node_modules/binaryen/package.json ] ||
    [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages (playwright-core, typescript, the exercise sandbox's QuickJS, binaryen's wasm-opt; no browser download)"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund </dev/null
  fi
fi

say "toolchain ready ($want)"
