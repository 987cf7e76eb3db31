#!/usr/bin/env bash
# Builds the wasm package and serves the page on http://127.0.0.1:${PORT:-8080}/ .
#
#   bash scripts/serve.sh            # then open http://127.0.0.1:8080/
#   PORT=9000 bash scripts/serve.sh
#
# Any static file server works for www/ once it is built (it must send application/wasm for
# .wasm and a JavaScript type for .js, what ES modules need); this one is
# scripts/static-server.mjs: concurrent, kept-open connections and gzip, so a first visit's
# forty files arrive at once.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${PORT:-8080}
case "$port" in
  '' | *[!0-9]*) echo "serve: PORT must be a number, got '$port'" >&2; exit 2 ;;
esac

bash scripts/setup.sh page
BRIGADE_SKIP_SETUP=1 bash scripts/build-wasm.sh

command -v node >/dev/null || { echo "serve: node is needed to serve www/ (scripts/static-server.mjs)" >&2; exit 1; }
printf '\n\033[1mbrigade is served at http://127.0.0.1:%s/\033[0m  (Ctrl-C stops)\n\n' "$port"
exec node scripts/static-server.mjs www "$port"
