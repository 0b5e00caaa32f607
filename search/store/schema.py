"""The Whoosh schema of the paragraph index and the names of its facets.

Whoosh pickles the schema (analyzers included) into the index, so the analyzers
come from :mod:`search.analysis`, whose classes live at stable import paths.
"""

from __future__ import annotations

from whoosh import fields

# Facets shown in the interface, in display order; "unit" filters but is not counted.
FACETS: tuple[str, ...] = ("theme", "verb", "session", "body", "kind", "lang", "change")
FILTER_FIELDS: tuple[str, ...] = FACETS + ("unit",)

# The recall field matches bigrams of any Chinese word; weigh it below the word field
# so that a paragraph holding the exact word ranks above one that only shares pieces.
BIGRAM_BOOST = 0.4

# Bumped whenever fields change: an index written with another layout must be rebuilt.
# 5: the arrays gained each occurrence's place key and each posting's score (layout 2).
# 6: the bigram field's forward index (layout 3).
SCHEMA_VERSION = "6"
# Written beside the segments: unit records (the unit view) and the build stamp.
UNITS_FILE = "units.json"
LINKS_FILE = "links.json"  # lineage: paragraph links and unit relations (index.lineage_file)
STAMP_FILE = "stamp.json"


def build_schema() -> fields.Schema:
    """Return a fresh schema for the paragraph index.

    Both text fields keep character offsets in their postings: highlighting reads them
    instead of re-analysing each result.
    """
    from search.analysis import bigram_analyzer, text_analyzer
    from search.store.preanalysed import AnalysedText  # takes the build's worker postings

    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        unit=fields.ID(stored=True),
        symbol=fields.ID(stored=True),
        kind=fields.ID(stored=True),
        number=fields.STORED(),
        sub=fields.STORED(),
        anchor=fields.STORED(),
        lang=fields.ID(stored=True),
        session=fields.ID(stored=True),
        body=fields.ID(stored=True),
        verb=fields.ID(stored=True),
        verb_lead=fields.STORED(),
        theme=fields.KEYWORD(stored=True, commas=True, scorable=False),
        change=fields.ID(stored=True),  # new | edited | unchanged against the previous version
        year=fields.NUMERIC(stored=True, sortable=True),
        date=fields.ID(stored=True, sortable=True),
        doc_order=fields.NUMERIC(stored=True, sortable=True),
        order=fields.STORED(),
        footnotes=fields.STORED(),
        cites=fields.KEYWORD(stored=True, commas=True, scorable=False),
        cite_units=fields.STORED(),
        text=AnalysedText(analyzer=text_analyzer(), stored=True, phrase=True, chars=True),
        text_bigram=AnalysedText(
            analyzer=bigram_analyzer(), stored=False, phrase=True, chars=True,
            field_boost=BIGRAM_BOOST,
        ),
    )
