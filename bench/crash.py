#!/usr/bin/env python3
"""Crash test: kill -9 the service in the middle of a bulk load and of a rebuild, restart it, and
check that every acknowledged change is there and that the index opens.

    python3 bench/crash.py [--runs 20] [--corpus FILE] [--port 5193]

Each run starts the real server (Release build) on a copy of a 10k-article index, then
1. loads articles through POST /api/admin/articles/bulk (200 a request, some lines withdrawing
   earlier ones) and PUT/DELETE /api/admin/articles/{id} from two threads, and kills the server
   with SIGKILL at a random moment (1 to 4 s in);
2. restarts it and checks: every acknowledged upsert (2xx) is found, every acknowledged withdrawal is
   gone (the last acknowledged change of each id decides);
3. starts POST /api/admin/reindex, kills the server with SIGKILL while the rebuild runs, restarts
   it, checks that the index opens (health ready, the corpus' articles are there) and the same
   acknowledged changes again; then lets a rebuild finish and checks once more.
Needs python3 and the .NET SDK; builds what it needs. Exit code 0 only when every run passes.
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out", "crash")
KEY = "crash-test-write-key"


def http(method, url, body=None, content_type="application/json", timeout=10):
    data = body.encode("utf-8") if isinstance(body, str) else body
    request = urllib.request.Request(url, data=data, method=method, headers={"X-Api-Key": KEY, "Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def article(run, id_, n):
    return {
        "id": id_,
        "title": f"Article de crash crashtok{run} numéro {n}",
        "summary": "Un article écrit pendant le test de crash.",
        "body": "La batterie solide et l'hydrogène vert sont au programme. " * 20,
        "publishedAt": "2026-11-28T10:00:00+01:00",
        "rubric": "Tests > Crash",
        "tags": ["Crash", f"Lot {n % 7}"],
    }


class Server:
    def __init__(self, index, corpus, port, log):
        self.index, self.corpus, self.port, self.log = index, corpus, port, log
        self.process = None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=120):
        env = dict(os.environ,
                   Search__IndexPath=self.index, Search__CorpusPath=self.corpus, Search__BuildIfMissing="false",
                   Admin__WriteKeys__0=KEY, RateLimit__PermitLimit="0", Logging__LogLevel__Default="Warning")
        dll = os.path.join(ROOT, "src", "InnovationsFr.Api", "bin", "Release", "net10.0", "InnovationsFr.Api.dll")
        self.process = subprocess.Popen(["dotnet", dll, "--urls", self.base], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                status, body = http("GET", self.base + "/health/ready", timeout=2)
                if status == 200:
                    return json.loads(body)
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode} before it was ready")
            time.sleep(0.2)
        raise RuntimeError("the server did not get ready")

    def kill9(self):
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill9()


class Load:
    """Writes until stopped; remembers the last acknowledged change of each id."""

    def __init__(self, server, run):
        self.server, self.run = server, run
        self.acked = {}  # id -> "up" | "del"
        # Ids of a request that got no answer (the kill): it may or may not have been applied.
        self.uncertain = set()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.requests = 0

    def ack(self, changes):
        with self.lock:
            self.acked.update(changes)

    def known_ids(self):
        with self.lock:
            return [i for i, state in self.acked.items() if state == "up"]

    def bulk(self):
        batch = 0
        while not self.stop.is_set():
            lines, changes = [], {}
            for j in range(200):
                id_ = f"crash-{self.run}-b{batch}-{j}"
                lines.append(json.dumps(article(self.run, id_, j), ensure_ascii=False))
                changes[id_] = "up"
            for id_ in random.sample(self.known_ids(), min(10, len(self.known_ids()))):
                lines.append(json.dumps({"id": id_, "status": "trash"}))
                changes[id_] = "del"
            try:
                status, _ = http("POST", self.server.base + "/api/admin/articles/bulk", "\n".join(lines), "application/x-ndjson", timeout=30)
            except (urllib.error.URLError, ConnectionError, OSError):
                with self.lock:
                    self.uncertain.update(changes)
                return
            self.requests += 1
            if status == 200:
                self.ack(changes)
            batch += 1

    def singles(self):
        n = 0
        while not self.stop.is_set():
            id_ = f"crash-{self.run}-s{n}"
            victim = f"crash-{self.run}-s{n - 1}"
            change = {victim: "del"} if n % 4 == 3 else {id_: "up"}
            try:
                if n % 4 == 3:
                    status, _ = http("DELETE", f"{self.server.base}/api/admin/articles/{victim}")
                else:
                    status, _ = http("PUT", f"{self.server.base}/api/admin/articles/{id_}", json.dumps(article(self.run, id_, n), ensure_ascii=False))
            except (urllib.error.URLError, ConnectionError, OSError):
                with self.lock:
                    self.uncertain.update(change)
                return
            self.requests += 1
            if status == 200:
                self.ack(change)
            n += 1


def found_ids(server, run):
    """Every article of the run's load the index holds, read through search with a cursor."""
    ids, cursor = set(), None
    while True:
        url = f"{server.base}/api/search?q=crashtok{run}&size=100&facetLimit=0&typoTolerance=false"
        if cursor:
            url += "&cursor=" + cursor
        status, body = http("GET", url, timeout=30)
        if status != 200:
            raise RuntimeError(f"search answered {status}: {body[:200]!r}")
        page = json.loads(body)
        ids.update(h["id"] for h in page["hits"])
        cursor = page.get("nextCursor")
        if not cursor:
            return ids


