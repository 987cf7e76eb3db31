#!/usr/bin/env bash
# The command line as a whole process: the plain release build (`cargo run --release`)
# against the profile-guided one (`scripts/build-cli.sh`), run alternately on the same
# config, so that the ratio is taken under the same machine load.
#
#   bash benches/cli.sh [RUNS] [-- brigade options]     # default: 10 runs of
#                                                         # --orders 100000 --interval-ms 120
#
# Prints, for each build, the minimum and median wall, user and system time and the peak
# resident memory (GNU time's %M), then the profile-guided / plain ratio of the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
exec </dev/null

runs=${1:-10}
case "$runs" in
  '' | *[!0-9]* | 0) echo "usage: bash benches/cli.sh [RUNS] [-- brigade options]" >&2; exit 2 ;;
esac
shift || true
[ "${1:-}" = -- ] && shift
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--orders 100000 --interval-ms 120)
[ -x /usr/bin/time ] || { echo "benches/cli.sh needs GNU time (/usr/bin/time, Debian's package time)" >&2; exit 1; }

cargo build --quiet --release --bin brigade
[ -x target/pgo/brigade ] && [ target/pgo/brigade -nt target/release/brigade ] || bash scripts/build-cli.sh
plain=target/release/brigade pgo=target/pgo/brigade

log=$(mktemp "${TMPDIR:-/tmp}/brigade-cli-bench.XXXXXX")
trap 'rm -f "$log"' EXIT
echo "brigade ${args[*]}: $runs runs of each build, alternated"
for _ in $(seq "$runs"); do
  for bin in "$plain" "$pgo"; do
    /usr/bin/time -a -o "$log" -f "$bin %e %U %S %M" "$bin" "${args[@]}" >/dev/null
  done
done
awk -v plain="$plain" -v pgo="$pgo" '
  function sort(a, n,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t } }
  function median(a, n) { sort(a, n); return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2 }
  { k = ++n[$1]; e[$1, k] = $2; u[$1, k] = $3; s[$1, k] = $4; if ($5 > m[$1]) m[$1] = $5 }
  END {
    for (b in n) {
      for (i = 1; i <= n[b]; i++) { ee[i] = e[b, i]; uu[i] = u[b, i]; ss[i] = s[b, i] }
      me[b] = median(ee, n[b]); lo = ee[1]
      printf "%-22s wall min %.2f s, median %.2f s · user median %.2f s · system median %.2f s · peak %d MiB\n",
        b, lo, me[b], median(uu, n[b]), median(ss, n[b]), m[b] / 1024
    }
    printf "profile-guided / plain, median wall: %.2f\n", me[pgo] / me[plain]
  }' "$log"
