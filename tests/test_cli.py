"""The concord command: parse, build, search, help."""

from __future__ import annotations

import json
import shutil

import pytest

from web.cli import main


def test_parse_json_shape(capsys, corpus_dir):
    assert main(["parse", "--json", str(corpus_dir / "000_12b13e596b6890fb.txt")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["document"]["symbol"] == "A/RES/71/209"
    unit = data["units"][0]
    assert {"id", "label", "symbol", "title", "acting_body", "status", "paragraphs"} <= set(unit)
    op4 = next(p for p in unit["paragraphs"] if p["id"] == "A-RES-71-209/op4")
    assert op4["kind"] == "op" and op4["number"] == "4" and op4["sub"] is None
    assert op4["verb"] == {"key": "urges", "lead": "敦促"}
    assert {"themes", "cites", "footnotes", "text"} <= set(op4)


def test_parse_text_summary(capsys, corpus_dir):
    assert main(["parse", str(corpus_dir / "004_978087fdcf64ca0a.txt")]) == 0
    out = capsys.readouterr().out
    assert "A-C.3-68-L.18" in out and "35 preambular, 46 operative" in out


def test_parse_bad_file_is_a_message_not_a_traceback(capsys, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01")
    assert main(["parse", str(bad)]) == 1
    assert "bad.txt: a binary file" in capsys.readouterr().err


def test_build_reports_skips_in_its_exit_status(capsys, tmp_path, corpus_dir):
    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(corpus_dir / "002_4c2b999d6b210a4d.txt", corpus)
    (corpus / "zz_empty.txt").write_text("")
    assert main(["build", "--corpus", str(corpus), "--index", str(tmp_path / "ix")]) == 1
    captured = capsys.readouterr()
    assert "indexed 93 paragraphs in 1 units from 1 documents" in captured.out
    assert "zz_empty.txt: the file is empty" in captured.err


def test_search_json(capsys, real_index):
    assert main(["search", "洗钱", "--index", str(real_index), "--json", "--size", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] > 0 and len(data["results"]) == 3


def test_search_bad_size_is_a_message(capsys, real_index):
    assert main(["search", "洗钱", "--index", str(real_index), "--size", "1000"]) == 2
    assert "size" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["parse", "build", "search", "serve"])
def test_every_command_has_help(capsys, command):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert "usage: concord " + command in capsys.readouterr().out


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_builds_a_missing_index_then_answers(tmp_path, corpus_dir):
    """`concord serve` on a fresh machine: no index yet, so it builds one, then serves it."""
    import os
    import subprocess
    import sys
    import time
    import urllib.request

    port = _free_port()
    index_dir = tmp_path / "index"
    env = {k: v for k, v in os.environ.items() if k != "CONCORD_INDEX_DIR"}
    log = tmp_path / "serve.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "web.cli", "serve", "--port", str(port), "--corpus", str(corpus_dir), "--index", str(index_dir)],
            stdout=subprocess.DEVNULL, stderr=err, env=env,
        )
    try:
        deadline = time.monotonic() + 90
        body = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=%E6%B4%97%E9%92%B1", timeout=5) as resp:
                    body = json.loads(resp.read())
                    break
            except OSError:
                time.sleep(0.3)
        assert body is not None, log.read_text()
        assert body["total"] > 0 and (index_dir).is_dir()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert "building it now" in log.read_text()


def test_lineage_prints_the_history(capsys, real_index):
    assert main(["lineage", "A-RES-71-209/op52", "--index", str(real_index)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("A-RES-71-209/op52: first appeared in A/C.3/68/L.18 op40 (2013)")
    assert "领域[-的-]的能力" in out and "[-协调-]{+协商+}" in out
    assert "previous: A-RES-68-193/op44" in out and "next: A-RES-80-229/op76" in out


def test_lineage_of_a_unit_and_of_nothing(capsys, real_index):
    assert main(["lineage", "A-C.3-68-L.18", "--index", str(real_index)]) == 0
    assert "adopted_as: A/RES/68/193 (2013)" in capsys.readouterr().out
    assert main(["lineage", "A-RES-71-209/op522", "--index", str(real_index)]) == 1
    assert "nearest: A-RES-71-209/op52" in capsys.readouterr().err
    assert main(["lineage", "A-RES-71-209/op52", "--index", str(real_index), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["versions"]["previous"]["id"] == "A-RES-68-193/op44"
