#!/usr/bin/env python3
"""Replicas under chaos, with real processes on loopback (see bench/replicas.sh).

One primary and two replicas of the API (Release build), Debian's nginx in front with the shipped
config/nginx/innovationsfr-search.conf (ports rewritten). For SECONDS (60): mixed reads through
nginx at a steady rate from several client addresses, 20 upserts a second to the primary through
nginx; replica 1 killed with SIGKILL at 1/3 and started again at 2/3; the primary restarted once
(SIGTERM, then started again) at 1/2. Then the figures: failed reads, the lag from each write's
acknowledgement to its visibility on each live replica (the replica's served journal sequence,
polled every 20 ms, and every 10th write read back by id), how long the restarted replica took to
catch up, each replica's files checked against the primary's manifest (SHA-256), rate limits keyed
by the address nginx forwards, and read throughput through nginx against one process.
"""
import argparse
import hashlib
import http.client
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

READ_KEY = "bench-lecture-0123456789"
WRITE_KEY = "bench-ecriture-9876543210"
QUERIES = ["intelligence artificielle", "l'IA générative", "etats-unis", "inteligence", "voiture électrique",
           "quantique", "batteries", "espace", "énergie solaire", "cybersécurité", "santé", "robots"]


class Service:
    def __init__(self, name, port, out, repo, env):
        self.name, self.port, self.out, self.repo, self.env = name, port, out, repo, env
        self.process = None
        self.starts = 0

    def start(self):
        self.starts += 1
        log = open(os.path.join(self.out, f"{self.name}.log"), "a")
        log.write(f"\n--- start {self.starts} at {time.strftime('%H:%M:%S')} ---\n")
        log.flush()
        env = dict(os.environ, **self.env, ASPNETCORE_URLS=f"http://127.0.0.1:{self.port}", DOTNET_gcServer="0")
        dll = os.path.join(self.repo, "src/InnovationsFr.Api/bin/Release/net10.0/InnovationsFr.Api.dll")
        self.process = subprocess.Popen(["dotnet", dll], cwd=self.repo, env=env, stdout=log, stderr=subprocess.STDOUT)

    def kill(self, sig):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=60)

    def alive(self):
        return self.process is not None and self.process.poll() is None


