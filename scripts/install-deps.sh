#!/usr/bin/env bash
# Installs every Debian 12 package that newscrawl's build, tests and benchmarks need.
# Idempotent; run as root (or through sudo). Used by the README commands and .ci/run.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache git python3 curl ca-certificates
  clang libclang-rt-14-dev clang-format
  libcurl4-openssl-dev libgumbo-dev libboost-dev librocksdb-dev libspdlog-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libicu-dev libpugixml-dev libsystemd-dev libnats-dev nats-server
  nlohmann-json3-dev libcli11-dev libxxhash-dev libbenchmark-dev zlib1g-dev libbrotli-dev
  libssl-dev wget
  systemd
  prometheus  # promtool: tests check /metrics with `promtool check metrics`
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# node + npm run warcio.js in the WARC tests. Only when the commands are missing: some machines
# have another build of Node.js (e.g. nodesource's, which bundles npm and conflicts with Debian's
# npm package), and asking apt for Debian's would then fail.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# warcio.js: the independent WARC reader the WARC tests check newscrawl's files with (npm, into
# the git-ignored .cache/node; never committed).
repo="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -d "$repo/.cache/node/node_modules/warcio" ]; then
  npm install --prefix "$repo/.cache/node" --no-audit --no-fund --loglevel=error warcio@2 >/dev/null
fi
