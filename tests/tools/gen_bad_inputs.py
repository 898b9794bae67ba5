#!/usr/bin/env python3
"""Generates tests/scenarios/bad_input_*.json: invalid inputs across the public API.

Each entry is one call that must fail with a `validation` error naming `field`, before
anything is sent: every file ends by checking that the sandbox received zero requests.
Run it after editing the tables below; the generated files are committed.
"""
import json
import pathlib

OUT = pathlib.Path(__file__).resolve().parent.parent / "scenarios"

CHF = {"minor": 404, "currency": "CHF"}
OFFER = {"amount": CHF, "order_id": "${unique}", "description": "ok", "expires_at": "${now+2h}"}


def offer(field, **overrides):
    args = dict(OFFER)
    for key, value in overrides.items():
        if value is DROP:
            args.pop(key, None)
        else:
            args[key] = value
    return ("saferpay", "create_offer", args, field)


def payer(field, **payer_fields):
    return offer(field, payer=payer_fields)


def address(field, **address_fields):
    return payer("payer.billing_address." + field, billing_address=address_fields)


def item(field, **item_fields):
    return offer("order.items[0]." + field, order={"items": [item_fields]})


DROP = object()

SAFERPAY_MANAGEMENT = [
    # description
    offer("description", description="x" * 101),
    offer("description", description=""),
    offer("description", description="bell\u0007"),
    # order id: Id[1..80], A-Za-z0-9.:-_
    offer("order_id", order_id=""),
    offer("order_id", order_id="o" * 81),
    offer("order_id", order_id="has space"),
    offer("order_id", order_id="a/b"),
    offer("order_id", order_id="grüezi"),
    offer("order_id", order_id="#4711"),
    # expiry window: 1 h to 180 days ahead
    offer("expires_at", expires_at="${now+30m}"),
    offer("expires_at", expires_at="${now+59m}"),
    offer("expires_at", expires_at="${now+181d}"),
    offer("expires_at", expires_at="${now-1h}"),
    offer("expires_at", expires_at="not a date"),
    offer("expires_at", expires_at="2026-13-01T00:00:00+01:00"),
    # MaxPaymentAttempts ∈ {0,1,3,5,10}
    offer("max_payment_attempts", max_payment_attempts=2),
    offer("max_payment_attempts", max_payment_attempts=4),
    offer("max_payment_attempts", max_payment_attempts=6),
    offer("max_payment_attempts", max_payment_attempts=11),
    offer("max_payment_attempts", max_payment_attempts=100),
    # amounts and currencies
    offer("amount", amount={"minor": 0, "currency": "CHF"}),
    offer("amount", amount={"minor": -5, "currency": "CHF"}),
    offer("currency", amount={"minor": 404, "currency": "XYZ"}),
    offer("currency", amount={"minor": 404, "currency": "CHFF"}),
    offer("currency", amount={"minor": 404, "currency": ""}),
    offer("currency", amount={"minor": 404, "currency": "XAU"}),
    # config set, condition
    offer("config_set", config_set="c" * 21),
    offer("config_set", config_set="bad set"),
    offer("condition", condition="SOMETIMES"),
    offer("condition", condition="none"),
    # payer
    payer("payer.language_code", language_code="fr_CH"),
    payer("payer.language_code", language_code="english"),
    payer("payer.language_code", language_code="DE"),
    payer("payer.ip_address", ip_address="999.1.1.1"),
    payer("payer.ip_address", ip_address="::1"),
    payer("payer.ipv6_address", ipv6_address="1.2.3.4"),
    payer("payer.ipv6_address", ipv6_address="zz::"),
    payer("payer.id", id="payer-1"),
    payer("payer.delivery_address", delivery_address={"city": "Bern"}),
    payer("payer.nickname", nickname="Max"),
    address("email", email="nope"),
    address("email", email="a@"),
    address("email", email="@b.ch"),
    address("email", email="a b@c.ch"),
    address("country_code", country_code="CHE"),
    address("country_code", country_code="ch"),
    address("country_code", country_code="1A"),
    address("gender", gender="M"),
    address("first_name", first_name="f" * 101),
    address("first_name", first_name=""),
    address("city", city="c" * 101),
    address("date_of_birth", date_of_birth="1990-02-30"),
    address("date_of_birth", date_of_birth="30.01.1990"),
    address("vat_number", vat_number="v" * 26),
    address("country_subdivision_code", country_subdivision_code="CH-ZHXX"),
    # billing address form
    offer("billing_address_form.address_source", billing_address_form={"address_source": "SOMETIMES"}),
    offer("billing_address_form.mandatory_fields[0]",
          billing_address_form={"address_source": "SAFERPAY", "mandatory_fields": ["NAME"]}),
    # order items
    offer("order.items", order={"items": []}),
    item("item_type", item_type="FOOD"),
    item("name", name="n" * 201),
    item("tax_rate", tax_rate=100000),
    item("tax_rate", tax_rate=-1),
    item("quantity", quantity=-1),
    item("product_url", product_url="ftp://shop.example/p"),
    item("image_url", image_url="not a url"),
    item("unit_price", unit_price={"minor": 100, "currency": "EUR"}),
    # terminals
    offer("terminal_id", terminal_id="1234"),
    offer("terminal_id", terminal_id="abcdefgh"),
    ("saferpay", "get_offer", {"offer_id": ""}, "offer_id"),
    ("saferpay", "get_offer", {"offer_id": "x", "terminal_id": "12"}, "terminal_id"),
    ("saferpay", "delete_offer", {"offer_id": ""}, "offer_id"),
    ("saferpay", "terminal", {"terminal_id": "abc"}, "terminal_id"),
    ("saferpay", "terminal", {"terminal_id": "123456789"}, "terminal_id"),
    # Fields access tokens
    ("saferpay", "create_fields_access_token", {"description": "", "source_urls": ["https://shop.example/"]}, "description"),
    ("saferpay", "create_fields_access_token", {"description": "d" * 129, "source_urls": ["https://shop.example/"]}, "description"),
    ("saferpay", "create_fields_access_token", {"description": "shop", "source_urls": []}, "source_urls"),
    ("saferpay", "create_fields_access_token", {"description": "shop", "source_urls": ["http://shop.example/"]}, "source_urls[0]"),
    ("saferpay", "create_fields_access_token", {"description": "shop", "source_urls": ["not a url"]}, "source_urls[0]"),
    ("saferpay", "create_fields_access_token", {"description": "shop", "source_urls": ["https://a.example/", "ftp://b.example/"]}, "source_urls[1]"),
    ("saferpay", "delete_fields_access_token", {"access_token": ""}, "access_token"),
    # reporting: end before today, start before end, formats, page size, state, terminal
    ("saferpay", "transactions", {"start": "${days_ago:3}", "end": "${days_ago:0}"}, "end"),
    ("saferpay", "transactions", {"start": "${days_ago:3}", "end": "${days_ago:-1}"}, "end"),
    ("saferpay", "transactions", {"start": "${days_ago:2}", "end": "${days_ago:3}"}, "start"),
    ("saferpay", "transactions", {"start": "${days_ago:2}", "end": "${days_ago:2}"}, "start"),
    ("saferpay", "transactions", {"start": "2026/01/01", "end": "${yesterday}"}, "start"),
    ("saferpay", "transactions", {"start": "${days_ago:3}", "end": "2026-01-01T10:00:00"}, "end"),
    ("saferpay", "transactions", {"start": "${days_ago:3}", "end": "${yesterday}", "page_size": 0}, "page_size"),
    ("saferpay", "transactions", {"start": "${days_ago:3}", "end": "${yesterday}", "page_size": 2001}, "page_size"),
    ("saferpay", "transactions", {"start": "${days_ago:3}", "end": "${yesterday}", "state": "DONE"}, "state"),
    ("saferpay", "transactions", {"start": "${days_ago:3}", "end": "${yesterday}", "terminal_id": "x1"}, "terminal_id"),
]

