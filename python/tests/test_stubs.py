"""The .pyi stubs match the runtime exactly (mypy.stubtest) and type-check real usage."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import paywire


def test_py_typed_and_stub_shipped() -> None:
    package = Path(paywire.__file__).parent
    assert (package / "py.typed").exists()
    assert (package / "_native.pyi").exists()


def test_stubtest() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "paywire", "--mypy-config-file", "/dev/null"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_usage_type_checks(tmp_path: Path) -> None:
    usage = tmp_path / "usage.py"
    usage.write_text(textwrap.dedent('''
        import asyncio
        from datetime import datetime, timezone
        from typing import List, Optional
        from paywire import AsyncSaferpayClient, Money, Offer, PaywireError, ReportedTransaction, SaferpayClient
        from paywire.testing import Sandbox

        def sync_use(client: SaferpayClient) -> Optional[str]:
            offer: Offer = client.create_offer(
                Money.parse("4.04", "CHF"), "o", "d", datetime.now(timezone.utc),
                payer={"language_code": "de", "billing_address": {"email": "a@example.com"}},
                order={"items": [{"name": "x", "unit_price": Money(1, "CHF")}]},
                billing_address_form={"address_source": "NONE"},
            )
            items: List[ReportedTransaction] = list(client.transactions("2024-01-01", "2024-01-02"))
            try:
                client.delete_offer(offer.offer_id)
            except PaywireError as error:
                return error.code
            return offer.transaction_id

        async def async_use(client: AsyncSaferpayClient) -> int:
            lic = await client.license()
            count = 0
            async for _ in client.transactions("2024-01-01", "2024-01-02", page_size=100):
                count += 1
            return count + len(lic.features)

        def sandbox_use() -> None:
            with Sandbox() as sandbox:
                sync_use(sandbox.saferpay_client())
                asyncio.run(async_use(sandbox.async_saferpay_client()))
                stats = sandbox.stats()
                sandbox.inject_fault("saferpay.license", "delay", 2, delay_ms=10)
    '''))
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / ".mypy"), str(usage)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
