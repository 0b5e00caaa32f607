"""The scale benchmark: Concord against plain Whoosh on a generated corpus of 100k or 1M paragraphs.

    .venv/bin/python bench/scale.py --size 100k            # generates the corpus if missing
    .venv/bin/python bench/scale.py --size 100k --reuse    # keep indexes already built

One run reports, as ratios against the baseline (bench/baseline.py) on the same corpus:
build time and peak memory; p50/p95/p99 over bench/scale_queries.toml (every answer with
exact totals, facet counts and highlighted top-10), warm and first-seen; cold start; and,
for Concord alone, latency over HTTP one request at a time, the serving process's memory
and requests/s over HTTP on the shipped corpus. Each measurement runs in a fresh process;
the JSON with every sample goes to var/bench/scale-<size>-<UTC time>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import httpload  # noqa: E402
from bench.generate import FACTS_FILE, generate, size_of  # noqa: E402
from bench.mix import QUERIES_FILE, load_mix  # noqa: E402
from bench.stats import percentile  # noqa: E402

SCALE_MIX = Path(__file__).resolve().parent / "scale_queries.toml"
PROBE = Path(__file__).resolve().parent / "probe.py"
SYSTEMS = ("concord", "baseline")
TARGETS = {  # issue 7, on 2 cores
    100_000: {"http_p50_ms": 3, "http_p95_ms": 15, "cold_s": 1.5, "serve_mb": 400, "build_s": 240},
    1_000_000: {"http_p95_ms": 50, "serve_mb": 1536, "build_s": 2400},
}
TARGET_RPS = 600  # requests/s on the shipped corpus


def child(*args, timeout: float = 7200) -> dict:
    """Run a measuring child process; its last stdout line as JSON, or RuntimeError."""
    done = subprocess.run([sys.executable, *map(str, args)], cwd=ROOT, text=True,
                          capture_output=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{args[:3]} failed:\n" + "\n".join(done.stderr.splitlines()[-10:]))
    return json.loads(done.stdout.strip().splitlines()[-1])


def build_child(system: str, corpus: str, index_dir: str) -> dict:
    """(In a child) build one system's index; wall and CPU seconds, peak memory, counts."""
    began, cpu = time.perf_counter(), time.process_time()
    if system == "concord":
        from index.build import build

        report = build(corpus, index_dir)
        paragraphs, phases = report.paragraphs, report.phases.seconds()
    else:
        from bench.baseline import build_baseline
        from index.build import parse_corpus

        documents, _ = parse_corpus(corpus)
        parsed = time.perf_counter() - began
        paragraphs, phases = build_baseline(documents, index_dir), {"parsing": parsed}
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": time.perf_counter() - began, "paragraphs": paragraphs, "phases": phases,
            "cpu_s": time.process_time() - cpu + kids.ru_utime + kids.ru_stime,
            "maxrss_kb": _hwm_kb(), "workers_maxrss_kb": kids.ru_maxrss}


def _hwm_kb() -> int:
    """This process's peak resident memory (VmHWM), KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def measure_builds(corpus: Path, work: Path, facts: dict, reuse: bool) -> dict:
    """Each system's build (reused from an earlier run with --reuse when present)."""
    found = {}
    for system in SYSTEMS:
        record = work / f"{system}.build.json"
        if reuse and record.exists() and (work / system).is_dir():
            found[system] = json.loads(record.read_text()) | {"reused": True}
            continue
        step(f"building {system} on {facts['paragraphs']:,} paragraphs")
        found[system] = child(__file__, "_build", system, corpus, work / system)
        record.write_text(json.dumps(found[system]))
        if found[system]["paragraphs"] != facts["paragraphs"]:
            raise RuntimeError(f"{system} indexed {found[system]['paragraphs']} paragraphs, "
                               f"the corpus holds {facts['paragraphs']}")
    return found


def pooled(rows: list[dict], key: str = "times_ms") -> dict:
    """p50/p95/p99 over every sample of every query."""
    samples = [t for row in rows for t in (row[key] if isinstance(row[key], list) else [row[key]])]
    return {"n": len(samples), **{f"p{p}": percentile(samples, p) for p in (50, 95, 99)}}