PP = {"amount": {"minor": 1000, "currency": "CHF"}, "order_id": "${unique}", "description": "ok",
      "return_url": "https://shop.example/return"}


def pp(field, **overrides):
    args = dict(PP)
    args.update(overrides)
    return ("saferpay", "initialize_payment_page", args, field)


SAFERPAY_PAYMENTS = [
    pp("description", description=""),
    pp("description", description="d" * 1001),
    pp("order_id", order_id=""),
    pp("order_id", order_id="o" * 81),
    pp("order_id", order_id="has space"),
    pp("return_url", return_url=""),
    pp("return_url", return_url="not a url"),
    pp("return_url", return_url="ftp://shop.example/return"),
    pp("return_url", return_url="https://shop.example/" + "a" * 1990),
    pp("success_notify_url", success_notify_url="nope"),
    pp("success_notify_url", success_notify_url="ftp://shop.example/notify"),
    pp("fail_notify_url", fail_notify_url="nope"),
    pp("amount", amount={"minor": 0, "currency": "CHF"}),
    pp("amount", amount={"minor": -1, "currency": "CHF"}),
    pp("currency", amount={"minor": 100, "currency": "XYZ"}),
    pp("payment_methods[0]", payment_methods=["BITCOIN"]),
    pp("payment_methods[1]", payment_methods=["VISA", "MONOPOLY_MONEY"]),
    pp("wallets[0]", wallets=["SAMSUNGPAY"]),
    pp("payer.language_code", payer={"language_code": "e"}),
    pp("payer.delivery_address.vat_number", payer={"delivery_address": {"vat_number": "CHE-1"}}),
    pp("delivery_address_form.mandatory_fields[0]", delivery_address_form={"address_source": "SAFERPAY", "mandatory_fields": ["VATNUMBER"]}),
    pp("payer.id", payer={"id": "pay er"}),
    pp("payer.billing_address.email", payer={"billing_address": {"email": "nope"}}),
    pp("payer.delivery_address.country_code", payer={"delivery_address": {"country_code": "CHE"}}),
    pp("payer.ip_address", payer={"ip_address": "300.1.1.1"}),
    pp("config_set", config_set="c" * 21),
    pp("condition", condition="SOMETIMES"),
    pp("payer_note", payer_note="n" * 51),
    pp("payer_email", payer_email="not-an-email"),
    pp("merchant_emails", merchant_emails=[f"m{i}@shop.example" for i in range(11)]),
    pp("merchant_emails[0]", merchant_emails=["nope"]),
    pp("terminal_id", terminal_id="123"),
    ("saferpay", "assert_payment_page", {"token": ""}, "token"),
    ("saferpay", "assert_payment_page", {"token": "a b"}, "token"),
    ("saferpay", "assert_payment_page", {"token": "t" * 51}, "token"),
    ("saferpay", "payment_outcome", {"token": ""}, "token"),
    ("saferpay", "capture", {"transaction_id": ""}, "transaction_id"),
    ("saferpay", "capture", {"transaction_id": "a b"}, "transaction_id"),
    ("saferpay", "capture", {"transaction_id": "t" * 65}, "transaction_id"),
    ("saferpay", "capture", {"transaction_id": "abc", "amount": {"minor": 0, "currency": "CHF"}}, "amount"),
    ("saferpay", "capture", {"transaction_id": "abc", "amount": {"minor": 100, "currency": "XYZ"}}, "currency"),
    ("saferpay", "cancel", {"transaction_id": ""}, "transaction_id"),
    ("saferpay", "cancel", {"transaction_id": "bad id!"}, "transaction_id"),
    ("saferpay", "inquire", {"transaction_id": ""}, "transaction_id"),
    ("saferpay", "inquire", {"transaction_id": "t" * 65}, "transaction_id"),
    ("saferpay", "refund", {"capture_id": "", "amount": {"minor": 100, "currency": "CHF"}}, "capture_id"),
    ("saferpay", "refund", {"capture_id": "a b", "amount": {"minor": 100, "currency": "CHF"}}, "capture_id"),
    ("saferpay", "refund", {"capture_id": "c1", "amount": {"minor": 0, "currency": "CHF"}}, "amount"),
    ("saferpay", "refund", {"capture_id": "c1", "amount": {"minor": -1, "currency": "CHF"}}, "amount"),
    ("saferpay", "refund", {"capture_id": "c1", "amount": {"minor": 100, "currency": "CHF"}, "description": "d" * 1001}, "description"),
    ("saferpay", "refund", {"capture_id": "c1", "amount": {"minor": 100, "currency": "CHF"}, "order_id": "a b"}, "order_id"),
    ("saferpay", "assert_capture", {"capture_id": ""}, "capture_id"),
    ("saferpay", "assert_refund", {"transaction_id": ""}, "transaction_id"),
]

