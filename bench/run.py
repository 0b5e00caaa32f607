"""Benchmark Concord against the plain Whoosh + jieba baseline; print a table, save JSON.

    .venv/bin/python bench/run.py [--repeat 15] [--warmup 3] [--builds 3] [--cold 5]

Measures, in one run: index build time (in this process), warm query latency, cold
start and peak memory (each in a fresh process per system, see bench/probe.py). Every
loop is bounded; a default run takes about two to three minutes on two shared cores.
See bench/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script (make bench): make `bench` importable
    sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from bench.mix import load_mix  # noqa: E402
from bench.stats import median, ratio, summary  # noqa: E402

PROBE = Path(__file__).resolve().parent / "probe.py"
SYSTEMS = ("concord", "baseline")
TARGET_P50_MS = 10.0
TARGET_COLD_S = 1.0
CHILD_TIMEOUT_S = 240  # a probe that takes longer than this is stuck, not slow


def bounded(low: int, high: int):
    """An argparse type: a whole number in [low, high], with a one-line error otherwise."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high}")
        return value

    return parse


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options (all bounded so a run cannot grow without limit)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT / "corpus"), help="corpus directory")
    parser.add_argument("--out", default=str(ROOT / "var" / "bench"), help="where JSON goes")
    parser.add_argument("--repeat", type=bounded(1, 100), default=15,
                        metavar="N", help="timed rounds over the query mix (1-100)")
    parser.add_argument("--warmup", type=bounded(0, 10), default=3,
                        metavar="N", help="untimed rounds first (0-10)")
    parser.add_argument("--builds", type=bounded(1, 10), default=3,
                        metavar="N", help="index builds per system (1-10)")
    parser.add_argument("--cold", type=bounded(1, 20), default=5,
                        metavar="N", help="cold-start processes per system (1-20)")
    parser.add_argument("--budget", type=float, default=60.0, metavar="SECONDS",
                        help="seconds of timed rounds per system before stopping early")
    parser.add_argument("--profile", choices=("auto", "always", "never"), default="auto",
                        help="cProfile Concord's query mix and cold start "
                             "(auto: each when it misses its target)")
    return parser.parse_args(argv)


def machine() -> dict:
    """What the numbers were measured on."""
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        affinity = os.cpu_count()
    return {
        "nproc": affinity,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_start": list(os.getloadavg()),
        "commit": _git_commit(),
    }