def check(server, run, load, what):
    found = found_ids(server, run)
    settled = {i: s for i, s in load.acked.items() if i not in load.uncertain}
    missing = [i for i, s in settled.items() if s == "up" and i not in found]
    resurrected = [i for i, s in settled.items() if s == "del" and i in found]
    # An id the search did not list may still be there: ask for it (the search is only the fast path).
    missing = [i for i in missing if http("GET", f"{server.base}/api/articles/{i}")[0] != 200]
    resurrected = [i for i in resurrected if http("GET", f"{server.base}/api/articles/{i}")[0] == 200]
    if missing or resurrected:
        print(f"    missing: {missing[:5]} withdrawn but present: {resurrected[:5]}", flush=True)
    ok = not missing and not resurrected
    ups = sum(1 for s in settled.values() if s == "up")
    print(f"    {what}: {ups} acknowledged upserts, {len(settled) - ups} acknowledged withdrawals "
          f"({len(load.uncertain)} ids of unanswered requests not judged); "
          f"missing {len(missing)}, withdrawn but present {len(resurrected)}", flush=True)
    return ok


def prepare(corpus):
    subprocess.run(["dotnet", "build", "-c", "Release", os.path.join(ROOT, "src", "InnovationsFr.Api")], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["dotnet", "build", "-c", "Release", os.path.join(ROOT, "src", "InnovationsFr.Indexer")], check=True, stdout=subprocess.DEVNULL)
    indexer = os.path.join(ROOT, "src", "InnovationsFr.Indexer", "bin", "Release", "net10.0", "InnovationsFr.Indexer.dll")
    if not os.path.exists(corpus):
        subprocess.run(["dotnet", indexer, "generate", "--count", "10000", "--out", corpus], check=True)
    base = os.path.join(OUT, "base")
    if not os.path.exists(os.path.join(base, "CURRENT")):
        shutil.rmtree(base, ignore_errors=True)
        subprocess.run(["dotnet", indexer, "build", "--corpus", corpus, "--index", base], check=True, stdout=subprocess.DEVNULL)
    return base


def one_run(run, base, corpus, port, log):
    index = os.path.join(OUT, "run")
    shutil.rmtree(index, ignore_errors=True)
    shutil.copytree(base, index)
    server = Server(index, corpus, port, log)
    try:
        articles = server.start()["articles"]
        # 1. Bulk load and single writes, killed at a random moment.
        load = Load(server, run)
        threads = [threading.Thread(target=load.bulk), threading.Thread(target=load.singles)]
        for t in threads:
            t.start()
        time.sleep(random.uniform(1.0, 4.0))
        server.kill9()
        load.stop.set()
        for t in threads:
            t.join()
        print(f"  run {run}: killed during the load after {load.requests} requests", flush=True)
        server.start()
        ok = check(server, run, load, "after restart")

        # 2. A rebuild, killed while it runs.
        status, _ = http("POST", server.base + "/api/admin/reindex")
        if status != 202:
            raise RuntimeError(f"reindex answered {status}")
        time.sleep(random.uniform(0.5, 3.0))
        _, body = http("GET", server.base + "/api/admin/reindex")
        progress = json.loads(body)
        server.kill9()
        print(f"  run {run}: killed during the rebuild ({progress['state']}, {progress['articles']} articles read)", flush=True)
        health = server.start()
        ok &= health["articles"] >= articles
        ok &= check(server, run, load, "after restart")

        # 3. A rebuild that finishes keeps the acknowledged changes too.
        http("POST", server.base + "/api/admin/reindex")
        deadline = time.time() + 300
        while time.time() < deadline:
            state = json.loads(http("GET", server.base + "/api/admin/reindex")[1])["state"]
            if state in ("succeeded", "failed"):
                break
            time.sleep(0.5)
        ok &= state == "succeeded"
        time.sleep(1.5)  # the swap and a refresh
        ok &= check(server, run, load, f"after a full rebuild ({state})")
        return ok
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--corpus", default=os.path.join(ROOT, "bench", "out", "corpus-10000-seed42.jsonl"))
    parser.add_argument("--port", type=int, default=5193)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    random.seed(args.seed)
    os.makedirs(OUT, exist_ok=True)
    corpus = os.path.abspath(args.corpus)
    base = prepare(corpus)
    passed = 0
    with open(os.path.join(OUT, "server.log"), "ab") as log:
        for run in range(1, args.runs + 1):
            try:
                ok = one_run(run, base, corpus, args.port, log)
            except RuntimeError as e:
                print(f"  run {run}: {e}", flush=True)
                ok = False
            passed += ok
            print(f"run {run}: {'PASS' if ok else 'FAIL'}", flush=True)
    print(f"{passed}/{args.runs} runs passed")
    return 0 if passed == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
