"""One HTTP POST of a signed event, with the standard library's http.client: no redirect is ever followed, and the
host is resolved once, checked to be a public address (unless WEBHOOKS_ALLOW_PRIVATE), and that very address is
the one connected to, so a DNS answer that changes between the check and the connection cannot reach inside."""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from standardwebhooks import Webhook


class AddressRefused(Exception):
    """The endpoint's host resolves to an address webhooks may not reach (private, loopback, link-local, ...)."""


@dataclass(frozen=True)
class Outcome:
    status_code: int | None  # None: no answer
    duration_ms: int
    error: str = ""  # why it failed; empty when it succeeded

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def signed_headers(*, secret: str, event_id: str, body: str, at: datetime) -> dict[str, str]:
    """The Standard Webhooks headers of ``body``, signed at ``at``."""
    return {"webhook-id": event_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(secret).sign(event_id, at, body), "Content-Type": "application/json"}


def post(url: str, body: str, headers: dict[str, str]) -> Outcome:
    """POST ``body`` to ``url``; a 2xx answer succeeds, anything else (a 3xx too) is a failure with its reason."""
    started = time.monotonic()

    def elapsed() -> int:
        return round((time.monotonic() - started) * 1000)

    try:
        status = _post(url, body.encode(), headers)
    except AddressRefused as error:
        return Outcome(None, elapsed(), f"Refused: {error}")
    except (OSError, http.client.HTTPException, ValueError) as error:  # refused, timed out, TLS, bad answer
        return Outcome(None, elapsed(), f"{type(error).__name__}: {error}"[:300])
    if 300 <= status < 400:
        return Outcome(status, elapsed(), f"HTTP {status}: redirects are not followed")
    return Outcome(status, elapsed(), "" if 200 <= status < 300 else f"HTTP {status}")


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    address = resolve(parts.hostname, port)
    sock = socket.create_connection((address, port), timeout=timeout)
    try:
        if parts.scheme == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=parts.hostname)
        # The connection given its socket, so http.client speaks to the address checked, naming the host.
        connection = http.client.HTTPConnection(parts.hostname, port, timeout=timeout)
        connection.sock = sock
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)  # the answer's body is not kept; read a little so the server is not cut off
        return response.status
    finally:
        sock.close()


def resolve(host: str, port: int) -> str:
    """The address to connect to for ``host``. Raises AddressRefused if any address it resolves to is not public
    (and WEBHOOKS_ALLOW_PRIVATE is off): one private answer among public ones is refused too."""
    answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [answer[4][0] for answer in answers]
    if not settings.WEBHOOKS_ALLOW_PRIVATE:
        for address in addresses:
            if not is_public(address):
                raise AddressRefused(f"{host} resolves to {address}, which is not a public address")
    return addresses[0]


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone (fe80::1%eth0) is link-local anyway
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_loopback
                                 or ip.is_private)
