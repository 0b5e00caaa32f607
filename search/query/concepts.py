"""How the clauses of a query combine: every concept required, or most of them.

A query of several concepts (plain words or glossary terms, each clause one concept,
``a OR b`` one clause) finds the paragraphs holding at least :func:`minimum` of them:
the engine ranks those with every concept first, then those with most of them, heavier
(rarer) concepts before lighter ones (``search.engine.execution``), and each partial
hit says which concepts it lacks. A paragraph holding fewer than half the concepts is
about something else, hence half, rounded up: with two concepts either one alone still
answers half the question, and full matches always come first.

What the user marks as exact stays exact: a query holding a "quoted phrase" or a typed
``AND`` requires every clause (so does one of more than :data:`MAX_CONCEPTS` clauses,
pasted text rather than concepts), and exclusions always exclude.
"""

from __future__ import annotations

from search.query import form as F
from search.query.parsed import Item, clause_name

MAX_CONCEPTS = 8  # more clauses than this are all required (and no combination explodes)


def minimum(count: int) -> int:
    """How many of ``count`` concepts a paragraph must hold to be a (partial) hit."""
    return (count + 1) // 2


def partial(clauses: list[list[Item]], strict: bool = False) -> bool:
    """True when the clauses may match in part (several plain concepts, none exact)."""
    return not strict and 2 <= len(clauses) <= MAX_CONCEPTS and not any(
        item.exact for clause in clauses for item in clause)


def concept_names(clauses: list[list[Item]], strict: bool = False) -> list[tuple[str, str]]:
    """The (en, zh) name of each concept of a partial query; empty when all are required."""
    return [clause_name(clause) for clause in clauses] if partial(clauses, strict) else []


def combine(clauses: list[list[Item]], excluded: list[Item],
            boost: F.Node | None = None, strict: bool = False) -> F.Node:
    """The clauses as one node (all of them, or at least :func:`minimum`), exclusions
    subtracted and ``boost`` (the whole query as a phrase) added where it also matches."""
    parts = [F.any_of([item.query for item in clause]) for clause in clauses]
    if partial(clauses, strict):
        names = tuple(" OR ".join(item.shown for item in clause) for clause in clauses)
        query: F.Node = F.AtLeast(tuple(parts), minimum(len(parts)), names)
    else:
        query = F.all_of(parts)
    if excluded:
        query = F.Without(query, F.any_of([item.query for item in excluded]))
    return F.Maybe(query, boost) if boost is not None else query
