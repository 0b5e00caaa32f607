"""Stage 3 — structure: cleaned blocks → document metadata → units → paragraphs.

A document holds one or more units (resolutions, decisions, drafts). A unit has a heading
(label, title), an acting-body line ("大会，"), preambular paragraphs, then numbered operative
paragraphs with lettered sub-paragraphs. A decision's operative part may be lettered
((a)–(f)); then the letters number its operative paragraphs and anything nested under a
letter stays with it. A report's own numbered paragraphs end the unit before them.
"""

from __future__ import annotations

import re

from index.clean import ACTING_BODIES, AGENDA, CN_NUM, SECTION_LINE, UNIT_LABEL, Block, CleanDocument
from index.model import Document, Footnote, Paragraph, Unit

ACTING = re.compile(r"^(" + "|".join(ACTING_BODIES) + r")\s*(?:[，,：:]\s*(.*))?$")
GA_TITLE = re.compile(r"^(?P<sym>\d+/\d+)\.\s*(?P<title>.+)$")
NUMBERED = re.compile(r"^(?P<n>\d{1,3})\s*\.\s*(?P<text>\S.*)$")
LETTERED = re.compile(r"^[-–]?\s*[(（]\s*(?P<s>[a-z])\s*[)）]\s*(?P<text>.*)$")
NESTED = re.compile(rf"^[-–]?\s*(?:[(（]\s*[{CN_NUM}]+\s*[)）]|[a-z]\.\s|[-–]\s)")
CLOSING = re.compile(r"^(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|第\s*\d+\s*次全体会议|\d{1,2} \w+ \d{4}|\d+(?:st|nd|rd|th) plenary meeting)\s*\.?$")
REPORT_PARA = re.compile(r"委员会建议|提请经济及社会理事会注意|Commission .*recommends")
BODY_NAMES = {"ga": "大会", "ecosoc": "经济及社会理事会", "ccpcj": "预防犯罪和刑事司法委员会", "c3": "大会"}
CN_DIGITS = {ch: i + 1 for i, ch in enumerate(CN_NUM)}


def cn_to_int(text: str) -> int:
    """Chinese numerals up to 99: 七十一 → 71, 二十 → 20, 十二 → 12."""
    if "十" not in text:
        return CN_DIGITS.get(text, 0)
    tens, _, ones = text.partition("十")
    return (CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (CN_DIGITS.get(ones, 0) if ones else 0)


def _is_sentence(text: str) -> bool:
    """A line that reads as running text (ends like a clause), not as a heading."""
    return text.rstrip().endswith(("：", "，", ":", ",", "；", "。"))


def _roman(n: int) -> str:
    return ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][n] if n <= 10 else str(n)


def symbol_id(symbol: str) -> str:
    """A readable, URL-safe id from a UN symbol: A/RES/71/209 → A-RES-71-209."""
    return symbol.replace("/", "-").replace(" ", "")


