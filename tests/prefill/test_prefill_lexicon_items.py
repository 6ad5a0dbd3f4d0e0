# ruff: noqa: RUF001 - multilingual email text: the multiplication sign is meant
"""Line items in each language's own words: the unit words a count carries ("10把",
"500매") and the request that opens a sentence ("facturadnos ...") are not the item's name."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from addin_server.prefill import (
    Address,
    DraftInvoice,
    EmailInput,
    MerchantContext,
    prefill_invoice,
)

OWNER = "billing@shop.example"


def draft(body: str, locale: str, currency: str) -> DraftInvoice:
    message = EmailInput(
        body=body,
        from_address=Address("buyer@customer.example", "Buyer"),
        to=(Address(OWNER),),
        item_date=datetime(2026, 5, 4, 9, tzinfo=UTC),
        mailbox_owner=OWNER,
        locale=locale,
    )
    return prefill_invoice(message, MerchantContext(default_currency=currency, due_days=30))


def items(body: str, locale: str, currency: str) -> list[tuple[str, Decimal, Decimal]]:
    return [(i.name, i.quantity, i.unit_price) for i in draft(body, locale, currency).line_items]


def total(body: str, locale: str, currency: str) -> Decimal | None:
    found = draft(body, locale, currency).total
    return found.value if found else None


@pytest.mark.parametrize(
    ("body", "locale", "currency", "expected"),
    [
        # Chinese counters (measure words) after the count.
        (
            "1. 办公椅 10把，单价680元\n2. 文件柜 2个，单价1,250元",
            "zh-CN",
            "CNY",
            [("办公椅", 10, "680"), ("文件柜", 2, "1250")],
        ),
        (
            "- 钢笔 20支，单价35元\n- 画册 5本，单价120元",
            "zh-CN",
            "CNY",
            [("钢笔", 20, "35"), ("画册", 5, "120")],
        ),
        # Korean counters: sheets (매), copies (부), garments (벌).
        (
            "- 명함 500매 × 60원 = 30,000원\n- 전단지 1,000장 × 45원 = 45,000원",
            "ko-KR",
            "KRW",
            [("명함", 500, "60"), ("전단지", 1000, "45")],
        ),
        (
            "- 보고서 30부 × 2,000원\n- 유니폼 12벌 × 35,000원",
            "ko-KR",
            "KRW",
            [("보고서", 30, "2000"), ("유니폼", 12, "35000")],
        ),
    ],
)
def test_counter_words_are_units_not_names(
    body: str, locale: str, currency: str, expected: list[tuple[str, int, str]]
) -> None:
    want = [(name, Decimal(qty), Decimal(price)) for name, qty, price in expected]
    assert items(body, locale, currency) == want


@pytest.mark.parametrize(
    "opening", ["Por favor, facturadnos", "Facturadnos", "Por favor, factúrenos"]
)
def test_a_spanish_request_is_not_the_first_items_name(opening: str) -> None:
    body = f"{opening} 2 licencias a 120 € cada una y 1 instalación a 300 €."
    assert items(body, "es-ES", "EUR") == [
        ("licencias", Decimal(2), Decimal("120.00")),
        ("instalación", Decimal(1), Decimal("300.00")),
    ]


@pytest.mark.parametrize(
    ("body", "locale", "currency", "expected"),
    [
        # A request with no space after it; two items in one sentence (full-width semicolon).
        (
            "我们想订购白色T恤50件，每件45元；黑色卫衣20件，每件120元。",
            "zh-CN",
            "CNY",
            [("白色T恤", 50, "45"), ("黑色卫衣", 20, "120")],
        ),
        # "cajas para tartas": in a sentence too, the unit word before "para" is the item.
        (
            "Necesitamos 200 cajas para tartas a 1,35 € la unidad.",
            "es-ES",
            "EUR",
            [("cajas para tartas", 200, "1.35")],
        ),
    ],
)
def test_items_in_a_sentence(
    body: str, locale: str, currency: str, expected: list[tuple[str, int, str]]
) -> None:
    want = [(name, Decimal(qty), Decimal(price)) for name, qty, price in expected]
    assert items(body, locale, currency) == want


@pytest.mark.parametrize(
    ("summary", "locale", "expected"),
    [
        ("价税合计\t\t\t22,260.00", "zh-CN", "22260.00"),
        ("Celkem s DPH\t\t\t25 410,00", "cs-CZ", "25410.00"),
        # A stated total below the items' sum does not replace it.
        ("合计\t\t\t100.00", "zh-CN", "21000.00"),
    ],
)
def test_a_table_priced_in_its_header_currency_states_its_total_unmarked(
    summary: str, locale: str, expected: str
) -> None:
    body = (
        "项目\t数量\t单价(元)\t金额(元)\n视频拍摄\t2\t8,000.00\t16,000.00\n"
        f"后期剪辑\t1\t5,000.00\t5,000.00\n{summary}\n"
    )
    assert total(body, locale, "CNY") == Decimal(expected)


@pytest.mark.parametrize(
    ("body", "locale", "currency"),
    [
        # An order notice's "order value" row is its total, not one more item.
        (
            "Mug - Qty 4 - $12.00 each\nCap - Qty 2 - $20.00 each\nOrder value: $88.00",
            "en-US",
            "USD",
        ),
        (
            "1. 马克杯 × 4 个，单价 ¥12.00\n2. 帽子 × 2 个，单价 ¥20.00\n订单金额：¥88.00",
            "zh-CN",
            "CNY",
        ),
    ],
)
def test_an_order_value_row_is_the_total(body: str, locale: str, currency: str) -> None:
    assert total(body, locale, currency) == Decimal("88.00")
    assert len(items(body, locale, currency)) == 2


@pytest.mark.parametrize(
    ("terms", "locale", "due"),
    [
        ("请于两周内付款。", "zh-CN", "2026-05-18"),
        ("請於兩週內付款。", "zh-TW", "2026-05-18"),
        ("请于十日内付款。", "zh-CN", "2026-05-14"),
        ("请于十五天内付款。", "zh-CN", "2026-05-19"),
    ],
)
def test_chinese_number_words_count_payment_terms(terms: str, locale: str, due: str) -> None:
    body = f"您好，\n\n请开具发票，金额5,000元。\n{terms}\n\n谢谢"
    assert draft(body, locale, "CNY").due_date.value.isoformat() == due


@pytest.mark.parametrize(
    ("body", "locale", "currency", "expected"),
    [
        # "de" joins a unit to the item in a sentence, as "of" does in English.
        (
            "Os encargo 4 horas de fotografía a 60 €/hora.",
            "es-ES",
            "EUR",
            [("fotografía", 4, "60.00")],
        ),
        ("Please bill 10 hours of design at $90/hour.", "en-US", "USD", [("design", 10, "90.00")]),
        # "1、" numbers a list item in Chinese.
        ("1、名片印刷 5盒，每盒80元", "zh-CN", "CNY", [("名片印刷", 5, "80.00")]),
        # A unit word heads the count column ("Ks", "Szt.").
        (
            "Název\tKs\tCena\nStolička\t6\t1 290 Kč\nLampa\t2\t890 Kč",
            "cs-CZ",
            "CZK",
            [("Stolička", 6, "1290"), ("Lampa", 2, "890")],
        ),
        ("Nazwa\tSzt.\tCena\nKubek\t12\t15,00 zł", "pl-PL", "PLN", [("Kubek", 12, "15.00")]),
    ],
)
def test_joining_words_list_marks_and_unit_headed_columns(
    body: str, locale: str, currency: str, expected: list[tuple[str, int, str]]
) -> None:
    want = [(name, Decimal(qty), Decimal(price)) for name, qty, price in expected]
    assert items(body, locale, currency) == want


@pytest.mark.parametrize(
    ("body", "locale", "currency", "shipping"),
    [
        ("Krabice na dorty 200 ks á 18 Kč\nDoprava 150 Kč", "cs-CZ", "CZK", ("Doprava", "150")),
        ("10 x Mug @ $6.50\nShipping $9.90", "en-US", "USD", ("Shipping", "9.90")),
        ("马克杯 20个 × 35元\n运费 50元", "zh-CN", "CNY", ("运费", "50")),
    ],
)
def test_shipping_named_alone_before_its_price_is_an_item(
    body: str, locale: str, currency: str, shipping: tuple[str, str]
) -> None:
    name, price = shipping
    assert items(body, locale, currency)[-1] == (name, Decimal(1), Decimal(price))
