"""HTTP measurements against a running `concord serve`, to 127.0.0.1 only, always bounded.

    start_server(index_dir, workers, threads)   a `concord serve` process on a free port
    latency(port, mix, rounds, budget_s)        one request at a time: per-query times (ms)
    throughput(port, mix, clients, seconds)     keep-alive clients in parallel: requests/s
    rss_kb(pid)                                 resident memory of a server and its workers
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LISTENING = re.compile(r"Serving Concord on http://127\.0\.0\.1:(\d+)/")
HOST = "127.0.0.1"  # never anywhere else


def search_path(q: str, filters: dict[str, list[str]]) -> str:
    """The /api/search URL of a mix query (the JSON twin of a results page)."""
    params = [("q", q)] + [(facet, value) for facet, values in filters.items() for value in values]
    return "/api/search?" + urllib.parse.urlencode(params)


class Server:
    """A `concord serve` child process; stop() ends it (and its workers)."""

    def __init__(self, proc: subprocess.Popen, port: int, log: Path):
        self.proc, self.port, self.log = proc, port, log

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 15 s."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def start_server(index_dir: Path, log: Path, workers: int = 1, threads: int = 4,
                 timeout_s: float = 300) -> Server:
    """Start `concord serve` on port 0 and wait until it answers a request."""
    env = {k: v for k, v in os.environ.items() if k != "CONCORD_INDEX_DIR"}
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "web.cli", "serve", "--host", HOST, "--port", "0",
             "--index", str(index_dir), "--workers", str(workers), "--threads", str(threads)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err, env=env)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        found = LISTENING.search(log.read_text(errors="replace"))
        if found:
            server = Server(proc, int(found.group(1)), log)
            if _answers(server.port, deadline):
                return server
        time.sleep(0.1)
    Server(proc, 0, log).stop()
    raise RuntimeError(f"concord serve did not start:\n{log.read_text(errors='replace')[-2000:]}")


def _answers(port: int, deadline: float) -> bool:
    """Wait until the server answers a request (workers open the index after the port)."""
    while time.monotonic() < deadline:
        try:
            get(http.client.HTTPConnection(HOST, port, timeout=30), "/api/search?q=")
            return True
        except OSError:
            time.sleep(0.2)
    return False


def get(conn: http.client.HTTPConnection, path: str) -> dict:
    """GET one JSON page over a kept-alive connection; RuntimeError on a non-200."""
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read()
    if resp.status != 200:
        raise RuntimeError(f"{path}: HTTP {resp.status}: {body[:200]!r}")
    return json.loads(body)


def latency(port: int, mix, rounds: int, budget_s: float) -> dict:
    """Per-query wall times (ms) and totals, one request at a time, round-robin."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    rows = {bq.name: {"name": bq.name, "times_ms": [], "total": None} for bq in mix}
    deadline = time.perf_counter() + budget_s
    for round_no in range(rounds):
        if round_no and time.perf_counter() > deadline:
            break
        for bq in mix:
            began = time.perf_counter()
            page = get(conn, search_path(bq.q, bq.filters))
            rows[bq.name]["times_ms"].append((time.perf_counter() - began) * 1000)
            rows[bq.name]["total"] = page["total"]
    conn.close()
    return {"queries": list(rows.values())}


def throughput(port: int, mix, clients: int, seconds: float) -> dict:
    """Requests/s with ``clients`` keep-alive connections cycling over the mix for ``seconds``."""
    paths = [search_path(bq.q, bq.filters) for bq in mix]
    counts, errors = [0] * clients, []
    stop = time.perf_counter() + seconds

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        i = n
        try:
            while time.perf_counter() < stop:
                get(conn, paths[i % len(paths)])
                counts[n] += 1
                i += 1
        except (OSError, RuntimeError) as error:
            errors.append(str(error))
        finally:
            conn.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    elapsed = time.perf_counter() - began
    return {"requests": sum(counts), "seconds": elapsed, "clients": clients,
            "per_s": sum(counts) / elapsed, "errors": errors[:5]}


def rss_kb(pid: int) -> dict:
    """VmRSS and VmHWM (KiB) of ``pid`` and of each of its children (gunicorn workers)."""
    found = {"main": _status(pid), "workers": []}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == pid:
                found["workers"].append(_status(int(entry.name)))
    return found


def _status(pid: int) -> dict:
    """VmRSS and VmHWM of one process, in KiB (0 when it is gone)."""
    values = {"rss_kb": 0, "hwm_kb": 0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                values["rss_kb"] = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                values["hwm_kb"] = int(line.split()[1])
    except OSError:
        pass
    return values
