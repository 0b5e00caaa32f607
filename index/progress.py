"""Progress of a build, one phase at a time: a bar per phase on a terminal, one line otherwise.

Every build phase (parsing, segmentation, writing, arrays, linking, commit) reports the
same way::

    phases = Phases.for_stream(sys.stderr)          # tqdm bars when stderr is a terminal
    with phases.phase("segmentation", total=n, unit="paragraphs") as bar:
        for chunk in chunks:
            ...
            bar.advance(len(chunk))
    print(phases.summary())                          # one line: counts, seconds, rates

``Phases()`` with no stream only records (what a library caller or the bench wants: the
timings are in ``phases.records``). A phase that raises is still recorded, marked failed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO


@dataclass
class PhaseRecord:
    """What one phase did: its name, the count it advanced by, its unit, its wall time."""

    name: str
    unit: str
    total: int | None
    done: int = 0
    seconds: float = 0.0
    failed: bool = False

    @property
    def rate(self) -> float | None:
        """Items per second, or None when nothing was counted or no time passed."""
        if not self.done or self.seconds <= 0:
            return None
        return self.done / self.seconds

    def describe(self) -> str:
        """``segmentation 802 paragraphs in 1.2 s (650/s)``."""
        text = f"{self.name} {self.done:,} {self.unit} in {self.seconds:.1f} s"
        if self.rate is not None:
            text += f" ({_rate(self.rate)}/s)"
        return text + (" FAILED" if self.failed else "")


def _rate(rate: float) -> str:
    """A rate readable at a glance: 0.4, 12, 650, 12,300."""
    return f"{rate:.1f}" if rate < 10 else f"{rate:,.0f}"


class Bar:
    """The handle a phase hands its body: ``advance`` by what was just done."""

    def __init__(self, record: PhaseRecord, bar=None) -> None:
        self.record = record
        self._bar = bar

    def advance(self, k: int = 1) -> None:
        """Count ``k`` more items done."""
        self.record.done += k
        if self._bar is not None:
            self._bar.update(k)

    def set_total(self, total: int) -> None:
        """Name the total once it is known (after a phase has begun)."""
        self.record.total = total
        if self._bar is not None:
            self._bar.total = total
            self._bar.refresh()


@dataclass
class WorkerUsage:
    """What a build's workers spent: batches written, CPU seconds, the largest peak RSS."""

    batches: int = 0
    cpu: float = 0.0
    peak_rss_kib: int = 0

    def add(self, cpu: float, peak_rss_kib: int) -> None:
        """Count one batch's CPU and its worker's peak resident memory."""
        self.batches += 1
        self.cpu += cpu
        self.peak_rss_kib = max(self.peak_rss_kib, peak_rss_kib)


class Phases:
    """The phases of one build; bars on a terminal stream, records always."""

    def __init__(self, stream: IO[str] | None = None, bars: bool | None = None) -> None:
        self.stream = stream
        self.bars = bool(bars if bars is not None else (stream is not None and _isatty(stream)))
        self.records: list[PhaseRecord] = []
        self.workers = WorkerUsage()  # the batch writers' (index/batch.py), for the bench
        self._began = time.perf_counter()

    @classmethod
    def for_stream(cls, stream: IO[str]) -> Phases:
        """Bars when ``stream`` is a terminal; otherwise silent until ``summary()``."""
        return cls(stream)

    @contextmanager
    def phase(self, name: str, total: int | None = None, unit: str = "items") -> Iterator[Bar]:
        """Time one phase; the body advances the returned Bar."""
        record = PhaseRecord(name, unit, total)
        self.records.append(record)
        bar = self._tqdm(record) if self.bars else None
        started = time.perf_counter()
        try:
            yield Bar(record, bar)
        except BaseException:
            record.failed = True
            raise
        finally:
            record.seconds = time.perf_counter() - started
            if bar is not None:
                bar.close()

    def _tqdm(self, record: PhaseRecord):
        """A tqdm bar for one phase (imported late: non-terminal builds never need it)."""
        from tqdm import tqdm

        return tqdm(total=record.total, desc=record.name, unit=f" {record.unit}",
                    file=self.stream, leave=True, dynamic_ncols=True)

    def seconds(self) -> dict[str, float]:
        """Wall seconds per phase name (a repeated name adds up)."""
        found: dict[str, float] = {}
        for record in self.records:
            found[record.name] = found.get(record.name, 0.0) + record.seconds
        return found

    def summary(self) -> str:
        """One line for the whole build: each phase's count, time and rate, and the total."""
        total = time.perf_counter() - self._began
        parts = [record.describe() for record in self.records]
        return f"build {total:.1f} s: " + " · ".join(parts) if parts else f"build {total:.1f} s"


def _isatty(stream: IO[str]) -> bool:
    """Whether ``stream`` is a terminal (a closed or odd stream is not)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
