#!/usr/bin/env bash
# Tag-duplicate report on real, messy tags: the CERT-FR advisories of ../shared/corpus-fr/certfr-avis.
#   bash bench/certfr-tags.sh ../shared/corpus-fr/certfr-avis/articles.jsonl [LIMIT]
# Maps the advisories to our corpus format (date → publishedAt at midnight UTC), builds an index
# under bench/out/certfr without any alias file, and prints the largest duplicate groups.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:?path to certfr-avis/articles.jsonl}
limit=${2:-10}
out=bench/out/certfr
mkdir -p "$out"
python3 - "$src" "$out/articles.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as g:
    for line in f:
        a = json.loads(line)
        g.write(json.dumps({
            "id": a["id"], "title": a["title"], "body": a.get("body", ""),
            "publishedAt": a["date"] + "T00:00:00Z", "tags": a.get("tags", []),
            "url": a.get("url"), "author": a.get("author"),
        }, ensure_ascii=False) + "\n")
PY
dotnet build -c Release src/InnovationsFr.Indexer >/dev/null
indexer="dotnet src/InnovationsFr.Indexer/bin/Release/net10.0/InnovationsFr.Indexer.dll"
$indexer build --corpus "$out/articles.jsonl" --index "$out/index" | tail -2
$indexer tag-duplicates --index "$out/index" --limit "$limit"
