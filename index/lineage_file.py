"""The lineage file written beside the index: paragraph links and unit relations.

``links.json`` holds ``{"version", "paragraphs": {id: [link, …]}, "units": {id: relations},
"cited_by": {unit id: [paragraph id, …]}}`` with each link ``{"id", "unit", "relation", "score"}`` as index.link made it. Only
paragraphs and units with something to say are listed.
"""

from __future__ import annotations

import json
from pathlib import Path

from index.model import Document
from search.store.schema import LINKS_FILE

LINKS_VERSION = 1


def lineage_data(documents: list[Document]) -> dict:
    """The JSON-ready lineage of ``documents`` (after index.link.link)."""
    paragraphs, units, cited = {}, {}, {}
    for doc in documents:
        for unit in doc.units:
            if unit.relations:
                units[unit.id] = unit.relations
            if unit.cited_by:
                cited[unit.id] = unit.cited_by
            for para in unit.paragraphs:
                if para.links:
                    paragraphs[para.id] = para.links
    return {"version": LINKS_VERSION, "paragraphs": paragraphs, "units": units, "cited_by": cited}


def write_links(documents: list[Document], directory: Path) -> None:
    """Write ``links.json`` into the index directory being built."""
    data = lineage_data(documents)
    (Path(directory) / LINKS_FILE).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
