"""Test helpers: the paywire sandbox, started in-process.

    from paywire.testing import Sandbox

    with Sandbox() as sandbox:
        client = sandbox.saferpay_client()
        ...

The sandbox serves Saferpay, secuconnect and SekurePay on 127.0.0.1 with state, payer pages,
fault injection, a controllable clock and stats; nothing leaves the machine.

``SANDBOX_CREDENTIALS`` are the sandbox's public test credentials (test-only: they open
nothing but the sandbox). With ``Sandbox.issued_tokens()`` they let a test check that no
secret leaks into logs, errors or results.
"""

from types import MappingProxyType
from typing import Mapping

from ._errors import SandboxError
from ._native import Sandbox

#: The sandbox's public test credentials by name (``saferpay_password``,
#: ``secuconnect_client_secret``, ``sekurepay_api_key`` …); see ``Sandbox.credentials()``.
SANDBOX_CREDENTIALS: Mapping[str, str] = MappingProxyType(Sandbox.credentials())

__all__ = ["SANDBOX_CREDENTIALS", "Sandbox", "SandboxError"]
