#!/usr/bin/env bash
# Extraction benchmark, one command. Builds Release in build/bench (or $BENCH_BUILD_DIR) and:
#  1. quality: runs `newscrawl extract` over every dev set in ../shared/eval (or $EVAL_DIR):
#     scrapinghub and trafilatura-eval in batch (--out-dir), fundus page by page with its `url`
#     as --url; scores each with score.py and prints F1, the false negatives (pages judged not to
#     be articles: every dev page is one), the ten lowest pages, and metadata accuracy on fundus;
#  2. speed on scrapinghub: the batch command (default threads and --jobs 1; median of 3 runs,
#     wall clock; peak RSS from /usr/bin/time -v) and extract_speed (one thread, pages in
#     memory, wall and CPU time);
#  3. hostile shapes: extract_adversarial (CPU seconds per MB per shape, 2 s budget per page).
# BASELINE_COMMIT=<rev>: also builds that commit (a detached worktree in $build/baseline-src)
# and runs 1 and 2 for it in the same run, with the one-thread speed ratio. BASELINE_SRC=DIR: an
# existing checkout of that commit to use instead (built in DIR/build/bench).
# QUICK=1: quality only.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
eval_dir="${EVAL_DIR:-$repo/../shared/eval}"
build="${BENCH_BUILD_DIR:-$repo/build/bench}"  # BENCH_BUILD_DIR: use another (Release) build dir
here="$repo/bench/extract"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

build_tree() {  # $1 source dir, $2 build dir, $3... targets
  local src="$1" dir="$2"
  shift 2
  CCACHE_BASEDIR="$src" cmake -S "$src" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DNEWSCRAWL_BENCH=ON -DNEWSCRAWL_TESTS=OFF >/dev/null
  CCACHE_BASEDIR="$src" cmake --build "$dir" --target "$@" -j2 >/dev/null
}

quality() {  # $1 newscrawl binary, $2 label
  local bin="$1" label="$2" folder pred
  for folder in scrapinghub trafilatura-eval fundus; do
    [ -d "$eval_dir/$folder" ] || continue
    pred="$out/$label/$folder"
    mkdir -p "$pred"
    if ls "$eval_dir/$folder"/*.meta.json >/dev/null 2>&1; then
      for page in "$eval_dir/$folder"/*.html; do
        id="$(basename "$page" .html)"
        url="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("url",""))' \
          "$eval_dir/$folder/$id.meta.json")"
        "$bin" extract --url "$url" --format json "$page" >"$pred/$id.json" 2>/dev/null || true
      done
      python3 - "$pred" <<'PY'
import glob, json, sys
for path in glob.glob(sys.argv[1] + "/*.json"):
    try:
        text = json.load(open(path, encoding="utf-8")).get("text", "")
    except ValueError:
        text = ""
    open(path[:-5] + ".txt", "w", encoding="utf-8").write(text + "\n")
PY
    else
      "$bin" extract --out-dir "$pred" "$eval_dir/$folder" 2>/dev/null || true
    fi
    score="$(python3 "$eval_dir/score.py" "$eval_dir/$folder" "$pred" --quiet \
      --per-page "$pred.tsv" | tail -1)"
    echo "quality $label $folder: $score"
    python3 "$here/summarize.py" "$eval_dir/$folder" "$pred" --per-page "$pred.tsv" |
      sed "s/^/  $label /"
  done
}

speed() {  # $1 build dir, $2 label; prints the batch figures, returns extract_speed's line
  local bin="$1/cli/newscrawl" label="$2" pages jobs results median
  pages=$(ls "$eval_dir/scrapinghub"/*.html | wc -l)
  measure() {  # $@: extra flags; prints "pages_per_s peak_rss_kb" of one run
    local log="$out/time.log" wall rss
    /usr/bin/time -v "$bin" extract "$@" --out-dir "$out/speed" "$eval_dir/scrapinghub" \
      2>"$log" >/dev/null
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" |
      awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    awk -v p="$pages" -v w="$wall" -v r="$rss" 'BEGIN { printf "%.0f %d\n", p / w, r }'
  }
  for jobs in 0 1; do
    results=()
    for run in 1 2 3; do results+=("$(measure --jobs "$jobs")"); done
    median=$(printf '%s\n' "${results[@]}" | sort -n | sed -n 2p)
    echo "speed $label scrapinghub ($([ "$jobs" = 0 ] && echo "default threads" || echo "--jobs 1")):" \
      "$(echo "$median" | awk '{print $1}') pages/s (median of 3), peak RSS" \
      "$(printf '%s\n' "${results[@]}" | awk '{print $2}' | sort -n | tail -1) KB"
  done
  "$1/bench/extract/extract_speed" "$eval_dir/scrapinghub" 3 | sed "s/^/speed $label /"
}

build_tree "$repo" "$build" newscrawl extract_speed extract_adversarial
quality "$build/cli/newscrawl" branch
base_build=""
if [ -n "${BASELINE_COMMIT:-}" ]; then
  base_src="${BASELINE_SRC:-$build/baseline-src}"
  if [ -z "${BASELINE_SRC:-}" ]; then
    if [ ! -d "$base_src" ]; then
      git -C "$repo" worktree add --detach "$base_src" "$BASELINE_COMMIT" >/dev/null 2>&1
    fi
    git -C "$base_src" checkout --detach -q "$BASELINE_COMMIT"
  fi
  base_build="$base_src/build/bench"
  build_tree "$base_src" "$base_build" newscrawl extract_speed
  quality "$base_build/cli/newscrawl" "baseline-$BASELINE_COMMIT"
fi
[ "${QUICK:-0}" = 1 ] && exit 0

mine="$(speed "$build" branch)"
echo "$mine"
if [ -n "$base_build" ]; then
  theirs="$(speed "$base_build" "baseline-$BASELINE_COMMIT")"
  echo "$theirs"
  cpu_rate() { grep -o '[0-9]* pages/s CPU' | awk '{print $1}'; }
  awk -v a="$(echo "$mine" | cpu_rate)" -v b="$(echo "$theirs" | cpu_rate)" \
    'BEGIN { if (b > 0) printf "speed ratio (one thread, pages per CPU-second): %.2fx\n", a / b }'
fi
echo "hostile shapes (7.5 MB each, one thread):"
"$build/bench/extract/extract_adversarial" 7.5 1 || echo "hostile shapes: over the 2 s budget"
