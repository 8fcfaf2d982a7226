"""Serving with several worker processes, each with its own listening socket.

Uvicorn's supervisor (``uvicorn.supervisors.Multiprocess``: health checks, restarts,
signals) normally hands every worker the one socket it bound. Each worker's event loop
then accepts every connection waiting when it wakes, so a burst of users (a team
signing in at nine) can all land on one worker while the others stay idle. Here each
worker binds its own socket to the same address with ``SO_REUSEPORT`` instead, and the
kernel spreads new connections across the workers.
"""

from __future__ import annotations

import socket
from typing import Any, cast


def reuse_port_available() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def bind_reuse_port(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` that other workers may bind too."""
    sock = socket.socket(family=_family(host))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


class OwnSocket:
    """Stands in the supervisor's socket list: pickled to each worker as it starts, it
    unpickles there as that worker's own ``SO_REUSEPORT`` socket."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return (bind_reuse_port, (self.host, self.port))


def check_free(host: str, port: int) -> None:
    """Raise OSError when something (another server) already listens on the address.

    A plain bind, without ``SO_REUSEPORT``: it fails even against an earlier server of
    ours whose workers share the port, so two servers never split one port's users."""
    with socket.socket(family=_family(host)) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def run_workers(config: Any) -> None:
    """Run ``config.workers`` uvicorn workers under uvicorn's supervisor, each on its own
    socket (``config`` is a ``uvicorn.Config`` for an import string)."""
    from uvicorn.supervisors import Multiprocess

    check_free(config.host, config.port)
    own = cast(socket.socket, OwnSocket(config.host, config.port))
    Multiprocess(config, sockets=[own]).run()
