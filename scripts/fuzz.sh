#!/usr/bin/env bash
# Bounded fuzzing of the article extractor: builds fuzz/extract_fuzzer with clang, libFuzzer,
# ASan and UBSan in build/fuzz, seeds it with the HTML fixtures of tests/fixtures/, and runs it
# for FUZZ_SECONDS (default 60). Exit code 0 = no crash found; a crash leaves its input in
# build/fuzz/ (crash-*) and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${FUZZ_BUILD_DIR:-build/fuzz}
SECONDS_TO_RUN=${FUZZ_SECONDS:-60}
if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found (apt-get install clang); cannot build the fuzzer" >&2
  exit 1
fi
CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNEWSCRAWL_FUZZ=ON -DNEWSCRAWL_SANITIZE=ON -DNEWSCRAWL_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" --target extract_fuzzer -j "${JOBS:-$(nproc)}"

corpus="$BUILD_DIR/corpus"
mkdir -p "$corpus"
find tests/fixtures -name '*.html' -size -256k -exec cp {} "$corpus/" \;
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
"$BUILD_DIR/fuzz/extract_fuzzer" -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$BUILD_DIR/" "$corpus"
