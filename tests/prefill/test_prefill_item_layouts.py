# ruff: noqa: RUF001 - multilingual email text: full-width bars and box-drawing lines are meant
"""Line items in the layouts business mail carries them: table rows whose empty cells keep
their column, plain-text tables drawn with box-drawing bars."""

from __future__ import annotations

from decimal import Decimal

import pytest

from addin_server.prefill.html_text import html_to_text
from tests.prefill.test_prefill_lexicon_items import items


@pytest.mark.parametrize(
    ("body", "locale", "currency", "expected"),
    [
        # A blank count cell is one: the shipping row of an HTML table.
        (
            "Vare | Antall | Enhet | Pris | Sum\n"
            "Drikkebelte | 20 | stk | 249,00 kr | 4 980,00 kr\n"
            "Frakt |  |  |  | 390,00 kr\n"
            "Å betale |  |  |  | 5 370,00 kr",
            "nb-NO",
            "NOK",
            [("Drikkebelte", 20, "249.00"), ("Frakt", 1, "390.00")],
        ),
        # A row with only its amount under the items is a summary row, not an item.
        (
            "S.No. | Description | Qty | Rate (Rs.) | Amount (Rs.)\n"
            "1 | Infographics | 12 | 3,500.00 | 42,000.00\n"
            " | Taxable value |  |  | 42,000.00\n"
            " | CGST @ 9% |  |  | 3,780.00\n"
            " | SGST @ 9% |  |  | 3,780.00",
            "en-IN",
            "INR",
            [("Infographics", 12, "3500.00")],
        ),
        # An article-number column is no name, though "Varenr." starts like "vare".
        (
            "Varenr. | Beskrivelse | Antal | Enhed | Stk.pris | Beløb\n"
            "7722 | Plantemuld 50 l | 30 | sække | kr. 59,00 | kr. 1.770,00",
            "da-DK",
            "DKK",
            [("Plantemuld 50 l", 30, "59.00")],
        ),
        (
            "SKU | Item | Qty | Wholesale | Line total\n"
            "TP-101 | Canvas tote, black | 24 | $8.50 | $204.00",
            "en-US",
            "USD",
            [("Canvas tote, black", 24, "8.50")],
        ),
        # An empty specification cell keeps the count in its column.
        (
            "序号｜品名｜规格｜数量｜单价（元）｜金额（元）\n"
            "1｜帆布袋｜38×42cm｜300个｜12.50｜3,750.00\n"
            "2｜运费｜｜1｜260.00｜260.00",
            "zh-CN",
            "CNY",
            [("帆布袋", 300, "12.50"), ("运费", 1, "260.00")],
        ),
        # A bordered plain-text table drawn with box-drawing characters.
        (
            "┌────┬────┬────┬────┐\n"
            "│ 품목 │ 수량 │ 단가 │ 금액 │\n"
            "├────┼────┼────┼────┤\n"
            "│ 명함 (양면 컬러) │ 2,000매 │ 45원 │ 90,000원 │\n"
            "│ X배너 600x1800 │ 4개 │ 38,000원 │ 152,000원 │\n"
            "└────┴────┴────┴────┘",
            "ko-KR",
            "KRW",
            [("명함 (양면 컬러)", 2000, "45"), ("X배너 600x1800", 4, "38000")],
        ),
    ],
)
def test_table_rows_keep_their_columns(
    body: str, locale: str, currency: str, expected: list[tuple[str, int, str]]
) -> None:
    assert items(body, locale, currency) == [(n, Decimal(q), Decimal(p)) for n, q, p in expected]


@pytest.mark.parametrize(
    ("body", "locale", "currency", "expected"),
    [
        (
            "Olivenöl nativ extra, 5 l Kanister\n4 × 45,00 €\n\n"
            "Pasta Rigatoni, 3 kg\n6 × 11,40 €\n\nWarenwert: 248,40 €",
            "de-DE",
            "EUR",
            [
                ("Olivenöl nativ extra, 5 l Kanister", 4, "45.00"),
                ("Pasta Rigatoni, 3 kg", 6, "11.40"),
            ],
        ),
        (
            "Retuš fotografií\n40 × 180,00 Kč = 7 200,00 Kč",
            "cs-CZ",
            "CZK",
            [("Retuš fotografií", 40, "180.00")],
        ),
        (
            "Trucker cap, heather grey\n40 pcs @ $16.50",
            "en-US",
            "USD",
            [("Trucker cap, heather grey", 40, "16.50")],
        ),
        # A line ending in a colon introduces the list; it names no item.
        ("Final list:\n2 × $45.00", "en-US", "USD", []),
    ],
)
def test_a_count_and_price_under_a_name_price_that_name(
    body: str, locale: str, currency: str, expected: list[tuple[str, int, str]]
) -> None:
    assert items(body, locale, currency) == [(n, Decimal(q), Decimal(p)) for n, q, p in expected]


@pytest.mark.parametrize(
    ("line", "locale", "currency", "expected"),
    [
        (
            "* Varenr. 10234: Kaffekopper hvid 25 cl, 48 stk. á 39,00 kr.",
            "da-DK",
            "DKK",
            ("Kaffekopper hvid 25 cl", 48, "39.00"),
        ),
        (
            "• SKU 44-210 — Kraft mailer boxes 12x9x4 — 400 boxes @ $0.85",
            "en-US",
            "USD",
            ("Kraft mailer boxes 12x9x4", 400, "0.85"),
        ),
        (
            "- Art.-Nr. 3302 Sitzsack Outdoor, anthrazit: 10 Stück à 89,00 € netto",
            "de-DE",
            "EUR",
            ("Sitzsack Outdoor, anthrazit", 10, "89.00"),
        ),
    ],
)
def test_an_article_number_before_the_name_is_no_part_of_it(
    line: str, locale: str, currency: str, expected: tuple[str, int, str]
) -> None:
    name, quantity, price = expected
    assert items(line, locale, currency) == [(name, Decimal(quantity), Decimal(price))]


