"""HTTP measurements against a running `concord serve`, to 127.0.0.1 only, always bounded.

    start_server(index_dir, workers, threads)   a `concord serve` process on a free port
    latency(port, mix, rounds, budget_s)        one request at a time: per-query times (ms)
    throughput(port, mix, clients, seconds)     keep-alive clients in parallel: requests/s
    rss_kb(pid)                                 resident memory of a server and its workers
    cpu_seconds(pid)                            CPU time of a server and its workers so far

Run as a script it measures one index over HTTP, with the answer cache (web/cache.py) on
and off, and optionally the same against another checkout of the code (``--before DIR``,
e.g. ``git archive main | tar -x -C DIR``), all in one run:

    .venv/bin/python bench/httpload.py --index var/index
    .venv/bin/python bench/httpload.py --index var/index --before /tmp/main --seconds 10
    .venv/bin/python bench/httpload.py --index var/index --page html   # the results page itself

Beside requests/s it reports the server's CPU time per request (its process and workers,
from /proc): on cores shared with other jobs, requests/s says how busy the machine was, the
CPU time what a request costs.
"""

from __future__ import annotations

import argparse
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
if str(ROOT) not in sys.path:  # run as a script: bench.* from this checkout
    sys.path.insert(0, str(ROOT))

from bench.stats import median, percentile, summary  # noqa: E402
LISTENING = re.compile(r"Serving Concord on http://127\.0\.0\.1:(\d+)/")
HOST = "127.0.0.1"  # never anywhere else


PAGES = {"json": "/api/search", "html": "/"}  # --page: the JSON twin or the results page


def search_path(q: str, filters: dict[str, list[str]], page: str = "json") -> str:
    """The URL of a mix query: its JSON twin (/api/search), or with ``page`` "html" its results page."""
    params = [("q", q)] + [(facet, value) for facet, values in filters.items() for value in values]
    return PAGES[page] + "?" + urllib.parse.urlencode(params)


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
                 timeout_s: float = 300, cache: bool | None = None, root: Path = ROOT) -> Server:
    """Start `concord serve` on port 0 and wait until it answers a request.

    ``cache`` False switches the answer cache off (CONCORD_SEARCH_CACHE=0), True leaves the
    app's default, None leaves the environment as it is; ``root`` is the checkout whose code
    serves (its directory comes first on the server's import path).
    """
    env = {k: v for k, v in os.environ.items() if k != "CONCORD_INDEX_DIR"}
    if cache is not None:
        env.pop("CONCORD_SEARCH_CACHE", None)
    if cache is False:
        env["CONCORD_SEARCH_CACHE"] = "0"
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "web.cli", "serve", "--host", HOST, "--port", "0",
             "--index", str(Path(index_dir).resolve()), "--workers", str(workers),
             "--threads", str(threads)],
            cwd=root, stdout=subprocess.DEVNULL, stderr=err, env=env)
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


def fetch_body(conn: http.client.HTTPConnection, path: str) -> tuple[bytes, http.client.HTTPResponse]:
    """GET ``path`` over a kept-alive connection and read the whole body; RuntimeError on a non-200."""
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read()
    if resp.status != 200:
        raise RuntimeError(f"{path}: HTTP {resp.status}: {body[:200]!r}")
    return body, resp


def get(conn: http.client.HTTPConnection, path: str, decode: bool = True) -> dict:
    """GET one JSON page; RuntimeError on a non-200.

    With ``decode`` False the body is read but not parsed (the load loop's clients share
    the server's two cores: parsing 25 answers per round is work the server never did).
    """
    body, resp = fetch_body(conn, path)
    return json.loads(body) if decode else {"bytes": len(body), "cache": resp.getheader("X-Concord-Cache")}


_SUMMARY = re.compile(r"共 ([\d,]+) 段，用时 ([\d.,]+) 毫秒|([\d,]+) paragraphs in ([\d.,]+) ms")


def read_json(path: str, body: bytes) -> dict:
    return json.loads(body)


def read_page(path: str, body: bytes) -> dict:
    """A results page's total and the engine's time, as the page prints them."""
    found = _SUMMARY.search(body.decode("utf-8"))  # the page's "{total} paragraphs in {took} ms"
    if not found:
        raise RuntimeError(f"{path}: no results summary in the page")
    total, took = [part.replace(",", "") for part in found.groups() if part is not None]
    return {"took_ms": float(took), "total": int(total)}


