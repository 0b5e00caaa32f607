"""Build progress: phases record counts and times; bars on a terminal, one line otherwise."""

from __future__ import annotations

import io
import re

import pytest

from index.build import build
from index.progress import Phases
from web.cli import main


class FakeTerminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_a_phase_records_its_count_time_and_rate():
    phases = Phases()
    with phases.phase("segmentation", total=10, unit="paragraphs") as bar:
        bar.advance(4)
        bar.advance(6)
    (record,) = phases.records
    assert (record.name, record.unit, record.total, record.done) == ("segmentation", "paragraphs", 10, 10)
    assert record.seconds >= 0 and not record.failed
    assert re.fullmatch(r"build \d+\.\d s: segmentation 10 paragraphs in \d+\.\d s( \([\d.,]+/s\))?",
                        phases.summary())


def test_a_failed_phase_is_recorded_and_the_error_passes_through():
    phases = Phases()
    with pytest.raises(KeyError):
        with phases.phase("writing", total=3) as bar:
            bar.advance()
            raise KeyError("boom")
    assert phases.records[0].failed and phases.records[0].done == 1
    assert phases.summary().endswith("FAILED")


def test_no_bars_when_the_stream_is_not_a_terminal():
    stream = io.StringIO()
    phases = Phases.for_stream(stream)
    with phases.phase("parsing", total=2, unit="files") as bar:
        bar.advance(2)
    assert not phases.bars and stream.getvalue() == ""


def test_bars_on_a_terminal_show_counts():
    stream = FakeTerminal()
    phases = Phases.for_stream(stream)
    with phases.phase("parsing", total=2, unit="files") as bar:
        bar.advance(2)
    assert phases.bars
    assert "parsing" in stream.getvalue() and "2/2" in stream.getvalue()


def test_a_build_reports_every_phase(tmp_path, corpus_dir):
    report = build(corpus_dir, tmp_path / "index")
    names = [record.name for record in report.phases.records]
    for phase in ("parsing", "linking", "writing", "commit"):
        assert phase in names
    counts = {record.name: record.done for record in report.phases.records}
    assert counts["parsing"] == 5 and counts["writing"] == report.paragraphs
    assert all(not record.failed for record in report.phases.records)


def test_concord_build_prints_one_summary_line_when_not_on_a_terminal(capsys, tmp_path, corpus_dir):
    assert main(["build", "--corpus", str(corpus_dir), "--index", str(tmp_path / "ix")]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("build ") and "parsing 5 files" in err[0] and "paragraphs" in err[0]