@pytest.mark.parametrize(
    ("body", "locale", "currency", "expected"),
    [
        # The dash for no cents marks an amount in the merchant's currency.
        (
            "10 x Kaffebønner mørk brent 1 kg à 289,-\n8 x Espressobønner 1 kg à 319,-",
            "nb-NO",
            "NOK",
            [("Kaffebønner mørk brent 1 kg", 10, "289.00"), ("Espressobønner 1 kg", 8, "319.00")],
        ),
        # A unit word, then a times sign before the name.
        (
            "10 uds. x Tornillo madera 5 x 50 (caja 100) ........ 7,90 €/ud.",
            "es-ES",
            "EUR",
            [("Tornillo madera 5 x 50 (caja 100)", 10, "7.90")],
        ),
        # A numbered line's name is every word before its count, and its number no sentence.
        (
            "1. 会報誌 A4 16ページ フルカラー　300部　@420円　126,000円\n"
            "2. 発送代行　300通　@110円　33,000円",
            "ja-JP",
            "JPY",
            [("会報誌 A4 16ページ フルカラー", 300, "420"), ("発送代行", 300, "110")],
        ),
        # A count and a times sign right before the price follow a name of many words.
        (
            "Wedding photography (2 days, 2 photographers) - 1 x Rs. 85,000/-",
            "en-IN",
            "INR",
            [("Wedding photography (2 days, 2 photographers)", 1, "85000.00")],
        ),
        (
            "1. Lona impresa 3 x 2 m — 2 pzas x $1,450.00 MXN",
            "es-MX",
            "MXN",
            [("Lona impresa 3 x 2 m", 2, "1450.00")],
        ),
        # Dot leaders set a name of many words against its price.
        (
            "2. Logo design - 3 concepts, 2 revision rounds .......... $3,800.00",
            "en-US",
            "USD",
            [("Logo design - 3 concepts, 2 revision rounds", 1, "3800.00")],
        ),
        # A size in a name is one word of it.
        (
            "- Magnetická tabule na dveře 45 x 30 cm, 3 ks á 420 Kč",
            "cs-CZ",
            "CZK",
            [("Magnetická tabule na dveře 45 x 30 cm", 3, "420.00")],
        ),
        (
            "Plandeka reklamowa z oczkami 250 x 120 cm\t5 szt. po 210 zł",
            "pl-PL",
            "PLN",
            [("Plandeka reklamowa z oczkami 250 x 120 cm", 5, "210.00")],
        ),
        # A count labelled after the name ("qty 6") counts it, whatever the name's length.
        (
            "Canvas print on stretcher frame (600 x 900 mm), qty 3, £54.00 per unit\n\n"
            "Hanging kit - qty: 3 - £4.50 each",
            "en-GB",
            "GBP",
            [
                ("Canvas print on stretcher frame (600 x 900 mm)", 3, "54.00"),
                ("Hanging kit", 3, "4.50"),
            ],
        ),
        # The word a price is per ("$0.12/word") counts the item as a unit word does.
        (
            "Translation into Spanish — 2,000 words @ $0.12/word\n\n"
            "- Catering - 40 guests @ $35.00/guest",
            "en-US",
            "USD",
            [("Translation into Spanish", 2000, "0.12"), ("Catering", 40, "35.00")],
        ),
        # A column named as a line total ("Cena celkem", "Total price") totals the line.
        (
            "Zboží\tPočet\tCena celkem\nNástěnný kalendář A3\t30 ks\t5 400 Kč\n"
            "Hrnek s potiskem\t12 ks\t1 980 Kč",
            "cs-CZ",
            "CZK",
            [("Nástěnný kalendář A3", 30, "180.00"), ("Hrnek s potiskem", 12, "165.00")],
        ),
        (
            "Item\tQty\tTotal price\nCanvas tote bag\t50\t$450.00\nEnamel pin\t200\t$300.00",
            "en-US",
            "USD",
            [("Canvas tote bag", 50, "9.00"), ("Enamel pin", 200, "1.50")],
        ),
    ],
)
def test_list_lines_as_orders_write_them(
    body: str, locale: str, currency: str, expected: list[tuple[str, int, str]]
) -> None:
    assert items(body, locale, currency) == [(n, Decimal(q), Decimal(p)) for n, q, p in expected]


def test_a_name_cell_of_two_lines_is_named_by_its_first() -> None:
    html = (
        "<table><tr><th>SKU</th><th>Description</th><th>Qty</th><th>Unit Price</th></tr>"
        "<tr><td>WB-2210</td><td>Walnut serving board, large<br><i>end grain, 18 x 12 in</i>"
        "</td><td>12</td><td>$64.00</td></tr>"
        "<tr><td>OL-0100</td><td><p>Board oil, 8 oz</p><p>food safe</p></td><td>36</td>"
        "<td>$7.25</td></tr></table>"
    )
    assert items(html_to_text(html), "en-US", "USD") == [
        ("Walnut serving board, large", Decimal(12), Decimal("64.00")),
        ("Board oil, 8 oz", Decimal(36), Decimal("7.25")),
    ]
