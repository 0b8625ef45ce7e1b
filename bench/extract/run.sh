#!/usr/bin/env bash
# Extraction benchmark: builds Release in build/bench (or $BENCH_BUILD_DIR), runs
# `newscrawl extract --out-dir` over ../shared/eval/{scrapinghub,trafilatura-eval} (or
# $EVAL_DIR), scores each folder with
# score.py, then measures speed on scrapinghub: the batch command (one process, default threads
# and --jobs 1; median of 3 runs, wall clock; peak RSS from /usr/bin/time -v) and extract_speed
# (one thread, pages in memory, wall and CPU time).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
eval_dir="${EVAL_DIR:-$repo/../shared/eval}"
build="${BENCH_BUILD_DIR:-$repo/build/bench}"  # BENCH_BUILD_DIR: use another (Release) build dir
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNEWSCRAWL_BENCH=ON \
  -DNEWSCRAWL_TESTS=OFF >/dev/null
cmake --build "$build" --target newscrawl extract_speed -j2 >/dev/null
bin="$build/cli/newscrawl"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

for folder in scrapinghub trafilatura-eval; do
  "$bin" extract --out-dir "$out/$folder" "$eval_dir/$folder" 2>/dev/null
  score="$(python3 "$eval_dir/score.py" "$eval_dir/$folder" "$out/$folder" | tail -1)"
  echo "quality $folder: $score"
done

pages=$(ls "$eval_dir/scrapinghub"/*.html | wc -l)
measure() {  # $@: extra flags; prints "pages_per_s peak_rss_kb" of one run
  local log="$out/time.log"
  /usr/bin/time -v "$bin" extract "$@" --out-dir "$out/speed" "$eval_dir/scrapinghub" \
    2>"$log" >/dev/null
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" |
    awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  awk -v p="$pages" -v w="$wall" -v r="$rss" 'BEGIN { printf "%.0f %d\n", p / w, r }'
}
for jobs in 0 1; do
  results=()
  for run in 1 2 3; do results+=("$(measure --jobs "$jobs")"); done
  median=$(printf '%s\n' "${results[@]}" | sort -n | sed -n 2p)
  label=$([ "$jobs" = 0 ] && echo "default threads" || echo "--jobs 1")
  echo "speed scrapinghub ($label): $(echo "$median" | awk '{print $1}') pages/s (median of 3)," \
    "peak RSS $(printf '%s\n' "${results[@]}" | awk '{print $2}' | sort -n | tail -1) KB"
done
"$build/bench/extract/extract_speed" "$eval_dir/scrapinghub" 3
