"""Publishing generations: the atomic pointer, cleanup, the writer lock, refusing empty builds,
and a real server answering while real builds are killed with SIGKILL."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import tracemalloc
import urllib.request
import weakref
from pathlib import Path

import pytest

from index import publish
from index.build import build, parse_corpus
from index.write import EmptyBuild, write_index
from search.engine import Engine, IndexMissing
from search.engine import core as engine_module
from search.store.generation import current, current_number, generation_numbers
from web.cli import main

ROOT = Path(__file__).resolve().parent.parent
ONE_FILE = "002_4c2b999d6b210a4d.txt"  # 93 paragraphs: a quick build


@pytest.fixture
def small_corpus(tmp_path, corpus_dir) -> Path:
    """A corpus folder holding one real document."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(corpus_dir / ONE_FILE, folder)
    return folder


@pytest.fixture(scope="module")
def one_document(corpus_dir, tmp_path_factory):
    """The parsed documents of a one-file corpus."""
    folder = tmp_path_factory.mktemp("one")
    shutil.copy(corpus_dir / ONE_FILE, folder)
    documents, problems = parse_corpus(folder)
    assert problems == []
    return documents


def run_concord(*args: str, **kwargs) -> subprocess.Popen:
    """A real `concord` process (the console script's module), output captured."""
    return subprocess.Popen([sys.executable, "-m", "web.cli", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def live_paragraphs(index_dir: Path) -> int:
    """The paragraph count the live generation's stamp records."""
    stamp = json.loads((current(index_dir) / "stamp.json").read_text(encoding="utf-8"))
    return stamp["corpus"]["paragraphs"]


# -- layout and cleanup ----------------------------------------------------------------

def test_each_write_publishes_a_new_generation_and_keeps_one_before_it(tmp_path, one_document):
    index_dir = tmp_path / "index"
    for expected in (1, 2, 3):
        write_index(one_document, index_dir)
        assert current_number(index_dir) == expected
    assert generation_numbers(index_dir) == [2, 3]
    assert (index_dir / "CURRENT").read_text() == "3\n"
    assert sorted(p.name for p in index_dir.iterdir()) == ["CURRENT", "LOCK", "generations"]


def test_litter_of_killed_builds_and_of_the_flat_layout_is_removed(tmp_path, one_document):
    index_dir = tmp_path / "index"
    write_index(one_document, index_dir)
    (index_dir / "generations" / "7").mkdir()  # a killed build's half-written generation
    (index_dir / "generations" / "7" / "MAIN_x.seg").write_bytes(b"half")
    (index_dir / "CURRENT.tmp").write_text("7\n")
    (index_dir / "stamp.json").write_text("{}")  # the flat layout's files
    (index_dir / "_MAIN_1.toc").write_bytes(b"")
    (tmp_path / ".index.new-abc123").mkdir()  # the flat layout's staging folder
    assert sorted(publish.tidy(index_dir)) == [".index.new-abc123", "CURRENT.tmp", "_MAIN_1.toc",
                                               "generations/7", "stamp.json"]
    assert generation_numbers(index_dir) == [1]
    write_index(one_document, index_dir)
    assert current_number(index_dir) == 2  # published numbers grow; litter numbers may return
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]


def test_a_running_build_keeps_the_server_from_tidying(tmp_path, one_document):
    index_dir = tmp_path / "index"
    write_index(one_document, index_dir)
    (index_dir / "generations" / "9").mkdir()  # the running build's generation
    holding, done = threading.Event(), threading.Event()

    def running_build():
        with publish.writer_lock(index_dir):
            holding.set()
            done.wait(30)

    builder = threading.Thread(target=running_build)
    builder.start()
    try:
        assert holding.wait(30)
        assert publish.tidy(index_dir) == []
        assert generation_numbers(index_dir) == [1, 9]
    finally:
        done.set()
        builder.join()
    assert publish.tidy(index_dir) == ["generations/9"]


# -- refusing empty builds -----------------------------------------------------------------

def test_an_empty_index_is_refused_and_the_live_one_kept(tmp_path, one_document):
    index_dir = tmp_path / "index"
    write_index(one_document, index_dir)
    with pytest.raises(EmptyBuild, match="no paragraphs.*--allow-empty"):
        write_index([], index_dir)
    assert current_number(index_dir) == 1 and generation_numbers(index_dir) == [1]
    assert write_index([], index_dir, allow_empty=True) == 0
    assert live_paragraphs(index_dir) == 0


def test_building_an_empty_folder_is_refused(tmp_path, capsys, small_corpus):
    index_dir = tmp_path / "index"
    assert main(["build", "--corpus", str(small_corpus), "--index", str(index_dir)]) == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["build", "--corpus", str(empty), "--index", str(index_dir)]) == 2
    assert "no usable document" in capsys.readouterr().err
    assert live_paragraphs(index_dir) == 93
    assert main(["build", "--corpus", str(empty), "--index", str(index_dir), "--allow-empty"]) == 0
    assert live_paragraphs(index_dir) == 0


