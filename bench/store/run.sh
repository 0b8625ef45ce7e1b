#!/usr/bin/env bash
# Store benchmark: builds store_bench in Release and prints every store figure, medians of $RUNS
# runs: fingerprint CPU, ingest rate (fresh store, WAL on), lookup-by-URL latency and export
# rate in a 1M-article store, peak RSS against the configured cache.
#
#   bench/store/run.sh
#   RUNS=3 FRESH=20000 ARTICLES=1000000 CACHE_MB=256 THREADS=2 BUILD_DIR=build-x bench/store/run.sh
#
# The 1M-article store is generated once in $DATA_DIR (default build/bench-data/store-1m) and
# reused (~15 min on 2 loaded cores; printed). Delete the directory to rebuild it.
# The machine may be shared: the load (uptime) is printed before and after, and the ingest CPU
# time per article (all threads, RocksDB's background work included) is printed next to the
# wall-clock rate, with the rate that CPU time would give on 2 idle cores.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build/bench}"
DATA_DIR="${DATA_DIR:-$ROOT/build/bench-data/store-1m}"
ARTICLES="${ARTICLES:-1000000}"
FRESH="${FRESH:-20000}"
RUNS="${RUNS:-3}"
CACHE_MB="${CACHE_MB:-256}"
THREADS="${THREADS:-2}"
LOOKUPS="${LOOKUPS:-200000}"

cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNEWSCRAWL_BENCH=ON \
  -DNEWSCRAWL_SANITIZE=OFF -DNEWSCRAWL_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" --target store_bench newscrawl -j2 >/dev/null
BENCH="$BUILD_DIR/bench/store/store_bench"
NEWSCRAWL="$BUILD_DIR/cli/newscrawl"

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
figure() { grep "^$1:" | head -1 | awk '{print $2}'; }
echo "load before: $(uptime)"

echo "== fingerprint CPU per ~5 KB article ($RUNS runs)"
probes=()
for run in $(seq "$RUNS"); do
  out="$("$BENCH" fingerprint --db unused --count 20000)"
  echo "$out" | sed "s/^/  run $run: /" | grep -E "_us_"
  probes+=("$(echo "$out" | figure near_dup_probe_us_per_article)")
done
echo "near_dup_probe_us_per_article (median): $(printf '%s\n' "${probes[@]}" | median)"

echo "== ingest: $FRESH articles into a fresh store, $THREADS threads, WAL on, cache $CACHE_MB MB ($RUNS runs)"
rates=() cpus=() idle=()
for run in $(seq "$RUNS"); do
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/store-bench-XXXXXX")"
  out="$("$BENCH" ingest --db "$tmp/db" --count "$FRESH" --threads "$THREADS" --cache-mb "$CACHE_MB")"
  rm -rf "$tmp"
  echo "$out" | sed "s/^/  run $run: /" | grep -E "per_second|cpu_us|events|rss"
  rates+=("$(echo "$out" | figure ingest_per_second)")
  cpus+=("$(echo "$out" | figure ingest_cpu_us_per_article)")
  idle+=("$(echo "$out" | figure ingest_per_second_if_2_idle_cores)")
done
echo "ingest_per_second (median): $(printf '%s\n' "${rates[@]}" | median)"
echo "ingest_cpu_us_per_article (median): $(printf '%s\n' "${cpus[@]}" | median)"
echo "ingest_per_second_if_2_idle_cores (median): $(printf '%s\n' "${idle[@]}" | median)"

if [ ! -f "$DATA_DIR/CURRENT" ]; then
  echo "== generating the $ARTICLES-article store in $DATA_DIR (once)"
  mkdir -p "$(dirname "$DATA_DIR")"
  rm -rf "$DATA_DIR.partial"
  start=$(date +%s)
  "$BENCH" ingest --db "$DATA_DIR.partial" --count "$ARTICLES" --threads "$THREADS" \
    --cache-mb "$CACHE_MB" | sed 's/^/  /'
  mv "$DATA_DIR.partial" "$DATA_DIR"
  echo "  generation_seconds: $(( $(date +%s) - start ))"
fi
echo "  store size: $(du -sh "$DATA_DIR" | cut -f1)"

echo "== lookup by URL in the $ARTICLES-article store, $LOOKUPS random URLs ($RUNS runs)"
p99s=() lrss=()
for run in $(seq "$RUNS"); do
  out="$("$BENCH" lookup --db "$DATA_DIR" --count "$ARTICLES" --lookups "$LOOKUPS" --cache-mb "$CACHE_MB")"
  echo "$out" | sed "s/^/  run $run: /" | grep -E "p50|p99|max|per_second|rss"
  p99s+=("$(echo "$out" | figure lookup_p99_us)")
  lrss+=("$(echo "$out" | figure lookup_peak_rss_mb)")
done
echo "lookup_p99_us (median): $(printf '%s\n' "${p99s[@]}" | median)"
echo "lookup_peak_rss_mb (median): $(printf '%s\n' "${lrss[@]}" | median) (cache $CACHE_MB MB)"

echo "== export (store API, lines to /dev/null) of all $ARTICLES events ($RUNS runs)"
exports=() erss=()
for run in $(seq "$RUNS"); do
  out="$("$BENCH" export --db "$DATA_DIR" --cache-mb "$CACHE_MB")"
  echo "$out" | sed "s/^/  run $run: /" | grep -E "records|per_second|rss"
  exports+=("$(echo "$out" | figure export_per_second)")
  erss+=("$(echo "$out" | figure export_peak_rss_mb)")
done
echo "export_per_second (median): $(printf '%s\n' "${exports[@]}" | median)"
echo "export_peak_rss_mb (median): $(printf '%s\n' "${erss[@]}" | median) (cache $CACHE_MB MB)"

echo "== newscrawl export --limit 300000 > /dev/null (the CLI, read-only open included)"
for run in $(seq "$RUNS"); do
  /usr/bin/time -f "  run $run: %e s, peak RSS %M KB" "$NEWSCRAWL" export --db "$DATA_DIR" \
    --limit 300000 >/dev/null
done
echo "load after: $(uptime)"
