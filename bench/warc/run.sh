#!/usr/bin/env bash
# WARC import benchmark: builds Release in build/bench (or $BUILD_DIR), writes WARCs of the eval
# pages (bench/warc/make_warc.py: one gzip member per record, request + response per page), then
#  1. the same pages, once each: `extract --out-dir` over them as .html files vs
#     `extract --warc --db` (extraction, dedup and store) over the WARC: pages/s, median of RUNS;
#  2. PAGES records (default 10,000; the eval pages cycled under distinct URLs) imported with
#     `extract --warc --db` on all cores: MB/s of the file, response records/s, peak RSS.
# Usage: bench/warc/run.sh [PAGES]
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
build="${BUILD_DIR:-$repo/build/bench}"
eval_dir="${EVAL_DIR:-$repo/../shared/eval}"
pages=${1:-10000}
runs=${RUNS:-3}
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNEWSCRAWL_BENCH=ON \
  -DNEWSCRAWL_TESTS=OFF >/dev/null
cmake --build "$build" --target newscrawl -j2 >/dev/null
bin="$build/cli/newscrawl"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dirs=("$eval_dir/scrapinghub" "$eval_dir/fundus" "$eval_dir/trafilatura-eval")
once=$(for d in "${dirs[@]}"; do ls "$d"/*.html; done | wc -l)
python3 "$repo/bench/warc/make_warc.py" "$work/once.warc.gz" "$once" --html-dir "$work/html" \
  "${dirs[@]}"
python3 "$repo/bench/warc/make_warc.py" "$work/big.warc.gz" "$pages" "${dirs[@]}"

# Runs "$@" under /usr/bin/time; prints "seconds peak_rss_kb".
timed() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" ||
    { echo "failed: $*" >&2; tail -3 "$work/err" >&2; }
  cat "$work/time"
}
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

out_dir_rates=() import_rates=()
for ((r = 0; r < runs; r++)); do
  rm -rf "$work/out" "$work/db"
  read -r secs _ < <(timed "$bin" extract --out-dir "$work/out" "$work/html")
  out_dir_rates+=("$(awk -v n="$once" -v s="$secs" 'BEGIN { printf "%.1f", n / s }')")
  read -r secs _ < <(timed "$bin" extract --warc "$work/once.warc.gz" --db "$work/db")
  import_rates+=("$(awk -v n="$once" -v s="$secs" 'BEGIN { printf "%.1f", n / s }')")
  echo "  run $((r + 1)): out-dir ${out_dir_rates[-1]} pages/s, warc import ${import_rates[-1]} pages/s"
done
a=$(median "${out_dir_rates[@]}") b=$(median "${import_rates[@]}")
echo "same $once pages: extract --out-dir median $a pages/s; extract --warc --db median $b pages/s" \
  "($(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.0f", 100 * b / a }')% of out-dir)"

size=$(stat -c %s "$work/big.warc.gz")
rates=() mbs=() rss=()
for ((r = 0; r < runs; r++)); do
  rm -rf "$work/db"
  read -r secs maxrss < <(timed "$bin" extract --warc "$work/big.warc.gz" --db "$work/db")
  rates+=("$(awk -v n="$pages" -v s="$secs" 'BEGIN { printf "%.1f", n / s }')")
  mbs+=("$(awk -v b="$size" -v s="$secs" 'BEGIN { printf "%.2f", b / 1e6 / s }')")
  rss+=("$((maxrss / 1024))")
  echo "  run $((r + 1)): ${secs}s, peak RSS $((maxrss / 1024)) MiB; $(tail -1 "$work/err")"
done
echo "import $pages pages ($((size / 1000000)) MB .warc.gz) with --db: median" \
  "$(median "${rates[@]}") pages (response records)/s, $(median "${mbs[@]}") MB/s, peak RSS $(median "${rss[@]}") MiB"
