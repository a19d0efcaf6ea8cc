"""Running the web app under uvicorn, in one process or in several sharing one socket.

Several workers need a listening socket bound before they start, and uvicorn 0.54's own
(`Config.bind_socket`) is created with protocol 0. Accepted connections inherit it, and
asyncio turns Nagle's algorithm off (`TCP_NODELAY`) only on sockets that say they are TCP, so
every keep-alive request after a connection's first waited ~40 ms for the client's delayed
ACK (uvicorn issue #3149, measured here: 48 ms a request with two workers against 5 ms with
one). `listening_socket` binds the socket the way asyncio does for a single process, as TCP,
and the workers share it through uvicorn's own supervisor.
"""

from __future__ import annotations

import socket
from typing import Any

import uvicorn
from fastapi import FastAPI
from uvicorn.supervisors import Multiprocess

FACTORY = "newsweave.web.app:app_from_environment"
"""What each worker process imports to build its app (settings in the environment)."""


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound TCP socket the worker processes can inherit; connections accepted on it get
    `TCP_NODELAY` from asyncio."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def run(app: FastAPI, *, host: str, port: int, workers: int = 1) -> None:
    """Serve `app` in this process, or `workers` processes that each build the app from the
    environment (`newsweave.web.app.app_from_environment`: the caller has set it)."""
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "warning",
        "server_header": False,
    }
    if workers == 1:
        uvicorn.run(app, **options)
        return
    config = uvicorn.Config(FACTORY, factory=True, workers=workers, **options)
    sock = listening_socket(host, port)
    try:
        Multiprocess(config, sockets=[sock]).run()
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
