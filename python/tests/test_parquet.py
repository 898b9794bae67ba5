"""Reporting to Parquet: `transactions(...).to_parquet(path)` reads back in pyarrow with the rows
the iterator yields (same count, ids and amounts)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

pa_parquet = pytest.importorskip("pyarrow.parquet")


def test_to_parquet_matches_the_iterator(sandbox, client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    today = date.today()
    start, end = today - timedelta(days=3), today - timedelta(days=1)
    expected = [
        (t.id, t.amount.minor if t.amount else None, t.amount.currency if t.amount else None)
        for t in client.transactions(start, end, page_size=300)
    ]
    assert len(expected) > 300

    it = client.transactions(start, end, page_size=300)
    first = next(it)
    path = tmp_path / "report.parquet"
    written = it.to_parquet(path)
    # The row already taken is not in the file; everything after it is, once.
    assert written == len(expected) - 1
    assert it.total_transactions == len(expected)
    with pytest.raises(StopIteration):
        next(it)

    table = pa_parquet.read_table(path)
    assert table.num_rows == written
    rows = list(zip(table.column("id").to_pylist(), table.column("amount_minor").to_pylist(),
                    table.column("currency").to_pylist()))
    assert [(first.id, first.amount.minor if first.amount else None,
             first.amount.currency if first.amount else None)] + rows == expected
    assert str(table.schema.field("date").type).startswith("timestamp[ms")
    assert pa_parquet.ParquetFile(path).metadata.num_row_groups >= len(expected) // 300
