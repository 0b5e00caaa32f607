"""The query mix of the latency benchmark: read and check bench/queries.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

QUERIES_FILE = Path(__file__).resolve().parent / "queries.toml"
CATEGORIES = ("simplified", "traditional", "english", "phrase", "filter", "syntax")
FACET_FILTERS = ("theme", "verb", "session", "body", "kind", "lang")
MIN_QUERIES = 20  # fewer than this and one slow query dominates the percentiles


class MixError(ValueError):
    """The query file is missing, malformed or too small (the message says where)."""


@dataclass(frozen=True)
class BenchQuery:
    """One query of the mix: what both systems are asked."""

    name: str
    category: str
    q: str
    filters: dict[str, list[str]] = field(default_factory=dict)


def load_mix(path: str | Path = QUERIES_FILE) -> list[BenchQuery]:
    """The checked queries of ``path``, in file order; MixError when unusable."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise MixError(f"{path}: cannot read the query mix ({error})") from error
    entries = data.get("query")
    if not isinstance(entries, list):
        raise MixError(f"{path}: expected [[query]] tables")
    queries = [_query(path, n, entry) for n, entry in enumerate(entries, 1)]
    names = [query.name for query in queries]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise MixError(f"{path}: duplicate query names: {', '.join(duplicates)}")
    if len(queries) < MIN_QUERIES:
        raise MixError(f"{path}: {len(queries)} queries; the mix needs at least {MIN_QUERIES}")
    return queries


def _query(path: Path, n: int, entry) -> BenchQuery:
    """One [[query]] table as a BenchQuery, or MixError naming the entry."""
    where = f"{path.name}: query {n}"
    if not isinstance(entry, dict):
        raise MixError(f"{where}: not a table")
    unknown = set(entry) - {"name", "category", "q", "filters"}
    if unknown:
        raise MixError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    name, category, q = entry.get("name"), entry.get("category"), entry.get("q")
    if not isinstance(name, str) or not name:
        raise MixError(f"{where}: needs a non-empty name")
    if category not in CATEGORIES:
        raise MixError(f"{where} ({name}): category must be one of {', '.join(CATEGORIES)}")
    if not isinstance(q, str):
        raise MixError(f"{where} ({name}): q must be a string")
    return BenchQuery(name, category, q, _filters(f"{where} ({name})", entry.get("filters", {})))


def _filters(where: str, filters) -> dict[str, list[str]]:
    """Checked {facet: [values]}: known facets, non-empty lists of strings."""
    if not isinstance(filters, dict):
        raise MixError(f"{where}: filters must be a table")
    checked = {}
    for facet, values in filters.items():
        if facet not in FACET_FILTERS:
            raise MixError(f"{where}: unknown filter facet {facet!r}")
        if not isinstance(values, list) or not values or not all(
                isinstance(v, str) and v for v in values):
            raise MixError(f"{where}: filter {facet!r} needs a list of non-empty strings")
        checked[facet] = list(values)
    return checked
