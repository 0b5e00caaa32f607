"""One measured process: cold start, warm latency or a profile, for one system.

Run by bench/run.py in a fresh interpreter per measurement, so each system's imports,
dictionary and memory are its own. Prints one JSON object on stdout:

    probe.py cold    SYSTEM INDEX_DIR QUERY_JSON    phases of the first answer
    probe.py warm    SYSTEM INDEX_DIR WARMUP REPEAT BUDGET_S [MIX]   latency per query
    probe.py first   SYSTEM INDEX_DIR MIX       each query once, the first time it is seen
    probe.py profile SYSTEM INDEX_DIR ROUNDS TOP    cProfile of the query mix
    probe.py coldprofile SYSTEM INDEX_DIR QUERY_JSON TOP   cProfile of a cold start

SYSTEM is "concord" or "baseline".
"""

import time

STARTED = time.time()  # first statement: the parent compares it with its own clock

import json  # noqa: E402 - after the start stamp on purpose
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `bench` importable
    sys.path.insert(0, str(ROOT))

SYSTEMS = ("concord", "baseline")


def open_system(system: str, index_dir: str):
    """(search function taking (q, filters) and returning a total, closer) for a system."""
    if system == "concord":
        from search.engine import Engine

        engine = Engine(index_dir)

        def run(q, filters):
            return engine.search(q, filters or None, 1, 10, "relevance")["total"]

        return run, engine.close
    if system == "baseline":
        from bench.baseline import BaselineSearcher

        searcher = BaselineSearcher(index_dir)
        return (lambda q, filters: searcher.search(q, filters)["total"]), searcher.close
    raise SystemExit(f"unknown system {system!r}; use one of {', '.join(SYSTEMS)}")


def load_dictionary(system: str) -> None:
    """Load the system's Chinese dictionary now (what a server does at start)."""
    if system == "concord":
        from search.analysis import warm_up

        warm_up()
    else:
        import jieba

        jieba.initialize()


def import_system(system: str) -> None:
    """Import what the system needs to answer (the import phase of a cold start)."""
    if system == "concord":
        import search.engine.core  # noqa: F401
    else:
        import bench.baseline

        bench.baseline.chinese_analyzer()  # jieba.analyse reads its IDF table on import


def cold(system: str, index_dir: str, query_json: str) -> dict:
    """Time import, dictionary load and the first answer of a fresh process."""
    query = json.loads(query_json)
    marks = [time.perf_counter()]
    import_system(system)
    marks.append(time.perf_counter())
    load_dictionary(system)
    marks.append(time.perf_counter())
    run, close = open_system(system, index_dir)
    total = run(query["q"], query.get("filters"))
    marks.append(time.perf_counter())
    answered, cpu = time.time(), time.process_time()  # CPU since the process began
    close()
    return {
        "started": STARTED, "answered": answered, "total": total,
        "import_s": marks[1] - marks[0], "dictionary_s": marks[2] - marks[1],
        "first_query_s": marks[3] - marks[2], "cpu_s": cpu, "maxrss_kb": _maxrss_kb(),
    }


def warm(system: str, index_dir: str, warmup: int, repeat: int, budget_s: float,
         mix_path: str | None = None) -> dict:
    """Round-robin over the mix: ``warmup`` untimed rounds, then up to ``repeat`` timed."""
    from bench.mix import load_mix

    mix = load_mix(mix_path) if mix_path else load_mix()
    run, close = open_system(system, index_dir)
    rows = {bq.name: {"name": bq.name, "times_ms": [], "cpu_ms": [], "total": None,
                      "error": None} for bq in mix}
    deadline = time.perf_counter() + budget_s
    for round_no in range(warmup + repeat):
        if round_no > warmup and time.perf_counter() > deadline:
            break  # keep the run bounded on a loaded machine; rounds done are reported
        for bq in mix:
            row = rows[bq.name]
            if row["error"]:
                continue
            began, began_cpu = time.perf_counter(), time.process_time()
            try:
                row["total"] = run(bq.q, bq.filters)
            except Exception as error:  # a failing query is reported, never timed
                row["error"] = f"{type(error).__name__}: {error}"
                continue
            elapsed = (time.perf_counter() - began) * 1000
            # CPU time too: on shared cores, wall time includes waiting for a core.
            cpu = (time.process_time() - began_cpu) * 1000
            if round_no >= warmup:
                row["times_ms"].append(elapsed)
                row["cpu_ms"].append(cpu)
    close()
    return {"queries": list(rows.values()), "maxrss_kb": _maxrss_kb()}


