"""Everything between what the user typed and a query an executor runs.

``syntax`` splits the text into tokens, ``build`` turns tokens into items and clauses
(expanded across languages and scripts through ``sources``), ``parsed`` holds the result,
``relax`` loosens it when nothing matches and ``reading`` says how it was read.
"""

from search.query.build import concept_item, parse
from search.query.parsed import Item, ParsedQuery

__all__ = ["parse", "concept_item", "Item", "ParsedQuery"]
