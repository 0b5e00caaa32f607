"""Score the engine against the judged query set: P@10, recall at 100, reciprocal rank, AP.

Usage: ``python tests/relevance/evaluate.py [--index DIR] [--json]``. Without ``--index`` the
real corpus is built into a temporary index first. ``evaluate(engine)`` is what
tests/test_relevance.py calls; ``load_judgments()`` reads and checks judgments.toml.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

HERE = Path(__file__).resolve().parent
JUDGMENTS = HERE / "judgments.toml"
CORPUS = HERE.parent.parent / "corpus"
LANGS = ("zh", "zh-Hant", "en", "mixed")
TOP_P = 10  # precision is read where a user reads: the first page
TOP_R = 100  # recall over the most the engine returns in one page (its size limit)
QUERY_FIELDS = ("id", "q", "lang", "concept", "note")
# The classes of questions the engine is measured on apart (issue 8); "core" is the first set.
# A class other than core is split in halves: tune on one, report the other too.
CLASSES = ("core", "english", "regional", "typo", "reference")
HALVES = ("tune", "holdout")
KNOWN_ITEM = ("reference",)  # classes whose first result must be the one item asked for


@dataclass(frozen=True)
class Judged:
    """One judged query and the paragraph ids a reader called relevant to it."""

    id: str
    q: str
    lang: str
    concept: str
    note: str
    relevant: frozenset[str]
    cls: str = "core"
    half: str = ""


def load_judgments(path: str | Path = JUDGMENTS) -> list[Judged]:
    """Read judgments.toml; raise ValueError naming the first malformed entry."""
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    concepts = data.get("concepts") or {}
    for key, concept in concepts.items():
        relevant = concept.get("relevant")
        if not isinstance(relevant, list) or not relevant:
            raise ValueError(f"concept {key!r} has no relevant paragraphs")
        if len(set(relevant)) != len(relevant):
            raise ValueError(f"concept {key!r} lists a paragraph twice")
    judged, seen = [], set()
    for entry in data.get("queries") or []:
        judged.append(_query(entry, concepts, seen))
    if not judged:
        raise ValueError(f"{path} holds no queries")
    return judged


def _query(entry: dict, concepts: dict, seen: set[str]) -> Judged:
    """One [[queries]] entry checked against the concepts; ``seen`` collects the ids."""
    missing = [name for name in QUERY_FIELDS if not isinstance(entry.get(name), str)]
    if missing:
        raise ValueError(f"query {entry.get('id')!r} lacks {', '.join(missing)}")
    qid = entry["id"]
    if qid in seen:
        raise ValueError(f"query id {qid!r} is used twice")
    seen.add(qid)
    if entry["lang"] not in LANGS:
        raise ValueError(f"query {qid!r}: lang {entry['lang']!r} is not one of {LANGS}")
    if entry["concept"] not in concepts:
        raise ValueError(f"query {qid!r}: unknown concept {entry['concept']!r}")
    if not entry["q"].strip():
        raise ValueError(f"query {qid!r} has an empty query text")
    relevant = frozenset(concepts[entry["concept"]]["relevant"])
    cls, half = _class_and_half(qid, entry)
    return Judged(qid, entry["q"], entry["lang"], entry["concept"], entry["note"], relevant,
                  cls, half)


def _class_and_half(qid: str, entry: dict) -> tuple[str, str]:
    """The query's class (core by default) and, outside core, its half (tune or holdout)."""
    cls = entry.get("class", "core")
    if cls not in CLASSES:
        raise ValueError(f"query {qid!r}: class {cls!r} is not one of {CLASSES}")
    half = entry.get("half", "")
    if cls == "core" and half:
        raise ValueError(f"query {qid!r}: the core class has no halves")
    if cls != "core" and half not in HALVES:
        raise ValueError(f"query {qid!r}: half {half!r} is not one of {HALVES}")
    return cls, half


# -- metrics over one ranked list ------------------------------------------------------

def precision_at(ranked: list[str], relevant: frozenset[str], k: int = TOP_P) -> float:
    """Share of the first k places holding a relevant paragraph (empty places count as misses)."""
    return sum(1 for pid in ranked[:k] if pid in relevant) / k


def recall_at(ranked: list[str], relevant: frozenset[str], k: int = TOP_R) -> float:
    """Share of the relevant paragraphs found in the first k results."""
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def reciprocal_rank(ranked: list[str], relevant: frozenset[str]) -> float:
    """1 / rank of the first relevant result; 0 when none is returned."""
    for rank, pid in enumerate(ranked, start=1):
        if pid in relevant:
            return 1.0 / rank
    return 0.0


def average_precision(ranked: list[str], relevant: frozenset[str]) -> float:
    """Mean of the precision at each relevant hit, over all relevant paragraphs."""
    hits, total = 0, 0.0
    for rank, pid in enumerate(ranked, start=1):
        if pid in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant)