def request(port, method, path, body=None, headers=None, source=None, timeout=10):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0) if source else None)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_ready(port, deadline_s=180, want_replica_commit=False):
    deadline = time.time() + deadline_s
    while time.time() < deadline:
        try:
            status, body = request(port, "GET", "/health/ready", timeout=2)
            if status == 200:
                return json.loads(body)
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"service on {port} not ready within {deadline_s} s")


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--out", default="/tmp/ifr-replicas")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--reads-per-second", type=float, default=60)
    parser.add_argument("--writes-per-second", type=float, default=20)
    parser.add_argument("--corpus", default=None)
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    base = 5280
    ports = {"primary": base, "replica1": base + 1, "replica2": base + 2, "nginx": base + 10}
    common = {
        "Admin__ReadKeys__0": READ_KEY,
        "Admin__WriteKeys__0": WRITE_KEY,
        "ForwardedHeaders__KnownProxies__0": "127.0.0.1",
        "RateLimit__PermitLimit": "40",
        "RateLimit__WindowSeconds": "1",
        "Search__RankingModelPath": os.path.join(out, "no-model.zip"),
        "Logging__LogLevel__Default": "Warning",
        "Logging__LogLevel__InnovationsFr": "Information",
        "Logging__LogLevel__InnovationsFr.Requests": "Warning",
    }
    primary = Service("primary", ports["primary"], out, args.repo, dict(common, **{
        "Search__IndexPath": os.path.join(out, "primary-index"),
        "Search__CorpusPath": os.path.abspath(args.corpus) if args.corpus else os.path.join(args.repo, "corpus/articles.jsonl"),
        "Search__CommitMs": "500",
        "Search__RefreshMs": "200",
    }))
    replicas = [Service(name, ports[name], out, args.repo, dict(common, **{
        "Search__Role": "replica",
        "Search__Primary": f"http://127.0.0.1:{ports['primary']}/",
        "Search__PrimaryKey": READ_KEY,
        "Search__IndexPath": os.path.join(out, f"{name}-index"),
        "Search__ReplicaWaitMs": "5000",
    })) for name in ("replica1", "replica2")]

    conf = open(os.path.join(args.repo, "config/nginx/innovationsfr-search.conf")).read()
    for old, new in (("5081", str(ports["replica1"])), ("5082", str(ports["replica2"])), ("5080", str(ports["primary"])), ("listen 8080", f"listen 127.0.0.1:{ports['nginx']}")):
        conf = conf.replace(old, new)
    prefix = os.path.join(out, "nginx")
    os.makedirs(os.path.join(prefix, "logs"))
    with open(os.path.join(prefix, "nginx.conf"), "w") as f:
        f.write("worker_processes 1;\nerror_log logs/error.log warn;\npid logs/nginx.pid;\nevents { worker_connections 1024; }\n"
                "http {\n access_log logs/access.log;\n client_body_temp_path " + prefix + "/body;\n proxy_temp_path " + prefix + "/proxy;\n"
                + conf + "\n}\n")
    subprocess.run(["nginx", "-t", "-p", prefix, "-c", "nginx.conf"], check=True, stderr=subprocess.DEVNULL)
    nginx = subprocess.Popen(["nginx", "-p", prefix, "-c", "nginx.conf", "-g", "daemon off;"])

    started = time.time()
    primary.start()
    wait_ready(ports["primary"])
    for replica in replicas:
        replica.start()
    for replica in replicas:
        wait_ready(replica.port)
    print(f"primary and 2 replicas ready in {time.time() - started:.1f} s; nginx on {ports['nginx']}", flush=True)

    ids = [json.loads(line)["id"] for line in open(primary.env["Search__CorpusPath"]) if line.strip()][:200]
    stop = threading.Event()
    watching = threading.Event()  # the watchers go on a little after the load stops
    lock = threading.Lock()
    reads = {"ok": 0, "failed": 0, "statuses": {}, "latencies": []}
    writes = {"acked": [], "refused": 0}  # acked: (sequence, ack time, id, title)
    visible = {r.name: {} for r in replicas}  # sequence -> seen time
    readback = {"checked": 0, "missing": []}
    down = {r.name: [] for r in replicas}  # (from, to) windows a replica was not live
    events = []

    def reader(source, rate):
        rng = random.Random(source)
        interval = 1.0 / rate
        next_at = time.time()
        while not stop.is_set():
            kind = rng.random()
            if kind < 0.55:
                path = "/api/search?q=" + urllib.parse.quote(rng.choice(QUERIES))
            elif kind < 0.7:
                path = "/api/tags/cloud?number=30"
            elif kind < 0.85:
                path = "/api/articles/" + urllib.parse.quote(rng.choice(ids))
            elif kind < 0.95:
                path = "/api/suggest?q=" + urllib.parse.quote(rng.choice(QUERIES)[:4])
            else:
                path = "/api/articles/" + urllib.parse.quote(rng.choice(ids)) + "/related?limit=3"
            t0 = time.time()
            try:
                status, _ = request(ports["nginx"], "GET", path, source=source)
            except OSError as e:
                status = type(e).__name__
            with lock:
                ok = status in (200, 304, 404) if path.startswith("/api/articles/") else status in (200, 304)
                reads["ok" if ok else "failed"] += 1
                reads["statuses"][str(status)] = reads["statuses"].get(str(status), 0) + 1
                reads["latencies"].append((time.time() - t0) * 1000)
            next_at += interval
            time.sleep(max(0, next_at - time.time()))

    def writer():
        interval = 1.0 / args.writes_per_second
        next_at = time.time()
        n = 0
        while not stop.is_set():
            n += 1
            article_id = f"chaos-{n}"
            title = f"Réplication chaos {n} satellites"
            body = json.dumps({"id": article_id, "title": title, "body": "Un texte écrit pendant le chaos.", "publishedAt": "2026-12-03T10:00:00+01:00", "tags": ["Chaos"]})
            try:
                status, answer = request(ports["nginx"], "PUT", f"/api/admin/articles/{article_id}", body=body.encode(),
                                         headers={"Content-Type": "application/json", "X-Api-Key": WRITE_KEY}, timeout=5)
            except OSError:
                status, answer = None, b""
            if status == 200:
                with lock:
                    writes["acked"].append((json.loads(answer)["sequence"], time.time(), article_id, title))
            else:
                with lock:
                    writes["refused"] += 1
            next_at += interval
            time.sleep(max(0, next_at - time.time()))

    def watcher(replica):
        while not watching.is_set():
            if replica.alive():
                try:
                    status, body = request(replica.port, "GET", "/health/ready", timeout=2)
                    if status == 200:
                        sequence = json.loads(body)["replication"]["sequence"]
                        now = time.time()
                        with lock:
                            pending = [w for w in writes["acked"] if w[0] <= sequence and w[0] not in visible[replica.name]]
                            for w in pending:
                                visible[replica.name][w[0]] = now
                        for w in pending:
                            if w[0] % 10 == 0:
                                for _ in range(10):  # a burst of read-backs after a catch-up may meet the per-client limit
                                    s, b = request(replica.port, "GET", "/api/articles/" + w[2], timeout=5)
                                    if s != 429:
                                        break
                                    time.sleep(0.3)
                                with lock:
                                    readback["checked"] += 1
                                    if s != 200 or json.loads(b)["title"] != w[3]:
                                        readback["missing"].append((replica.name, w[2], s))
                except OSError:
                    pass
            time.sleep(0.02)

    threads = [threading.Thread(target=reader, args=(f"127.0.0.{10 + i}", args.reads_per_second / 4), daemon=True) for i in range(4)]
    threads.append(threading.Thread(target=writer, daemon=True))
    threads += [threading.Thread(target=watcher, args=(r,), daemon=True) for r in replicas]
    t0 = time.time()
    for t in threads:
        t.start()

    def at(fraction):
        time.sleep(max(0, t0 + args.seconds * fraction - time.time()))

    at(1 / 3)
    killed_at = time.time()
    replicas[0].kill(signal.SIGKILL)
    events.append(f"{killed_at - t0:5.1f} s  replica1 killed (SIGKILL)")
    at(1 / 2)
    primary_down = time.time()
    primary.kill(signal.SIGTERM)
    primary.start()
    wait_ready(primary.port)
    events.append(f"{primary_down - t0:5.1f} s  primary stopped (SIGTERM) and started again: serving after {time.time() - primary_down:.1f} s")
    at(2 / 3)
    restarted_at = time.time()
    down["replica1"].append((killed_at, restarted_at))
    replicas[0].start()
    events.append(f"{restarted_at - t0:5.1f} s  replica1 started again")
    # Caught up: serving the primary's latest commit (as of the moment it is checked).
    caught_up = None
    while caught_up is None and time.time() < restarted_at + 60:
        try:
            status, body = request(replicas[0].port, "GET", "/health/ready", timeout=2)
            _, manifest = request(primary.port, "GET", "/api/replication/manifest", headers={"X-Api-Key": READ_KEY}, timeout=2)
            if status == 200 and json.loads(body)["replication"]["commit"] >= json.loads(manifest)["commit"] - 1 and json.loads(body)["replication"]["lagCommits"] <= 1:
                caught_up = time.time() - restarted_at
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.05)
    events.append(f"{restarted_at - t0 + (caught_up or 0):5.1f} s  replica1 caught up ({caught_up:.2f} s after its start)" if caught_up else "replica1 did not catch up within 60 s")
    at(1.0)
    stop.set()
    time.sleep(3)  # the last writes' visibility
    watching.set()

    # Lag: every acknowledged write, on every replica live from its acknowledgement on.
    lags, unseen = [], []
    for replica in replicas:
        for sequence, acked, article_id, _ in writes["acked"]:
            if any(start - 2 <= acked <= end + 10 for start, end in down[replica.name]):
                continue  # not live then (or catching up after its restart: measured apart)
            seen = visible[replica.name].get(sequence)
            if seen is None:
                unseen.append((replica.name, article_id))
            else:
                lags.append(seen - acked)

    # Files: each replica's copy of the primary's latest commit, checked byte for byte against its manifest.
    time.sleep(1)
    _, manifest = request(primary.port, "GET", "/api/replication/manifest", headers={"X-Api-Key": READ_KEY})
    manifest = json.loads(manifest)
    checked = []
    for replica in replicas:
        folder = os.path.join(replica.env["Search__IndexPath"], manifest["generation"])
        status, body = request(replica.port, "GET", "/health/ready")
        served = json.loads(body)["replication"]["commit"]
        bad = [f["name"] for f in manifest["files"] if not os.path.exists(os.path.join(folder, f["name"]))
               or hashlib.sha256(open(os.path.join(folder, f["name"]), "rb").read()).hexdigest() != f["sha256"]]
        partial = [n for n in os.listdir(folder) if n.endswith(".part")]
        checked.append(f"{replica.name}: serves commit {served} (primary {manifest['commit']}), {len(manifest['files'])} files, {len(bad)} mismatched, {len(partial)} partial files left")

    # Rate limits per client address behind nginx: one address bursting is limited, another is not.
    burst = [request(ports["nginx"], "GET", "/api/search?q=ia", source="127.0.0.2")[0] for _ in range(150)]
    other = request(ports["nginx"], "GET", "/api/search?q=ia", source="127.0.0.3")[0]

    # Read throughput: 8 clients for 8 s through nginx (2 replicas + primary), then straight to one process.
    def throughput(port):
        count = [0]
        end = time.time() + 8

        def client(i):
            rng = random.Random(i)
            while time.time() < end:
                try:
                    # Each request from one of 2,000 addresses: the per-client limit (40/s) never binds here.
                    source = f"127.0.{2 + rng.randint(0, 7)}.{1 + rng.randint(0, 249)}"
                    status, _ = request(port, "GET", "/api/search?q=" + urllib.parse.quote(rng.choice(QUERIES) + " " + str(rng.randint(0, 10**6))), source=source)
                    if status == 200:
                        with lock:
                            count[0] += 1
                except OSError:
                    pass
        pool = [threading.Thread(target=client, args=(i,)) for i in range(8)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        return count[0] / 8

    through_nginx = throughput(ports["nginx"])
    one_process = throughput(ports["primary"])

    stop_all = [primary] + replicas
    for service in stop_all:
        service.kill(signal.SIGTERM)
    nginx.send_signal(signal.SIGQUIT)
    nginx.wait(timeout=30)

    logs = {s.name: open(os.path.join(out, f"{s.name}.log")).read() for s in stop_all}
    refused_lines = [l for l in logs["replica1"].splitlines() + logs["replica2"].splitlines() if "unreachable" in l or "refused" in l]

    print(f"\n## Replicas under chaos — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores")
    print(f"{args.seconds:.0f} s; reads through nginx at {args.reads_per_second:.0f}/s from 4 addresses, {args.writes_per_second:.0f} upserts/s through nginx to the primary\n")
    for e in events:
        print("- " + e)
    print()
    print("| figure | value |\n|---|---|")
    print(f"| reads through nginx | {reads['ok'] + reads['failed']} ({reads['failed']} failed; statuses {reads['statuses']}) |")
    print(f"| read latency through nginx p50 / p99 | {percentile(reads['latencies'], 50):.1f} / {percentile(reads['latencies'], 99):.1f} ms |")
    print(f"| writes acknowledged / refused (primary restarting) | {len(writes['acked'])} / {writes['refused']} |")
    print(f"| write → visible on each live replica, p50 / p99 / max | {percentile(lags, 50) * 1000:.0f} / {percentile(lags, 99) * 1000:.0f} / {max(lags) * 1000 if lags else float('nan'):.0f} ms over {len(lags)} (write, replica) pairs; never seen: {len(unseen)} |")
    print(f"| every 10th write read back by id on the replicas | {readback['checked']} checked, {len(readback['missing'])} missing |")
    print(f"| replica1 caught up after its restart | {caught_up:.2f} s |" if caught_up else "| replica1 caught up | NO |")
    for line in checked:
        print(f"| files checked (SHA-256 vs manifest) | {line} |")
    print(f"| rate limit per forwarded address (40/s each process) | 127.0.0.2 bursting 150: {burst.count(429)} × 429, {burst.count(200)} × 200; 127.0.0.3 meanwhile: {other} |")
    print(f"| read throughput, 8 clients: through nginx (2 replicas + primary) / one process | {through_nginx:.0f} / {one_process:.0f} req/s ({through_nginx / one_process:.2f}×) |")
    print(f"| replica log lines about the primary (unreachable / refused) | {len(refused_lines)} |")
    for line in refused_lines[:6]:
        print(f"|  | `{line.strip()[:160]}` |")
    if unseen or readback["missing"]:
        acked = {w[2]: (w[0], w[1] - t0) for w in writes["acked"]}
        print("\nnever seen (replica, id, sequence, acknowledged at s):", [(r, i) + acked[i] for r, i in unseen[:10]])
        print("read back missing (replica, id, status):", readback["missing"][:10])
    failed = reads["failed"] > 0 or unseen or readback["missing"] or not caught_up or any(" 0 mismatched, 0 partial" not in c for c in checked)
    print("\nresult: " + ("FAILED" if failed else "passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
