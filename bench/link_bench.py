"""Time the linking stage (index.link) on the shipped corpus and on synthetic corpora.

    .venv/bin/python bench/link_bench.py [--sizes 100000 1000000] [--seed 7]
    .venv/bin/python bench/link_bench.py --one 100000      # one size, in this process

Each size runs in a fresh process (so its peak memory is its own) and prints one JSON
line; the parent prints a table with time, peak RSS and the growth ratio against the
previous size, and writes everything to var/bench/link-<UTC time>.json.

Synthetic corpora recombine the shipped corpus's own clauses (split at ，；。) with a
seeded RNG, shaped like the real collection: works of 20–160 paragraphs, each adopted in
1–6 yearly versions; each version keeps most paragraphs (identical), rewords some (a
clause replaced, dropped or added, or one character changed), drops a few, moves a few
and adds new ones. Run on demand, never in the test suite; run the large sizes niced.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from index.model import Document, Paragraph, Unit  # noqa: E402

CLAUSE = re.compile(r"[^，；。,;]+[，；。,;]?")


def corpus_clauses() -> list[str]:
    """The clauses of every paragraph of the shipped corpus, as printed."""
    from index.build import parse_corpus

    documents, _ = parse_corpus(ROOT / "corpus")
    clauses = [c for d in documents for u in d.units for p in u.paragraphs
               for c in CLAUSE.findall(p.text) if len(c) >= 6]
    return sorted(set(clauses))


def synthetic(size: int, seed: int, clauses: list[str]) -> list[Document]:
    """About ``size`` paragraphs in works with yearly versions (see the module docstring)."""
    rng = random.Random(seed)
    documents: list[Document] = []
    count, work = 0, 0
    while count < size:
        work += 1
        paragraphs = [_paragraph(rng, clauses) for _ in range(rng.randint(20, 160))]
        title = "".join(rng.sample(clauses, 2))
        for version in range(rng.randint(1, 6)):
            if version:
                paragraphs = _next_version(rng, clauses, paragraphs)
            unit_id = f"W-{work}-{version}"
            unit = Unit(id=unit_id, label=unit_id, title=title, symbol=unit_id.replace("-", "/"),
                        acting_body="大会", status="adopted", date=f"{2000 + version}-12-18")
            unit.paragraphs = [Paragraph(id=f"{unit_id}/op{n + 1}", kind="op", number=str(n + 1), sub=None,
                                         text=text, order=n) for n, text in enumerate(paragraphs)]
            documents.append(Document(path="", name=f"{unit_id}.txt", units=[unit], date=unit.date))
            count += len(paragraphs)
    return documents


def _paragraph(rng: random.Random, clauses: list[str]) -> str:
    return "".join(rng.choice(clauses) for _ in range(rng.randint(2, 6)))


def _next_version(rng: random.Random, clauses: list[str], old: list[str]) -> list[str]:
    """Keep ~75%, reword ~15%, drop ~5% of the paragraphs, move a few, add ~8% new."""
    new = []
    for text in old:
        roll = rng.random()
        if roll < 0.05:
            continue
        new.append(_reword(rng, clauses, text) if roll < 0.20 else text)
    for _ in range(max(1, len(old) // 12)):
        new.insert(rng.randrange(len(new) + 1), _paragraph(rng, clauses))
    if len(new) > 3 and rng.random() < 0.5:
        new.insert(rng.randrange(len(new)), new.pop(rng.randrange(len(new))))
    return new


def _reword(rng: random.Random, clauses: list[str], text: str) -> str:
    parts = CLAUSE.findall(text) or [text]
    action = rng.randrange(4)
    at = rng.randrange(len(parts))
    if action == 0:
        parts[at] = rng.choice(clauses)
    elif action == 1 and len(parts) > 2:
        parts.pop(at)
    elif action == 2:
        parts.insert(at, rng.choice(clauses))
    else:
        chars = list(parts[at])
        chars.pop(rng.randrange(len(chars)))
        parts[at] = "".join(chars)
    return "".join(parts)


def measure(size: int, seed: int) -> dict:
    """Link one corpus (0 = the shipped one) in this process; time, memory, counts."""
    from index.link import link

    if size == 0:
        from index.build import load_manifest, parse_corpus

        documents, _ = parse_corpus(ROOT / "corpus")
        manifest = load_manifest(ROOT / "corpus")
    else:
        documents, manifest = synthetic(size, seed, corpus_clauses()), {}
    paragraphs = sum(len(u.paragraphs) for d in documents for u in d.units)
    before = _rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    link(documents, manifest)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    links = sum(len(p.links) for d in documents for u in d.units for p in u.paragraphs)
    return {"size": size, "paragraphs": paragraphs, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "rss_before_mb": before, "peak_rss_mb": _rss_mb(), "links": links // 2}


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main(argv: list[str] | None = None) -> int:
    """Run every size in its own process and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--one", type=int, help="measure one size in this process (0 = shipped corpus)")
    args = parser.parse_args(argv)
    if args.one is not None:
        print(json.dumps(measure(args.one, args.seed)))
        return 0
    rows = []
    for size in [0, *args.sizes]:
        out = subprocess.run([sys.executable, __file__, "--one", str(size), "--seed", str(args.seed)],
                             check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
        print(_row(rows[-1], rows[-2] if len(rows) > 2 else None), flush=True)
    out_dir = ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    (out_dir / f"link-{stamp}.json").write_text(json.dumps(rows, indent=1))
    return 0


def _row(row: dict, previous: dict | None) -> str:
    """One line: paragraphs, seconds, memory, links, growth against the previous size."""
    growth = ""
    if previous:
        growth = (f"  ×{row['paragraphs'] / previous['paragraphs']:.1f} paragraphs → "
                  f"×{row['seconds'] / max(previous['seconds'], 1e-9):.1f} time, "
                  f"×{row['cpu_seconds'] / max(previous['cpu_seconds'], 1e-9):.1f} CPU")
    return (f"{row['paragraphs']:>9} paragraphs  {row['seconds']:>8.2f} s ({row['cpu_seconds']:.2f} s CPU)  "
            f"peak {row['peak_rss_mb']:>7.1f} MB "
            f"(before linking {row['rss_before_mb']:.1f})  {row['links']} links{growth}")


if __name__ == "__main__":
    raise SystemExit(main())