def test_a_folder_of_unusable_files_is_refused_naming_each(tmp_path, capsys, small_corpus):
    index_dir = tmp_path / "index"
    assert main(["build", "--corpus", str(small_corpus), "--index", str(index_dir)]) == 0
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.txt").write_bytes(b"\x00\x01\x02")
    (bad / "b.txt").write_text("")
    assert main(["build", "--corpus", str(bad), "--index", str(index_dir)]) == 2
    err = capsys.readouterr().err
    assert "a.txt: a binary file" in err and "b.txt: the file is empty" in err
    assert "no usable document" in err and "2 file(s) skipped" in err
    assert live_paragraphs(index_dir) == 93


def test_a_missing_corpus_folder_is_a_message(tmp_path, capsys):
    assert main(["build", "--corpus", str(tmp_path / "nowhere"), "--index", str(tmp_path / "i")]) == 2
    assert f"corpus folder {tmp_path / 'nowhere'} does not exist" in capsys.readouterr().err


# -- one writer ----------------------------------------------------------------------------

def test_no_wait_says_index_busy_with_the_holders_pid(tmp_path, small_corpus):
    index_dir = tmp_path / "index"
    with publish.writer_lock(index_dir):
        build_process = run_concord("build", "--corpus", str(small_corpus), "--index",
                                    str(index_dir), "--no-wait")
        out, err = build_process.communicate(timeout=60)
    assert build_process.returncode == 3
    assert f"index busy: {index_dir} is being written by another build (pid {os.getpid()})" in err
    with pytest.raises(IndexMissing):
        current(index_dir)


def test_a_second_build_waits_for_the_first(tmp_path, small_corpus):
    index_dir = tmp_path / "index"
    with publish.writer_lock(index_dir):
        waiting = run_concord("build", "--corpus", str(small_corpus), "--index", str(index_dir))
        line = waiting.stderr.readline()  # blocks until the build says why it waits
        assert f"index busy: waiting for the build with pid {os.getpid()}" in line
        assert waiting.poll() is None
    out, _ = waiting.communicate(timeout=60)
    assert waiting.returncode == 0 and "indexed 93 paragraphs" in out
    assert current_number(index_dir) == 1


def test_two_real_builds_at_once_both_publish_one_after_the_other(tmp_path, small_corpus):
    index_dir = tmp_path / "index"
    processes = [run_concord("build", "--corpus", str(small_corpus), "--index", str(index_dir))
                 for _ in range(2)]
    results = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], results
    assert current_number(index_dir) == 2 and generation_numbers(index_dir) == [1, 2]
    assert live_paragraphs(index_dir) == 93


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path, capsys, small_corpus):
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    pid = int(dead.stdout)
    (index_dir / "LOCK").write_text(f"{pid}\n")
    assert main(["build", "--corpus", str(small_corpus), "--index", str(index_dir), "--no-wait"]) == 0
    assert f"taking over the writer lock left by pid {pid}" in capsys.readouterr().err
    assert (index_dir / "LOCK").read_text() == ""  # released


# -- the engine's snapshots ----------------------------------------------------------------

