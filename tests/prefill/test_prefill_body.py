from __future__ import annotations

import pytest

from addin_server.prefill.body import quoted_messages, split_message
from addin_server.prefill.html_text import html_to_text


@pytest.mark.parametrize(
    "history",
    [
        "On Mon, Mar 2, 2026 at 10:00 AM Bob <bob@shop.com> wrote:\n> Price: $99",
        "On Mon, Mar 2, 2026 at 10:00 AM Bob <bob@shop.com>\nwrote:\n\n> Price: $99",
        "Am 02.03.2026 um 10:15 schrieb Bob <bob@shop.com>:\n> Preis: 99 €",
        "Le lun. 2 mars 2026 à 10:15, Bob <bob@shop.com> a écrit :\n> Prix : 99 €",
        "El lun, 2 mar 2026 a las 10:15, Bob (<bob@shop.com>) escribió:\n> Precio: 99 €",
        "2026年3月2日(月) 10:15 Bob <bob@shop.com>:\n> 価格: 99円",
        "-----Original Message-----\nFrom: Bob <bob@shop.com>\nSent: Monday\nPrice: $99",
        "From: Bob <bob@shop.com>\nSent: Monday, March 2, 2026\nTo: x@y.com\nSubject: Q\n\n$99",
        "Von: Bob <bob@shop.com>\nGesendet: Montag\nAn: x@y.de\nBetreff: Q\n\n99 €",
        "> quoted line with $99",
        "Od: Bob <bob@shop.cz>\nOdesláno: úterý 19. května 2026\nKomu: x@y.cz\nPředmět: Q\n\n99 Kč",
        "Fra: Bob <bob@shop.no>\nSendt: tirsdag 19. mai 2026\nTil: x@y.no\nEmne: Q\n\nkr 99",
        "W dniu 19.05.2026 o 15:30, Bob <bob@shop.pl> pisze:\n> Cena: 99 zł",
        "Den 20. maj 2026 kl. 14.02 skrev Bob <bob@shop.dk>:\n> Pris: 99 kr.",
        "2026년 5월 21일 (목) 오후 3:12, Bob <bob@shop.kr>님이 작성:\n> 99원",
        "------------------ 原始邮件 ------------------\n发件人: Bob <bob@shop.cn>\n99元",
    ],
)
def test_quoted_history_is_not_the_request(history: str) -> None:
    parts = split_message(f"Please invoice $10.\n\n{history}")
    assert parts.current == "Please invoice $10."
    assert "99" in parts.quoted


@pytest.mark.parametrize(
    "closing",
    [
        "-- ",
        "Best regards,",
        "Kind regards",
        "Mit freundlichen Grüßen",
        "Viele Grüße",
        "Cordialement,",
        "Saludos,",
        "Atentamente,",
        "よろしくお願いいたします。",
    ],
)
def test_signature_is_split_off(closing: str) -> None:
    parts = split_message(f"Total: $10\n\n{closing}\nJane Doe\nAcme Corp\n+1 555 0100")
    assert parts.current == "Total: $10"
    assert parts.signature.endswith("Acme Corp\n+1 555 0100")


def test_signature_without_closing_starts_at_the_author_name() -> None:
    parts = split_message(
        "Please bill $10.\n\nVictor Hale\nHale Fitness", author_name="Victor Hale"
    )
    assert parts.current == "Please bill $10."
    assert parts.signature == "Victor Hale\nHale Fitness"


def test_forward_reads_the_forwarded_message_and_its_sender() -> None:
    parts = split_message(
        "FYI\n\n---------- Forwarded message ---------\nFrom: Jane <jane@acme.com>\n"
        "Date: Mon\nSubject: Order\nTo: <bob@shop.com>\n\n2 x Mug at $5 each.\n\nThanks,\nJane",
        subject="Fwd: Order",
    )
    assert parts.forwarded is not None
    assert parts.forwarded.from_line == "Jane <jane@acme.com>"
    assert parts.current == "FYI\n2 x Mug at $5 each."


def test_outlook_forward_is_told_apart_from_a_reply_by_the_subject() -> None:
    body = "See below\n\nFrom: Jane <jane@acme.com>\nSent: Monday\nSubject: Order\n\nTotal $5"
    assert split_message(body, subject="FW: Order").forwarded is not None
    assert split_message(body, subject="RE: Order").forwarded is None


@pytest.mark.parametrize("subject", ["PD: Zamówienie", "VS: Ordre", "转发: 订单", "전달: 주문"])
def test_forward_subjects_in_other_languages(subject: str) -> None:
    text = "Vidi.\n\nOd: Bob <bob@shop.pl>\nWysłano: wtorek\nDo: x@y.pl\nTemat: Q\n\n99 zł"
    parts = split_message(text, subject)
    assert parts.forwarded is not None
    assert "99 zł" in parts.current


def test_a_date_range_is_no_header_block() -> None:
    text = "Hytte fra fredag.\nFra: 5. juni\nTil: 7. juni\nPris: kr 4 500"
    assert split_message(text).current == text


def test_html_tables_keep_rows_and_quotes_and_drop_scripts() -> None:
    html = (
        "<style>p{}</style><p>Hi &amp; welcome</p><table><tr><th>Item</th><th>Qty</th></tr>"
        "<tr><td><p class=MsoNormal>Widget</p></td><td>3</td></tr></table>"
        "<blockquote><p>old $9</p></blockquote><script>if (a < b) {}</script><!-- x -->end"
    )
    assert html_to_text(html) == "Hi & welcome\n\nItem | Qty\nWidget | 3\n\n> old $9\n\nend"


def test_layout_tables_read_as_paragraphs() -> None:
    html = "<table><tr><td><p>one</p><p>two</p><p>three</p><p>four</p></td></tr></table>"
    assert html_to_text(html) == "one\ntwo\nthree\nfour"


@pytest.mark.parametrize(
    "html",
    [
        "<div>" * 10_000 + "x" + "</div>" * 10_000,
        "<table><tr><td>" * 10_000 + "x",
        "<blockquote>" * 10_000 + "x",
        "<!-- never closed " + "<b>" * 1000,
        "<" * 100_000,
        "</td></tr></table>" * 1000 + "x",
    ],
)
def test_hostile_html_converts(html: str) -> None:
    assert "x" in html_to_text(html) or html.startswith(("<!--", "<<"))


def test_quoted_messages_are_read_newest_first_without_their_headers() -> None:
    quoted = (
        "From: Shop <billing@shop.example>\nSent: Monday, May 18, 2026 4:40 PM\n"
        "To: Dana <dana@cafe.example>\nSubject: RE: Boards\n\nNew quote: $1,085.00\n\n"
        "From: Dana <dana@cafe.example>\nSent: Friday, May 15, 2026 9:03 AM\n"
        "To: Shop <billing@shop.example>\nSubject: Boards\n\nBigger, please."
    )
    messages = [m.strip() for m in quoted_messages(quoted)]
    assert messages == ["New quote: $1,085.00", "Bigger, please."]
