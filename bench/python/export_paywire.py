"""Part 4 exporter: paywire's Python iterator (SaferpayClient.transactions), one CSV-ish line
per transaction on stdout. Usage: export_paywire.py START END PAGE_SIZE"""

import os
import sys

import paywire


def main() -> None:
    start, end, page_size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    env = os.environ
    client = paywire.SaferpayClient(
        env["SAFERPAY_CUSTOMER_ID"], env["SAFERPAY_USERNAME"], env["SAFERPAY_PASSWORD"],
        env["SAFERPAY_TERMINAL_ID"], base_url=env["SAFERPAY_BASE_URL"],
    )
    with open(sys.stdout.fileno(), "w", buffering=1 << 20, closefd=False) as out:
        write = out.write
        for tx in client.transactions(start, end, page_size=page_size):
            amount = tx.amount
            if amount is None:
                write(f"{tx.id},{tx.status},,,{tx.date or ''}\n")
            else:
                write(f"{tx.id},{tx.status},{amount.minor},{amount.currency},{tx.date or ''}\n")


if __name__ == "__main__":
    main()