def test_a_thread_opening_its_first_searcher_after_a_rebuild_sees_one_generation(
        tmp_path, one_document, monkeypatch, corpus_dir):
    """Index and catalogue always come from the same generation."""
    index_dir = tmp_path / "index"
    write_index(one_document, index_dir)
    engine = Engine(index_dir)
    try:
        first = engine.search("洗钱", size=100)
        monkeypatch.setattr(engine_module, "RECHECK_SECONDS", 3600.0)  # not noticed yet
        other, _ = parse_corpus(corpus_dir)
        write_index([d for d in other if d.name != ONE_FILE], index_dir)
        answers = []
        thread = threading.Thread(target=lambda: answers.append(engine.search("洗钱", size=100)))
        thread.start()
        thread.join()
        assert [r["id"] for r in answers[0]["results"]] == [r["id"] for r in first["results"]]
        for result in answers[0]["results"]:
            assert engine.paragraph(result["id"])["text"] == result["text"]
    finally:
        engine.close()


def test_memory_stays_flat_across_rebuilds(tmp_path, one_document, monkeypatch):
    monkeypatch.setattr(engine_module, "RECHECK_SECONDS", 0.0)
    index_dir, built = tmp_path / "index", tmp_path / "built"
    write_index(one_document, index_dir)
    write_index(one_document, built)  # copied in below: writing under tracemalloc is slow
    engine = Engine(index_dir)
    catalogues, used = [], []
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        engine.search("洗钱")
        one_snapshot = tracemalloc.get_traced_memory()[0] - before
        for _ in range(8):
            with publish.writer_lock(index_dir):
                generation = publish.new_generation(index_dir)
                generation.rmdir()
                shutil.copytree(current(built), generation)
                publish.publish(index_dir, generation)
            assert engine.search("洗钱")["total"] > 0
            catalogues.append(weakref.ref(engine._current.catalogue))
            gc.collect()
            used.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
        engine.close()
    assert current_number(index_dir) == 9
    assert [ref() is None for ref in catalogues[:-1]] == [True] * 7  # released
    assert engine._retired == []
    # Eight snapshots kept would add 7 × one_snapshot between the first and the last.
    assert used[-1] - used[0] < one_snapshot / 2, (used, one_snapshot)


def test_a_request_holds_its_snapshot_until_it_ends(tmp_path, one_document, monkeypatch):
    monkeypatch.setattr(engine_module, "RECHECK_SECONDS", 0.0)
    index_dir = tmp_path / "index"
    write_index(one_document, index_dir)
    engine = Engine(index_dir)
    try:
        held = engine._acquire()
        write_index(one_document, index_dir)
        engine.search("洗钱")  # opens generation 2, retires 1 (still held)
        assert engine._retired == [held] and held.users == 1
        with held.ix.searcher() as searcher:  # closed: without a memory map it holds a file
            assert searcher.doc_count() == 93  # still open
        engine._release(held)
        assert engine._retired == [] and held.users == 0
    finally:
        engine.close()


# -- a real server while real builds are killed ------------------------------------------

@contextlib.contextmanager
def serving(index_dir: Path):
    """A real waitress server on 127.0.0.1 (free port) over ``index_dir``; yields its URL."""
    from web.app import close_engine, create_app
    from web.server import make_server, stop

    app = create_app({"INDEX_DIR": str(index_dir)})
    httpd = make_server(app, "127.0.0.1", 0, threads=4)
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.effective_port}"
    finally:
        stop(httpd)
        thread.join(timeout=10)
        close_engine(app)


