#!/usr/bin/env bash
# Writes through the admin API against the real server on a generated index:
#   bash bench/writes.sh [COUNT] [BULK] [SECONDS]     (defaults 100000, 50000, 60)
# 1. Bulk: BULK new generated articles (seed 7) through POST /api/admin/articles/bulk, 1,000 a
#    request, two requests at a time: articles/s until acknowledged, and until searchable.
# 2. Readers alone: wrk, 8 connections of searches (the benchmark queries), 20 s: p50/p99.
# 3. Readers and writes: 8 paced readers (a search every 100 ms each) alone, then with 50 single
#    upserts a second (twice: the first minute of writes, then sustained); then 8 back-to-back
#    readers (wrk) for SECONDS while 50 single upserts a second
#    (PUT /api/admin/articles/{id}, paced) replace articles: reader p50/p99, upserts done, errors.
# REFRESH_MS=… sets Search:RefreshMs (default 500); TC_DELAY_MS and TC_THRESHOLD the runtime's tiering
# (defaults 0 and 300, as in the launch profile); BULK_ONLY=1 stops after the bulk; SKIP_BULK=1 skips it.
# Needs the index bench/run.sh COUNT built (bench/out/index-COUNT), wrk, curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
bulk=${2:-50000}
seconds=${3:-60}
port=5195
key=bench-write-key
out=bench/out/writes-$count-$(date -u +%Y%m%d-%H%M)
work=bench/out/writes-work
mkdir -p "$out"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
[ -f "bench/out/index-$count/CURRENT" ] || { echo "no index in bench/out/index-$count: run bash bench/run.sh $count first" >&2; exit 1; }

dotnet build -c Release src/InnovationsFr.Api >/dev/null
dotnet build -c Release src/InnovationsFr.Indexer >/dev/null
corpus=bench/out/corpus-$bulk-seed7.jsonl
[ -f "$corpus" ] || dotnet src/InnovationsFr.Indexer/bin/Release/net10.0/InnovationsFr.Indexer.dll generate --count "$bulk" --seed 7 --out "$corpus" >/dev/null
rm -rf "$work" && mkdir -p "$work/chunks"
cp -r "bench/out/index-$count" "$work/index"
split -l 1000 -d -a 4 "$corpus" "$work/chunks/part-"

