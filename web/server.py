"""The production servers: waitress with bounded connections and our headers on its own errors,
or, with several worker processes, gunicorn.

Waitress answers some requests itself, without calling the app (a malformed request line,
headers too large, a body over the limit): those responses get the same security headers
as the app's. Idle connections are cut after ``channel_timeout`` seconds, so a crowd of
idle clients cannot hold every connection slot for long.

With ``workers > 1`` (``serve_gunicorn``) gunicorn's master forks that many worker
processes, each with its own thread pool (``gthread``), all accepting on one socket, and
gunicorn's own error responses get our headers too (``_HeadedSocket``). The
app is loaded once in the master (imports, templates, the Chinese dictionary: pages the
workers share), but each worker opens the index itself after the fork: an open Whoosh
file shares its offset with every process that inherited it, and the memory-mapped
arrays are shared by the kernel anyway.
"""

from __future__ import annotations

import ctypes
import os
import sys

from waitress import create_server, wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.task import ErrorTask

from web.app import SECURITY_HEADERS, close_engine, get_engine

M_ARENA_MAX = -8  # glibc's mallopt parameter for the most arenas (<malloc.h>)
MALLOC_ARENAS = 1  # CONCORD_MALLOC_ARENAS: arenas a server process allocates from (0: glibc's choice)
CONNECTION_LIMIT = 500  # waitress's default, 100, is reached by 99 idle clients
CHANNEL_TIMEOUT = 30  # seconds an idle connection is kept (waitress: 120)
WORKER_TIMEOUT_S = 120  # a gunicorn worker silent this long is restarted; opening counts


class _ErrorTask(ErrorTask):
    """Waitress's own error response, with the app's security headers."""

    def build_response_header(self):
        self.response_headers.extend(SECURITY_HEADERS.items())
        self.response_headers.append(("Cache-Control", "no-store"))
        return super().build_response_header()


class _Channel(HTTPChannel):
    error_task_class = _ErrorTask


def bound_arenas() -> int | None:
    """Let the threads of this process allocate from ``CONCORD_MALLOC_ARENAS`` glibc
    arenas (default 1); the number set, or None where the setting is 0 or the C library is
    not glibc.

    glibc gives a thread's first allocation an arena of its own while there are fewer
    than eight per core, and an arena keeps what was freed in it for later. A query
    at 1,000,000 paragraphs makes score and mask vectors of megabytes: under four threads
    each arena came to hold its own freed copies, 165 MiB more resident memory after the
    query mix than with one arena, at the same latency (bench/README.md). The threads of
    one process take turns under the interpreter's lock anyway, so one arena costs them
    no waiting that matters. Called before any server thread starts (gunicorn's workers
    inherit it through the fork).
    """
    raw = os.environ.get("CONCORD_MALLOC_ARENAS", "").strip()
    arenas = int(raw) if raw.isdigit() else MALLOC_ARENAS
    if not arenas:
        return None
    libc = ctypes.CDLL(None)  # the C library this interpreter runs on
    if not hasattr(libc, "mallopt") or not hasattr(libc, "gnu_get_libc_version"):
        return None  # musl and others: their allocator has no arenas to bound
    return arenas if libc.mallopt(M_ARENA_MAX, arenas) == 1 else None


def make_server(app, host: str = "127.0.0.1", port: int = 8000, threads: int = 4,
                connection_limit: int = CONNECTION_LIMIT, channel_timeout: int = CHANNEL_TIMEOUT):
    """A waitress server for ``app`` (not yet running: call ``.run()``); port 0 picks a free one."""
    server = create_server(app, host=host, port=port, threads=threads,
                           connection_limit=connection_limit, channel_timeout=channel_timeout,
                           # idle connections are looked for this often (waitress: 30 s)
                           cleanup_interval=max(1, min(30, channel_timeout // 2)))
    listeners = getattr(server, "map", None) or server._map
    for listener in list(listeners.values()):
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = _Channel
    return server


def stop(server) -> None:
    """Ask a running single-address server to close everything from its own loop, then return.

    Closing its sockets from another thread while its loop sits in select() races (EBADF).
    """
    server.trigger.pull_trigger(lambda: (server.task_dispatcher.shutdown(),
                                         wasyncore.close_all(server._map)))


def listening(server) -> list[str]:
    """The URLs a server made by make_server listens on."""
    return [f"http://{host}:{port}/" for host, port in
            ([(server.effective_host, server.effective_port)] if hasattr(server, "effective_port")
             else [listener[1] for listener in server.effective_listen])]


def announce(host: str, port: int) -> None:
    """The line a user (and the tests) wait for: where the server listens."""
    shown = f"[{host}]" if ":" in host else host
    print(f"Serving Concord on http://{shown}:{port}/", file=sys.stderr, flush=True)


class _HeadedSocket:
    """A client socket whose first response head gets the security headers on its way out.

    gunicorn writes its own error responses (a malformed request line, a header too large)
    straight to the socket; this wrapper adds our headers after their status line.
    """

    def __init__(self, sock) -> None:
        self._sock = sock
        self._sent = False

    def sendall(self, data: bytes) -> None:
        if not self._sent and data.startswith(b"HTTP/"):
            status, _, rest = data.partition(b"\r\n")
            extra = [*SECURITY_HEADERS.items(), ("Cache-Control", "no-store")]
            data = status + b"\r\n" + b"".join(f"{k}: {v}\r\n".encode("latin-1") for k, v in extra) + rest
        self._sent = True
        self._sock.sendall(data)

    def __getattr__(self, name):
        return getattr(self._sock, name)


def _worker_class():
    """gunicorn's threaded worker, its own error responses carrying our headers."""
    from gunicorn.workers.gthread import ThreadWorker

    class Worker(ThreadWorker):
        def handle_error(self, req, client, addr, exc):
            return super().handle_error(req, _HeadedSocket(client), addr, exc)

    return Worker


def serve_gunicorn(app, host: str, port: int, workers: int, threads: int,
                   connection_limit: int = CONNECTION_LIMIT, channel_timeout: int = CHANNEL_TIMEOUT) -> None:
    """Serve with a gunicorn master and ``workers`` processes of ``threads`` threads each."""
    from gunicorn.app.base import BaseApplication

    options = gunicorn_options(app, host, port, workers, threads, connection_limit, channel_timeout)

    class Application(BaseApplication):
        """gunicorn over an app object we already built (no import string, no argv)."""

        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    Application().run()


def gunicorn_options(app, host: str, port: int, workers: int, threads: int,
                     connection_limit: int, channel_timeout: int) -> dict:
    """gunicorn's settings: gthread workers, the app preloaded, each worker opening the index."""

    def post_worker_init(worker) -> None:
        with app.app_context():
            close_engine(app)  # nothing inherited from the master: open this worker's own
            get_engine().warm_up()

    def worker_exit(server, worker) -> None:
        close_engine(app)

    def when_ready(server) -> None:
        announce(host, server.LISTENERS[0].sock.getsockname()[1])

    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers, "worker_class": _worker_class(), "threads": threads,
        "worker_connections": connection_limit,  # per worker, as waitress's limit
        "keepalive": channel_timeout,  # idle keep-alive connections are closed after this
        "preload_app": True, "timeout": WORKER_TIMEOUT_S, "graceful_timeout": 10,
        "accesslog": None, "errorlog": "-", "loglevel": "warning", "proc_name": "concord",
        "post_worker_init": post_worker_init, "worker_exit": worker_exit, "when_ready": when_ready,
    }