def test_killing_builds_at_random_moments_never_leaves_the_server_without_an_index(
        tmp_path, small_corpus, monkeypatch):
    monkeypatch.setattr(engine_module, "RECHECK_SECONDS", 0.02)  # pick up each generation
    index_dir = tmp_path / "index"
    build(small_corpus, index_dir)
    answers: list[tuple[int, int]] = []
    pointers: list[int] = []
    stop = threading.Event()

    def ask(url):
        while not stop.is_set():
            with urllib.request.urlopen(url + "/api/search?q=%E6%B4%97%E9%92%B1", timeout=30) as r:
                answers.append((r.status, json.load(r)["total"]))

    def watch():
        while not stop.is_set():
            pointers.append(live_paragraphs(index_dir))
            time.sleep(0.005)

    with serving(index_dir) as url:
        expected = json.load(urllib.request.urlopen(url + "/api/search?q=%E6%B4%97%E9%92%B1"))["total"]
        workers = [threading.Thread(target=ask, args=(url,)), threading.Thread(target=watch)]
        for worker in workers:
            worker.start()
        started = time.monotonic()
        whole_build = run_concord("build", "--corpus", str(small_corpus), "--index", str(index_dir))
        whole_build.communicate(timeout=60)
        assert whole_build.returncode == 0
        whole = time.monotonic() - started
        chance = random.Random(10)
        try:
            for _ in range(8):
                victim = run_concord("build", "--corpus", str(small_corpus), "--index", str(index_dir))
                time.sleep(chance.uniform(0.0, whole))
                victim.send_signal(signal.SIGKILL)
                victim.communicate(timeout=30)
        finally:
            stop.set()
            for worker in workers:
                worker.join(timeout=30)
    assert len(answers) > 20 and set(answers) == {(200, expected)}
    assert len(pointers) > 20 and set(pointers) == {93}
    final = build(small_corpus, index_dir)  # the next build clears what the kills left
    assert final.paragraphs == 93 and len(generation_numbers(index_dir)) == 2
    assert not (index_dir / "CURRENT.tmp").exists()


# Each moment of publishing, and of keeping the build cache, where a build may die: the
# subprocess patches the step to SIGKILL itself there (before it runs, or just after).
_DIE_AT = '''
import os, signal, sys
from index import cache, publish

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

point, real_replace = sys.argv[1], os.replace

def replace(src, dst):
    if point == "pointer-written" and str(src).endswith("CURRENT.tmp"):
        die()
    real_replace(src, dst)
    if point == "pointer-replaced" and str(src).endswith("CURRENT.tmp"):
        die()

os.replace = replace
if point == "staged":
    publish._fsync_tree = die
if point == "cleanup":
    publish.cleanup = die
if point == "cache-entry":
    cache.os.replace = lambda src, dst: die() if str(src).endswith(".tmp") else real_replace(src, dst)
from web.cli import main
main(["build", *sys.argv[2:]])
'''


@pytest.mark.parametrize("point, published", [
    ("cache-entry", False), ("staged", False), ("pointer-written", False),
    ("pointer-replaced", True), ("cleanup", True)])
def test_a_build_killed_at_each_step_of_publishing_leaves_a_complete_index(
        tmp_path, small_corpus, monkeypatch, point, published):
    monkeypatch.setattr(engine_module, "RECHECK_SECONDS", 0.02)
    index_dir = tmp_path / "index"
    build(small_corpus, index_dir, use_cache=point != "cache-entry")
    if point == "cache-entry":
        shutil.rmtree(index_dir / "cache", ignore_errors=True)  # so the victim writes entries
    before = current_number(index_dir)
    with serving(index_dir) as url:
        victim = subprocess.run([sys.executable, "-c", _DIE_AT, point, "--corpus", str(small_corpus),
                                 "--index", str(index_dir)], cwd=ROOT, capture_output=True,
                                timeout=120)
        assert victim.returncode == -signal.SIGKILL
        assert current_number(index_dir) == (before + 1 if published else before)
        assert live_paragraphs(index_dir) == 93
        time.sleep(0.1)  # the server has noticed any new generation
        with urllib.request.urlopen(url + "/api/search?q=%E6%B4%97%E9%92%B1", timeout=30) as r:
            assert r.status == 200 and json.load(r)["total"] > 0
    if point == "cache-entry":
        assert [p.name for p in (index_dir / "cache").iterdir()][0].endswith(".tmp")
    final = build(small_corpus, index_dir)  # the next build clears what the kill left
    assert final.paragraphs == 93 and len(generation_numbers(index_dir)) == 2
    assert not (index_dir / "CURRENT.tmp").exists()
    assert not [p for p in (index_dir / "cache").iterdir() if p.name.endswith(".tmp")]
