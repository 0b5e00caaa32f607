"""Symbols and paragraph references: the known item a delegate names, found first.

A query that is only a reference (``A/C.3/68/L.18``, ``E/2011/30``, ``20/7``, ``决议草案三``,
``71/209 第12段``, ``OP 12 of 71/209``, ``para. 7 of 80/229``, ``序言部分第5段 80/229``,
``决定草案二 (b)``) is read against the units of the index: :class:`UnitDirectory` is built
from their records (symbol, document symbol, label, number), so every symbol printed on a
hit resolves, and the paragraph id is derived as the index derives it (``op12``, ``pp5``,
``op9b``). Parsing stays pure: the engine passes the directory of the index it searches.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Mapping, Set as AbstractSet
from dataclasses import dataclass, field

from search.query import form as F

NUMERALS = "一二三四五六七八九十"
MAX_CONTEXT_UNITS = 3  # "OP12" alone: the op12 of every unit, not every unit's paragraphs
MAX_SHOWN = 4  # units named in the reading
ROMAN = {"i": "一", "ii": "二", "iii": "三", "iv": "四", "v": "五", "vi": "六", "vii": "七",
         "viii": "八", "ix": "九", "x": "十"}
_SYMBOL = re.compile(r"\b[A-Z](?:/[A-Z0-9][A-Z0-9.\-]*)+\b", re.I)
_NUMBER = re.compile(r"(?:(?P<en>resolution|decision)\s+)?(?:第\s*)?"
                     r"(?P<n>(?:S-)?\d{1,4}/\d{1,4})(?:\s*号)?\s*(?P<zh>决议|决定|決議|決定)?", re.I)
_LABEL = re.compile(rf"(?P<zh>决议草案|决定草案|決議草案|決定草案)\s*(?P<num>[{NUMERALS}]+)|"
                    r"draft\s+(?P<en>resolution|decision)\s+(?P<roman>[ivx]+)\b", re.I)


def _sub(name: str) -> str:
    """An optional letter after a number: 21(c), 21 (c), 9b."""
    return rf"(?:\s*\(\s*(?P<{name}>[a-z])\s*\)|(?P<{name}x>[a-z])\b)?"


_PARAGRAPH = re.compile(
    r"\b(?P<k1>op|pp)\s*\.?\s*(?P<n1>\d{1,3})" + _sub("s1") + "|"
    r"(?:\b(?P<k2>operative|preambular)\s+)?\bpara(?:graph)?s?\.?\s*(?P<n2>\d{1,3})"
    + _sub("s2") + "|"
    r"(?:(?P<k3>执行部分|序言部分|執行部分)\s*)?第\s*(?P<n3>\d{1,3})\s*"
    r"(?:\(\s*(?P<s3>[a-z])\s*\)\s*段|段(?:\s*\(\s*(?P<s3b>[a-z])\s*\))?)|"
    r"^\s*\(\s*(?P<s4>[a-z])\s*\)|\(\s*(?P<s5>[a-z])\s*\)\s*$|"
    r"(?<![\d/])\b(?P<n4>\d{1,3})\s*(?:\(\s*(?P<s6>[a-z])\s*\))?\s*$", re.I)
# What may stand between the parts of a reference ("OP 12 of 71/209", "71/209 的第12段").
# Words that may stand around a reference without changing what it names: the body that
# adopted it and the kind of text ("GA resolution 71/209", "大会第71/209号决议").
_FILLER = re.compile(
    r"^(?:[\s,，、.:;]|of|in|the|的|第|号|號|resolution|decision|决议|決議|决定|決定"
    r"|GA|General\s+Assembly|大会|大會|ECOSOC|Economic\s+and\s+Social\s+Council"
    r"|经济及社会理事会|經濟及社會理事會|理事会|CCPCJ|Commission|委员会|委員會"
    r"|预防犯罪和刑事司法委员会|Third\s+Committee|第三委员会)*$", re.I)
PARAGRAPH_BOOST = 20.0  # the paragraph named comes first, then its unit's others
UNIT_BOOST = 1.5
CITE_BOOST = 0.5  # then the paragraphs citing a resolution named by number
_KIND = {"op": "op", "pp": "pp", "operative": "op", "preambular": "pp", "执行部分": "op",
         "執行部分": "op", "序言部分": "pp"}


@dataclass(frozen=True)
class Reference:
    """What a reference names: units (in corpus order) and, if any, one paragraph in them."""

    units: tuple[str, ...]
    paragraphs: tuple[str, ...]  # ids that exist, best first
    typed: str


@dataclass(eq=False)  # hashed by identity: parsing is cached per index
class UnitDirectory:
    """Every way the units of an index are named, and which paragraph ids exist."""

    by_symbol: dict[str, list[str]] = field(default_factory=dict)
    by_number: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    by_label: dict[str, list[str]] = field(default_factory=dict)
    units: list[str] = field(default_factory=list)
    paragraph_ids: Container[str] = frozenset()

    @classmethod
    def of(cls, records: Iterable[dict], paragraph_ids: Iterable[str]) -> "UnitDirectory":
        """The directory of unit records (as units.json holds them) and paragraph ids.

        A set or mapping of ids is kept as it is (the engine's id map over the arrays
        answers ``in`` without reading every id); other iterables are made a set.
        """
        kept = isinstance(paragraph_ids, (AbstractSet, Mapping))
        directory = cls(paragraph_ids=paragraph_ids if kept else frozenset(paragraph_ids))
        for record in records:
            directory._add(record)
        return directory

    def _add(self, record: dict) -> None:
        uid = record["id"]
        self.units.append(uid)
        document = record.get("document") or {}
        for symbol in (record.get("symbol"), document.get("symbol")):
            if symbol:
                _put(self.by_symbol, _symbol_key(symbol), uid)
        label = record.get("label") or ""
        kind = "decision" if record.get("kind") == "decision" else "resolution"
        for text in (label, record.get("symbol") or ""):
            m = re.search(r"(?:S-)?\d{1,4}/\d{1,4}", text)
            if m:
                _put(self.by_number, (m.group().upper(), kind), uid)
                break
        m = _LABEL.fullmatch(label.strip())
        if m and m.group("zh"):
            _put(self.by_label, _label_key(m.group("zh"), m.group("num")), uid)


def _put(table: dict, key, uid: str) -> None:
    if uid not in table.setdefault(key, []):
        table[key].append(uid)


def _symbol_key(symbol: str) -> str:
    return re.sub(r"\s+", "", symbol).upper()


def _label_key(word: str, numeral: str) -> str:
    simplified = word.replace("決議", "决议").replace("決定", "决定")
    return simplified + numeral


def read_reference(text: str, directory: UnitDirectory | None) -> Reference | None:
    """The known item ``text`` names, when the whole of it is a reference; else None."""
    if directory is None or not text.strip() or len(text) > 80:
        return None
    units, rest = _units(text, directory)
    paragraph, rest = _paragraph(rest)
    if not _FILLER.match(rest) or (units is None and paragraph is None):
        return None
    if units is None:
        if paragraph is None or paragraph[0] == "letter" or paragraph[3]:
            return None  # "(b)" or "12" alone names nothing
        units = directory.units  # "OP12": that paragraph of every unit
    pids = _existing(units, paragraph, directory) if paragraph else ()
    if paragraph and not pids and paragraph[2]:
        pids = _existing(units, paragraph[:2] + ("", False), directory)  # 12(b) of a 12 undivided
    if paragraph and not pids:
        return None  # no such paragraph: search the words instead
    return Reference(tuple(units), pids, text.strip())


def _units(text: str, directory: UnitDirectory) -> tuple[list[str] | None, str]:
    """The units the symbols, labels and numbers in ``text`` name together, and the rest.

    Each names a set of units; several narrow it (``E/2011/30 决议草案四``: the draft IV of
    that report). None when nothing names a unit, or when together they name none.
    """
    found: list[str] | None = None
    for finder in (_by_symbol, _by_label, _by_number):
        named, text = finder(text, directory)
        if named:
            found = named if found is None else [u for u in found if u in named]
    return (found or None), text


def _by_symbol(text: str, directory: UnitDirectory) -> tuple[list[str], str]:
    for m in _SYMBOL.finditer(text):
        found = directory.by_symbol.get(_symbol_key(m.group()))
        if found:
            return found, _cut(text, m)
    return [], text


def _by_label(text: str, directory: UnitDirectory) -> tuple[list[str], str]:
    m = _LABEL.search(text)
    if m is None:
        return [], text
    key = (_label_key(m.group("zh"), m.group("num")) if m.group("zh") else
           _label_key("决定草案" if m.group("en").lower() == "decision" else "决议草案",
                      ROMAN.get(m.group("roman").lower(), "")))
    found = directory.by_label.get(key, [])
    return found, _cut(text, m) if found else text


def _by_number(text: str, directory: UnitDirectory) -> tuple[list[str], str]:
    for m in _NUMBER.finditer(text):
        number = m.group("n").upper()
        said = (m.group("en") or m.group("zh") or "").lower()
        kinds = (["decision"] if said in ("decision", "决定", "決定") else
                 ["resolution"] if said else ["resolution", "decision"])
        found = [u for kind in kinds for u in directory.by_number.get((number, kind), [])]
        if found:
            return found, _cut(text, m)
    return [], text


def _paragraph(text: str) -> tuple[tuple | None, str]:
    """(kind, number, letter, bare) of a paragraph reference in ``text``, and the rest.

    ``bare`` marks a number said without "OP", "para." or 第…段 ("71/209 12"): a paragraph
    only beside a unit.
    """
    m = _PARAGRAPH.search(text)
    if m is None:
        return None, text
    groups = m.groupdict()
    letter = next((groups[g] for g in ("s1", "s1x", "s2", "s2x", "s3", "s3b", "s4", "s5", "s6")
                   if groups.get(g)), "")
    for k, n in (("k1", "n1"), ("k2", "n2"), ("k3", "n3"), ("k4", "n4")):
        if groups.get(n):
            kind = _KIND.get((groups.get(k) or "op").lower(), "op")
            return (kind, groups[n], letter.lower(), n == "n4"), _cut(text, m)
    return ("letter", "", letter.lower(), False), _cut(text, m)


def _existing(units, paragraph, directory: UnitDirectory) -> tuple[str, ...]:
    """The ids of ``paragraph`` in ``units`` that the index holds."""
    return tuple(pid for pid in (_paragraph_id(u, paragraph) for u in units)
                 if pid in directory.paragraph_ids)


def _paragraph_id(uid: str, paragraph: tuple) -> str:
    kind, number, letter, _ = paragraph
    if kind == "letter":
        return f"{uid}/op{letter}"  # a decision's lettered paragraphs: opa, opb
    return f"{uid}/{kind}{number}{letter}"


def _cut(text: str, m: re.Match) -> str:
    return text[:m.start()] + " " + text[m.end():]


def reference_query(text: str, reference: Reference):
    """The ParsedQuery of a reference: the paragraph, then its units, then their citers."""
    from search.query.form import any_of
    from search.query.parsed import Item, ParsedQuery

    queries = [F.Term("id", pid, PARAGRAPH_BOOST) for pid in reference.paragraphs]
    if not reference.paragraphs or len(reference.units) <= MAX_CONTEXT_UNITS:
        queries += [F.Term("unit", uid, UNIT_BOOST) for uid in reference.units]
    queries += [F.Term("cites", n.upper(), CITE_BOOST)
                for n in dict.fromkeys(re.findall(r"(?:S-)?\d{1,4}/\d{1,4}", text))]
    listed = reference.paragraphs or reference.units
    named = ", ".join(listed[:MAX_SHOWN]) + (" …" if len(listed) > MAX_SHOWN else "")
    reading = {"en": f"looking up {reference.typed}: {named}",
               "zh": f"查找 {reference.typed}：{named}"}
    item = Item(any_of(queries), reference.typed, list(reference.paragraphs or reference.units))
    return ParsedQuery(text, any_of(queries), None, list(item.expanded), reading, [], [],
                       [[item]])
