#!/usr/bin/env bash
# Search cost on real text: bash bench/search-cost.sh DOCS.jsonl QUERIES.jsonl [OUT] [--reuse] [--model FILE]   (not run by CI)
# DOCS and QUERIES in the eval collections' format; for 100k documents of real French sentences:
#   python3 ../shared/eval/resample.py ../shared/eval/cdtn-datafiller/docs.jsonl 100000 /tmp/cdtn-100k.jsonl --seed 42
#   bash bench/search-cost.sh /tmp/cdtn-100k.jsonl ../shared/eval/cdtn-datafiller/queries.jsonl /tmp/ifr-search-cost
# Builds the product's index and a raw Lucene.Net index (title + body, id stored) of the same
# documents, then measures each query once (after a warm-up on other queries): in-process, raw top
# 100 against the product's reader search and size=100&facetLimit=0; over HTTP at c=1 and with 8
# clients on queries never seen before; and what each field of the index costs. --reuse keeps the
# indexes of an earlier run in OUT. --model FILE adds the same searches re-ordered by a learned
# ranking model (InnovationsFr.Indexer learn-ranking), in-process and over HTTP at c=1.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release src/InnovationsFr.Api >/dev/null
dotnet run -c Release --project bench/InnovationsFr.Bench -- search-cost "$@"