STX = {"amount": {"minor": 500, "currency": "EUR"}, "merchant_ref": "${unique}"}


def stx(field, **overrides):
    args = dict(STX)
    args.update(overrides)
    return ("secuconnect", "create_smart_transaction", args, field)


SECUCONNECT = [
    stx("amount", amount={"minor": -1, "currency": "EUR"}),
    stx("currency", amount={"minor": 500, "currency": "XYZ"}),
    stx("intent", intent="gift"),
    stx("intent", intent=""),
    stx("language", language="deu"),
    stx("language", language="d"),
    stx("language", language="1a"),
    stx("language", language="de_D"),
    stx("language", language="de_DEU"),
    stx("intent", intent="authorization"),
    stx("contract_id", contract_id="bad id!"),
    stx("checkout_template", checkout_template="x y"),
    stx("return_urls.url_success", return_urls={"url_success": "not a url"}),
    stx("return_urls.url_push", return_urls={"url_push": "ftp://shop.example/push"}),
    stx("return_urls.url_abort", return_urls={"url_abort": "https://shop.example/" + "a" * 2000}),
    stx("merchant_ref", merchant_ref="m" * 256),
    stx("transaction_ref", transaction_ref="t" * 256),
    ("secuconnect", "get_smart_transaction", {"id": ""}, "id"),
    ("secuconnect", "get_smart_transaction", {"id": "../etc/passwd"}, "id"),
    ("secuconnect", "get_smart_transaction", {"id": "STX 1"}, "id"),
    ("secuconnect", "update_smart_transaction", {"id": ""}, "id"),
    ("secuconnect", "update_smart_transaction", {"id": "STX_1", "amount": {"minor": -1, "currency": "EUR"}}, "amount"),
    ("secuconnect", "prepare_smart_transaction", {"id": "STX_1", "payment_method": "bitcoin"}, "payment_method"),
    ("secuconnect", "prepare_smart_transaction", {"id": "", "payment_method": "debit"}, "id"),
    ("secuconnect", "start_smart_transaction", {"id": "STX_1", "payment_method": "bitcoin"}, "payment_method"),
    ("secuconnect", "start_smart_transaction", {"id": ""}, "id"),
    ("secuconnect", "cancel_smart_transaction", {"id": ""}, "id"),
    ("secuconnect", "abort_smart_transaction", {"id": ""}, "id"),
    ("secuconnect", "get_payment_transaction", {"id": ""}, "id"),
    ("secuconnect", "cancel_payment_transaction", {"id": ""}, "id"),
    ("secuconnect", "cancel_payment_transaction", {"id": "PCI_1", "reduce_amount_by": {"minor": 0, "currency": "EUR"}}, "reduce_amount_by"),
    ("secuconnect", "smart_transactions", {"page_size": 0}, "page_size"),
    ("secuconnect", "smart_transactions", {"page_size": 1001}, "page_size"),
    ("secuconnect", "prepare_smart_transaction", {"id": "STX_1", "payment_method": "debit", "container_id": "PCT 1"}, "container_id"),
    ("secuconnect", "set_delivery", {"id": "STX_1", "delivery": {"type": "collection", "scheduled_slot": {}}}, "delivery.scheduled_slot"),
    ("secuconnect", "refund_payment_transaction", {"id": ""}, "id"),
    ("secuconnect", "refund_payment_transaction", {"id": "PCI_1", "amount": {"minor": 0, "currency": "EUR"}}, "amount"),
    ("secuconnect", "refund_payment_transaction", {"id": "PCI_1", "reason": "r" * 101}, "reason"),
    ("secuconnect", "list_payment_transactions", {"count": 0}, "count"),
    ("secuconnect", "list_payment_transactions", {"count": 1001}, "count"),
    ("secuconnect", "list_payment_transactions", {"offset": 10000}, "offset"),
    ("secuconnect", "list_payment_transactions", {"sort": "created"}, "sort"),
    ("secuconnect", "capture_payment_transaction", {"id": "../x"}, "id"),
    ("secuconnect", "capture_payment_transaction", {"id": "PCI_1", "amount": {"minor": 0, "currency": "EUR"}}, "amount"),
    ("secuconnect", "revoke_accrual", {"id": ""}, "id"),
    ("secuconnect", "create_payment_container", {"bank_account": {"owner": "", "iban": "DE35500105175418493188"}}, "bank_account.owner"),
    ("secuconnect", "create_payment_container", {"bank_account": {"owner": "Max", "iban": "DE35500105175418493189"}}, "bank_account.iban"),
    ("secuconnect", "create_payment_container", {"bank_account": {"owner": "Max", "iban": "DE35500105175418493188"}, "customer_id": "bad id!"}, "customer_id"),
    ("secuconnect", "get_payment_container", {"id": "PCT 1"}, "id"),
    ("secuconnect", "list_payment_containers", {"count": 0}, "count"),
    ("secuconnect", "delete_payment_container", {"id": ""}, "id"),
    ("secuconnect", "get_payment_methods", {"contract_id": "GCR/../x"}, "contract_id"),
]

