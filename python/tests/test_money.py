"""Money: integers and ISO 4217, validation errors naming the field."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest

import paywire
from paywire import Money, ValidationError


def test_construct_and_parse() -> None:
    m = Money(404, "CHF")
    assert (m.minor, m.currency, m.exponent) == (404, "CHF", 2)
    assert str(m) == "4.04 CHF"
    assert repr(m) == "Money(404, 'CHF')"
    assert Money.parse("4.04", "CHF") == m
    assert Money.parse(Decimal("4.04"), "CHF") == m
    assert Money.parse(Decimal("4.04"), "chf") == m
    assert Money.parse(4, "CHF").minor == 400
    assert Money.parse("1500", "JPY").minor == 1500
    assert str(Money.parse("1.5", "KWD")) == "1.500 KWD"
    assert Money.parse(Decimal("1E+1"), "CHF").minor == 1000
    # Extra decimals that are all zero are accepted by the core, as text or Decimal as given.
    assert Money.parse("4.0400", "CHF") == m
    assert Money.parse(Decimal("4.0400"), "CHF") == m
    assert Money.parse(Decimal("1500.00"), "JPY").minor == 1500
    assert m.to_decimal() == Decimal("4.04")


def test_equality_hash_pickle() -> None:
    a, b = Money(404, "CHF"), Money.parse("4.04", "CHF")
    assert a == b and hash(a) == hash(b)
    assert a != Money(404, "EUR")
    assert {a, b} == {a}
    assert pickle.loads(pickle.dumps(a)) == a


@pytest.mark.parametrize(
    "amount, currency, field",
    [
        ("4.045", "CHF", "amount"),
        ("4.0401", "CHF", "amount"),
        (Decimal("4.0401"), "CHF", "amount"),
        ("1.5", "JPY", "amount"),
        ("-1", "CHF", "amount"),
        ("1e3", "CHF", "amount"),
        ("", "CHF", "amount"),
        ("99999999999999999999", "CHF", "amount"),
        ("1", "ABC", "currency"),
        (Decimal("-1"), "CHF", "amount"),
        (4.04, "CHF", "amount"),
    ],
)
def test_parse_rejects(amount: object, currency: str, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        Money.parse(amount, currency)  # type: ignore[arg-type]
    assert info.value.kind == "validation"
    assert info.value.field == field
    assert isinstance(info.value, paywire.PaywireError)


def test_constructor_rejects() -> None:
    with pytest.raises(ValidationError) as info:
        Money(-1, "CHF")
    assert info.value.field == "amount"
    with pytest.raises(ValidationError) as info:
        Money(1, "XXQ")
    assert info.value.field == "currency"
    with pytest.raises(ValidationError):
        Money(2**70, "CHF")
    with pytest.raises(ValidationError):
        Money("404", "CHF")  # type: ignore[arg-type]
