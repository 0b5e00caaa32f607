"""K copies of a built index's arrays as one array layout: the executor at a size not yet built.

    .venv/bin/python bench/tile.py var/bench/idx-100k var/bench/tile-1m --copies 10
    .venv/bin/python bench/tile.py --time var/bench/tile-1m --rounds 3

Copy ``k`` of document ``d`` is document ``k × N + d``: every term's postings, positions
and facet values repeat once per copy, the term dictionaries and facet keys stay
as they are, and the place keys and scores are written from the copied postings (the same
``write_derived`` as a build). Only the arrays are made, no Whoosh segments, so ``--time``
runs the array executor alone over the scale mix (parse, match, score, count facets, rank;
no stored paragraphs, no highlighting) and reports CPU time per query. A real corpus of
``K × N`` paragraphs has more distinct words and units than ``K`` copies; the copies keep
each word's share of the documents, which is what the executor's work follows.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.stats import percentile  # noqa: E402


def tile(index: Path, out: Path, copies: int) -> None:
    """Write ``copies`` copies of ``index``'s live generation's arrays into ``out/arrays``."""
    from search.store.arrays import ranges
    from search.store.array_writer import write_derived
    from search.store.arrays import ARRAYS_DIR, LAYOUT_VERSION, META_FILE, MULTI, NUMBERS, PLACES
    from search.store.generation import current

    src, dst = current(index) / ARRAYS_DIR, out / ARRAYS_DIR
    dst.mkdir(parents=True, exist_ok=True)
    meta = json.loads((src / META_FILE).read_text())
    n, k = meta["documents"], copies
    part = lambda name: np.load(src / f"{name}.npy", mmap_mode="r")  # noqa: E731
    save = lambda name, values: np.save(dst / f"{name}.npy", values)  # noqa: E731
    for field in PLACES:
        post_start, post_doc = np.asarray(part(f"{field}.post_start")), np.asarray(part(f"{field}.post_doc"))
        post_tf, pos_start = np.asarray(part(f"{field}.post_tf")), np.asarray(part(f"{field}.pos_start"))
        df = np.diff(post_start)
        term_of = np.repeat(np.arange(len(df)), df)
        within = np.arange(len(post_doc)) - post_start[term_of]
        source = np.empty(len(post_doc) * k, dtype=np.int64)  # new posting → old posting
        docs = np.empty(len(post_doc) * k, dtype=np.int32)
        for copy in range(k):  # a term's postings: copy 0's, then copy 1's, …
            at = k * post_start[term_of] + copy * df[term_of] + within
            source[at] = np.arange(len(post_doc))
            docs[at] = post_doc + copy * n
        tf = post_tf[source]
        starts = np.zeros(len(tf) + 1, dtype=np.int64)
        np.cumsum(tf, out=starts[1:])
        taken = ranges(pos_start[source], pos_start[source + 1])
        pos, chars = np.asarray(part(f"{field}.pos"))[taken], np.asarray(part(f"{field}.chars"))[taken]
        for name, values in (("post_start", post_start * k), ("post_doc", docs), ("post_tf", tf),
                             ("pos_start", starts), ("pos", pos), ("chars", chars),
                             ("length_byte", np.tile(part(f"{field}.length_byte"), k))):
            save(f"{field}.{name}", values)
        for name in ("terms.off", "terms.utf8"):
            shutil.copy(src / f"{field}.{name}.npy", dst / f"{field}.{name}.npy")
    for path in src.glob("*.keys.*.npy"):
        shutil.copy(path, dst / path.name)
    for path in src.glob("*.ord.npy"):
        save(path.name[:-4], np.tile(np.load(path), k))
    for name in MULTI:
        off, val = np.asarray(part(f"{name}.off")), np.asarray(part(f"{name}.val"))
        offsets = np.concatenate([[0]] + [off[1:] + copy * int(off[-1]) for copy in range(k)])
        save(f"{name}.off", offsets)
        save(f"{name}.val", np.tile(val, k))
        save(f"{name}.owner", np.repeat(np.arange(n * k, dtype=np.int32), np.diff(offsets)))
    for name in NUMBERS:
        save(name, np.arange(n * k, dtype=np.int32) if name == "doc_order" else np.tile(part(name), k))
    save("live", np.ones(n * k, dtype=bool))
    ids = np.frombuffer(b"".join(f"D{i:08d}".encode() for i in range(n * k)), dtype=np.uint8)
    save("ids.off", np.arange(0, 9 * (n * k + 1), 9, dtype=np.int64))
    save("ids.utf8", ids)
    save("ids_sorted", np.arange(n * k, dtype=np.int32))
    lengths = {name: total * k for name, total in meta["lengths"].items()}
    for field in PLACES:  # place keys and scores from the copied postings, as a build writes them
        write_derived(dst, field, n * k, lengths[field])
    (dst / META_FILE).write_text(json.dumps({"layout": LAYOUT_VERSION, "documents": n * k,
                                             "lengths": lengths}))


def time_mix(root: Path, rounds: int) -> None:
    """The scale mix over the arrays in ``root`` alone: CPU ms per query."""
    import tomllib

    from search.engine.arrays import ArrayExecutor
    from search.engine.execution import Request
    from search.facets import COUNTED
    from search.query.build import parse
    from search.store.arrays import Arrays

    executor = ArrayExecutor(Arrays(root), memo=0)
    began = time.perf_counter()
    executor.warm_up(COUNTED)
    print(f"{executor.arrays.doc_count:,} documents; warm-up {time.perf_counter() - began:.2f} s")
    mix = tomllib.loads((ROOT / "bench" / "scale_queries.toml").read_text())["query"]
    requests = []
    for query in mix:
        parsed = parse(query.get("q", ""))
        filters = {f: tuple(v) for f, v in (query.get("filters") or {}).items()}
        requests.append((query["name"], Request(parsed.query, filters, parsed.filter, "relevance",
                                                0, 10, COUNTED, 60.0)))
    for _, request in requests:
        executor.run(request)
    times: dict[str, list[float]] = {name: [] for name, _ in requests}
    for _ in range(rounds):
        for name, request in requests:
            began = time.process_time()
            executor.run(request)
            times[name].append((time.process_time() - began) * 1000)
    every = [t for samples in times.values() for t in samples]
    print(f"CPU per query, {rounds} rounds × {len(requests)} queries: p50 {statistics.median(every):.2f} ms, "
          f"p95 {percentile(every, 95):.2f} ms, p99 {percentile(every, 99):.2f} ms")
    for name, samples in sorted(times.items(), key=lambda item: -statistics.median(item[1])):
        print(f"| {name} | {statistics.median(samples):.2f} |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="INDEX OUT, or with --time the tiled OUT")
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--time", action="store_true", help="time the executor over OUT's arrays")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if args.time:
        time_mix(args.paths[0], args.rounds)
    else:
        tile(args.paths[0], args.paths[1], args.copies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