ORDER = {"order_id": "${unique}", "currency": "USD", "items": [{"description": "widget", "amount_cents": 100}]}


def order(field, **overrides):
    args = dict(ORDER)
    args.update(overrides)
    return ("sekurepay", "create_order", args, field)


SEKUREPAY = [
    order("order_id", order_id=""),
    order("order_id", order_id="a b"),
    order("order_id", order_id=".."),
    order("order_id", order_id="o" * 101),
    order("currency", currency="XYZ"),
    order("currency", currency=""),
    order("items", items=[]),
    order("items[0].description", items=[{"description": "", "amount_cents": 100}]),
    order("items[0].amount_cents", items=[{"description": "w", "amount_cents": -1}]),
    order("items[0].quantity", items=[{"description": "w", "amount_cents": 100, "quantity": 0}]),
    order("items[0].price", items=[{"description": "w", "amount_cents": 100, "price": 3}]),
    order("items[1].description", items=[{"description": "w", "amount_cents": 100}, {"description": "", "amount_cents": 5}]),
    order("taxes[0].amount_cents", taxes=[{"description": "vat", "amount_cents": -5}]),
    order("taxes[0].description", taxes=[{"description": "", "amount_cents": 5}]),
    order("shipping_amount_cents", shipping_amount_cents=-1),
    order("total", items=[{"description": "free", "amount_cents": 0}]),
    ("sekurepay", "get_order", {"order_id": ""}, "order_id"),
    ("sekurepay", "get_order", {"order_id": "a b"}, "order_id"),
]

