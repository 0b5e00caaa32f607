"""Time the array executor against the Whoosh reference on one built index.

    .venv/bin/python bench/arrays.py [INDEX_DIR] [--repeat 5] [--no-reference]

Reports the arrays' open time and the process's resident memory after opening, then
per-query latency (median of ``--repeat`` runs) of the array executor and of the Whoosh
reference (one run: ``searcher.search(limit=None)`` plus facet counts over stored
fields), over bench/array_mix.py's mix, with totals checked equal. Run with ``nice``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `bench` importable
    sys.path.insert(0, str(ROOT))

from bench.array_mix import FACET_LIST, Reference, query_mix  # noqa: E402
from bench.stats import median, percentile  # noqa: E402
from search.engine.arrays import ArrayExecutor  # noqa: E402
from search.engine.execution import Request  # noqa: E402
from search.store.arrays import Arrays  # noqa: E402
from search.store.generation import current  # noqa: E402


def rss_mb() -> float:
    """This process's resident set size, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index", nargs="?", default=str(ROOT / "var" / "index"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-reference", action="store_true",
                        help="time the array executor only (Whoosh takes minutes at 100k)")
    args = parser.parse_args(argv)
    live = current(args.index)
    before = rss_mb()
    started = time.perf_counter()
    executor = ArrayExecutor(Arrays(live))
    opened = time.perf_counter() - started
    print(f"open {opened * 1000:.1f} ms, RSS +{rss_mb() - before:.1f} MB "
          f"({executor.arrays.doc_count:,} paragraphs)")
    reference = None if args.no_reference else Reference(args.index)
    ours, theirs = [], []
    for name, node, filters in query_mix():
        request = Request(node, filters=filters, facets=FACET_LIST)
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            got = executor.run(request)
            times.append(time.perf_counter() - t)
        ours.append(median(times))
        if reference is None:
            continue
        t = time.perf_counter()
        expected = reference.run(node, filters)
        theirs.append(time.perf_counter() - t)
        if got.total != expected["total"] or got.page != expected["page"]:
            print(f"  DIFFERS: {name}: {got.total} vs {expected['total']}")
    for label, values in (("arrays", ours), ("whoosh", theirs)) if theirs else (("arrays", ours),):
        print(f"{label:7} p50 {median(values) * 1000:8.2f} ms  p95 {percentile(values, 95) * 1000:8.2f} ms"
              f"  p99 {percentile(values, 99) * 1000:8.2f} ms  ({len(values)} queries)")
    print(f"RSS after the run {rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
