#!/usr/bin/env bash
# Near-duplicate quality benchmark: builds Release in build/bench and runs dedup_quality on the
# ground-truth texts of ../shared/eval/scrapinghub (or the directory given as $1).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
eval_dir="${1:-$repo/../shared/eval/scrapinghub}"
cmake -S "$repo" -B "$repo/build/bench" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNEWSCRAWL_BENCH=ON >/dev/null
cmake --build "$repo/build/bench" --target dedup_quality url_speed -j2 >/dev/null
status=0
"$repo/build/bench/bench/dedup/dedup_quality" "$eval_dir" || status=$?
"$repo/build/bench/bench/dedup/url_speed" "$eval_dir"
exit $status