# Searches only, for the readers.
{
  bash bench/lua-queries.sh
  cat <<'LUA'
local function encode(s) return (string.gsub(s, "([^%w%-_%.~])", function(c) return string.format("%%%02X", string.byte(c)) end)) end
math.randomseed(7)
request = function()
  return wrk.format("GET", "/api/search?q=" .. encode(queries[math.random(#queries)]))
end
LUA
} > "$out/search.lua"

DOTNET_TC_CallCountingDelayMs=${TC_DELAY_MS:-0} DOTNET_TC_CallCountThreshold=${TC_THRESHOLD:-300} Search__RefreshMs=${REFRESH_MS:-500} Search__IndexPath="$PWD/$work/index" Search__BuildIfMissing=false RateLimit__PermitLimit=0 Admin__WriteKeys__0=$key \
  Logging__LogLevel__Default=Warning \
  dotnet src/InnovationsFr.Api/bin/Release/net10.0/InnovationsFr.Api.dll --urls "http://127.0.0.1:$port" > "$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break
  sleep 1
done
articles() { curl -sf "http://127.0.0.1:$port/health/ready" | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])'; }
before=$(articles)

if [ -z "${SKIP_BULK:-}" ]; then
echo "== bulk: $bulk articles (≈ $(( $(stat -c %s "$corpus") / 1024 / 1024 )) MB) into an index of $before, 1,000 a request, ${BULK_CLIENTS:-2} at a time"
start=$(date +%s.%N)
ls "$work"/chunks/part-* | xargs -P "${BULK_CLIENTS:-2}" -I{} curl -s -o /dev/null -w "%{http_code}\n" \
  -H "X-Api-Key: $key" -H "Content-Type: application/x-ndjson" --data-binary @{} \
  "http://127.0.0.1:$port/api/admin/articles/bulk" > "$out/bulk-status.txt"
acked=$(date +%s.%N)
while [ "$(articles)" -lt $((before + bulk)) ]; do sleep 0.05; done
visible=$(date +%s.%N)
python3 - "$start" "$acked" "$visible" "$bulk" "$out/bulk-status.txt" <<'PY' | tee "$out/bulk.txt"
import sys, collections
start, acked, visible, bulk = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
codes = collections.Counter(open(sys.argv[5]).read().split())
print(f"requests: {dict(codes)}")
print(f"acknowledged: {bulk} articles in {acked - start:.1f} s = {bulk / (acked - start):.0f} articles/s")
print(f"searchable:   {bulk} articles in {visible - start:.1f} s = {bulk / (visible - start):.0f} articles/s")
PY
echo "server RSS: $(( $(awk '/VmRSS/ {print $2}' /proc/$server/status) / 1024 )) MB"
fi

[ -n "${BULK_ONLY:-}" ] && exit 0
# Let the merges the bulk started finish before measuring readers.
sleep 20
wrk -t2 -c8 -d5s -s "$out/search.lua" "http://127.0.0.1:$port" >/dev/null
echo "== readers alone: 8 connections of searches, 20 s"
wrk -t2 -c8 -d20s -s "$out/search.lua" --latency "http://127.0.0.1:$port" | tee "$out/readers.txt" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket"

# Readers as a site has them: 8 readers, each searching every 100 ms (80 searches/s), alone and then
# with 50 upserts/s; then 8 readers searching back to back (wrk, saturating both cores) with them.
cat > "$out/paced.py" <<'PY'
import json, sys, time, random, threading, urllib.request, urllib.error, urllib.parse
port, key, seconds, corpus, queries_file, upserts = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6])
queries = [l.split("\t")[0] for l in open(queries_file, encoding="utf-8") if l.strip() and not l.startswith("#")]
articles = []
with open(corpus, encoding="utf-8") as f:
    for i, line in enumerate(f):
        if i >= 2000: break
        articles.append(json.loads(line))
lock = threading.Lock()
latencies, errors, done = [], [0, 0], [0]
stop_at = time.time() + seconds
def reader(seed):
    rnd = random.Random(seed); next_at = time.time()
    while time.time() < stop_at:
        url = f"http://127.0.0.1:{port}/api/search?q=" + urllib.parse.quote(rnd.choice(queries))
        t = time.time()
        try:
            with urllib.request.urlopen(url, timeout=10) as r: ok = r.status == 200; r.read()
        except (urllib.error.URLError, OSError): ok = False
        with lock:
            latencies.append(time.time() - t)
            if not ok: errors[0] += 1
        next_at += 0.1
        time.sleep(max(0, next_at - time.time()))
def put(n):
    a = dict(random.choice(articles)); a["title"] += f" (mise à jour {n})"
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/admin/articles/{a['id']}", data=json.dumps(a).encode(), method="PUT",
                                 headers={"X-Api-Key": key, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r: ok = r.status == 200
    except (urllib.error.URLError, OSError): ok = False
    with lock:
        if ok: done[0] += 1
        else: errors[1] += 1
threads = [threading.Thread(target=reader, args=(i,)) for i in range(8)]
for t in threads: t.start()
start = time.time(); n = 0
while upserts and time.time() < stop_at:
    due = start + n / 50.0
    if due > time.time(): time.sleep(due - time.time())
    threading.Thread(target=put, args=(n,)).start(); n += 1
for t in threads: t.join()
time.sleep(0.5)
latencies.sort()
q = lambda p: latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000
print(f"searches: {len(latencies)} ({len(latencies) / seconds:.0f}/s), errors {errors[0]}; p50 {q(0.5):.1f} ms, p99 {q(0.99):.1f} ms, max {latencies[-1]*1000:.0f} ms"
      + (f"; upserts: {done[0]} acknowledged ({done[0] / seconds:.1f}/s), errors {errors[1]}" if upserts else ""))
PY
echo "== 8 paced readers (each a search every 100 ms), ${seconds} s, no writes"
python3 "$out/paced.py" "$port" "$key" "$seconds" "$corpus" bench/queries.tsv 0 | tee "$out/paced-readers.txt"
echo "== 8 paced readers and 50 upserts/s, ${seconds} s: the first minute of writes (merges the bulk left, tallies kept for the first time)"
python3 "$out/paced.py" "$port" "$key" "$seconds" "$corpus" bench/queries.tsv 1 | tee "$out/paced-readers-with-writes-first.txt"
echo "== 8 paced readers and 50 upserts/s, ${seconds} s more: sustained"
python3 "$out/paced.py" "$port" "$key" "$seconds" "$corpus" bench/queries.tsv 1 | tee "$out/paced-readers-with-writes.txt"

echo "== 8 back-to-back readers (wrk) and 50 upserts/s: ${seconds} s"

python3 - "$port" "$key" "$seconds" "$corpus" > "$out/upserts.txt" <<'PY' &
import json, sys, time, random, threading, urllib.request, urllib.error
port, key, seconds, corpus = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
lines = []
with open(corpus) as f:
    for i, line in enumerate(f):
        if i >= 2000: break
        lines.append(json.loads(line))
done, errors, latencies = 0, 0, []
lock = threading.Lock()
def put(n):
    global done, errors
    a = dict(random.choice(lines)); a["title"] = a["title"] + f" (mise à jour {n})"
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/admin/articles/{a['id']}", data=json.dumps(a).encode(), method="PUT",
                                 headers={"X-Api-Key": key, "Content-Type": "application/json"})
    t = time.time()
    try:
        with urllib.request.urlopen(req, timeout=10) as r: ok = r.status == 200
    except (urllib.error.URLError, OSError): ok = False
    with lock:
        latencies.append(time.time() - t)
        if ok: done += 1
        else: errors += 1
start = time.time(); n = 0; threads = []
while time.time() - start < seconds:
    due = start + n / 50.0
    if due > time.time(): time.sleep(due - time.time())
    t = threading.Thread(target=put, args=(n,)); t.start(); threads.append(t); n += 1
for t in threads: t.join()
latencies.sort()
print(f"upserts: {done} acknowledged, {errors} errors in {time.time() - start:.1f} s = {done / (time.time() - start):.1f}/s; "
      f"upsert latency p50 {latencies[len(latencies)//2]*1000:.1f} ms, p99 {latencies[int(len(latencies)*0.99)]*1000:.1f} ms")
PY
writer=$!
wrk -t2 -c8 -d"${seconds}s" -s "$out/search.lua" --latency "http://127.0.0.1:$port" | tee "$out/readers-with-writes.txt" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket"
wait $writer
cat "$out/upserts.txt"
echo "server RSS: $(( $(awk '/VmRSS/ {print $2}' /proc/$server/status) / 1024 )) MB"
echo "written to $out"