class _Builder:
    """Walks a document's blocks once, opening units and filing paragraphs into them."""

    def __init__(self, doc: Document, footnotes: dict[str, str]):
        self.doc = doc
        self.footnotes = footnotes
        self.unit: Unit | None = None
        self.state = "head"  # head | title | pre | op | end | annex
        self.section_body: str | None = None
        self.header: list[str] = []
        self.pending_title: list[str] = []
        self.lettered = False
        self.pp = 0
        self.current_op: Paragraph | None = None

    # -- units -------------------------------------------------------------------------
    def open_unit(self, label: str, kind: str, symbol: str | None = None, title: str = "") -> None:
        self.unit = Unit(id="", label=label, title=title, symbol=symbol, acting_body="",
                         status="adopted" if self.doc.status == "adopted" else "draft",
                         body=self.section_body or self.doc.body or "ga", kind=kind)
        self.doc.units.append(self.unit)
        self.lettered = kind == "decision"
        self.pp = 0
        self.current_op = None
        self.state = "title"

    def close_unit(self) -> None:
        self.unit = None
        self.current_op = None
        self.state = "head"

    # -- paragraphs ----------------------------------------------------------------------
    def add(self, kind: str, number: str, sub: str | None, block: Block, text: str) -> Paragraph:
        para = Paragraph(id="", kind=kind, number=number, sub=sub, text=text.strip(),
                         lang=self.doc.lang, order=len(self.unit.paragraphs))
        para.footnotes = [Footnote(n, self.footnotes.get(n, "")) for n in block.notes]
        self.unit.paragraphs.append(para)
        return para

    def nest(self, block: Block) -> None:
        """Keep a nested item with its parent paragraph."""
        self.current_op.text += "\n" + block.text
        self.current_op.footnotes += [Footnote(n, self.footnotes.get(n, "")) for n in block.notes]

    # -- the walk ------------------------------------------------------------------------
    def feed(self, block: Block) -> None:
        text = block.text
        if m := UNIT_LABEL.match(text):
            self.label(m)
            return
        if m := SECTION_LINE.match(text):
            self.section(m.group("text"))
            return
        if self.state in ("head", "end") and (m := GA_TITLE.match(text)):
            self.open_unit(m.group("sym"), "resolution", title=m.group("title").strip())
            return
        if (m := ACTING.match(text)) and self.state in ("head", "title") and (self.header or self.unit):
            self.acting(m, block)
            return
        if self.state == "head":
            self.header.append(text)
        elif self.state == "title" and self.unit.title and (LETTERED.match(text) or _is_sentence(text)):
            self.state = "pre"  # no acting-body line: "在…第 10 次会议上，委员会铭记…："
            self.unit.acting_body = self.unit.acting_body or BODY_NAMES[self.unit.body]
            self.body(block)
        elif self.state == "title":
            self.unit.title = (self.unit.title + " " + text).strip() if self.unit.title else text
        elif self.state in ("pre", "op"):
            self.body(block)
        elif self.state == "annex" and self.unit is not None:
            self.doc.tables.append(text)

    def label(self, m: re.Match) -> None:
        if m.group("draft"):
            kind = "decision" if m.group("draft") == "决定草案" else "resolution"
            self.open_unit(m.group(0).strip(), kind)
        else:
            kind = "decision" if m.group("kind") == "决定" else "resolution"
            self.open_unit(m.group(0).strip(), kind, title="")
            self.unit.status = "adopted"

    def section(self, text: str) -> None:
        self.close_unit()
        if "大会" in text:
            self.section_body = "ga"
        elif "经济及社会理事会" in text and "注意" not in text:
            self.section_body = "ecosoc"
        else:
            self.section_body = "ccpcj"

    def acting(self, m: re.Match, block: Block) -> None:
        if self.unit is None:  # single-unit document: the heading lines are above
            read_header(self.doc, self.header)
            title = self.header[-1] if self.header else ""
            label = self.header[-2] if len(self.header) > 1 and "决议草案" in self.header[-2] else ""
            self.open_unit(label or title, "resolution", title=title)
        self.unit.acting_body = m.group(1)
        self.unit.body = "c3" if self.doc.body == "c3" else ACTING_BODIES[m.group(1)]
        self.state = "pre"
        rest = (m.group(2) or "").strip()
        if rest:  # the preamble starts on the acting-body line itself
            self.body(Block(rest, block.notes))

    def body(self, block: Block) -> None:
        text = block.text
        if CLOSING.match(text):
            self.closing(text)
            return
        if AGENDA.search(text) and self.lettered:
            self.state = "annex"
            self.doc.tables.append(text)
            return
        numbered = NUMBERED.match(text)
        if numbered and REPORT_PARA.search(text):
            self.close_unit()
            return
        lettered = LETTERED.match(text)
        if self.lettered and lettered:
            self.current_op = self.add("op", lettered.group("s"), None, block, lettered.group("text"))
            self.state = "op"
        elif self.lettered and self.current_op is not None:
            self.nest(block)
        elif numbered and not self.lettered:
            self.current_op = self.add("op", numbered.group("n"), None, block, numbered.group("text"))
            self.state = "op"
        elif lettered and self.current_op is not None:
            self.add("op", self.current_op.number, lettered.group("s"), block, lettered.group("text"))
        elif NESTED.match(text) and self.current_op is not None:
            self.nest(block)
        elif self.state == "pre":
            self.pp += 1
            self.add("pp", str(self.pp), None, block, text)
        # else: a sub-heading between operative paragraphs ("评价和监督"): not a paragraph

    def closing(self, text: str) -> None:
        if self.unit is not None:
            self.unit.date = iso_date(text) or self.unit.date
        self.state = "end"


EN_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90,
}
EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]


ZH_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
EN_DATE = re.compile(r"(\d{1,2}) ([A-Za-z]+) (\d{4})")


def iso_date(text: str) -> str | None:
    """The first date printed in Chinese or English (2016 年 12 月 19 日, 19 December 2016), ISO."""
    if m := ZH_DATE.search(text):
        return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    if (m := EN_DATE.search(text)) and m.group(2).lower() in MONTHS:
        return f"{m.group(3)}-{MONTHS.index(m.group(2).lower()) + 1:02d}-{int(m.group(1)):02d}"
    return None


