"""`concord lineage ID`: a paragraph's history (or a unit's relatives) in the terminal."""

from __future__ import annotations

import argparse
import json
import sys

from search.lineage import diff_counts

DEFAULT_INDEX = "var/index"
MARKS = {"del": ("[-", "-]"), "ins": ("{+", "+}"), "eq": ("", "")}  # wdiff's marks, readable anywhere


def register(sub) -> None:
    """Add the `lineage` subcommand to the `concord` parser."""
    p = sub.add_parser("lineage", help="show where a paragraph's language appears elsewhere, and how it changed")
    p.add_argument("id", help="a paragraph id (A-RES-71-209/op52) or a unit id (A-RES-71-209)")
    p.add_argument("--index", default=DEFAULT_INDEX, help=f"index directory (default {DEFAULT_INDEX})")
    p.add_argument("--json", action="store_true", help="print the history as JSON")
    p.set_defaults(func=cmd_lineage)


def cmd_lineage(args: argparse.Namespace) -> int:
    """Print the history of a paragraph, or the relatives of a unit; 1 when the id is unknown."""
    from search.engine import Engine, IndexMismatch, IndexMissing
    from search.history import paragraph_history, unit_lineage

    engine = Engine(args.index)
    try:
        if engine.paragraph(args.id) is not None:
            data, show = paragraph_history(engine, args.id), _print_paragraph
        elif engine.unit(args.id) is not None:
            data, show = unit_lineage(engine, args.id), _print_unit
        else:
            near = ", ".join(engine.nearest_ids(args.id)) or "none"
            print(f"concord: no paragraph or unit {args.id!r} (nearest: {near})", file=sys.stderr)
            return 1
    except (IndexMissing, IndexMismatch) as exc:
        print(f"concord: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.close()
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        show(data)
    return 0


def marked(segments) -> str:
    """Word changes as text: [-deleted-] and {+inserted+}."""
    return "".join(MARKS[op][0] + text + MARKS[op][1] for op, text in segments)


def _print_paragraph(data: dict) -> None:
    first = data["first_appeared"]
    print(f"{data['id']}: first appeared in {first['symbol']} {first['anchor']} ({first.get('year') or '?'})")
    for name, para in data["versions"].items():
        if para:
            print(f"  {name}: {para['id']}")
    if not data["counterparts"]:
        print("  no other text in the corpus has this language")
    for row in data["counterparts"]:
        para = row["paragraph"]
        changed = diff_counts(row["diff"])
        print(f"\n{para['symbol']} {para['anchor']} ({para.get('year') or '?'})  {row['relation']}  "
              f"similarity {row['score']:.1%}  −{changed['del']} +{changed['ins']} characters "
              f"({row['diff_from']} → {row['diff_to']})")
        if row["diff"]:
            print("  " + marked(row["diff"]))
    _print_cited(data["cited_by"])


def _print_unit(data: dict) -> None:
    for rel in data["related"]:
        print(f"{rel['relation']}: {rel['symbol']} ({rel.get('year') or '?'})  [{rel['unit']}]")
    if not data["related"]:
        print("no related units in the corpus")
    _print_cited(data["cited_by"])


def _print_cited(citing: list[dict]) -> None:
    if citing:
        print("\ncited by: " + ", ".join(c["id"] for c in citing))
