#!/usr/bin/env bash
# The live kitchen in one command: installs Debian's nats-server if it is missing, starts it
# with JetStream on 127.0.0.1 (free ports, its store in a temporary folder), starts a live
# kitchen (waiter, house, assistant manager, cashier, alarm clock, printer in one process)
# and three cooks, each in a process of its own, and serves the page following the kitchen
# through the server's WebSocket listener (http://127.0.0.1:8080/?live=ws://127.0.0.1:PORT).
# When every order has ended the observed run is written to live-run.json (check it with
# target/release/brigade --check-rules live-run.json; the page's Import opens it).
#
#   bash scripts/live.sh                      # 50 orders in real time, the page on :8080
#   ORDERS=200 SPEED=10 bash scripts/live.sh  # more orders, ten times faster
#   PAGE=0 bash scripts/live.sh               # without the page
#
# Ctrl-C (or any error) stops everything this script started: the server, the kitchen, the
# cooks and the page server, by their process ids; the temporary folder is removed.
set -euo pipefail
cd "$(dirname "$0")/.."

orders=${ORDERS:-50}
speed=${SPEED:-1}
port=${PORT:-8080}
page=${PAGE:-1}
record=${RECORD:-live-run.json}
for v in "$orders" "$port"; do
  case "$v" in '' | *[!0-9]*) echo "live: ORDERS and PORT must be numbers, got '$v'" >&2; exit 2 ;; esac
done

say() { printf '[live] %s\n' "$*"; }

bash scripts/setup.sh live
nats=$(command -v nats-server || echo /usr/sbin/nats-server)
say "building brigade with the live kitchen (cargo build --release --features live)"
cargo build --release --features live
bin=target/release/brigade
if [ "$page" = 1 ]; then
  bash scripts/setup.sh page
  BRIGADE_SKIP_SETUP=1 bash scripts/build-wasm.sh
fi

dir=$(mktemp -d -t brigade-live.XXXXXX)
pids=()
cleanup() {
  trap - EXIT INT TERM
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$dir"
  say "stopped everything it started"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
nats_port=$(free_port)
ws_port=$(free_port)
cat > "$dir/nats.conf" <<EOF
listen: "127.0.0.1:$nats_port"
jetstream { store_dir: "$dir/store" }
websocket { listen: "127.0.0.1:$ws_port", no_tls: true }
EOF
"$nats" -c "$dir/nats.conf" > "$dir/nats.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$nats_port") 2>/dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$dir/nats.log" >&2; echo "live: nats-server did not start" >&2; exit 1; }
  sleep 0.1
done
url="nats://127.0.0.1:$nats_port"
say "nats-server with JetStream on $url (WebSocket ws://127.0.0.1:$ws_port), store in $dir/store"

interval=500
if [ "$page" = 1 ]; then
  # the page allows connections to its own site only; this copy also allows the kitchen's
  # WebSocket address, and the address tells the page where to connect and what config ran
  cp -r www "$dir/www"
  sed -i "s|connect-src 'self'|connect-src 'self' ws://127.0.0.1:$ws_port|" "$dir/www/index.html"
  node scripts/static-server.mjs "$dir/www" "$port" > "$dir/page.log" 2>&1 &
  pids+=($!)
  config=$(python3 -c 'import json, sys, urllib.parse; print(urllib.parse.quote(json.dumps({"orders": int(sys.argv[1]), "interval_ms": int(sys.argv[2])}, separators=(",", ":"))))' "$orders" "$interval")
  say "follow the kitchen at http://127.0.0.1:$port/?live=ws://127.0.0.1:$ws_port&config=$config (Ctrl-C stops everything)"
fi

common=(--nats "$url" --speed "$speed" --orders "$orders" --interval-ms "$interval")
"$bin" live "${common[@]}" --except cook --record "$record" &
kitchen=$!
pids+=("$kitchen")
for cook in Koen Guido Greg; do
  "$bin" live "${common[@]}" --role cook --name "$cook" &
  pids+=($!)
done

status=0
wait "$kitchen" || status=$?
if [ "$status" -eq 0 ] || [ "$status" -eq 1 ]; then
  say "the observed run is in $record: $("$bin" --check-rules "$record" | head -n 1)"
fi
if [ "$page" = 1 ] && [ "$status" -le 1 ]; then
  say "the page stays at http://127.0.0.1:$port/ (the broker too, for the page following it); Ctrl-C stops them"
  wait "${pids[1]}" || true
fi
exit "$status"