def latency(port: int, mix, rounds: int, budget_s: float, page: str = "json") -> dict:
    """Per-query wall times (ms) and totals, one request at a time, round-robin."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    rows = {bq.name: {"name": bq.name, "times_ms": [], "took_ms": [], "total": None} for bq in mix}
    deadline = time.perf_counter() + budget_s
    read = read_json if page == "json" else read_page
    for round_no in range(rounds):
        if round_no and time.perf_counter() > deadline:
            break
        for bq in mix:
            path = search_path(bq.q, bq.filters, page)
            began = time.perf_counter()
            body, _ = fetch_body(conn, path)  # the clock stops when the last byte is in, before decoding
            rows[bq.name]["times_ms"].append((time.perf_counter() - began) * 1000)
            answer = read(path, body)
            rows[bq.name]["took_ms"].append(answer.get("took_ms"))  # the engine's own time
            rows[bq.name]["total"] = answer["total"]
    conn.close()
    return {"queries": list(rows.values())}


def throughput(port: int, mix, clients: int, seconds: float, page: str = "json", pid: int | None = None) -> dict:
    """Requests/s with ``clients`` keep-alive connections cycling over the mix for ``seconds``;
    with ``pid``, the CPU time that server (and its workers) spent per request meanwhile."""
    paths = [search_path(bq.q, bq.filters, page) for bq in mix]
    counts, errors = [0] * clients, []
    stop = time.perf_counter() + seconds

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        i = n
        try:
            while time.perf_counter() < stop:
                get(conn, paths[i % len(paths)], decode=False)
                counts[n] += 1
                i += 1
        except (OSError, RuntimeError) as error:
            errors.append(str(error))
        finally:
            conn.close()

    began, cpu_began, own_began = time.perf_counter(), cpu_seconds(pid) if pid else None, time.process_time()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    elapsed = time.perf_counter() - began
    requests = sum(counts)
    found = {"requests": requests, "seconds": elapsed, "clients": clients,
             "per_s": requests / elapsed, "errors": errors[:5],
             "client_cpu_ms": (time.process_time() - own_began) * 1000 / max(requests, 1)}
    if pid:
        found["server_cpu_ms"] = (cpu_seconds(pid) - cpu_began) * 1000 / max(requests, 1)
    return found


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of ``pid`` and of each of its children so far."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if entry.name == str(pid) or fields[1] == str(pid):
                total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


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


def measure(index_dir: Path, work: Path, mix, args, label: str, root: Path, cache: bool) -> dict:
    """Latency one at a time (1 waitress process), then requests/s for each worker count."""
    found = {"label": label, "root": str(root), "cache": cache, "throughput": {}}
    tag = f"{label}-{'cached' if cache else 'uncached'}"
    server = start_server(index_dir, work / f"{tag}-latency.log", 1, args.threads, cache=cache, root=root)
    try:
        latency(server.port, mix, args.warmup, args.budget, args.page)  # first uses; fills a cache
        rows = latency(server.port, mix, args.rounds, args.budget, args.page)["queries"]
        found["rss_kb"] = rss_kb(server.proc.pid)
    finally:
        server.stop()
    times = [t for row in rows for t in row["times_ms"]]
    took = [t for row in rows for t in row["took_ms"] if t is not None]
    found["latency_ms"] = {**summary(times), "p99": percentile(times, 99)}
    found["engine_took_ms"] = summary(took) if took else None
    found["slowest"] = sorted(({"name": r["name"], "p50": median(r["times_ms"])} for r in rows),
                              key=lambda r: -r["p50"])[:5]
    for workers in args.workers:
        server = start_server(index_dir, work / f"{tag}-rps-{workers}.log", workers, args.threads,
                              cache=cache, root=root)
        try:
            throughput(server.port, mix, args.clients, min(args.seconds, 1.0), args.page)  # every worker warm
            found["throughput"][str(workers)] = throughput(server.port, mix, args.clients, args.seconds,
                                                           args.page, server.proc.pid)
        finally:
            server.stop()
    return found


def table(results: list[dict]) -> str:
    """The run as a plain-text table."""
    workers = sorted({w for r in results for w in r["throughput"]}, key=int)
    head = (["code", "cache", "p50 ms", "p95 ms", "p99 ms", "engine p50 ms", "RSS MiB"]
            + [f"req/s x{w}" for w in workers]
            + [f"server CPU ms/req x{w}" for w in workers])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        lat, took = r["latency_ms"], r["engine_took_ms"]
        cells = [r["label"], "on" if r["cache"] else "off", f"{lat['p50']:.2f}", f"{lat['p95']:.2f}",
                 f"{lat['p99']:.2f}", f"{took['p50']:.2f}" if took and not r["cache"] else "-",
                 f"{r['rss_kb']['main']['rss_kb'] / 1024:,.0f}"]  # after the latency rounds
        cells += [f"{r['throughput'][w]['per_s']:.0f}" if w in r["throughput"] else "-" for w in workers]
        cells += [f"{r['throughput'][w]['server_cpu_ms']:.2f}" if "server_cpu_ms" in r["throughput"].get(w, {})
                  else "-" for w in workers]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def parse_args(argv) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description="Concord over HTTP: latency and requests/s, cache on and off")
    p.add_argument("--index", type=Path, default=ROOT / "var" / "index", help="index directory")
    p.add_argument("--mix", type=Path, default=None, help="query mix (default bench/queries.toml)")
    p.add_argument("--before", type=Path, default=None, help="another checkout to measure first")
    p.add_argument("--before-index", type=Path, default=None,
                   help="the other checkout's index of the same corpus, when the index files "
                        "changed between them (default: --index)")
    p.add_argument("--rounds", type=int, default=20, help="rounds over the mix one at a time")
    p.add_argument("--warmup", type=int, default=1, help="untimed rounds before them (default 1)")
    p.add_argument("--budget", type=float, default=60, help="seconds per latency loop at most")
    p.add_argument("--seconds", type=float, default=10, help="seconds per requests/s run")
    p.add_argument("--clients", type=int, default=8, help="parallel keep-alive clients")
    p.add_argument("--threads", type=int, default=4, help="server threads per worker")
    p.add_argument("--workers", type=lambda s: [int(w) for w in s.split(",")], default=[1, 2],
                   help="worker counts for requests/s, comma-separated (default 1,2)")
    p.add_argument("--cache", choices=("both", "on", "off"), default="both", help="answer cache")
    p.add_argument("--page", choices=tuple(PAGES), default="json",
                   help="what each query asks for: its JSON twin (default) or its HTML results page")
    p.add_argument("--out", type=Path, default=None, help="write every number as JSON here")
    return p.parse_args(argv)


def main(argv=None) -> int:
    """Measure, print the table, write the JSON."""
    from datetime import datetime, timezone

    from bench.mix import QUERIES_FILE, load_mix

    args = parse_args(argv)
    mix = load_mix(args.mix or QUERIES_FILE)
    work = ROOT / "var" / "bench" / "httpload"
    work.mkdir(parents=True, exist_ok=True)
    modes = {"both": (False, True), "on": (True,), "off": (False,)}[args.cache]
    roots = ([("before", args.before.resolve())] if args.before else []) + [("this", ROOT)]
    started, load = datetime.now(timezone.utc), os.getloadavg()
    results = []
    for label, root in roots:
        for cache in modes:
            if label == "before" and cache and not (root / "web" / "cache.py").exists():
                continue  # code without the cache: its one run is the uncached one
            print(f"[{datetime.now(timezone.utc):%H:%M:%S}] {label}, cache {'on' if cache else 'off'}",
                  file=sys.stderr, flush=True)
            index = args.before_index if label == "before" and args.before_index else args.index
            results.append(measure(index, work, mix, args, label, root, cache))
    report = {"started": started.isoformat(), "load_before": load, "load_after": os.getloadavg(),
              "index": str(args.index), "before_index": str(args.before_index or args.index),
              "mix": len(mix), "page": args.page, "clients": args.clients,
              "seconds": args.seconds, "rounds": args.rounds, "commit": _commit(), "results": results}
    print(f"{started:%Y-%m-%d %H:%M} UTC, commit {report['commit']}, load {load[0]:.2f} -> "
          f"{report['load_after'][0]:.2f}, {len(mix)} queries ({args.page}), {args.clients} clients x {args.seconds:g} s")
    print(table(results))
    out = args.out or work / f"httpload-{started:%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"JSON: {out}", file=sys.stderr)
    return 0


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip() or "?"
    except OSError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
