#!/usr/bin/env bash
# Daemon benchmark: builds Release in build/bench, then
#  1. articles ingested per second end to end on the loopback news web, politeness off
#     (3 sites x 500 articles; median of 3 runs; target >= 400/s on 2 cores);
#  2. peak RSS of a process whose daemon runs 20 s with 1,000,000 known URLs in the frontier
#     (populated first in the same process; target <= 300 MB).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cmake -S "$repo" -B "$repo/build/bench" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNEWSCRAWL_BENCH=ON >/dev/null
cmake --build "$repo/build/bench" --target daemon_bench -j2 >/dev/null
bin="$repo/build/bench/bench/daemon/daemon_bench"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rates=()
for run in 1 2 3; do
  line="$("$bin" throughput 500 "$work/tp$run")"
  echo "run $run: $line"
  rates+=("$(echo "$line" | sed -E 's/.*= ([0-9]+) articles\/s.*/\1/')")
  rm -rf "$work/tp$run"
done
median="$(printf '%s\n' "${rates[@]}" | sort -n | sed -n 2p)"
echo "median throughput: $median articles/s (target >= 400)"
"$bin" frontier "${URLS:-1000000}" "$work/frontier"
