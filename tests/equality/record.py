"""Record what the engine answers to a fixed query mix, for the executor equality tests.

Usage: ``python tests/equality/record.py [--index DIR] > tests/equality/golden.json``.
The mix is the bench mix (bench/queries.toml, with its filters) and every judged query
(tests/relevance/judgments.toml), each by relevance and by date. The committed
golden.json was recorded on the engine before our own query form (main at 8661641, the Whoosh engine with every later feature), so
tests/test_equality.py holds the form-based engine to the behaviour it replaced.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SIZE = 100  # hits recorded per query (the engine's largest page)


def mix() -> list[dict]:
    """Every query of the mix: {"name", "q", "filters", "sort"}."""
    bench = tomllib.loads((ROOT / "bench" / "queries.toml").read_text(encoding="utf-8"))
    judged = tomllib.loads((ROOT / "tests" / "relevance" / "judgments.toml").read_text(
        encoding="utf-8"))
    queries = [{"name": "bench:" + e["name"], "q": e["q"], "filters": e.get("filters") or {}}
               for e in bench["query"]]
    queries += [{"name": "judged:" + e["id"], "q": e["q"], "filters": {}} for e in judged["queries"]]
    return [dict(query, sort=sort) for query in queries for sort in ("relevance", "date")]


def answer(engine, query: dict) -> dict:
    """What the engine says to one query of the mix, in the form golden.json keeps."""
    found = engine.search(query["q"], query["filters"], page=1, size=SIZE, sort=query["sort"])
    return {
        "total": found["total"],
        "ids": [r["id"] for r in found["results"]],
        "facets": {f: {v["key"]: v["count"] for v in values} for f, values in found["facets"].items()},
        "messages": found["messages"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", help="an index of the real corpus (default: build one)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from search.engine import Engine

    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(args.index) if args.index else Path(tmp) / "index"
        if not args.index:
            from index.build import build

            build(ROOT / "corpus", index_dir)
        engine = Engine(index_dir)
        try:
            out = {f"{q['name']}|{q['sort']}": dict(q, **answer(engine, q)) for q in mix()}
        finally:
            engine.close()
    json.dump(out, sys.stdout, ensure_ascii=False, indent=0, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
