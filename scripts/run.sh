#!/usr/bin/env bash
# Builds newscrawl (Release) and runs the daemon on the shipped example config with an embedded
# RocksDB under ./var (override with NEWSCRAWL_CONFIG). Assumes scripts/install-deps.sh has run.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build/release}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNEWSCRAWL_TESTS=OFF >/dev/null
CCACHE_BASEDIR=$PWD cmake --build "$BUILD_DIR" -j "$(nproc)" --target newscrawl
CONFIG=${NEWSCRAWL_CONFIG:-systemd/newscrawl.example.yaml}
exec "$BUILD_DIR/cli/newscrawl" run --config "$CONFIG" "$@"
