"""Reading a paragraph's lineage: the links the build stored, word-level changes, comparisons.

The build (index.link) writes ``links.json`` beside ``units.json`` in each generation; it
is read once per generation (``Engine.generation()``: the one the request's snapshot reads,
not whatever CURRENT names by then) and joined with the engine's paragraph and unit records. Diffs run over words (Chinese words from the project's
segmenter, so the UN dictionary's terms stay whole), never over characters, and come
back as segments ``(op, text)`` with op in eq / del / ins; ``diff_html`` escapes them.
"""

from __future__ import annotations

import html
import json
import threading
from difflib import SequenceMatcher
from pathlib import Path

from search.analysis import ConcordTokenizer, normalize
from search.store.schema import LINKS_FILE

VERSION_RELATIONS = ("earlier_version", "later_version", "draft_of", "adopted_as", "translation_of")
_TOKENIZER = ConcordTokenizer("words")
KEEP = 2  # generations whose lineage stays in memory
_cache: dict[str, dict] = {}
_lock = threading.Lock()


def load_links(generation: Path) -> dict:
    """The lineage file of one index generation (empty when it has none), read once.

    A generation never changes once published, so its directory is the cache key.
    """
    key = str(generation)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    path = Path(generation) / LINKS_FILE
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for part in ("paragraphs", "units", "cited_by"):
        data.setdefault(part, {})
    with _lock:
        if len(_cache) >= KEEP:  # the live generation and the one before it
            _cache.pop(next(iter(_cache)))
        _cache[key] = data
    return data


def words(text: str) -> list[str]:
    """``text`` cut into words and the spaces or punctuation between them (joins back to it)."""
    pieces, at = [], 0
    for token in _TOKENIZER(text, chars=True, mode="query"):
        if token.startchar > at:
            pieces.append(text[at:token.startchar])
        if token.endchar > token.startchar:
            pieces.append(text[token.startchar:token.endchar])
            at = token.endchar
    if at < len(text):
        pieces.append(text[at:])
    return pieces


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Segments turning ``old`` into ``new`` word by word: ("eq" | "del" | "ins", text)."""
    a, b = words(old), words(new)
    matcher = SequenceMatcher(None, [normalize(w) for w in a], [normalize(w) for w in b], autojunk=False)
    segments: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _add(segments, "eq", "".join(b[j1:j2]))
            continue
        _add(segments, "del", "".join(a[i1:i2]))
        _add(segments, "ins", "".join(b[j1:j2]))
    return segments


def _add(segments: list[tuple[str, str]], op: str, text: str) -> None:
    if not text:
        return
    if segments and segments[-1][0] == op:
        segments[-1] = (op, segments[-1][1] + text)
    else:
        segments.append((op, text))


def diff_html(segments: list[tuple[str, str]]) -> str:
    """The segments as HTML, changes in <del> and <ins>, every text escaped."""
    tags = {"del": "<del>{}</del>", "ins": "<ins>{}</ins>", "eq": "{}"}
    return "".join(tags[op].format(html.escape(text)) for op, text in segments)


def diff_counts(segments: list[tuple[str, str]]) -> dict[str, int]:
    """How many characters each kind of segment holds (eq, del, ins)."""
    counts = {"eq": 0, "del": 0, "ins": 0}
    for op, text in segments:
        counts[op] += len(text)
    return counts


def sort_key(unit: dict) -> tuple:
    """Chronological order of units: year, a draft before its adopted text, then date."""
    return (unit.get("year") or 0, 0 if unit.get("status") == "draft" else 1, unit.get("date") or "")


def unit_relations(links: dict, uid: str) -> dict[str, list[str]]:
    """The related unit ids of ``uid`` by relation."""
    return {rel: [entry["unit"] for entry in entries]
            for rel, entries in links["units"].get(uid, {}).items()}


def cited_by(links: dict, uid: str) -> list[str]:
    """Ids of the paragraphs elsewhere in the corpus that cite unit ``uid``."""
    return list(links["cited_by"].get(uid, []))
