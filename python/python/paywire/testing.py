"""Test helpers: the paywire sandbox, started in-process.

    from paywire.testing import Sandbox

    with Sandbox() as sandbox:
        client = sandbox.saferpay_client()
        ...

The sandbox serves Saferpay, secuconnect and SekurePay on 127.0.0.1 with state, payer pages,
fault injection, a controllable clock and stats; nothing leaves the machine.
"""

from ._errors import SandboxError
from ._native import Sandbox

__all__ = ["Sandbox", "SandboxError"]
