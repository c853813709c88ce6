#!/usr/bin/env bash
# Fuzz the API harder than CI does: bash bench/fuzz.sh [REQUESTS] [SEED]   (defaults 100000, 1)
# The same test as CI (tests/InnovationsFr.Api.Tests/FuzzTests.cs), more requests, another seed.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_REQUESTS=${1:-100000} FUZZ_SEED=${2:-1} dotnet test tests/InnovationsFr.Api.Tests --filter "FullyQualifiedName~FuzzTests"
