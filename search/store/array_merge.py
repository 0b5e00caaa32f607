"""Join the array parts of a build's batches into the layout of :mod:`search.store.arrays`.

A build writes its documents in batches, each by one worker: one Whoosh segment and one
*part*, the arrays :meth:`ArrayBuilder.save` writes for the batch's documents alone (docnums
from 0). Batches are consecutive runs of docnums, so the whole corpus's arrays follow from
the parts without any token being read twice into memory:

- term and key tables are the sorted union of the parts' (every part's table is sorted,
  so each part's rows map to ascending global rows);
- a term's postings are its postings in each part, in part order, docnums shifted by the
  part's first docnum: written through memory-mapped outputs, one part at a time, so
  memory is bounded by the largest part, not by the corpus;
- per-document columns are the parts' columns one after the other.

The files are byte for byte those one :class:`ArrayBuilder` of every document writes
(``tests/test_batches.py`` compares them on the real corpus).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from search.store.array_writer import committed_live, write_derived, write_meta
from search.store.spelled import write_tables
from search.store.arrays import (ARRAYS_DIR, KEYWORDS, META_FILE, MULTI, NUMBERS,
                                 TEXT_FIELDS, Strings, load, save_table)

PARTS_META = "part.json"  # in each part: its documents and field lengths


def write_part_meta(directory: Path, count: int, lengths: dict[str, int]) -> None:
    """Record a part's document count and text field lengths beside its arrays."""
    (Path(directory) / PARTS_META).write_text(json.dumps({"documents": count, "lengths": lengths}),
                                              encoding="utf-8")


def merge_parts(parts: list[Path], index_dir: Path) -> int:
    """Write the arrays of the committed index in ``index_dir`` from its batches' ``parts``
    (in docnum order); return the documents."""
    directory = Path(index_dir) / ARRAYS_DIR
    directory.mkdir(exist_ok=True)
    metas = [json.loads((Path(p) / PARTS_META).read_text(encoding="utf-8")) for p in parts]
    counts = [meta["documents"] for meta in metas]
    bases = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)]).astype(np.int64)
    total = int(bases[-1])
    lengths = {}
    for name in TEXT_FIELDS:
        _merge_text(parts, bases, name, directory)
        lengths[name] = sum(meta["lengths"][name] for meta in metas)
        write_derived(directory, name, total, lengths[name])  # from the joined postings
    for name in KEYWORDS:
        _merge_keyword(parts, bases, name, directory, multi=name in MULTI)
    for name in NUMBERS:
        _concatenate(parts, name, directory, np.int32)
    ids = _merge_ids(parts, directory)
    np.save(directory / "live.npy", committed_live(index_dir, ids))
    raw = _rows(ids)
    order = sorted(range(total), key=raw.__getitem__)
    np.save(directory / "ids_sorted.npy", np.array(order, dtype=np.int32))
    write_tables(directory, total, lengths)
    write_meta(directory, total, lengths)
    return total


def _rows(table: Strings) -> list[bytes]:
    """Every row of a string table as bytes."""
    data, offsets = table.data.tobytes(), table.offsets.tolist()
    return [data[a:b] for a, b in zip(offsets, offsets[1:])]


def _union(parts: list[Path], name: str) -> tuple[list[bytes], list[np.ndarray]]:
    """The sorted union of the parts' tables ``name``, and each part's row → union row."""
    tables = [_rows(Strings(part, name)) for part in parts]
    merged = sorted(set().union(*tables))
    row = {value: n for n, value in enumerate(merged)}
    return merged, [np.array([row[v] for v in table], dtype=np.int64) for table in tables]


def _output(directory: Path, name: str, dtype, shape) -> np.ndarray:
    """A new ``.npy`` file to fill in place (an empty one is an array saved at the end)."""
    if int(np.prod(shape)) == 0:
        return np.zeros(shape, dtype=dtype)
    return np.lib.format.open_memmap(directory / f"{name}.npy", mode="w+", dtype=dtype, shape=shape)


def _close(directory: Path, name: str, array: np.ndarray) -> None:
    """Flush a filled output (or save an empty one)."""
    if isinstance(array, np.memmap):
        array.flush()
        del array
    else:
        np.save(directory / f"{name}.npy", array)