def _git_commit() -> str | None:
    """The checked-out commit (with "+dirty" when the tree has changes), if git is there."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=ROOT, text=True, capture_output=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return head + ("+dirty" if dirty.strip() else "")


def measure_builds(corpus: Path, work: Path, builds: int) -> dict:
    """Build each index ``builds`` times, alternating systems; seconds per build."""
    from bench.baseline import build_baseline
    from index.build import build, parse_corpus

    times = {"concord": [], "baseline": [], "baseline_parse": []}
    paragraphs = {}
    for _ in range(builds):
        began = time.perf_counter()
        built = build(corpus, work / "concord")
        times["concord"].append(time.perf_counter() - began)
        paragraphs["concord"] = built.paragraphs
        began = time.perf_counter()
        documents, _ = parse_corpus(corpus)
        parsed = time.perf_counter()
        paragraphs["baseline"] = build_baseline(documents, work / "baseline")
        times["baseline"].append(time.perf_counter() - began)
        times["baseline_parse"].append(parsed - began)
    return {"seconds": times, "paragraphs": paragraphs,
            "median_s": {name: median(values) for name, values in times.items()}}


def probe(command: str, system: str, index_dir: Path, *args) -> dict:
    """Run bench/probe.py in a fresh interpreter; its JSON answer, or RuntimeError."""
    argv = [sys.executable, str(PROBE), command, system, str(index_dir), *map(str, args)]
    done = subprocess.run(argv, cwd=ROOT, text=True, capture_output=True,
                          timeout=CHILD_TIMEOUT_S)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-8:])
        raise RuntimeError(f"probe {command} {system} failed ({done.returncode}):\n{tail}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_warm(work: Path, warmup: int, repeat: int, budget: float) -> dict:
    """Per-query and pooled latency of each system, measured in its own process."""
    warm = {}
    for system in SYSTEMS:
        answer = probe("warm", system, work / system, warmup, repeat, budget)
        pooled = [t for row in answer["queries"] for t in row["times_ms"]]
        pooled_cpu = [t for row in answer["queries"] for t in row["cpu_ms"]]
        for row in answer["queries"]:
            row["summary"] = summary(row["times_ms"]) if row["times_ms"] else None
        warm[system] = {"queries": answer["queries"], "maxrss_kb": answer["maxrss_kb"],
                        "pooled_ms": summary(pooled) if pooled else None,
                        "pooled_cpu_ms": summary(pooled_cpu) if pooled_cpu else None}
    return warm


def measure_cold(work: Path, runs: int, first_query: dict) -> dict:
    """Fresh processes answering one query, alternating systems; phases and wall time."""
    runs_by_system = {system: [] for system in SYSTEMS}
    query_json = json.dumps(first_query, ensure_ascii=False)
    for _ in range(runs):
        for system in SYSTEMS:
            launched = time.time()
            answer = probe("cold", system, work / system, query_json)
            answer["wall_s"] = answer["answered"] - launched
            answer["python_start_s"] = answer["started"] - launched
            runs_by_system[system].append(answer)
    phases = ("wall_s", "python_start_s", "import_s", "dictionary_s", "first_query_s", "cpu_s")
    return {system: {"runs": found,
                     "median": {p: median([r[p] for r in found]) for p in phases},
                     "maxrss_kb": max(r["maxrss_kb"] for r in found)}
            for system, found in runs_by_system.items()}


def ratios(results: dict) -> dict:
    """Concord / baseline for each headline number."""
    warm, cold, builds = results["warm"], results["cold"], results["builds"]["median_s"]
    pooled = {s: warm[s]["pooled_ms"] or {} for s in SYSTEMS}
    cpu = {s: warm[s]["pooled_cpu_ms"] or {} for s in SYSTEMS}
    return {
        "query_p50": ratio(pooled["concord"].get("p50"), pooled["baseline"].get("p50")),
        "query_p95": ratio(pooled["concord"].get("p95"), pooled["baseline"].get("p95")),
        "query_cpu_p50": ratio(cpu["concord"].get("p50"), cpu["baseline"].get("p50")),
        "build": ratio(builds["concord"], builds["baseline"]),
        "cold_start": ratio(cold["concord"]["median"]["wall_s"],
                            cold["baseline"]["median"]["wall_s"]),
        "warm_rss": ratio(warm["concord"]["maxrss_kb"], warm["baseline"]["maxrss_kb"]),
    }


def targets(results: dict) -> dict:
    """Whether Concord meets its targets (warm p50 < 10 ms, cold start < 1 s)."""
    p50 = (results["warm"]["concord"]["pooled_ms"] or {}).get("p50")
    cold = results["cold"]["concord"]["median"]["wall_s"]
    return {
        "query_p50_ms": {"target": TARGET_P50_MS, "value": p50,
                         "met": p50 is not None and p50 < TARGET_P50_MS},
        "cold_start_s": {"target": TARGET_COLD_S, "value": cold, "met": cold < TARGET_COLD_S},
    }


def measure_all(args: argparse.Namespace, work: Path) -> dict:
    """Builds, warm latency and cold start; ratios and targets; profiles when asked."""
    mix = load_mix()
    results = {"machine": machine(), "settings": dict(vars(args)), "mix_size": len(mix)}
    report.step(f"building each index {args.builds}x")
    results["builds"] = measure_builds(Path(args.corpus), work, args.builds)
    report.step(f"warm latency: {args.warmup} + {args.repeat} rounds of {len(mix)} queries")
    results["warm"] = measure_warm(work, args.warmup, args.repeat, args.budget)
    report.step(f"cold start: {args.cold} fresh processes per system")
    first = {"q": mix[0].q, "filters": mix[0].filters}
    results["cold"] = measure_cold(work, args.cold, first)
    results["cold"]["query"] = first
    results["ratios"], results["targets"] = ratios(results), targets(results)
    if _wants_profile(args.profile, results["targets"]["query_p50_ms"]):
        report.step("profiling Concord's query mix (1 round)")
        results["profile"] = probe("profile", "concord", work / "concord", 1, 25)
    if _wants_profile(args.profile, results["targets"]["cold_start_s"]):
        report.step("profiling a Concord cold start")
        results["cold_profile"] = probe("coldprofile", "concord", work / "concord",
                                        json.dumps(first, ensure_ascii=False), 25)
    results["machine"]["loadavg_end"] = list(os.getloadavg())
    return results


def _wants_profile(setting: str, target: dict) -> bool:
    """Profile always, never, or (auto) when the target was missed."""
    return setting == "always" or (setting == "auto" and not target["met"])


def save(results: dict, out: Path, began: datetime) -> Path:
    """Write the results as bench-<UTC time>.json and latest.json; return the first."""
    path = out / f"bench-{began.strftime('%Y%m%dT%H%M%SZ')}.json"
    text = json.dumps(results, ensure_ascii=False, indent=1)
    path.write_text(text, encoding="utf-8")
    (out / "latest.json").write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Run every measurement, print the report, write the JSON; 1 if a query failed."""
    args = parse_args(argv)
    out = Path(args.out)
    (out / "work").mkdir(parents=True, exist_ok=True)
    began = datetime.now(timezone.utc)
    results = {"date": began.isoformat(timespec="seconds")}
    results.update(measure_all(args, out / "work"))
    results["elapsed_s"] = (datetime.now(timezone.utc) - began).total_seconds()
    print(report.render(results))
    path = save(results, out, began)
    print(f"\nwrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    failed = report.errors(results)
    return 1 if failed else 0


def cli() -> int:
    """main() with failures as one clear message instead of a traceback."""
    try:
        return main()
    except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as error:
        # Typically IndexMismatch from a probe: the analysis code or lexicon changed
        # while the run was going (another engineer's edit); a rerun builds afresh.
        print(f"bench failed: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(cli())