LINK = {"amount": {"minor": 1250, "currency": "EUR"}, "order_id": "${unique}", "description": "Order 4711"}


def link(client, field, **overrides):
    args = dict(LINK)
    args.update(overrides)
    return (client, "create_payment_link", args, field)


PAYMENT_LINKS = [
    link("saferpay", "description", description="d" * 101),
    link("saferpay", "description", description=""),
    link("saferpay", "order_id", order_id="a b"),
    link("saferpay", "amount", amount={"minor": 0, "currency": "EUR"}),
    link("saferpay", "currency", amount={"minor": 100, "currency": "XYZ"}),
    link("saferpay", "expires_at", expires_at="${now+30m}"),
    link("saferpay", "expires_at", expires_at="${now+200d}"),
    link("secuconnect", "expires_at", expires_at="${now+2d}"),
    link("secuconnect", "order_id", order_id=""),
    link("secuconnect", "description", description=""),
    link("secuconnect", "amount", amount={"minor": 0, "currency": "EUR"}),
    link("secuconnect", "currency", amount={"minor": 100, "currency": "XYZ"}),
    ("saferpay", "get_payment_link", {"id": ""}, "offer_id"),
    ("saferpay", "cancel_payment_link", {"id": ""}, "offer_id"),
    ("secuconnect", "get_payment_link", {"id": ""}, "id"),
    ("secuconnect", "cancel_payment_link", {"id": ""}, "id"),
]