def first_seen(system: str, index_dir: str, mix_path: str) -> dict:
    """Each query of the mix once, in a process that has answered only an unrelated query."""
    from bench.mix import load_mix

    mix = load_mix(mix_path)
    run, close = open_system(system, index_dir)
    run("会议", None)  # the index is open and the dictionary loaded; no mix query seen yet
    rows = []
    for bq in mix:
        began = time.perf_counter()
        total = run(bq.q, bq.filters)
        rows.append({"name": bq.name, "ms": (time.perf_counter() - began) * 1000, "total": total})
    close()
    return {"queries": rows, "maxrss_kb": _maxrss_kb()}


def profile(system: str, index_dir: str, rounds: int, top: int) -> dict:
    """cProfile ``rounds`` passes over the mix (after one warm pass); top entries."""
    import cProfile

    from bench.mix import load_mix

    mix = load_mix()
    run, close = open_system(system, index_dir)
    for bq in mix:
        run(bq.q, bq.filters)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        for bq in mix:
            run(bq.q, bq.filters)
    profiler.disable()
    close()
    return dict(_top_entries(profiler, top), rounds=rounds)


def cold_profile(system: str, index_dir: str, query_json: str, top: int) -> dict:
    """cProfile a whole cold start: imports, dictionary and the first answer."""
    import cProfile

    query = json.loads(query_json)
    profiler = cProfile.Profile()
    profiler.enable()
    import_system(system)
    load_dictionary(system)
    run, close = open_system(system, index_dir)
    run(query["q"], query.get("filters"))
    profiler.disable()
    close()
    return _top_entries(profiler, top)


def _top_entries(profiler, top: int) -> dict:
    """The ``top`` entries of a profile, by cumulative and by own time, paths shortened."""
    import io
    import pstats

    texts = {}
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(top)
        texts[order] = _short_paths(out.getvalue())
    return texts


def _short_paths(text: str) -> str:
    """Profile text with the project and site-packages prefixes cut (readable widths)."""
    for prefix in sorted({str(ROOT) + "/", *(p + "/" for p in sys.path if "site-packages" in p)},
                         key=len, reverse=True):
        text = text.replace(prefix, "")
    return text


def _maxrss_kb() -> int:
    """Peak resident set size of this process so far, in KiB.

    Linux keeps ``getrusage(RUSAGE_SELF).ru_maxrss`` across fork and exec, so a child of
    a big parent reports the parent's peak; VmHWM (the high-water mark of this process's
    own address space) does not, so it is preferred where /proc exists.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(argv: list[str]) -> int:
    """Dispatch on the command; print the result as one JSON line."""
    usage = __doc__.strip()
    if len(argv) < 3 or argv[1] not in SYSTEMS:
        print(usage, file=sys.stderr)
        return 2
    command, system, index_dir, rest = argv[0], argv[1], argv[2], argv[3:]
    if command == "cold" and len(rest) == 1:
        result = cold(system, index_dir, rest[0])
    elif command == "warm" and len(rest) in (3, 4):
        result = warm(system, index_dir, int(rest[0]), int(rest[1]), float(rest[2]), *rest[3:])
    elif command == "first" and len(rest) == 1:
        result = first_seen(system, index_dir, rest[0])
    elif command == "profile" and len(rest) == 2:
        result = profile(system, index_dir, int(rest[0]), int(rest[1]))
    elif command == "coldprofile" and len(rest) == 2:
        result = cold_profile(system, index_dir, rest[0], int(rest[1]))
    else:
        print(usage, file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
