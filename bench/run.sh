#!/usr/bin/env bash
# Benchmark: bash bench/run.sh [COUNT] [extra options]   (default 100000 articles; not run by CI)
# Generates the corpus (cached in bench/out), builds it with the product and with a bare Lucene.Net
# loop, and measures search latency in-process and over HTTP (c=1 and c=8). Prints one table.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
shift || true
dotnet build -c Release src/InnovationsFr.Api >/dev/null
dotnet run -c Release --project bench/InnovationsFr.Bench -- --count "$count" "$@"
