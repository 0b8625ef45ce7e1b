#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer and runs every test suite,
# then the bounded fuzzing run. Assumes scripts/install-deps.sh has run. Exit code: 0 = all passed.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build/test}
JOBS=${JOBS:-$(nproc)}
# ccache hits across clones (CI builds in a fresh clone each time).
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
# Debug info names the build directory; without this every clone would miss the cache.
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEWSCRAWL_SANITIZE=ON \
  -DNEWSCRAWL_TESTS=ON
cmake --build "$BUILD_DIR" -j "$JOBS"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" --timeout 600

if [ -x scripts/fuzz.sh ]; then
  scripts/fuzz.sh
fi
