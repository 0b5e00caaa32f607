"""Exports of the current results, every page up to a cap, as CSV (Excel-friendly) or JSON.

Both are streamed a page at a time: an export of thousands of rows never sits in memory whole.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import quote

from flask import Response, current_app, stream_with_context

from web.data import absolute, cite_results
from web.params import SearchState

LABELLED = ("verb", "themes", "body", "session")  # keys, each followed by its two labels
COLUMNS = ("id", "url", "citation_en", "citation_zh", "symbol", "unit", "unit_title", "kind",
           "number", "sub", "lang", *(f"{name}{suffix}" for name in LABELLED for suffix in ("", "_en", "_zh")),
           "year", "date", "text", "search")
_UNSAFE_NAME = re.compile(r"[^\w.-]+")
PAGE = 100  # rows fetched from the engine per call
FORMULA_START = ("=", "+", "-", "@")


def export_pages(engine, state: SearchState, limit: int) -> tuple[int, Iterator[list[dict]]]:
    """The full total of ``state`` and its results page by page, at most ``limit`` in all.

    The first page is fetched now, so that a bad query is an error response rather than a
    broken download; the others as the response is sent, one page in memory at a time.
    """
    first = engine.search(state.q, state.engine_filters(), 1, PAGE, state.engine_sort)

    def pages() -> Iterator[list[dict]]:
        result, page, sent = first, 1, 0
        while result["results"] and sent < limit:
            rows = result["results"][: limit - sent]
            cite_results(engine, rows)
            sent += len(rows)
            yield rows
            if page * PAGE >= result["total"]:
                break
            page += 1
            result = engine.search(state.q, state.engine_filters(), page, PAGE, state.engine_sort)

    return first["total"], pages()


def export_rows(engine, state: SearchState, limit: int) -> tuple[list[dict], int]:
    """The results of `state` across pages, at most `limit` of them, and the full total."""
    total, pages = export_pages(engine, state, limit)
    return [row for rows in pages for row in rows], total


def flat_row(result: dict, source: str = "") -> dict:
    """One result as a flat record of plain strings: each facet's keys, then its labels in
    English and Chinese; the permalink absolute; `source` the search it came from."""
    row = {name: result.get(name) or "" for name in COLUMNS}
    row.update(url=absolute(result["url"]), citation_en=result["citation"]["en"],
               citation_zh=result["citation"]["zh"], search=source)
    for name in LABELLED:
        values = (result.get(name) or []) if name == "themes" else [result.get(name) or {}]
        for suffix, field in (("", "key"), ("_en", "en"), ("_zh", "zh")):
            row[name + suffix] = ";".join(v.get(field, "") for v in values if v.get("key"))
    return row


def export_name(state: SearchState, extension: str) -> str:
    """A file name that says which search it holds: concord-洗钱-kind-op.csv."""
    parts = [state.q] + [f"{name}-{value}" for name, values in state.filters.items() for value in values]
    name = _UNSAFE_NAME.sub("_", "-".join(p for p in parts if p)).strip("_-")[:80]
    return f"concord-{name or 'all'}.{extension}"


def _disposition(filename: str) -> str:
    """An attachment header with an ASCII fallback and the UTF-8 name (RFC 6266)."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_")
    return f'attachment; filename="{fallback}"; filename*=UTF-8\'\'{quote(filename)}'


def _cell(value) -> str:
    """A CSV cell; one that a spreadsheet would run as a formula is quoted with a leading '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def export_csv(engine, state: SearchState) -> Response:
    """The results as CSV, streamed: a header row, UTF-8 with a BOM so Excel reads the Chinese."""
    _, pages = export_pages(engine, _all(state), current_app.config["EXPORT_LIMIT"])
    source = absolute(state.url("/", with_page=False))

    def lines() -> Iterator[bytes]:
        yield "\ufeff".encode("utf-8") + _csv_text(None, source).encode("utf-8")
        for rows in pages:
            yield _csv_text(rows, source).encode("utf-8")

    return Response(stream_with_context(lines()), mimetype="text/csv",
                    headers={"Content-Disposition": _disposition(export_name(state, "csv"))})


def _csv_text(rows: list[dict] | None, source: str) -> str:
    """CSV lines of ``rows``, or the header line when None."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    if rows is None:
        writer.writeheader()
    else:
        writer.writerows({k: _cell(v) for k, v in flat_row(row, source).items()} for row in rows)
    return buffer.getvalue()


def export_json(engine, state: SearchState) -> Response:
    """The results as JSON, streamed: the query, the total, and every exported row."""
    limit = current_app.config["EXPORT_LIMIT"]
    total, pages = export_pages(engine, _all(state), limit)
    head = {"query": state.q, "filters": state.engine_filters(), "sort": state.sort,
            "source": absolute(state.url("/", with_page=False)),
            "total": total, "exported": min(total, limit), "limit": limit}

    def chunks() -> Iterator[str]:
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "results": ['
        first = True
        for rows in pages:
            for row in rows:
                row["url"] = absolute(row["url"])
                yield ("" if first else ", ") + json.dumps(row, ensure_ascii=False)
                first = False
        yield "]}"

    return Response(stream_with_context(chunks()), mimetype="application/json",
                    headers={"Content-Disposition": _disposition(export_name(state, "json"))})


def _all(state: SearchState) -> SearchState:
    # Exports ignore the page the user was on: they hold every page.
    return replace(state, page=1)
