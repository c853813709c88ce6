#!/usr/bin/env bash
# Load and soak against the real server on a generated index:
#   bash bench/load.sh [COUNT] [SECONDS] [SOAK_SECONDS]     (defaults 100000, 60, 600)
# Needs the index bench/run.sh COUNT built (bench/out/index-COUNT) and wrk (apt-get install wrk).
# Mixed workload at 16 connections: 70% search with facets, 15% tag cloud, 10% related, 5% autocomplete.
# Then a soak of SOAK_SECONDS with the server's memory sampled every 10 s and its trend printed:
# RSS, and its two parts: anonymous memory (the GC heap and native allocations: a leak shows
# here) and file-backed pages (the memory-mapped index, which grows as queries touch more of it,
# up to the index size, and which the kernel reclaims under pressure).
# The per-client rate limit is off for the run (all connections come from one address).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
seconds=${2:-60}
soak=${3:-600}
index=bench/out/index-$count
port=5191
out=bench/out/load-$count-$(date -u +%Y%m%d-%H%M)
mkdir -p "$out"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
[ -f "$index/CURRENT" ] || { echo "no index in $index: run bash bench/run.sh $count first" >&2; exit 1; }

# The workload script, with the benchmark queries (words only) as a Lua table.
{
  bash bench/lua-queries.sh
  cat <<LUA
local count = $count
local prefixes = {}
for i, q in ipairs(queries) do prefixes[i] = string.sub(q, 1, 4) end
local function encode(s) return (string.gsub(s, "([^%w%-_%.~])", function(c) return string.format("%%%02X", string.byte(c)) end)) end
math.randomseed(42)
request = function()
  local r = math.random(100)
  local path
  if r <= 70 then
    path = "/api/search?q=" .. encode(queries[math.random(#queries)])
  elseif r <= 85 then
    path = "/api/tags/cloud?number=45"
  elseif r <= 95 then
    path = string.format("/api/articles/gen-42-%07d/related?limit=5", math.random(0, count - 1))
  else
    path = "/api/suggest?q=" .. encode(prefixes[math.random(#prefixes)])
  end
  return wrk.format("GET", path)
end
LUA
} > "$out/mixed.lua"

dotnet build -c Release src/InnovationsFr.Api >/dev/null
Search__IndexPath="$PWD/$index" Search__BuildIfMissing=false RateLimit__PermitLimit=0 Logging__LogLevel__Default=Warning \
  dotnet src/InnovationsFr.Api/bin/Release/net10.0/InnovationsFr.Api.dll --urls "http://127.0.0.1:$port" > "$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break
  sleep 1
done
curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "the server did not get ready" >&2; exit 1; }
# Warm-up: ten seconds of the same mix.
wrk -t2 -c16 -d10s -s "$out/mixed.lua" "http://127.0.0.1:$port" >/dev/null

echo "== load: ${seconds} s, 16 connections, $count articles"
wrk -t2 -c16 -d"${seconds}s" -s "$out/mixed.lua" --latency "http://127.0.0.1:$port" | tee "$out/load.txt"

if [ "$soak" -gt 0 ]; then
  echo "== soak: ${soak} s, memory every 10 s (seconds, RSS, anonymous, file-backed; kB)"
  wrk -t2 -c16 -d"${soak}s" -s "$out/mixed.lua" --latency "http://127.0.0.1:$port" > "$out/soak.txt" &
  load=$!
  : > "$out/rss.tsv"
  for t in $(seq 0 10 "$soak"); do
    read -r rss anon file < <(awk '/^VmRSS/ {r=$2} /^RssAnon/ {a=$2} /^RssFile/ {f=$2} END {print r, a, f}' "/proc/$server/status")
    printf '%s\t%s\t%s\t%s\n' "$t" "$rss" "$anon" "$file" | tee -a "$out/rss.tsv"
    sleep 10
  done
  wait $load || true
  cat "$out/soak.txt"
  # Trend: least-squares slope over the soak's second half (after warm-up growth), in MB per minute.
  for column in 2:RSS 3:anonymous 4:file-backed; do
    awk -v half=$((soak / 2)) -v c="${column%%:*}" -v name="${column#*:}" '$1 >= half { n++; sx += $1; sy += $c; sxy += $1 * $c; sxx += $1 * $1; last = $c }
      END { slope = (n * sxy - sx * sy) / (n * sxx - sx * sx); printf "%s trend over the second half: %.2f MB/min (n=%d, last %.0f MB)\n", name, slope * 60 / 1024, n, last / 1024 }' "$out/rss.tsv"
  done | tee "$out/trend.txt"
fi
echo "written to $out"
