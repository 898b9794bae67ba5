"""Transport options against the sandbox served over TLS with a certificate made for this run
(the ``paywire-tls-front`` helper scripts/test builds): an unknown CA is refused, an added one
accepted, and ``proxy`` tunnels through a CONNECT proxy written here that counts its tunnels."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
from typing import Iterator, Tuple

import pytest

import paywire
from paywire.testing import SANDBOX_CREDENTIALS, Sandbox


class ConnectProxy:
    """An HTTP proxy on 127.0.0.1 that only tunnels (CONNECT) to loopback and counts tunnels."""

    def __init__(self) -> None:
        self.tunnels = 0
        self._lock = threading.Lock()
        self._server = socket.socket()
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(16)
        self.port = self._server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._tunnel, args=(conn,), daemon=True).start()

    def _tunnel(self, conn: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                conn.close()
                return
            head += chunk
        method, target = head.split(b"\r\n", 1)[0].split()[:2]
        host, _, port = target.decode().rpartition(":")
        if method != b"CONNECT" or host not in ("127.0.0.1", "localhost"):
            conn.sendall(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n")
            conn.close()
            return
        upstream = socket.create_connection(("127.0.0.1", int(port)))
        with self._lock:
            self.tunnels += 1
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")

        def pipe(src: socket.socket, dst: socket.socket) -> None:
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                try:
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass

        threading.Thread(target=pipe, args=(upstream, conn), daemon=True).start()
        pipe(conn, upstream)

    def close(self) -> None:
        self._server.close()


@pytest.fixture
def tls_sandbox(sandbox: Sandbox) -> Iterator[Tuple[str, str]]:
    """(https base URL of the sandbox's Saferpay API, the CA's PEM)."""
    front = os.environ.get("PAYWIRE_TLS_FRONT")
    assert front, "PAYWIRE_TLS_FRONT is unset: python/scripts/test builds the paywire-tls-front helper"
    upstream = sandbox.url.rsplit("/", 1)[-1]
    proc = subprocess.Popen([front, upstream], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        path = sandbox.saferpay_base_url[len(sandbox.url):]
        yield f"https://127.0.0.1:{info['port']}{path}", info["ca_pem"]
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=10)


def client(base: str, **options: object) -> paywire.SaferpayClient:
    return paywire.SaferpayClient(
        SANDBOX_CREDENTIALS["saferpay_customer_id"],
        SANDBOX_CREDENTIALS["saferpay_username"],
        SANDBOX_CREDENTIALS["saferpay_password"],
        SANDBOX_CREDENTIALS["saferpay_terminal_id"],
        base_url=base,
        **options,  # type: ignore[arg-type]
    )


def page(c: paywire.SaferpayClient, order: str) -> None:
    c.initialize_payment_page(paywire.Money(100, "CHF"), order, "transport options", "https://shop.example/return")


def test_unknown_ca_refused_added_ca_accepted_and_proxy_tunnels(tls_sandbox: Tuple[str, str], report) -> None:  # type: ignore[no-untyped-def]
    base, ca_pem = tls_sandbox
    with pytest.raises(paywire.PaywireError) as refused:
        page(client(base, max_retries=0, proxy="none"), "py-tls-1")
    assert refused.value.kind == "transport"
    assert "certificate" in str(refused.value).lower() or "issuer" in str(refused.value).lower()

    page(client(base, ca_certificates=ca_pem, proxy="none"), "py-tls-2")

    proxy = ConnectProxy()
    try:
        proxied = client(base, ca_certificates=ca_pem, proxy=proxy.url)
        for n in range(3):
            page(proxied, f"py-proxy-{n}")
        assert proxy.tunnels >= 1
        report.append(
            f"python TLS sandbox: unknown CA refused, added CA accepted; 3 calls through the CONNECT proxy: {proxy.tunnels} tunnel(s)"
        )
    finally:
        proxy.close()


def test_bad_transport_options_name_their_field() -> None:
    with pytest.raises(paywire.ValidationError) as bad_ca:
        client("http://127.0.0.1:1/api", ca_certificates="not a certificate")
    assert bad_ca.value.field == "ca_certificates"
    with pytest.raises(paywire.ValidationError) as bad_proxy:
        client("http://127.0.0.1:1/api", proxy="ftp://user:hunter2@127.0.0.1:21")
    assert bad_proxy.value.field == "proxy"
    assert "hunter2" not in str(bad_proxy.value)
