"""The production server: waitress with bounded connections and our headers on its own errors.

Waitress answers some requests itself, without calling the app (a malformed request line,
headers too large, a body over the limit): those responses get the same security headers
as the app's. Idle connections are cut after ``channel_timeout`` seconds, so a crowd of
idle clients cannot hold every connection slot for long.
"""

from __future__ import annotations

from waitress import create_server, wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.task import ErrorTask

from web.app import SECURITY_HEADERS

CONNECTION_LIMIT = 500  # waitress's default, 100, is reached by 99 idle clients
CHANNEL_TIMEOUT = 30  # seconds an idle connection is kept (waitress: 120)


class _ErrorTask(ErrorTask):
    """Waitress's own error response, with the app's security headers."""

    def build_response_header(self):
        self.response_headers.extend(SECURITY_HEADERS.items())
        self.response_headers.append(("Cache-Control", "no-store"))
        return super().build_response_header()


class _Channel(HTTPChannel):
    error_task_class = _ErrorTask


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