CARD = {"number": "9010004150000009", "exp_month": 12, "exp_year": 2099}
AD = {"amount": {"minor": 1500, "currency": "CHF"}, "order_id": "${unique}", "description": "ok",
      "payment_means": {"alias_id": "alias-1"}}
TI = {"amount": {"minor": 1500, "currency": "CHF"}, "order_id": "${unique}", "description": "ok",
      "return_url": "https://shop.example/back"}


def direct(field, **overrides):
    args = dict(AD)
    for key, value in overrides.items():
        if value is DROP:
            args.pop(key, None)
        else:
            args[key] = value
    return ("saferpay", "authorize_direct", args, field)


def card(field, **card_fields):
    c = dict(CARD)
    for key, value in card_fields.items():
        if value is DROP:
            c.pop(key, None)
        else:
            c[key] = value
    return direct("payment_means.card." + field if field else "payment_means.card", payment_means={"card": c})


def init(field, **overrides):
    args = dict(TI)
    for key, value in overrides.items():
        if value is DROP:
            args.pop(key, None)
        else:
            args[key] = value
    return ("saferpay", "initialize_transaction", args, field)


SAFERPAY_TRANSACTIONS = [
    # card data
    card("number", number="9010004150000008"),
    card("number", number="4111111111111112"),
    card("number", number="9010 0041 5000 0009"),
    card("number", number="9010-0041-5000-0009"),
    card("number", number="12345678"),
    card("number", number="90100041500000090000"),
    card("number", number=""),
    card("number", number="4111x11111111111"),
    card("exp_month", exp_month=0),
    card("exp_month", exp_month=13),
    card("exp_month", exp_month=-1),
    card("exp_year", exp_year=1999),
    card("exp_year", exp_year=10000),
    card("exp_year", exp_year="2030"),
    card("verification_code", verification_code="12"),
    card("verification_code", verification_code="12345"),
    card("verification_code", verification_code="12a"),
    card("holder_name", holder_name=""),
    card("holder_name", holder_name="h" * 51),
    card("", number=DROP),
    card("", exp_month=DROP),
    card("cvv", cvv="123"),
    # payment means as a whole
    direct("payment_means", payment_means={}),
    direct("payment_means", payment_means={"alias_id": "a-1", "card": CARD}),
    direct("payment_means", payment_means={"alias_id": "a-1", "saferpay_fields_token": "t-1"}),
    direct("payment_means.verification_code", payment_means={"saferpay_fields_token": "t-1", "verification_code": "123"}),
    direct("payment_means.verification_code", payment_means={"card": CARD, "verification_code": "123"}),
    direct("payment_means.verification_code", payment_means={"alias_id": "a-1", "verification_code": "12"}),
    direct("payment_means.alias_id", payment_means={"alias_id": "a 1"}),
    direct("payment_means.alias_id", payment_means={"alias_id": "a" * 41}),
    direct("payment_means.saferpay_fields_token", payment_means={"saferpay_fields_token": "t/1"}),
    direct("payment_means.iban", payment_means={"iban": "CH93"}),
    direct("payment_means", payment_means="alias-1"),
    direct("payment_means", payment_means=["alias-1"]),
    direct("payment_means.card", payment_means={"card": "9010004150000009"}),
    direct("payment_means.alias_id", payment_means={"alias_id": ""}),
    # authorize_direct
    direct("amount", amount={"minor": 0, "currency": "CHF"}),
    direct("order_id", order_id="a b"),
    direct("order_id", order_id="o" * 81),
    direct("description", description=""),
    direct("description", description="d" * 1001),
    direct("initiator", initiator="BANK"),
    direct("payer_note", payer_note="n" * 51),
    direct("installment", recurring=True, installment=True),
    direct("register_alias.id_generator", register_alias={"id_generator": "SEQUENTIAL"}),
    direct("register_alias.id", register_alias={"id_generator": "MANUAL"}),
    direct("register_alias.lifetime", register_alias={"id_generator": "RANDOM", "lifetime": 1601}),
    direct("terminal_id", terminal_id="1234"),
    # initialize_transaction
    init("return_url", return_url="/relative"),
    init("return_url", return_url="ftp://shop.example/back"),
    init("return_url", return_url="https://shop.example/" + "x" * 2000),
    init("redirect_notify_urls.success", redirect_notify_urls={"success": "nope", "fail": "https://shop.example/f"}),
    init("redirect_notify_urls.fail", redirect_notify_urls={"success": "https://shop.example/s", "fail": "mailto:a@b.ch"}),
    init("payment_methods[0]", payment_methods=["TWINT"]),
    init("payment_methods[1]", payment_methods=["VISA", "PAYPAL"]),
    init("config_set", config_set="c" * 21),
    init("css_url", css_url="http://shop.example/s.css"),
    init("payer.language_code", payer={"language_code": "klingon"}),
    init("installment", recurring=True, installment=True),
    init("amount", amount={"minor": 0, "currency": "CHF"}),
    init("payment_means.card.number", payment_means={"card": dict(CARD, number="4111111111111113")}),
    init("payment_means", payment_means={}),
    init("payment_means.alias_id", payment_means={"alias_id": "a b"}),
    # authorize_transaction
    ("saferpay", "authorize_transaction", {"token": ""}, "token"),
    ("saferpay", "authorize_transaction", {"token": "t" * 51}, "token"),
    ("saferpay", "authorize_transaction", {"token": "tok", "condition": "ALWAYS"}, "condition"),
    # authorize_referenced
    ("saferpay", "authorize_referenced", {"transaction_id": "T-1", "amount": {"minor": 100, "currency": "CHF"},
                                          "order_id": "o-1", "description": "d"}, "transaction_id"),
    ("saferpay", "authorize_referenced", {"transaction_id": "T1", "amount": {"minor": 0, "currency": "CHF"},
                                          "order_id": "o-1", "description": "d"}, "amount"),
    # refund_direct
    ("saferpay", "refund_direct", {"amount": {"minor": 100, "currency": "CHF"}, "order_id": "r-1",
                                   "payment_means": {"saferpay_fields_token": "tok"}}, "payment_means.saferpay_fields_token"),
    ("saferpay", "refund_direct", {"amount": {"minor": 100, "currency": "CHF"}, "order_id": "r-1",
                                   "payment_means": {"card": dict(CARD, exp_month=14)}}, "payment_means.card.exp_month"),
    ("saferpay", "refund_direct", {"amount": {"minor": 100, "currency": "CHF"}, "order_id": "r 1",
                                   "payment_means": {"alias_id": "a-1"}}, "order_id"),
    ("saferpay", "refund_direct", {"amount": {"minor": 100, "currency": "CHF"}, "order_id": "r-1",
                                   "payment_means": {"alias_id": "a-1"}, "description": ""}, "description"),
    # the alias store
    ("saferpay", "insert_alias", {"return_url": "relative"}, "return_url"),
    ("saferpay", "insert_alias", {"return_url": "https://shop.example/c", "payment_means_type": "CASH"}, "payment_means_type"),
    ("saferpay", "insert_alias", {"return_url": "https://shop.example/c", "payment_methods": ["TWINT"]}, "payment_methods[0]"),
    ("saferpay", "insert_alias", {"return_url": "https://shop.example/c", "language_code": "german"}, "language_code"),
    ("saferpay", "insert_alias", {"return_url": "https://shop.example/c", "language_code": "DE-ch"}, "language_code"),
    ("saferpay", "insert_alias", {"return_url": "https://shop.example/c", "notify_url": "notify"}, "notify_url"),
    ("saferpay", "insert_alias", {"return_url": "https://shop.example/c", "register_alias": {"id_generator": "RANDOM", "id": "x"}}, "register_alias.id"),
    ("saferpay", "assert_alias_insert", {"token": ""}, "token"),
    ("saferpay", "insert_alias_direct", {"payment_means": {"alias_id": "a-1"}}, "payment_means.alias_id"),
    ("saferpay", "insert_alias_direct", {"payment_means": {"saferpay_fields_token": "t-1"}}, "payment_means.saferpay_fields_token"),
    ("saferpay", "insert_alias_direct", {"payment_means": {"card": dict(CARD, number="9010004150000001")}}, "payment_means.card.number"),
    ("saferpay", "insert_alias_direct", {"payment_means": {"card": dict(CARD, verification_code="1")}}, "payment_means.card.verification_code"),
    ("saferpay", "insert_alias_direct", {"payment_means": {"card": CARD}, "register_alias": {"id_generator": "MANUAL", "id": "a b"}}, "register_alias.id"),
    ("saferpay", "update_alias", {"alias_id": "a-1", "exp_month": 13, "exp_year": 2030}, "exp_month"),
    ("saferpay", "update_alias", {"alias_id": "a-1", "exp_month": 1, "exp_year": 1990}, "exp_year"),
    ("saferpay", "update_alias", {"alias_id": "a-1", "exp_month": 1, "exp_year": 2030, "lifetime": 0}, "lifetime"),
    ("saferpay", "update_alias", {"alias_id": "a 1", "exp_month": 1, "exp_year": 2030}, "alias_id"),
    ("saferpay", "inquire_alias", {"alias_id": ""}, "alias_id"),
    ("saferpay", "inquire_alias", {"alias_id": "a" * 41}, "alias_id"),
    ("saferpay", "delete_alias", {"alias_id": "a/1"}, "alias_id"),
    ("saferpay", "close_batch", {"terminal_id": "1234567"}, "terminal_id"),
    ("saferpay", "close_batch", {"terminal_id": "1234567a"}, "terminal_id"),
]

