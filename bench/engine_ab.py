"""The engine of two code trees on one index, in one run: ``Engine.search`` as the web asks it.

Each tree (a checkout or a ``git archive`` of another commit, and this one) answers the mix
in its own fresh process, the trees taking turns process by process (``--processes`` each),
so load from other work on the machine falls on both alike. A process opens the index,
warms up (``Engine.warm_up`` and one untimed round), then times ``--rounds`` rounds of the
mix with the web's arguments (page 1, 10 hits, ``facet_limit=50``), one search at a time.
It reports CPU time (``time.process_time``, what load does not inflate) and wall time per
search: p50 / p95 / p99 over all samples of a tree, the per-query medians, and the ratio
of this tree to the other. Every answer's total is checked equal between the trees unless
``--allow-different`` (a change that finds more on purpose).

    .venv/bin/python bench/engine_ab.py --index var/bench/idx-100k --before /tmp/before \\
        --mix bench/scale_queries.toml --rounds 5 --processes 2
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from mix import load_mix  # noqa: E402
from stats import median, percentile, ratio  # noqa: E402


def probe(index: str, mix: str, rounds: int) -> dict:
    """In this process: open, warm, time the mix; the samples as JSON-able lists."""
    from search.engine.core import Engine

    queries = load_mix(mix)
    engine = Engine(index)
    engine.warm_up()

    def ask(query):
        return engine.search(query.q, query.filters or None, 1, 10, "relevance", facet_limit=50)

    totals = {query.name: ask(query)["total"] for query in queries}
    cpu: dict[str, list[float]] = {query.name: [] for query in queries}
    wall: dict[str, list[float]] = {query.name: [] for query in queries}
    for _ in range(rounds):
        for query in queries:
            c, w = time.process_time(), time.perf_counter()
            ask(query)
            cpu[query.name].append((time.process_time() - c) * 1000)
            wall[query.name].append((time.perf_counter() - w) * 1000)
    return {"totals": totals, "cpu": cpu, "wall": wall}


def _run_tree(tree: Path | None, args) -> dict:
    """One probe process over ``tree`` (None: this checkout), on its index."""
    env = dict(os.environ, CONCORD_SEARCH_CACHE="0")
    if not args.leaf_memo:
        env["CONCORD_LEAF_CACHE_MB"] = "0"
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    cwd = tree if tree is not None else HERE.parent
    index = args.before_index if tree is not None and args.before_index else args.index
    out = subprocess.run([sys.executable, str(HERE / "engine_ab.py"), "--probe", "--index",
                          str(Path(index).resolve()), "--mix", str(Path(args.mix).resolve()),
                          "--rounds", str(args.rounds)],
                         cwd=cwd, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"the probe of {tree or 'this tree'} failed:\n" + "\n".join(out.stderr.splitlines()[-8:]))
    return json.loads(out.stdout.splitlines()[-1])


def _pooled(runs: list[dict], key: str) -> list[float]:
    return [v for run in runs for samples in run[key].values() for v in samples]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--mix", default=str(HERE / "scale_queries.toml"))
    parser.add_argument("--before", type=Path, help="the other code tree (a checkout)")
    parser.add_argument("--before-index", type=Path,
                        help="the other tree's index of the same corpus, when the index layout "
                             "changed between them (default: --index)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--processes", type=int, default=2, help="probe processes per tree")
    parser.add_argument("--allow-different", action="store_true")
    parser.add_argument("--leaf-memo", action="store_true",
                        help="keep the executor's leaf memo on (off by default: each round "
                             "repeats the mix, so the memo would answer from round two)")
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        print(json.dumps(probe(args.index, args.mix, args.rounds)))
        return 0
    trees = {"this": None} if args.before is None else {"before": args.before, "this": None}
    runs: dict[str, list[dict]] = {name: [] for name in trees}
    load = [os.getloadavg()[0]]
    for _ in range(args.processes):
        for name, tree in trees.items():
            runs[name].append(_run_tree(tree, args))
    load.append(os.getloadavg()[0])
    print(f"index {args.index}, mix {Path(args.mix).name}, {args.rounds} rounds × "
          f"{args.processes} processes per tree, leaf memo {'on' if args.leaf_memo else 'off'}, "
          f"load average {load[0]:.2f} → {load[1]:.2f}")
    print("| tree | CPU p50 / p95 / p99 (ms) | wall p50 / p95 / p99 (ms) |")
    print("|---|---|---|")
    figures = {}
    for name, tree_runs in runs.items():
        cpu, wall = _pooled(tree_runs, "cpu"), _pooled(tree_runs, "wall")
        figures[name] = [percentile(cpu, p) if p != 50 else median(cpu) for p in (50, 95, 99)]
        walls = [median(wall), percentile(wall, 95), percentile(wall, 99)]
        print(f"| {name} | {' / '.join(f'{v:.2f}' for v in figures[name])} | "
              f"{' / '.join(f'{v:.2f}' for v in walls)} |")
    if "before" in runs:
        ratios = [ratio(a, b) for a, b in zip(figures["this"], figures["before"])]
        print(f"| this/before (CPU) | {' / '.join(f'{r:.2f}' for r in ratios)} | |")
        before_totals, totals = runs["before"][0]["totals"], runs["this"][0]["totals"]
        differ = {n: (before_totals[n], t) for n, t in totals.items() if before_totals.get(n) != t}
        if differ:
            print(f"totals differ: {differ}")
            if not args.allow_different:
                return 1
    print("\n| query | " + " | ".join(f"{n} CPU p50" for n in runs) + " |")
    print("|---|" + "---|" * len(runs))
    names = list(runs["this"][0]["cpu"])
    per = {n: {q: median([v for r in runs[n] for v in r["cpu"][q]]) for q in names} for n in runs}
    for q in sorted(names, key=lambda q: -per["this"][q]):
        print(f"| {q} | " + " | ".join(f"{per[n][q]:.2f}" for n in runs) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
