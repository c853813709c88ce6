#!/usr/bin/env bash
# Prints the benchmark queries (bench/queries.tsv, words only) as a Lua table for wrk scripts.
cd "$(dirname "$0")/.."
echo 'local queries = {'
grep -v '^#' bench/queries.tsv | cut -f1 | grep -v '^$' | sed 's/\\/\\\\/g; s/"/\\"/g; s/^/  "/; s/$/",/'
echo '}'