CORPORA = {
    "bad_input_saferpay_management.json": (
        "saferpay management bad input",
        SAFERPAY_MANAGEMENT,
    ),
    "bad_input_saferpay_payments.json": ("saferpay payment page and transaction bad input", SAFERPAY_PAYMENTS),
    "bad_input_saferpay_transactions.json": (
        "saferpay transaction interface and alias store bad input (card data included)",
        SAFERPAY_TRANSACTIONS,
    ),
    "bad_input_secuconnect.json": ("secuconnect bad input", SECUCONNECT),
    "bad_input_sekurepay.json": ("sekurepay bad input", SEKUREPAY),
    "bad_input_payment_links.json": ("payment link bad input", PAYMENT_LINKS),
}


def write(name, title, entries):
    steps = []
    for client, call, args, field in entries:
        steps.append({"client": client, "call": call, "args": args,
                      "expect_error": {"kind": "validation", "field": field}})
    steps[-1]["expect_stats"] = {"requests": 0}
    scenario = {
        "name": title,
        "description": "Generated by tests/tools/gen_bad_inputs.py: each call fails with a validation "
                       "error naming the field, and the sandbox receives nothing.",
        "steps": steps,
    }
    (OUT / name).write_text(json.dumps(scenario, indent=1, ensure_ascii=False) + "\n")
    return len(steps)


if __name__ == "__main__":
    total = 0
    for name, (title, entries) in CORPORA.items():
        total += write(name, title, entries)
    print(f"{total} invalid inputs in {len(CORPORA)} files")
