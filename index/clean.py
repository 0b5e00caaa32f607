"""Stage 2 — clean: repair the extraction without editing the file.

Undo markdown residue, drop page furniture (job numbers, URLs, repeated symbols), pull
footnotes and tables out of the text flow, un-wrap hard-wrapped lines, re-join paragraphs
that a page break split, and detach footnote markers from the text they annotate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.read import RawDocument

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_TO_DIGIT = str.maketrans(SUPERSCRIPTS, "0123456789")
_DIGIT_TO_SUP = str.maketrans("0123456789", SUPERSCRIPTS)

MARKER = re.compile(rf"\s*([{SUPERSCRIPTS}]+)")
FOOTNOTE_LINE = re.compile(rf"^\s*([{SUPERSCRIPTS}]+)\s*(\S.*)$")
SEPARATOR = re.compile(r"^\s*_{5,}\s*$")
BARE_NUMBER = re.compile(r"^\s*(\d{1,3})\s*$")
FURNITURE = [
    re.compile(r"^\s*Distr\.?:?\s*\w+\s*$"),  # distribution line
    re.compile(r"^\s*(\d+/\d+)?\d{2}-\d{5}\s*(\([A-Z]\))?\s*$"),  # job number, e.g. 13-50877 (C)
    re.compile(r"^\s*https?://\S+\s*$"),  # the document's URL
]
PAGE_SYMBOL = re.compile(r"^\s*((?:A|E|S)/[A-Z0-9.]+(?:/[A-Z0-9.]+)+)\s*$")

# Lines that always begin a new block: numbered and lettered paragraphs, unit labels,
# acting-body lines, report sections, closing date and meeting lines.
CN_NUM = "一二三四五六七八九十"
ACTING_BODIES = {  # the acting-body line as printed → the body's facet key
    "大会": "ga",
    "经济及社会理事会": "ecosoc",
    "预防犯罪和刑事司法委员会": "ccpcj",
    "The General Assembly": "ga",
    "The Economic and Social Council": "ecosoc",
    "The Commission on Crime Prevention and Criminal Justice": "ccpcj",
}
ACTING_LINE = re.compile(r"^(?:" + "|".join(ACTING_BODIES) + r")\s*[，,：:]?\s*$")
UNIT_LABEL = re.compile(rf"^(?:(?P<draft>决议草案|决定草案)(?P<n>[{CN_NUM}]+)"
                        r"|第\s*(?P<sym>\d+/\d+)\s*号(?P<kind>决议|决定))\s*$")
SECTION_LINE = re.compile(r"^(?P<letter>[A-Z])\.\s+(?P<text>.+)$")
STARTS = [
    re.compile(r"^\d{1,3}\s*\.\s*\S"),
    re.compile(rf"^[-–]?\s*[(（]\s*(?:[a-z]|[{CN_NUM}]+)\s*[)）]"),
    re.compile(r"^[a-z]\.\s"),
    SECTION_LINE,
    UNIT_LABEL,
    re.compile(r"^\d+/\d+\.\s"),
    ACTING_LINE,
    re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$"),
    re.compile(r"^第\s*\d+\s*次全体会议\s*$"),
]
AGENDA = re.compile(r"临时议程(?:和文件)?\s*$|^Provisional agenda")
# Words that go on with a sentence rather than open a paragraph ("…议定书》，⁷ 并欢迎…").
CONTINUATION = re.compile(r"^(?:并|以及|及|和|或)")
# A block ending in one of these (after its markers) is complete.
TERMINAL = tuple("，。；：,.;:")


@dataclass
class Block:
    """One logical paragraph of text, markers removed, with the footnotes it cites."""

    text: str
    notes: list[str] = field(default_factory=list)


@dataclass
class CleanDocument:
    """A document after repair: blocks in reading order, footnotes, tables, removed furniture."""

    raw: RawDocument
    blocks: list[Block]
    footnotes: dict[str, str]
    tables: list[str]
    page_symbols: list[str]  # symbols printed only in page headers
    joins: int  # paragraphs re-joined across a page break


def strip_markdown(text: str) -> str:
    """Remove markdown residue: [55/25](#) links, escaped brackets, **bold**."""
    text = re.sub(r"\[([^\]\n]*)\]\(#?[^)\n]*\)", r"\1", text)
    text = re.sub(r"\\([()\[\]*_#])", r"\1", text)
    return text.replace("**", "")


def is_start(line: str) -> bool:
    """Whether a line necessarily begins a new block."""
    return any(p.match(line) for p in STARTS)


def is_complete(text: str) -> bool:
    """Whether a block ends the way a finished paragraph or heading line ends.

    Trailing spaces and footnote markers do not count. Looks only at the end: blocks grow a
    line at a time and are judged after each, so reading them whole would be quadratic.
    """
    end = len(text)
    while end and (text[end - 1].isspace() or text[end - 1] in SUPERSCRIPTS):
        end -= 1
    return end == 0 or text[end - 1] in TERMINAL


class _Growing:
    """A paragraph assembled a line at a time, joined once at the end.

    Joining strings line by line copies the whole paragraph each time: quadratic on a long
    paragraph of short lines. The pieces are kept instead; only the ends are looked at.
    """

    __slots__ = ("pieces", "size")

    def __init__(self, text: str = ""):
        self.pieces, self.size = ([text], len(text)) if text else ([], 0)

    def join(self, line: str) -> None:
        """Add a piece of the same paragraph: no space between CJK, one between Latin words."""
        right = line.strip()
        self.rstrip()
        if not right:
            return
        left = self.pieces[-1][-1] if self.pieces else ""
        if left.isascii() and left.isalnum() and right[0].isascii() and right[0].isalnum():
            self.pieces.append(" ")
        self.add(right)

    def add(self, text: str) -> None:
        """Append ``text`` as it is."""
        self.pieces.append(text)
        self.size += len(text)

    def rstrip(self) -> None:
        """Drop trailing white space."""
        while self.pieces and not self.pieces[-1].rstrip():
            self.size -= len(self.pieces.pop())
        if self.pieces:
            last = self.pieces[-1]
            self.pieces[-1] = last.rstrip()
            self.size -= len(last) - len(self.pieces[-1])

    def tail(self, size: int = 64) -> str:
        """The last ``size`` characters or so (the whole text when short)."""
        taken, pieces = 0, []
        for piece in reversed(self.pieces):
            pieces.append(piece)
            taken += len(piece)
            if taken >= size:
                break
        return "".join(reversed(pieces))

    def __str__(self) -> str:
        return "".join(self.pieces)


def _is_furniture(line: str) -> bool:
    return any(p.match(line) for p in FURNITURE)


def unwrap(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """Un-wrap hard-wrapped layout text: indented lines start paragraphs, except after a marker.

    Footnote markers printed as bare numbers on lines of their own become superscripts in
    the text; footnote blocks (after a ____ separator) become a dict of footnote texts.
    """
    paras: list[_Growing] = []
    notes: dict[str, _Growing] = {}
    in_notes = False
    note_no: str | None = None
    after_marker = False
    for line in lines:
        if not line.strip():
            continue
        if SEPARATOR.match(line):
            in_notes, note_no = True, None
            continue
        indent = len(line) - len(line.lstrip(" "))
        number = BARE_NUMBER.match(line)
        if in_notes:
            if number:
                note_no = number.group(1)
                notes[note_no] = _Growing()
                continue
            ends_note = indent >= 2 or (indent == 0 and note_no in notes
                                        and notes[note_no].tail().endswith("。"))
            if note_no is not None and not ends_note:
                notes[note_no].join(line)
                continue
            in_notes = False
            after_marker = False
            if indent == 0 and paras:  # a paragraph broken by the footnote block
                paras[-1].join(line)
                continue
        if number and paras:
            paras[-1].rstrip()
            paras[-1].add(number.group(1).translate(_DIGIT_TO_SUP))
            after_marker = True
            continue
        # After a marker an indented line goes on with the sentence, unless the sentence
        # had ended or the line is numbered: "承诺，⁴ / 回顾…" starts a new paragraph.
        new_para = indent >= 1 and (
            not after_marker
            or is_start(line.strip())
            or is_complete(paras[-1].tail()) and not CONTINUATION.match(line.strip())
        )
        if new_para or not paras:
            paras.append(_Growing(line.strip()))
        else:
            paras[-1].join(line)
        after_marker = False
    return [str(p) for p in paras], {number: str(note) for number, note in notes.items()}


def split_lines(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """Paged layout: each non-blank line is a block; superscript-led lines are footnotes."""
    paras: list[str] = []
    notes: dict[str, str] = {}
    for line in lines:
        if not line.strip() or SEPARATOR.match(line):
            continue
        note = FOOTNOTE_LINE.match(line)
        if note:
            notes[note.group(1).translate(_SUP_TO_DIGIT)] = note.group(2).strip()
        else:
            paras.append(line.strip())
    return paras, notes


def take_tables(lines: list[str]) -> tuple[list[str], list[str]]:
    """Pull tab-separated tables (with the caption line just above) out of the text flow."""
    kept: list[str] = []
    tables: list[list[str]] = []
    previous_was_table = False
    for line in lines:
        if "\t" in line:
            if not previous_was_table:
                tables.append([])
                while kept and not kept[-1].strip():
                    kept.pop()
                if kept and not is_complete(kept[-1]) and not is_start(kept[-1].strip()):
                    tables[-1].append(kept.pop().strip())
            tables[-1].append(line.rstrip())
            previous_was_table = True
        else:
            kept.append(line)
            previous_was_table = previous_was_table and not line.strip()
    return kept, ["\n".join(t) for t in tables]


def join_page_breaks(paras: list[str]) -> tuple[list[str], int]:
    """Re-join paragraphs that a page break split: an unfinished block runs on into the next.

    Only inside a unit's text (after its first acting-body line): headings before it end
    without punctuation by nature.
    """
    out: list[_Growing] = []
    joins = 0
    in_body = False
    for para in paras:
        if ACTING_LINE.match(para) and out:  # the first line is the masthead ("大会")
            in_body = True
        elif UNIT_LABEL.match(para) or SECTION_LINE.match(para) or AGENDA.search(para):
            in_body = False  # a unit label, report section or agenda: headings and lists follow
        if (in_body and out and not is_start(para) and not is_complete(out[-1].tail())
                and not _is_acting_line(out[-1])):
            out[-1].join(para)
            joins += 1
        else:
            out.append(_Growing(para))
    return [str(p) for p in out], joins


def _is_acting_line(text: _Growing) -> bool:
    """Whether the block is an acting-body line ("大会，"): always a short one."""
    return text.size <= 64 and bool(ACTING_LINE.match(str(text)))


def detach_markers(text: str) -> Block:
    """Remove superscript footnote markers from the text, keeping the numbers they cite."""
    notes = [m.translate(_SUP_TO_DIGIT) for m in re.findall(rf"[{SUPERSCRIPTS}]+", text)]
    bare = MARKER.sub("", text)
    bare = re.sub(r"\s+([，。；：,;:])", r"\1", bare)
    # Spaces the extraction left between Chinese characters (often where a marker stood).
    bare = re.sub(r"(?<=[、，；：])[ \t]+", "", bare)
    bare = re.sub(r"(?<=[\u3001-\u303f\u4e00-\u9fff\uff0c\uff1b\uff1a》”])[ \t]+(?=[\u4e00-\u9fff《“])", "", bare)
    return Block(text=bare.strip(), notes=notes)


def clean(raw: RawDocument) -> CleanDocument:
    """Repair one decoded document into blocks, footnotes and tables."""
    text = strip_markdown(raw.text)
    lines = text.split("\n")
    page_symbols = [m.group(1) for ln in lines if (m := PAGE_SYMBOL.match(ln))]
    lines = [ln for ln in lines if not _is_furniture(ln) and not PAGE_SYMBOL.match(ln)]
    lines, tables = take_tables(lines)
    if raw.layout == "wrapped":
        paras, notes = unwrap(lines)
    else:
        paras, notes = split_lines(lines)
    paras, joins = join_page_breaks(paras)
    blocks = [detach_markers(p) for p in paras]
    return CleanDocument(
        raw=raw,
        blocks=[b for b in blocks if b.text],
        footnotes=notes,
        tables=tables,
        page_symbols=page_symbols,
        joins=joins,
    )
