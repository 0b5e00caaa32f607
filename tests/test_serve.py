"""`concord serve` on a real port: one waitress process, or gunicorn with several workers."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from search.engine import Engine

STARTUP_S = 60
LISTENING = re.compile(r"Serving Concord on http://127\.0\.0\.1:(\d+)/")


def _children(pid: int) -> set[int]:
    """The live child processes of ``pid`` (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _start(index_dir: Path, log: Path, *extra: str) -> tuple[subprocess.Popen, int]:
    """Start `concord serve` on port 0; return the process and the port it announced."""
    env = {k: v for k, v in os.environ.items() if k != "CONCORD_INDEX_DIR"}
    with open(log, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "web.cli", "serve", "--port", "0",
                                 "--index", str(index_dir), *extra],
                                stdout=subprocess.DEVNULL, stderr=err, env=env)
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline and proc.poll() is None:
        found = LISTENING.search(log.read_text(errors="replace"))
        if found:
            return proc, int(found.group(1))
        time.sleep(0.1)
    _stop(proc)
    pytest.fail(f"the server did not announce its port within {STARTUP_S} s:\n{log.read_text()}")


def _stop(proc: subprocess.Popen) -> None:
    """Ask the server to stop; kill it when it does not within 15 s."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _search(port: int, q: str) -> dict:
    url = f"http://127.0.0.1:{port}/api/search?" + urllib.parse.urlencode({"q": q})
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read())


def _until_answering(port: int, q: str) -> dict:
    """The first answer: workers may still be opening the index when the port is announced."""
    deadline = time.monotonic() + STARTUP_S
    while True:
        try:
            return _search(port, q)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="module")
def expected(real_index):
    """What the engine answers in-process, to compare the servers' answers with."""
    engine = Engine(real_index)
    try:
        return {q: engine.search(q)["total"] for q in ("洗钱", "网络犯罪", "money laundering")}
    finally:
        engine.close()


def test_two_gunicorn_workers_serve_the_same_answers(real_index, expected, tmp_path):
    proc, port = _start(real_index, tmp_path / "serve.log", "--workers", "2", "--threads", "2")
    try:
        assert _until_answering(port, "洗钱")["total"] == expected["洗钱"]
        assert len(_children(proc.pid)) == 2  # the master and its two workers
        queries = list(expected) * 8
        with ThreadPoolExecutor(4) as pool:  # concurrent: both workers get requests
            totals = list(pool.map(lambda q: _search(port, q)["total"], queries))
        assert totals == [expected[q] for q in queries]
    finally:
        _stop(proc)
    assert proc.returncode == 0, (tmp_path / "serve.log").read_text()


def test_gunicorns_own_errors_carry_the_security_headers(real_index, tmp_path):
    from web.app import SECURITY_HEADERS

    proc, port = _start(real_index, tmp_path / "serve.log", "--workers", "2", "--threads", "1")
    try:
        _until_answering(port, "洗钱")
        for request in (b"NOT A REQUEST LINE\r\n\r\n",  # answered by gunicorn, not the app
                        b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
                conn.sendall(request)
                response = b""
                while chunk := conn.recv(65536):
                    response += chunk
            head = response.split(b"\r\n\r\n", 1)[0].decode("latin-1")
            assert head.startswith("HTTP/1.1 400 "), head
            for name, value in SECURITY_HEADERS.items():
                assert f"\r\n{name}: {value}\r\n" in head + "\r\n"
            assert "\r\nCache-Control: no-store" in head
    finally:
        _stop(proc)


def test_one_process_serves_with_waitress_on_the_announced_port(real_index, expected, tmp_path):
    proc, port = _start(real_index, tmp_path / "serve.log", "--threads", "2")
    try:
        assert _until_answering(port, "网络犯罪")["total"] == expected["网络犯罪"]
        assert _children(proc.pid) == set()
    finally:
        _stop(proc)


def test_workers_and_threads_must_be_positive(real_index, capsys):
    from web.cli import main

    assert main(["serve", "--index", str(real_index), "--workers", "0"]) == 2
    assert "--workers and --threads must be at least 1" in capsys.readouterr().err


# A fresh interpreter (the setting is process-wide): four threads allocate and free vectors
# of megabytes at once, as a server's threads do at 1,000,000 paragraphs; then glibc's own
# report counts the arenas (``<heap nr=…>``) they allocated from.
_ARENAS = """
import ctypes, ctypes.util, sys, threading
import numpy as np
from web.server import bound_arenas
print(bound_arenas())
def churn():
    for _ in range(200):
        v = np.ones(1 << 18)
        v.sum()
threads = [threading.Thread(target=churn) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
out = libc.fopen(sys.argv[1].encode(), b"w")
libc.malloc_info(0, out)
libc.fclose(out)
"""


def _arenas(tmp_path, setting: str | None) -> tuple[str, int]:
    """(what bound_arenas returned, arenas glibc reports) in a fresh process."""
    report = tmp_path / f"malloc-{setting}.xml"
    env = {k: v for k, v in os.environ.items() if k != "CONCORD_MALLOC_ARENAS"}
    if setting is not None:
        env["CONCORD_MALLOC_ARENAS"] = setting
    done = subprocess.run([sys.executable, "-c", _ARENAS, str(report)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip(), len(re.findall(r"<heap nr=", report.read_text()))


@pytest.mark.skipif(not hasattr(os, "confstr") or "glibc" not in (os.confstr("CS_GNU_LIBC_VERSION") or ""),
                    reason="malloc arenas are glibc's")
def test_a_servers_threads_allocate_from_one_arena(tmp_path):
    assert _arenas(tmp_path, None) == ("1", 1)  # the default
    assert _arenas(tmp_path, "2") == ("2", 2)
    told, arenas = _arenas(tmp_path, "0")  # glibc's own choice: an arena per thread here
    assert told == "None" and arenas > 2