def _merge_text(parts: list[Path], bases: np.ndarray, name: str, directory: Path) -> None:
    """One text field's terms, postings and occurrences from every part."""
    terms, maps = _union(parts, f"{name}.terms")
    save_table(directory, f"{name}.terms", terms)
    df = np.zeros(len(terms), dtype=np.int64)
    for part, rows in zip(parts, maps):
        df[rows] += np.diff(load(part, f"{name}.post_start"))
    post_start = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)
    np.save(directory / f"{name}.post_start.npy", post_start)
    postings = int(post_start[-1])
    post_doc = _output(directory, f"{name}.post_doc", np.int32, (postings,))
    post_tf = _output(directory, f"{name}.post_tf", np.int32, (postings,))
    for n, (part, where) in enumerate(_targets(parts, maps, post_start, name)):
        post_doc[where] = load(part, f"{name}.post_doc") + np.int32(bases[n])
        post_tf[where] = load(part, f"{name}.post_tf")
    _close(directory, f"{name}.post_doc", post_doc)
    pos_start = _output(directory, f"{name}.pos_start", np.int64, (postings + 1,))
    pos_start[0] = 0
    np.cumsum(post_tf, out=pos_start[1:])
    _close(directory, f"{name}.post_tf", post_tf)
    # Each posting's occurrences follow it: the same targets, computed again (keeping
    # them would hold an integer per posting of the corpus).
    occurrences = int(pos_start[-1])
    pos = _output(directory, f"{name}.pos", np.int32, (occurrences,))
    chars = _output(directory, f"{name}.chars", np.int32, (occurrences, 2))
    for part, where in _targets(parts, maps, post_start, name):
        local = load(part, f"{name}.pos_start")
        spots = np.repeat(pos_start[where] - local[:-1], np.diff(local)) + np.arange(local[-1])
        pos[spots] = load(part, f"{name}.pos")
        chars[spots] = load(part, f"{name}.chars")
    _close(directory, f"{name}.pos_start", pos_start)
    _close(directory, f"{name}.pos", pos)
    _close(directory, f"{name}.chars", chars)
    _concatenate(parts, f"{name}.length_byte", directory, np.uint8)


def _targets(parts: list[Path], maps: list[np.ndarray], post_start: np.ndarray, name: str):
    """(part, the merged posting row of each of its postings), part after part: a term's
    postings are those of the first part holding it, then the next one's, and so on."""
    cursor = post_start[:-1].copy()
    for part, rows in zip(parts, maps):
        local = load(part, f"{name}.post_start")
        counts = np.diff(local)
        yield part, np.repeat(cursor[rows] - local[:-1], counts) + np.arange(local[-1])
        cursor[rows] += counts


def _merge_keyword(parts: list[Path], bases: np.ndarray, name: str, directory: Path,
                   multi: bool) -> None:
    """One keyword column: the union of keys, each part's ordinals mapped onto it."""
    keys, maps = _union(parts, f"{name}.keys")
    save_table(directory, f"{name}.keys", keys)
    if not multi:
        ords = []
        for part, rows in zip(parts, maps):
            local = load(part, f"{name}.ord")
            mapped = np.full(len(local), -1, dtype=np.int32)
            mapped[local >= 0] = rows[local[local >= 0]]
            ords.append(mapped)
        np.save(directory / f"{name}.ord.npy", _joined(ords, np.int32))
        return
    counts = _joined([np.diff(load(part, f"{name}.off")) for part in parts], np.int64)
    values = _joined([rows[load(part, f"{name}.val")] for part, rows in zip(parts, maps)], np.int32)
    owners = _joined([load(part, f"{name}.owner") + np.int32(bases[n]) for n, part in enumerate(parts)],
                     np.int32)
    np.save(directory / f"{name}.off.npy", np.concatenate([[0], np.cumsum(counts)]))
    np.save(directory / f"{name}.val.npy", values)
    np.save(directory / f"{name}.owner.npy", owners)


def _joined(arrays: list[np.ndarray], dtype) -> np.ndarray:
    """The arrays one after the other, as ``dtype``."""
    return np.concatenate(arrays).astype(dtype) if arrays else np.zeros(0, dtype=dtype)


def _concatenate(parts: list[Path], name: str, directory: Path, dtype) -> None:
    """A per-document column: the parts' one after the other."""
    np.save(directory / f"{name}.npy", _joined([load(part, name) for part in parts], dtype))


def _merge_ids(parts: list[Path], directory: Path) -> Strings:
    """The ids table of every part in order; returned opened."""
    offsets, data, base = [np.zeros(1, dtype=np.int64)], [], 0
    for part in parts:
        table = Strings(part, "ids")
        offsets.append(table.offsets[1:] + base)
        data.append(np.asarray(table.data))
        base += int(table.offsets[-1])
    np.save(directory / "ids.off.npy", np.concatenate(offsets).astype(np.int64))
    np.save(directory / "ids.utf8.npy", _joined(data, np.uint8))
    return Strings(directory, "ids")
