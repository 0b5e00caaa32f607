"""Everything a search runs against the open index: the engine and what it returns.

``core`` opens the index and runs parsed queries; ``catalogue`` and ``records`` hold and
shape what is stored; ``highlight``, ``suggest`` and ``rewrite`` work on one query's hits.
"""

from search.engine.core import Engine
from search.errors import IndexMismatch, IndexMissing, QueryError

__all__ = ["Engine", "QueryError", "IndexMismatch", "IndexMissing"]
