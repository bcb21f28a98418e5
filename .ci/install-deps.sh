#!/usr/bin/env bash
# Installs the Debian packages the test suite drives: real Kafka clients, Chromium, codec tools, cgo toolchain.
# Idempotent: skips apt when every package is already installed. gcc, libc6-dev and pkg-config
# (only recommended by golang-go) are for cgo: confluent-kafka-go and sarama's zstd link C libraries.
set -euo pipefail
PKGS=(kcat python3-kafka python3-confluent-kafka golang-go
  golang-github-segmentio-kafka-go-dev golang-github-shopify-sarama-dev
  golang-github-confluentinc-confluent-kafka-go-dev librdkafka-dev chromium lz4 zstd gzip
  python3-snappy python3-lz4 python3-zstandard
  gcc libc6-dev pkg-config)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "debian deps ok"
