"""Time one build from nothing of a generated corpus: wall, CPU and peak memory, per phase.

    nice -n 5 .venv/bin/python bench/build_scale.py --size 100k
    CONCORD_SEGMENT_MEMO=0 nice -n 5 .venv/bin/python bench/build_scale.py --size 100k  # no memo
    nice -n 5 /usr/bin/time -v .venv/bin/python bench/build_scale.py --size 1M

Builds ``var/bench/corpus-<size>`` (``bench/generate.py <size>`` makes it) into a fresh
index directory without the build cache, and prints one JSON record: wall seconds, the
parent's CPU and peak RSS (getrusage), the batch workers' CPU and largest peak RSS (each
worker reports its own, index/progress.py ``WorkerUsage``: the workers are children of a
fork server, so an outer ``time -v`` does not see them), every phase, the load average
before and after, the commit and whether the Chinese-run memo was on.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _memory() -> str:
    """This process's resident memory (anonymous and file-backed: the memory-mapped arrays
    being written are the latter) and its peak, from /proc (Linux)."""
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    mib = {key: int(status[key].split()[0]) // 1024 for key in ("VmRSS", "VmHWM", "RssAnon", "RssFile")}
    return (f"rss {mib['VmRSS']} MiB (anonymous {mib['RssAnon']}, mapped files {mib['RssFile']}), "
            f"peak {mib['VmHWM']} MiB")


def _Logged(*args, **kwargs):
    """Phases that print each phase's end, time and the parent's memory to stderr."""
    from contextlib import contextmanager

    from index.progress import Phases

    class Logged(Phases):
        @contextmanager
        def phase(self, name, total=None, unit="items"):
            print(f"{time.strftime('%H:%M:%S')} {name} begins ({_memory()})", file=sys.stderr, flush=True)
            with super().phase(name, total, unit) as bar:
                yield bar
            print(f"{time.strftime('%H:%M:%S')} {self.records[-1].describe()} ({_memory()})",
                  file=sys.stderr, flush=True)

    return Logged(*args, **kwargs)


def _workers(phases) -> dict | None:
    """The batch workers' usage, or None for a build without them (an older tree)."""
    workers = getattr(phases, "workers", None)
    if workers is None:
        return None
    return {"batches": workers.batches, "cpu_s": round(workers.cpu, 1),
            "largest_peak_rss_mib": round(workers.peak_rss_kib / 1024)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100k", help="the generated corpus (var/bench/corpus-SIZE)")
    parser.add_argument("--index", help="index directory (default var/bench/build-SIZE, replaced)")
    parser.add_argument("--processes", type=int, default=None)
    parser.add_argument("--batch", type=int, default=None, help="paragraphs per batch")
    parser.add_argument("--no-lineage", action="store_true",
                        help="skip the lineage pass (index.link): every paragraph without links")
    args = parser.parse_args(argv)

    from index.build import build
    from search.analysis import tokenizer

    memo = tokenizer.memo_enabled() if hasattr(tokenizer, "memo_enabled") else None  # an older tree: none

    corpus = ROOT / "var" / "bench" / f"corpus-{args.size}"
    if not corpus.is_dir():
        raise SystemExit(f"{corpus} missing: run bench/generate.py {args.size}")
    index_dir = Path(args.index) if args.index else ROOT / "var" / "bench" / f"build-{args.size}"
    shutil.rmtree(index_dir, ignore_errors=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()  # the code that runs
    load_before = os.getloadavg()
    phases = _Logged(sys.stderr, bars=False)
    if args.no_lineage:
        import index.build

        index.build.link = lambda documents, manifest=None: None  # parsed documents have no links yet
    wall, cpu = time.perf_counter(), time.process_time()
    if args.batch:
        from index import write

        write.BATCH_MIN = write.BATCH_MAX = args.batch
    report = build(corpus, index_dir, phases=phases, processes=args.processes, use_cache=False)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the parse pool (forked)
    record = {
        "size": args.size,
        "paragraphs": report.paragraphs,
        "commit": commit,
        "memo": memo,
        "lineage": not args.no_lineage,
        "wall_s": round(wall, 1),
        "parent_cpu_s": round(cpu, 1),
        "parent_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        # Forked pools (parsing; before batches, segmentation too), reaped by this process.
        "forked_children_cpu_s": round(children.ru_utime + children.ru_stime, 1),
        "forked_children_peak_rss_mib": round(children.ru_maxrss / 1024),
        "batch_workers": _workers(phases),
        "phases": {r.name: {"seconds": round(r.seconds, 1), "done": r.done} for r in phases.records},
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "finished_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    print(json.dumps(record, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