def en_ordinal(text: str) -> int:
    """English ordinal words up to 99: "Seventy-first" → 71, "twentieth" → 20."""
    words = text.lower().split("-")
    if len(words) == 2:
        return EN_TENS.get(words[0], 0) + EN_ORDINALS.get(words[1], 0)
    return EN_ORDINALS.get(words[0], 0)


def _read_english_header(doc: Document, joined: str) -> None:
    if m := re.search(r"\b([A-Za-z]+(?:-[a-z]+)?) session\b", joined):
        doc.session = doc.session or (f"ga-{n}" if (n := en_ordinal(m.group(1))) else None)
    if m := re.search(r"Agenda item\s+(\d+)", joined, re.I):
        doc.agenda_item = doc.agenda_item or m.group(1)
    if m := re.search(r"adopted by the General Assembly on (.+)", joined):
        doc.date = doc.date or iso_date(m.group(1))
        doc.status, doc.body = "adopted", doc.body or "ga"


def _adoption_date(joined: str) -> str | None:
    """The text before "日大会决议" on its line ("2016年12月19日大会决议"), if any.

    Found with str.find: the regex "(.+日)大会决议" backtracks quadratically on a long line.
    """
    at = joined.find("日大会决议")
    if at < 0:
        return None
    start, end = joined.rfind("\n", 0, at) + 1, joined.find("\n", at)
    last = joined.rfind("日大会决议", start, end if end >= 0 else len(joined))
    return joined[start:last + 1] if last > start else None


def read_header(doc: Document, header: list[str]) -> None:
    """Take session, agenda item, date, body and status from the masthead lines."""
    joined = "\n".join(header)
    if doc.lang == "en":
        _read_english_header(doc, joined)
    if m := re.search(rf"第([{CN_NUM}]+)届会议", joined):
        doc.session = doc.session or f"ga-{cn_to_int(m.group(1))}"
    if m := re.search(r"议程项目\s*(\d+)", joined):
        doc.agenda_item = doc.agenda_item or m.group(1)
    if adopted := _adoption_date(joined):
        doc.date = doc.date or iso_date(adopted)
        doc.status, doc.body = "adopted", doc.body or "ga"
    if "第三委员会" in joined and "决议草案" in joined:
        doc.status, doc.body = "draft", doc.body or "c3"
    if doc.date and not doc.year:
        doc.year = int(doc.date[:4])


def assign_ids(doc: Document) -> None:
    """Give units and paragraphs stable readable ids derived from the text."""
    base = symbol_id(doc.symbol) if doc.symbol else re.sub(r"\W+", "-", doc.name.rsplit(".", 1)[0])
    counters: dict[str, int] = {}
    for unit in doc.units:
        if unit.symbol is None and len(doc.units) == 1 and doc.symbol:
            unit.symbol = doc.symbol
        if unit.symbol:
            uid = symbol_id(unit.symbol)
        else:
            m = UNIT_LABEL.match(unit.label)
            if m and m.group("sym"):
                kind = "RES" if m.group("kind") == "决议" else "DEC"
                uid = f"CCPCJ-{kind}-{m.group('sym').replace('/', '-')}"
            else:
                key = f"{unit.body}-{'decision' if unit.kind == 'decision' else 'draft'}"
                counters[key] = counters.get(key, 0) + 1
                uid = f"{base}-{key}-{_roman(counters[key])}"
        if doc.lang != "zh":
            uid += f".{doc.lang}"
        unit.id = uid
        for para in unit.paragraphs:
            para.id = f"{uid}/{para.kind}{para.number}{para.sub or ''}"


def structure(clean: CleanDocument, manifest: dict | None = None) -> Document:
    """Turn one cleaned document into a Document of units and paragraphs."""
    raw = clean.raw
    doc = Document(path=raw.path, name=raw.name, lang=raw.lang, encoding=raw.encoding, layout=raw.layout)
    for key, value in (manifest or {}).items():
        if hasattr(doc, key) and key not in ("units", "from_manifest"):
            setattr(doc, key, value)
            doc.from_manifest.append(key)
    builder = _Builder(doc, clean.footnotes)
    for block in clean.blocks:
        builder.feed(block)
    read_header(doc, builder.header)
    if not doc.symbol:
        if len(doc.units) == 1 and re.fullmatch(r"\d+/\d+", doc.units[0].label):
            doc.symbol = f"A/RES/{doc.units[0].label}"
        elif clean.page_symbols:
            doc.symbol = clean.page_symbols[0]
    if not doc.title and len(doc.units) == 1:
        doc.title = doc.units[0].title
    for unit in doc.units:
        if doc.status == "draft":
            unit.status = "draft"
        unit.date = unit.date or (doc.date if len(doc.units) == 1 else None)
    doc.tables = clean.tables + doc.tables
    assign_ids(doc)
    return doc
