"""Where newsweave's connections go, and how long a request may take: both settled at the one
place every connection is opened, an httpcore network backend under httpx.

httpx's timeouts bound each socket operation, not a response: a server that sends a header
byte every few seconds never trips them. And httpx resolves a host name only when it connects,
so an address checked before a request could be answered by one DNS reply and the connection
by another (DNS rebinding). Here instead:

- The host name is resolved by the backend itself, within the connect timeout; every address
  it has is checked (a private one refuses the request, unless private addresses are allowed),
  and the connection is opened to those checked addresses, never to the name. TLS still
  verifies the certificate against the host name, and SNI and the Host header still carry it:
  httpcore takes them from the URL, not from the socket.
- Every connect, TLS handshake, read and write of a request gets at most the time left before
  its `Deadline` (CPython bounds a whole handshake by the socket's timeout), so a whole
  response, from connecting to its last byte, takes no longer than the deadline allows,
  whatever a server drips.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import httpcore
import httpx

Resolver = Callable[[str, int], list[str]]
"""`(host, port)` to the host's IP addresses, as strings; raises OSError when it has none."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the system's resolver gives, in its order of preference, each once."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_private(address: str) -> bool:
    """Whether `address` is not a public unicast address of the internet: loopback, private
    (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 with cloud metadata,
    fe80::/10), shared (100.64/10), unspecified, reserved, documentation, multicast. An IPv4
    address inside IPv6 (mapped, NAT64, 6to4) is judged as the IPv4 address it reaches."""
    ip: IPAddress = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip.sixtofour is not None:
            ip = ip.sixtofour
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        elif ip.is_site_local:
            return True
    return not ip.is_global or ip.is_multicast


def first_private(addresses: Iterable[str]) -> str | None:
    """The first of `addresses` that is private (see `is_private`), or None."""
    return next((a for a in addresses if is_private(a)), None)


def resolve(host: str, port: int, resolver: Resolver, timeout: float | None) -> list[str]:
    """`host`'s addresses (an IP address is its own), within `timeout` seconds.

    getaddrinfo has no time limit of its own, so it runs in a daemon thread that is left to
    finish on its own when it is too slow. Raises httpcore's ConnectTimeout or ConnectError,
    which httpx reports like any other failure to connect."""
    try:
        ipaddress.ip_address(host)
        return [host]
    except ValueError:
        pass
    found: list[str] = []
    failed: list[Exception] = []

    def lookup() -> None:
        try:
            found.extend(resolver(host, port))
        except Exception as exc:  # handed to the waiting thread, which raises it
            failed.append(exc)

    thread = threading.Thread(target=lookup, name=f"resolve {host}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise httpcore.ConnectTimeout(f"resolving {host} took over {timeout:g} s")
    if failed:
        raise httpcore.ConnectError(f"cannot resolve {host}: {failed[0]}") from failed[0]
    if not found:
        raise httpcore.ConnectError(f"cannot resolve {host}: no address")
    return found


class PrivateAddress(Exception):
    """A connection refused before it was made: `host` resolves to the private `address`."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to the private address {address}")
        self.host, self.address = host, address


class Deadline:
    """When the request in flight must be over; shared by the client, which starts and stops
    it around each request, and the streams of every connection, which obey it."""

    def __init__(self) -> None:
        self.at: float | None = None
        self.cut = False
        """Whether the last operation was given only the time left (or none): a timeout then
        is the deadline's, not the operation's own."""

    def start(self, seconds: float) -> None:
        self.at, self.cut = time.monotonic() + seconds, False

    def stop(self) -> None:
        self.at = None

    def passed(self) -> bool:
        return self.at is not None and time.monotonic() >= self.at

    def clip(self, timeout: float | None, late: type[Exception]) -> float | None:
        """`timeout`, or the time left when that is less; raises `late` when none is left."""
        if self.at is None:
            return timeout
        left = self.at - time.monotonic()
        self.cut = timeout is None or left < timeout
        if left <= 0:
            raise late("the deadline of the whole response has passed")
        return left if self.cut else timeout


class DeadlineStream(httpcore.NetworkStream):
    """A connection whose every operation ends by the deadline of the request using it."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._inner, self._deadline = inner, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.clip(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.clip(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        clipped = self._deadline.clip(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, clipped), self._deadline
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """Opens connections to checked, resolved addresses only (see the module's docstring)."""

    def __init__(self, deadline: Deadline, *, allow_private: bool, resolver: Resolver) -> None:
        self._deadline, self._allow_private, self._resolver = deadline, allow_private, resolver
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        clipped = self._deadline.clip(timeout, httpcore.ConnectTimeout)
        addresses = resolve(host, port, self._resolver, clipped)
        if not self._allow_private and (private := first_private(addresses)):
            raise PrivateAddress(host, private)
        failure: Exception = httpcore.ConnectError(f"cannot connect to {host}")
        for address in addresses:  # in the resolver's order, as socket.create_connection does
            try:
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    self._deadline.clip(timeout, httpcore.ConnectTimeout),
                    local_address,
                    socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            return DeadlineStream(stream, self._deadline)
        raise failure

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport (TLS settings, connection pool, error mapping) over a
    `GuardedBackend`. httpx takes no network backend, so the pool it built is replaced by one
    with the same settings and this backend. An httpx client given a transport uses no proxy
    from the environment (HTTP_PROXY...): rightly here, since a proxy would resolve and reach
    hosts whose addresses no one checked."""

    def __init__(self, backend: GuardedBackend) -> None:
        super().__init__()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=backend,
        )
