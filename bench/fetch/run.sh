#!/usr/bin/env bash
# Fetcher benchmarks, one command: builds Release in build/bench, starts the loopback test server
# (tests/support/test_server_main, 50 ports = 50 hosts) by PID, then
#  1. soak: fetch_soak, 20,000 fetches over 50 hosts with 10% injected faults; RSS over time;
#  2. throughput of `newscrawl fetch` (politeness off, small pages, 500 transfers in flight),
#     extraction off (--raw) and on; RUNS runs each (default 3), median pages/s and peak RSS;
#  3. the cost of archiving (`--warc FILE`): runs without it, with FILE.warc.gz and with a plain
#     FILE.warc alternate, RUNS rounds for --raw and for extraction; median pages/s of each and
#     the change against without, and the CPU time (user + system) of newscrawl per page, which
#     a busy machine disturbs less than the wall-clock rate.
# Set SKIP_SOAK=1 / SKIP_THROUGHPUT=1 to run only the later parts.
# Usage: bench/fetch/run.sh [URLS (default 20000)]
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
build="${BUILD_DIR:-$repo/build/bench}"  # BUILD_DIR: another Release build dir
urls=${1:-20000}
runs=${RUNS:-3}
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNEWSCRAWL_BENCH=ON >/dev/null
cmake --build "$build" --target newscrawl test_server_main fetch_soak -j2 >/dev/null

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

server_bin=$(find "$build" -name test_server_main -type f -perm -u+x | head -1)
"$server_bin" --ports 50 --threads 1 >"$work/ports" &
server_pid=$!
for _ in $(seq 50); do grep -q PORTS "$work/ports" 2>/dev/null && break; sleep 0.1; done
read -r -a ports < <(sed 's/^PORTS //' "$work/ports")
echo "test server pid $server_pid, ${#ports[@]} hosts"

if [ -z "${SKIP_SOAK:-}" ]; then
  echo
  echo "== soak: $urls fetches, 50 hosts, 10% faults =="
  "$build/bench/fetch/fetch_soak" --ports "$(IFS=,; echo "${ports[*]}")" --urls "$urls" \
    --fault-percent 10
fi

for ((i = 0; i < urls; i++)); do
  echo "http://127.0.0.1:${ports[$((i % 50))]}/page/$i"
done >"$work/urls.txt"

measure() {  # $1 = label, rest = extra flags
  local label=$1; shift
  local rates=() rss=()
  for ((r = 0; r < runs; r++)); do
    /usr/bin/time -f "%e %M" -o "$work/time" "$build/cli/newscrawl" fetch --input "$work/urls.txt" \
      --delay 0 --per-host 10 --max-in-flight 500 --no-robots --allow-private "$@" \
      >"$work/out.jsonl" 2>"$work/err" || { echo "newscrawl fetch failed:"; tail -3 "$work/err"; }
    read -r secs maxrss <"$work/time"
    lines=$(wc -l <"$work/out.jsonl")
    ok=$(grep -c '"url"' "$work/out.jsonl" || true)
    rates+=("$(awk -v n="$lines" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')")
    rss+=("$((maxrss / 1024))")
    echo "  run $((r + 1)): $lines records in ${secs}s, peak RSS $((maxrss / 1024)) MiB"
  done
  median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
  echo "$label: median $(median "${rates[@]}") pages/s, median peak RSS $(median "${rss[@]}") MiB"
}

if [ -z "${SKIP_THROUGHPUT:-}" ]; then
  echo
  echo "== throughput: newscrawl fetch, $urls small pages, 50 hosts, 500 in flight =="
  measure "extraction off (--raw)" --raw
  measure "extraction on"
fi

rate() {  # one run of `newscrawl fetch` with extra flags "$@"; prints "pages/s CPU-us/page"
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$build/cli/newscrawl" fetch --input "$work/urls.txt" \
    --delay 0 --per-host 10 --max-in-flight 500 --no-robots --allow-private "$@" \
    >"$work/out.jsonl" 2>"$work/err" || { echo "newscrawl fetch failed:" >&2; tail -3 "$work/err" >&2; }
  read -r secs user sys <"$work/time"
  awk -v n="$(wc -l <"$work/out.jsonl")" -v s="$secs" -v c="$(awk -v u="$user" -v k="$sys" 'BEGIN { print u + k }')" \
    'BEGIN { printf "%.0f %.0f", n / s, c * 1e6 / n }'
}
warc_cost() {  # $1 = label, rest = extra flags
  local label=$1; shift
  local without=() gz=() plain=() cpu_without=() cpu_gz=() cpu_plain=() r1 r2 r3
  for ((r = 0; r < runs; r++)); do
    read -r -a r1 <<<"$(rate "$@")"
    rm -f "$work"/w.warc*
    read -r -a r2 <<<"$(rate "$@" --warc "$work/w.warc.gz")"
    rm -f "$work"/w.warc*
    read -r -a r3 <<<"$(rate "$@" --warc "$work/w.warc")"
    without+=("${r1[0]}"); gz+=("${r2[0]}"); plain+=("${r3[0]}")
    cpu_without+=("${r1[1]}"); cpu_gz+=("${r2[1]}"); cpu_plain+=("${r3[1]}")
    echo "  round $((r + 1)): pages/s (CPU us/page) without ${r1[0]} (${r1[1]}), .warc.gz ${r2[0]} (${r2[1]}), .warc ${r3[0]} (${r3[1]})"
  done
  median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
  pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f%%", (b / a - 1) * 100 }'; }
  local a b c ca cb cc
  a=$(median "${without[@]}"); b=$(median "${gz[@]}"); c=$(median "${plain[@]}")
  ca=$(median "${cpu_without[@]}"); cb=$(median "${cpu_gz[@]}"); cc=$(median "${cpu_plain[@]}")
  echo "$label: median pages/s $a without, $b with --warc .warc.gz ($(pct "$a" "$b")), $c with --warc .warc ($(pct "$a" "$c"))"
  echo "$label: median CPU us/page $ca without, $cb with .warc.gz ($(pct "$ca" "$cb")), $cc with .warc ($(pct "$ca" "$cc"))"
}
echo
echo "== cost of writing WARC (--warc), $urls pages; without, .warc.gz and plain .warc alternate =="
warc_cost "extraction off (--raw)" --raw
warc_cost "extraction on"