def measure_queries(work: Path, rounds: int, budget: float, cold: int) -> dict:
    """In-process warm and first-seen latency, and cold starts, for both systems."""
    found = {}
    for system in SYSTEMS:
        step(f"{system}: warm latency, first-seen latency, {cold} cold starts")
        warm = child(PROBE, "warm", system, work / system, 1, rounds, budget, SCALE_MIX)
        first = child(PROBE, "first", system, work / system, SCALE_MIX)
        colds = []
        for _ in range(cold):
            launched = time.time()
            answer = child(PROBE, "cold", system, work / system, json.dumps({"q": "洗钱"}))
            colds.append(answer["answered"] - launched)
        found[system] = {"warm": pooled(warm["queries"]), "warm_rows": warm["queries"],
                         "warm_rss_kb": warm["maxrss_kb"], "first": pooled(first["queries"], "ms"),
                         "first_rows": first["queries"], "cold_s": sorted(colds)[len(colds) // 2],
                         "cold_runs": colds}
    return found


def measure_http(index_dir: Path, log: Path, rounds: int, budget: float) -> dict:
    """Concord over HTTP, one request at a time, and the serving process's memory."""
    step("Concord over HTTP: latency one request at a time, serving memory")
    began = time.perf_counter()
    server = httpload.start_server(index_dir, log, workers=1, threads=4)
    started = time.perf_counter() - began
    try:
        result = httpload.latency(server.port, load_mix(SCALE_MIX), rounds, budget)
        memory = httpload.rss_kb(server.proc.pid)
    finally:
        server.stop()
    return {"latency": pooled(result["queries"]), "rows": result["queries"],
            "memory": memory, "ready_s": started}


def measure_rps(work: Path, seconds: float, clients: int) -> dict:
    """Requests/s for the real mix on the shipped corpus: one waitress process, 2 gunicorn workers."""
    index_dir = work / "shipped-index"
    if not index_dir.is_dir():
        from index.build import build

        build(ROOT / "corpus", index_dir)
    found = {}
    for workers in (1, 2):
        step(f"requests/s on the shipped corpus, {workers} worker(s), {clients} clients, {seconds:.0f} s")
        server = httpload.start_server(index_dir, work / f"rps-{workers}.log", workers, threads=4)
        try:
            found[f"workers_{workers}"] = httpload.throughput(server.port, load_mix(QUERIES_FILE),
                                                              clients, seconds)
        finally:
            server.stop()
    return found


def step(text: str) -> None:
    """Progress on stderr."""
    print(f"[{datetime.now(timezone.utc):%H:%M:%S}] {text}", file=sys.stderr, flush=True)


def parse_args(argv) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description="Concord vs plain Whoosh on a generated corpus")
    p.add_argument("--size", default="100k", help="corpus size: 100k, 1M or a number (default 100k)")
    p.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    p.add_argument("--reuse", action="store_true", help="reuse indexes built by an earlier run")
    p.add_argument("--rounds", type=int, default=10, help="timed rounds over the mix (default 10)")
    p.add_argument("--budget", type=float, default=120, help="seconds per latency loop (default 120)")
    p.add_argument("--cold", type=int, default=3, help="cold starts per system (default 3)")
    p.add_argument("--rps-seconds", type=float, default=10, help="seconds per requests/s run")
    p.add_argument("--clients", type=int, default=8, help="parallel HTTP clients for requests/s")
    return p.parse_args(argv)


def run(args) -> dict:
    """Every measurement; the results as one dict."""
    paragraphs = size_of(args.size)
    corpus = ROOT / "var" / "bench" / f"corpus-{args.size}"
    work = ROOT / "var" / "bench" / f"scale-{args.size}"
    work.mkdir(parents=True, exist_ok=True)
    facts_path = corpus / FACTS_FILE
    facts = json.loads(facts_path.read_text()) if facts_path.exists() else None
    if not facts or facts["paragraphs"] != paragraphs or facts["seed"] != args.seed:
        step(f"generating {paragraphs:,} paragraphs into {corpus}")
        facts = generate(corpus, paragraphs, args.seed)
        args.reuse = False
    results = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "machine": machine(), "corpus": facts, "settings": vars(args)}
    results["builds"] = measure_builds(corpus, work, facts, args.reuse)
    results["queries"] = measure_queries(work, args.rounds, args.budget, args.cold)
    results["http"] = measure_http(work / "concord", work / "serve.log", args.rounds, args.budget)
    results["rps"] = measure_rps(work, args.rps_seconds, args.clients)
    results["machine"]["loadavg_end"] = list(os.getloadavg())
    return results


def machine() -> dict:
    """Where and on what the run happened."""
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "commit": commit, "loadavg_start": list(os.getloadavg()),
            "python": sys.version.split()[0]}


def main(argv: list[str] | None = None) -> int:
    """Run, print the report, save the JSON."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_build"]:
        print(json.dumps(build_child(*argv[1:4])))
        return 0
    args = parse_args(argv)
    results = run(args)
    from bench.scale_report import render

    print(render(results, TARGETS.get(size_of(args.size), {}), TARGET_RPS))
    out = ROOT / "var" / "bench" / f"scale-{args.size}-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nwrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

