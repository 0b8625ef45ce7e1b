#!/usr/bin/env bash
# Discovery parser benchmark: builds Release in build/bench and prints, for a 500-entry RSS feed,
# a 50,000-URL Google News sitemap (plain and gzip) and robots.txt checks, the median of 7 runs.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cmake -S "$repo" -B "$repo/build/bench" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNEWSCRAWL_BENCH=ON >/dev/null
cmake --build "$repo/build/bench" --target discovery_bench -j2 >/dev/null
"$repo/build/bench/bench/discovery/discovery_bench"
