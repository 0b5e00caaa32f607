"""Synthetic corpora at the collection's size, in the shipped files' format (seeded).

Each generated file is one General Assembly resolution laid out like corpus/000_…: the
masthead, session line, adoption line, ``71/209. title``, ``大会，``, preambular paragraphs,
numbered operative paragraphs and the closing date. Its paragraphs recombine the shipped
corpus's own clauses (the comma-separated pieces of its paragraphs, each paragraph led by
a real paragraph's opening clause), so vocabulary, verbs, themes and lengths look like the
real thing while no two paragraphs need be alike. Same seed and size, same bytes.

    .venv/bin/python bench/generate.py 100k         # → var/bench/corpus-100k/
    .venv/bin/python bench/generate.py 1M --seed 7

``GENERATED.json`` in the output directory records the seed and the exact number of
files, units and paragraphs written; ``concord build`` must index exactly those.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIZES = {"10k": 10_000, "100k": 100_000, "300k": 300_000, "1M": 1_000_000}
FACTS_FILE = "GENERATED.json"
PER_RESOLUTION = (20, 62)  # paragraphs per resolution: ~41 on average, as in the corpus
CN_DIGITS = "一二三四五六七八九"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_PIECE = re.compile(r"[^，；]+[，；]?")
_UNSAFE = re.compile(r"^\s*(?:\d|[(（]|[-–])|\d\s*\.\s|\n")  # could read as a numbered line


@dataclass(frozen=True)
class Clauses:
    """The material: openings and continuations of preambular and operative paragraphs."""

    pp_heads: list[str]
    op_heads: list[str]
    tails: list[str]
    titles: list[str]


def cn_number(n: int) -> str:
    """71 → 七十一 (1–99), as sessions are printed."""
    tens, ones = divmod(n, 10)
    text = (CN_DIGITS[tens - 1] if tens > 1 else "") + ("十" if tens else "")
    return text + (CN_DIGITS[ones - 1] if ones else "")


def load_clauses(corpus_dir: Path) -> Clauses:
    """Cut the shipped corpus's paragraphs into the pieces the generator recombines."""
    from index.build import parse_corpus

    documents, _ = parse_corpus(corpus_dir)
    pp_heads, op_heads, tails, titles = [], [], [], []
    for doc in documents:
        for unit in doc.units:
            if unit.title and len(unit.title) < 80:
                titles.append(unit.title)
            for para in unit.paragraphs:
                if para.sub or "\n" in para.text:
                    continue
                pieces = [p.strip() for p in _PIECE.findall(para.text) if p.strip()]
                if not pieces:
                    continue
                heads = op_heads if para.kind == "op" and para.verb else pp_heads
                heads.append(pieces[0])
                tails.extend(p for p in pieces[1:] if not _UNSAFE.search(p))
    return Clauses(*(sorted(set(found)) for found in (pp_heads, op_heads, tails, titles)))


def resolution(rng: random.Random, clauses: Clauses, session: int, number: int, size: int) -> str:
    """The text of one generated resolution with ``size`` paragraphs."""
    year = 1945 + session
    day = rng.randint(1, 28)
    pp_count = max(1, size * rng.randint(25, 45) // 100)
    lines = ["", "大会", "", "Distr.: General",
             f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {year + 1}第{cn_number(session)}届会议",
             f"议程项目 {rng.randint(90, 120)}", "", f"{year} 年 12 月 {day} 日大会决议", "",
             f"[根据第三委员会的报告(A/{session}/{rng.randint(400, 499)})通过]", "",
             f"{session}/{number}. {rng.choice(clauses.titles)}", "", "大会，", ""]
    for _ in range(pp_count):
        text = "".join([rng.choice(clauses.pp_heads)] +
                       [rng.choice(clauses.tails) for _ in range(rng.randint(0, 3))])
        lines += [text.rstrip("，；。,; ") + "，", ""]
    op_count = size - pp_count
    for n in range(1, op_count + 1):
        text = "".join([rng.choice(clauses.op_heads)] +
                       [rng.choice(clauses.tails) for _ in range(rng.randint(0, 4))])
        lines += [f"{n}. " + text.rstrip("，；。,; ") + ("。" if n == op_count else "；"), ""]
    lines += [f"{year}年12月{day}日", f"第{rng.randint(50, 80)}次全体会议", ""]
    return "\n".join(lines)


def plan(rng: random.Random, paragraphs: int) -> list[int]:
    """Paragraphs per resolution, summing to exactly ``paragraphs``."""
    sizes, left = [], paragraphs
    while left > 0:
        size = min(left, rng.randint(*PER_RESOLUTION))
        if 0 < left - size < PER_RESOLUTION[0]:
            size = left  # never leave a stub resolution at the end
        sizes.append(size)
        left -= size
    return sizes


def generate(out: Path, paragraphs: int, seed: int = 1, corpus_dir: Path = ROOT / "corpus") -> dict:
    """Write a corpus of exactly ``paragraphs`` paragraphs into ``out``; return its facts."""
    rng = random.Random(seed)
    clauses = load_clauses(corpus_dir)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.txt"):
        stale.unlink()
    sizes = plan(rng, paragraphs)
    for i, size in enumerate(sizes):
        session, number = 45 + i % 36, 1 + i // 36  # GA 45 (1990) to GA 80 (2025)
        name = f"{i:06d}_ga{session}_{number}.txt"
        (out / name).write_text(resolution(rng, clauses, session, number, size), encoding="utf-8")
    facts = {"seed": seed, "files": len(sizes), "units": len(sizes), "paragraphs": paragraphs}
    (out / FACTS_FILE).write_text(json.dumps(facts, indent=1), encoding="utf-8")
    return facts


def size_of(text: str) -> int:
    """``100k`` → 100000; plain integers too."""
    if text in SIZES:
        return SIZES[text]
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"size must be one of {', '.join(SIZES)} or a positive integer")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    """Command line: generate one corpus and print its facts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", help=f"paragraphs: {', '.join(SIZES)} or a number")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", help="output directory (default var/bench/corpus-<size>)")
    args = parser.parse_args(argv)
    paragraphs = size_of(args.size)
    out = Path(args.out) if args.out else ROOT / "var" / "bench" / f"corpus-{args.size}"
    facts = generate(out, paragraphs, args.seed)
    print(f"wrote {facts['paragraphs']:,} paragraphs in {facts['files']:,} files to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
