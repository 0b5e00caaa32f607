"""HTTP hygiene: odd Host headers, redirects, Cache-Control and ETags, cookie flags, and the
real waitress server's own errors and connection bounds (traffic only to 127.0.0.1)."""

from __future__ import annotations

import contextlib
import socket
import threading
import urllib.request

import pytest

from web.app import SECURITY_HEADERS, close_engine, create_app
from web.server import make_server, stop

ODD_HOSTS = ["a" * 64, "a" * 64 + ".example", "x." + "b" * 70 + ".org:8000", "é.example",
             "..", "a..b", "[::1", "ex ample", "-" * 300, "evil.example"]
URLS = ["/", "/?q=%E6%B4%97%E9%92%B1", "/api/search?q=%E6%B4%97%E9%92%B1", "/p/A-RES-71-209/op12",
        "/api/p/A-RES-71-209/op12", "/u/A-RES-71-209", "/api/u/A-RES-71-209",
        "/export.csv?q=%E6%B4%97%E9%92%B1", "/export.json?q=%E6%B4%97%E9%92%B1",
        "/static/concord.css", "/static/concord.js", "/nowhere", "/api/search?size=x"]


def get(client, url, **kwargs):
    """A response, read and closed (static files are streamed from an open file)."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


@pytest.mark.parametrize("host", ODD_HOSTS)
def test_odd_host_headers_are_answered_not_500(client, host):
    statuses = [get(client, url, headers={"Host": host}).status_code for url in URLS]
    assert statuses == [200] * 11 + [404, 400]


def test_redirects_never_name_the_clients_host(client):
    response = client.get("/api//search?q=x", headers={"Host": "evil.example"})  # merged slashes
    assert response.status_code == 308
    assert response.headers["Location"] == "/api/search?q=x"


@pytest.mark.parametrize("url", URLS)
def test_every_response_has_cache_control_and_the_security_headers(client, url):
    headers = get(client, url).headers
    assert headers["Cache-Control"] in ("no-cache", "no-store")
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value


def test_errors_are_not_stored_and_pages_revalidate(client):
    assert client.get("/nowhere").headers["Cache-Control"] == "no-store"
    assert client.get("/api/search?size=x").headers["Cache-Control"] == "no-store"
    assert client.get("/").headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("name", ["concord.css", "concord.js"])
def test_static_files_have_an_etag_and_answer_304(client, name):
    first = get(client, f"/static/{name}")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
    again = get(client, f"/static/{name}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_the_language_cookie_is_httponly_samesite_and_secure_over_https(client):
    plain = client.get("/?ui=en").headers["Set-Cookie"]
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    secure = client.get("/?ui=en", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in secure and "HttpOnly" in secure


# -- the real server -----------------------------------------------------------------------

@contextlib.contextmanager
def running(app, **bounds):
    """make_server on 127.0.0.1, a free port, in a thread; yields (host, port)."""
    server = make_server(app, "127.0.0.1", 0, threads=2, **bounds)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", server.effective_port
    finally:
        stop(server)
        thread.join(timeout=10)
        assert not thread.is_alive()


@pytest.fixture(scope="module")
def served(real_index):
    app = create_app({"INDEX_DIR": str(real_index)})
    yield app
    close_engine(app)


def raw(address, request: bytes) -> bytes:
    """Send ``request`` as is; return the whole response."""
    with socket.create_connection(address, timeout=10) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("request_bytes", [
    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n",  # refused by waitress itself
    b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: " + b"a" * 64 + b"\r\nConnection: close\r\n\r\n",  # reaches the app
])
def test_the_servers_own_errors_carry_the_security_headers(served, request_bytes):
    with running(served) as address:
        response = raw(address, request_bytes)
    head = response.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    assert head.split()[1] in ("200", "400", "501")
    for name, value in SECURITY_HEADERS.items():
        assert f"{name}: {value}" in head
    assert "Cache-Control: " in head


def idle(address, count: int) -> list[socket.socket]:
    """``count`` connections that never send a byte."""
    return [socket.create_connection(address, timeout=10) for _ in range(count)]


def test_99_idle_connections_do_not_stop_the_server(served):
    with running(served) as address:
        crowd = idle(address, 99)
        try:
            url = f"http://{address[0]}:{address[1]}/api/search?q=x"
            # With waitress's own limit (100) it would wait for the 120 s channel timeout.
            assert urllib.request.urlopen(url, timeout=60).status == 200
        finally:
            for conn in crowd:
                conn.close()


def test_idle_connections_over_the_limit_are_cut_after_the_channel_timeout(served):
    with running(served, connection_limit=10, channel_timeout=1) as address:
        crowd = idle(address, 15)  # the last ones wait in the listen backlog
        try:
            url = f"http://{address[0]}:{address[1]}/api/search?q=x"
            assert urllib.request.urlopen(url, timeout=15).status == 200
        finally:
            for conn in crowd:
                conn.close()


def test_concord_serve_takes_the_connection_bounds_and_says_where_it_listens(real_index):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "serve", "--port", "0", "--index", str(real_index),
         "--connection-limit", "50", "--channel-timeout", "5"],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(20):  # the engine may log a line or two while it warms up
            line = process.stderr.readline()
            if line.startswith("Serving Concord on ") or not line:
                break
        assert line.startswith("Serving Concord on http://127.0.0.1:")
        url = line.split()[-1]
        assert int(url.rsplit(":", 1)[1].strip("/")) > 0
        assert urllib.request.urlopen(url + "api/search?q=x", timeout=30).status == 200
    finally:
        process.terminate()
        process.communicate(timeout=30)