# -- running the set -------------------------------------------------------------------

def score(judged: Judged, ranked: list[str], total: int) -> dict:
    """Every metric of one query, with what a reader needs to see why it scored so."""
    return {
        "id": judged.id, "q": judged.q, "lang": judged.lang, "concept": judged.concept,
        "class": judged.cls, "half": judged.half,
        "p10": precision_at(ranked, judged.relevant),
        "recall": recall_at(ranked, judged.relevant),
        "rr": reciprocal_rank(ranked, judged.relevant),
        "ap": average_precision(ranked, judged.relevant),
        "relevant": len(judged.relevant), "returned": total,
    }


def summarise(rows: list[dict]) -> dict:
    """Means of the per-query metrics (MRR is the mean reciprocal rank, MAP the mean AP)."""
    return {
        "n": len(rows),
        "p10": mean(r["p10"] for r in rows),
        "recall": mean(r["recall"] for r in rows),
        "mrr": mean(r["rr"] for r in rows),
        "map": mean(r["ap"] for r in rows),
        "first": mean(1.0 if r["rr"] == 1.0 else 0.0 for r in rows),  # known item at rank 1
    }


def evaluate(engine, judgments: list[Judged] | None = None) -> dict:
    """Run every judged query through ``engine.search``.

    Means per query; per lang group and over the core set; per class and half; overall.
    """
    judgments = load_judgments() if judgments is None else judgments
    rows = []
    for judged in judgments:
        found = engine.search(judged.q, page=1, size=TOP_R)
        rows.append(score(judged, [r["id"] for r in found["results"]], found["total"]))
    core = [r for r in rows if r["class"] == "core"]
    groups = {lang: summarise([r for r in core if r["lang"] == lang])
              for lang in LANGS if any(r["lang"] == lang for r in core)}
    classes = {f"{cls}/{half}": summarise(picked) for cls in CLASSES[1:] for half in HALVES
               if (picked := [r for r in rows if (r["class"], r["half"]) == (cls, half)])}
    return {"queries": rows, "groups": groups, "classes": classes,
            "core": summarise(core) if core else None, "overall": summarise(rows)}


def report(result: dict) -> str:
    """The evaluation as a plain-text table: queries worst first, then groups and overall."""
    lines = ["{:34} {:7} {:>5} {:>5} {:>5} {:>5} {:>4} {:>4}  q".format(
        "query", "lang", "P@10", "R@100", "RR", "AP", "rel", "ret")]
    for r in sorted(result["queries"], key=lambda r: (r["ap"], r["id"])):
        lines.append("{id:34} {lang:7} {p10:5.2f} {recall:5.2f} {rr:5.2f} {ap:5.2f} "
                     "{relevant:4} {returned:4}  {q}".format(**r))
    lines.append("")
    lines.append("{:10} {:>3} {:>6} {:>6} {:>6} {:>6}".format(
        "group", "n", "P@10", "R@100", "MRR", "MAP"))
    for name, g in [*result["groups"].items(), ("core", result["core"])]:
        lines.append("{:10} {n:3} {p10:6.3f} {recall:6.3f} {mrr:6.3f} {map:6.3f}".format(name, **g))
    lines.append("")
    lines.append("{:18} {:>3} {:>6} {:>6} {:>6} {:>7}".format(
        "class/half", "n", "P@10", "R@100", "MRR", "first"))
    for name, g in [*result["classes"].items(), ("overall", result["overall"])]:
        first = f"{g['first']:7.0%}" if name.split("/")[0] in KNOWN_ITEM else f"{'':7}"
        lines.append("{:18} {n:3} {p10:6.3f} {recall:6.3f} {mrr:6.3f} {first}".format(
            name, first=first, **{k: v for k, v in g.items() if k != "first"}))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: evaluate an index (built from corpus/ when --index is not given)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path,
                        help="an index directory (default: build corpus/ into a temporary one)")
    parser.add_argument("--json", action="store_true",
                        help="print the result as JSON instead of a table")
    args = parser.parse_args(argv)
    from search.engine import Engine
    from search.errors import IndexMismatch, IndexMissing

    with tempfile.TemporaryDirectory(prefix="concord-relevance-") as tmp:
        index_dir = args.index
        if index_dir is None:
            from index.build import build

            index_dir = Path(tmp) / "index"
            built = build(CORPUS, index_dir)
            if built.problems:
                print(f"build problems: {built.problems}", file=sys.stderr)
        elif not index_dir.is_dir():
            parser.error(f"no index directory at {index_dir}")
        engine = Engine(index_dir)
        try:
            result = evaluate(engine)
        except (IndexMissing, IndexMismatch) as problem:
            print(f"evaluate.py: {problem}", file=sys.stderr)
            return 1
        finally:
            engine.close()
    print(json.dumps(result, ensure_ascii=False, indent=1) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
