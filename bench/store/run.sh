#!/usr/bin/env bash
# Store benchmark: builds store_bench in Release and prints ingest, lookup and export figures.
#
#   bench/store/run.sh            # figures on a fresh 200k-article store + the shared 1M store
#   RUNS=3 ARTICLES=1000000 CACHE_MB=256 bench/store/run.sh
#
# The 1M-article store is generated once in $DATA_DIR (default build/bench-data/store-1m) and
# reused; generating it takes minutes on 2 cores (printed). Delete the directory to rebuild it.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build/bench}"
DATA_DIR="${DATA_DIR:-$ROOT/build/bench-data/store-1m}"
ARTICLES="${ARTICLES:-1000000}"
FRESH="${FRESH:-200000}"
RUNS="${RUNS:-3}"
CACHE_MB="${CACHE_MB:-256}"
THREADS="${THREADS:-2}"

cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNEWSCRAWL_BENCH=ON \
  -DNEWSCRAWL_SANITIZE=OFF -DNEWSCRAWL_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" --target store_bench newscrawl -j2 >/dev/null
BENCH="$BUILD_DIR/bench/store/store_bench"
NEWSCRAWL="$BUILD_DIR/cli/newscrawl"

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
figure() { grep "^$1:" | head -1 | awk '{print $2}'; }

echo "== ingest: $FRESH articles into a fresh store, $THREADS threads, WAL on, cache $CACHE_MB MB ($RUNS runs)"
rates=()
for run in $(seq "$RUNS"); do
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/store-bench-XXXXXX")"
  out="$("$BENCH" ingest --db "$tmp/db" --count "$FRESH" --threads "$THREADS" --cache-mb "$CACHE_MB")"
  rm -rf "$tmp"
  echo "$out" | sed "s/^/  run $run: /" | grep -E "per_second|events|rss"
  rates+=("$(echo "$out" | figure ingest_per_second)")
done
echo "ingest_per_second (median): $(printf '%s\n' "${rates[@]}" | median)"

if [ ! -f "$DATA_DIR/CURRENT" ]; then
  echo "== generating the $ARTICLES-article store in $DATA_DIR (once)"
  mkdir -p "$(dirname "$DATA_DIR")"
  start=$(date +%s)
  "$BENCH" ingest --db "$DATA_DIR" --count "$ARTICLES" --threads "$THREADS" --cache-mb "$CACHE_MB" \
    | sed 's/^/  /'
  echo "  generation_seconds: $(( $(date +%s) - start ))"
fi

echo "== lookup by URL in the $ARTICLES-article store ($RUNS runs)"
p99s=()
for run in $(seq "$RUNS"); do
  out="$("$BENCH" lookup --db "$DATA_DIR" --count "$ARTICLES" --lookups 200000 --cache-mb "$CACHE_MB")"
  echo "$out" | sed "s/^/  run $run: /" | grep -E "p50|p99|max|per_second|rss"
  p99s+=("$(echo "$out" | figure lookup_p99_us)")
done
echo "lookup_p99_us (median): $(printf '%s\n' "${p99s[@]}" | median)"

echo "== export (store API, lines to /dev/null) of the first 300000 events ($RUNS runs)"
exports=()
for run in $(seq "$RUNS"); do
  out="$("$BENCH" export --db "$DATA_DIR" --limit 300000 --cache-mb "$CACHE_MB")"
  echo "$out" | sed "s/^/  run $run: /" | grep -E "per_second|rss"
  exports+=("$(echo "$out" | figure export_per_second)")
done
echo "export_per_second (median): $(printf '%s\n' "${exports[@]}" | median)"

echo "== newscrawl export --limit 300000 > /dev/null (the CLI, read-only open included)"
for run in $(seq "$RUNS"); do
  /usr/bin/time -f "  run $run: %e s, peak RSS %M KB" "$NEWSCRAWL" export --db "$DATA_DIR" \
    --limit 300000 >/dev/null
done
