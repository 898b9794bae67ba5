"""Part 4 baseline: pages the Saferpay reporting API itself with requests + json, one CSV-ish
line per transaction on stdout. Usage: export_requests.py START END PAGE_SIZE [--download-only]

--download-only fetches the pages without decoding them (only the first page is decoded, for
the total): the sandbox's serving floor, for reference."""

import json
import os
import sys
import uuid

import requests


def status_of(t: dict) -> tuple:
    auth = t.get("AuthorizationDetails")
    if auth:
        return auth.get("State") or "AUTHORIZED", auth.get("AuthorizationDate") or ""
    failed = t.get("FailedDetails")
    if failed:
        return "FAILED", failed.get("FailedDate") or ""
    pending = t.get("PendingDetails")
    if pending:
        return "PENDING", pending.get("PendingSinceDate") or ""
    return "UNKNOWN", ""


def main() -> None:
    start, end, page_size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    download_only = "--download-only" in sys.argv[4:]
    env = os.environ
    url = (
        f"{env['SAFERPAY_BASE_URL'].rstrip('/')}/rest/customers/{env['SAFERPAY_CUSTOMER_ID']}"
        "/transactions"
    )
    session = requests.Session()
    session.auth = (env["SAFERPAY_USERNAME"], env["SAFERPAY_PASSWORD"])
    session.headers.update({"Accept": "application/json", "Saferpay-ApiVersion": "1.53"})
    total = None
    page = 1
    with open(sys.stdout.fileno(), "w", buffering=1 << 20, closefd=False) as out:
        write = out.write
        while True:
            r = session.get(
                url,
                params={"StartDate": start, "EndDate": end, "TransactionState": "SUCCESSFUL",
                        "PageSize": page_size, "PageNumber": page},
                headers={"Saferpay-RequestId": str(uuid.uuid4())},
            )
            r.raise_for_status()
            if download_only and total is not None:
                body = r.content
                count = min(page_size, total - (page - 1) * page_size)
                write("\n" * count)
                if page * page_size >= total or not body:
                    break
                page += 1
                continue
            data = json.loads(r.content)
            transactions = data.get("Transactions") or []
            total = int(data.get("TotalTransactions") or 0)
            for t in transactions:
                if download_only:
                    write("\n")
                    continue
                status, date = status_of(t)
                write(f"{t['TransactionId']},{status},{t.get('MerchantAmount', '')},"
                      f"{t.get('MerchantCurrency', '')},{date}\n")
            if len(transactions) < page_size or page * page_size >= total:
                break
            page += 1


if __name__ == "__main__":
    main()
