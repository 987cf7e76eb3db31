#!/usr/bin/env bash
# Copies the QuickJS interpreter (npm: quickjs-emscripten-core and the
# @jitl/quickjs-wasmfile-release-sync variant, pinned in package.json) into www/vendor/quickjs/,
# where the exercise worker (www/js/exercise/sandbox.js) loads it: the learner's code runs in
# that interpreter, compiled to wasm, with no network, no storage and no page to reach.
#
#   bash scripts/vendor-quickjs.sh       # scripts/build-wasm.sh runs it
#
# The packages' ES modules name each other by package name (bare specifiers), which a browser
# cannot resolve without a bundler (and a worker has no import map): the copies name each
# other by relative path instead, and the script fails if any bare specifier is left.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[vendor-quickjs] %s\n' "$*"; }
die() { printf '[vendor-quickjs] error: %s\n' "$*" >&2; exit 1; }

core=node_modules/quickjs-emscripten-core/dist
ffi_types=node_modules/@jitl/quickjs-ffi-types/dist
variant=node_modules/@jitl/quickjs-wasmfile-release-sync/dist

if [ ! -f "$core/index.mjs" ] || [ ! -f "$variant/emscripten-module.wasm" ] || [ ! -f "$ffi_types/index.mjs" ] ||
  [ package-lock.json -nt node_modules/.package-lock.json ]; then
  command -v npm >/dev/null || die "npm is needed to install the QuickJS packages (package.json)"
  say "installing npm packages (package-lock.json; no browser download)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund </dev/null
fi

out=www/vendor/quickjs
rm -rf "$out"
mkdir -p "$out/core" "$out/ffi-types" "$out/variant"
cp "$core"/*.mjs "$out/core/"
cp "$ffi_types/index.mjs" "$out/ffi-types/"
cp "$variant/index.mjs" "$variant/ffi.mjs" "$variant/emscripten-module.browser.mjs" "$variant/emscripten-module.wasm" \
  "$out/variant/"
cp node_modules/quickjs-emscripten-core/LICENSE "$out/LICENSE"

sed -i 's#"@jitl/quickjs-ffi-types"#"../ffi-types/index.mjs"#g' "$out"/core/*.mjs
sed -i 's#"@jitl/quickjs-wasmfile-release-sync/emscripten-module"#"./emscripten-module.browser.mjs"#g' "$out/variant/index.mjs"
# the maps name files that are not copied
sed -i '/^\/\/# sourceMappingURL=/d' "$out"/*/*.mjs

if grep -lE '(from|import) ?\(?"[^".][^"]*"' "$out"/*/*.mjs; then
  die "a bare module specifier is left in the files above: the browser cannot load them"
fi
version=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' node_modules/quickjs-emscripten-core/package.json | head -n 1)
say "done: $out (quickjs-emscripten $version, $(($(wc -c <"$out/variant/emscripten-module.wasm") / 1024)) KiB of wasm)"
