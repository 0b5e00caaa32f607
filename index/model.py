"""Plain data passed between the ingestion stages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Footnote:
    """A footnote as printed: its marker number and its text."""

    number: str
    text: str


@dataclass
class Verb:
    """The operative (or preambular) lead verb of a paragraph."""

    key: str  # canonical key, e.g. "urges"
    lead: str  # the words as printed, modifiers included, e.g. "再次请"


@dataclass
class Paragraph:
    """One paragraph: the unit of search."""

    id: str  # "A-RES-71-209/op12", "A-RES-71-209/op9a"
    kind: str  # "pp" | "op"
    number: str  # "12", "a" (lettered operative paragraphs of decisions)
    sub: str | None  # "a", "b", "一" … for sub-paragraphs, else None
    text: str
    lang: str = "zh"
    order: int = 0  # position within the unit, 0-based
    footnotes: list[Footnote] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)  # "70/174", "2016/16", "20/1"
    cite_units: dict[str, str] = field(default_factory=dict)  # cited number → unit id in the corpus
    verb: Verb | None = None
    themes: list[str] = field(default_factory=list)
    # Filled by index.link: the same language elsewhere, and new/edited/unchanged
    # against the previous version of its unit.
    links: list[dict] = field(default_factory=list)  # {"id", "unit", "relation", "score"}
    change: str | None = None

    @property
    def anchor(self) -> str:
        """The part of the id after the unit: "op12", "pp5", "op9a"."""
        return self.id.rsplit("/", 1)[-1]


@dataclass
class Unit:
    """One resolution, decision or draft inside a document."""

    id: str  # "A-RES-71-209", "E-CN.15-2011-20/dr-ga-3"-like readable id
    label: str  # as printed: "决议草案二", "第 20/3 号决议", "71/209"
    title: str
    symbol: str | None  # "A/RES/71/209" when known
    acting_body: str  # "大会", "经济及社会理事会", "预防犯罪和刑事司法委员会"
    status: str  # "adopted" | "draft"
    body: str = "ga"  # facet key of the body whose text this is: "ga", "c3", "ecosoc", "ccpcj"
    date: str | None = None  # ISO date of adoption, when printed
    kind: str = "resolution"  # "resolution" | "decision"
    paragraphs: list[Paragraph] = field(default_factory=list)
    # Filled by index.link: "adopted_as", "draft_of", "earlier_version", "later_version",
    # "translation_of" → [{"unit": id, "source": "text" | "manifest"}]
    relations: dict[str, list[dict]] = field(default_factory=dict)
    cited_by: list[str] = field(default_factory=list)  # ids of paragraphs elsewhere citing it


@dataclass
class Document:
    """One source file and what is known about it."""

    path: str
    name: str  # file name
    lang: str = "zh"
    encoding: str = "utf-8"
    layout: str = "paged"  # "paged" | "wrapped" | "markdown"
    symbol: str | None = None
    body: str | None = None  # facet key: "ga", "c3", "ecosoc", "ccpcj"
    session: str | None = None  # facet key: "ga-71", "ccpcj-20"
    year: int | None = None
    date: str | None = None  # ISO date
    agenda_item: str | None = None
    title: str | None = None
    status: str = "adopted"  # "adopted" | "draft" | "report"
    from_manifest: list[str] = field(default_factory=list)  # fields the text did not print
    units: list[Unit] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # what the build should say (not problems)

    def to_dict(self) -> dict:
        """The document as JSON-ready data (the `concord parse --json` shape)."""
        meta = asdict(self)
        units = meta.pop("units")
        meta.pop("tables")
        return {"document": meta, "units": units}
