#!/usr/bin/env bash
# Replicas under chaos: bash bench/replicas.sh [--out DIR] [--seconds 60] [--corpus FILE]   (not run by CI)
# Real processes on loopback: a primary and two replicas of the API (Release build) behind Debian's
# nginx with the shipped config/nginx/innovationsfr-search.conf; mixed reads through nginx at a
# steady rate while the primary takes 20 upserts/s; replica 1 killed (SIGKILL) at a third and
# started again at two thirds; the primary restarted once, at half. Prints failed reads, the write →
# visible lag on every live replica, the restarted replica's catch-up time, each replica's files
# checked against the primary's manifest, per-address rate limits behind nginx, and read throughput
# through nginx against one process. Needs nginx (apt-get install nginx-light).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v nginx >/dev/null || { echo "bench/replicas.sh needs nginx: apt-get install nginx-light" >&2; exit 2; }
dotnet build -c Release src/InnovationsFr.Api >/dev/null
exec python3 bench/replicas.py --repo "$PWD" "$@"
