from __future__ import annotations

from datetime import date

import pytest

from addin_server.prefill.dates import find_due_date

SENT = date(2026, 3, 2)  # a Monday


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Payment due by March 15, 2026", "2026-03-15"),
        ("due 15 March", "2026-03-15"),
        ("Please pay by 2026-03-20.", "2026-03-20"),
        ("Invoice due 04/15/2026", "2026-04-15"),
        ("zahlbar bis 15.03.2026", "2026-03-15"),
        ("fällig am 3. April 2026", "2026-04-03"),
        ("à régler avant le 15 mars 2026", "2026-03-15"),
        ("Date d'échéance : 15/04/2026", "2026-04-15"),
        ("vence el 15 de marzo de 2026", "2026-03-15"),
        ("お支払期限:2026年3月31日", "2026-03-31"),
        ("3月20日までにお振込みください", "2026-03-20"),
        ("Terms: Net 30", "2026-04-01"),
        ("net-15 please", "2026-03-17"),
        ("zahlbar innerhalb von 14 Tagen", "2026-03-16"),
        ("netto 30 Tage", "2026-04-01"),
        ("paiement à 30 jours", "2026-04-01"),
        ("pago a 30 días", "2026-04-01"),
        ("30日以内にお支払いください", "2026-04-01"),
        ("we will pay within 14 days", "2026-03-16"),
        ("please pay by Friday", "2026-03-06"),
        ("bis Freitag bitte", "2026-03-06"),
        ("avant vendredi", "2026-03-06"),
        ("antes del viernes", "2026-03-06"),
        ("les pagamos a más tardar el viernes", "2026-03-06"),
        ("Zahlbar innert 20 Tagen.", "2026-03-22"),
        ("金曜日までにお願いします", "2026-03-06"),
        ("payable end of month", "2026-03-31"),
        ("zahlbar zum Monatsende", "2026-03-31"),
        ("à régler fin du mois", "2026-03-31"),
        ("月末締め翌月末払い", "2026-04-30"),
        ("payable upon receipt", "2026-03-02"),
        ("payable by end of June", "2026-06-30"),
        ("zahlbar Ende Mai", "2026-05-31"),
        ("5月末日までにお振込みします", "2026-05-31"),
        ("Payment 30 days end of month", "2026-04-30"),
        ("paiement 30 jours fin de mois", "2026-04-30"),
    ],
)
def test_due_dates(text: str, due: str) -> None:
    found = find_due_date(text, SENT, "en-US" if "/" in text and "04/15" in text else "de-DE")
    assert found is not None
    assert found.value.isoformat() == due
    assert found.source
    assert len(found.source) <= 120


@pytest.mark.parametrize(
    "text",
    [
        "The event is on March 28, 2026.",
        "Delivery by March 10 please.",
        "Save 20% until March 31!",
        "Call me on 03/04/2026 at 10:00",
        "",
    ],
)
def test_dates_that_are_not_due_dates(text: str) -> None:
    assert find_due_date(text, SENT, "en-US") is None


def test_slash_dates_follow_the_locale() -> None:
    us = find_due_date("due 03/04/2026", SENT, "en-US")
    uk = find_due_date("due 03/04/2026", SENT, "en-GB")
    assert us is not None
    assert us.value == date(2026, 3, 4)
    assert uk is not None
    assert uk.value == date(2026, 4, 3)


def test_a_date_without_year_is_the_next_one() -> None:
    found = find_due_date("due by January 10", SENT, "en-US")
    assert found is not None
    assert found.value == date(2027, 1, 10)


@pytest.mark.parametrize(
    ("locale", "text", "due"),
    [
        ("en-US", "Payment terms: 10 business days", "2026-03-16"),
        ("de-DE", "zahlbar innerhalb 10 Werktagen", "2026-03-16"),
        ("en-GB", "payable end of next month", "2026-04-30"),
        ("en-US", "30 days after month end", "2026-04-30"),
        ("en-US", "Terms: EOM + 15", "2026-04-15"),
        ("en-US", "due on the 10th of next month", "2026-04-10"),
        ("de-DE", "bis zum 10. des Folgemonats", "2026-04-10"),
        ("en-US", "please pay by next Friday", "2026-03-13"),
        ("en-US", "can you pay this Friday?", "2026-03-06"),
        ("en-US", "2% 10 days, net 30", "2026-04-01"),
        ("en-US", "2% discount if paid within 10 days, otherwise net 30", "2026-04-01"),
        ("de-DE", "3 % Skonto bei Zahlung innerhalb 8 Tagen, 30 Tage netto", "2026-04-01"),
        ("de-AT", "zahlbar bis 15. Jänner 2027", "2027-01-15"),
        ("pl-PL", "Termin płatności: 14 dni", "2026-03-16"),
        ("pl-PL", "Płatność do 20 marca 2026", "2026-03-20"),
        ("cs-CZ", "splatnost 14 dní", "2026-03-16"),
        ("nl-NL", "betalingstermijn 30 dagen", "2026-04-01"),
        ("sv-SE", "betalning inom 30 dagar", "2026-04-01"),
        ("nb-NO", "betales innen 14 dager", "2026-03-16"),
        ("da-DK", "netto 8 dage", "2026-03-10"),
        ("tr-TR", "30 gün vadeli", "2026-04-01"),
        ("zh-CN", "请在30天内付款", "2026-04-01"),
        ("zh-TW", "請於下個月底前付款", "2026-04-30"),
        ("ko-KR", "30일 이내 입금 부탁드립니다", "2026-04-01"),
        ("ja-JP", "翌月10日までにお支払いください", "2026-04-10"),
        ("pt-BR", "pagamento em 15 dias", "2026-03-17"),
        ("pt-PT", "vencimento: 31/03/2026", "2026-03-31"),
        ("it-IT", "pagamento a 30 giorni", "2026-04-01"),
        ("it-IT", "pagamento 60 gg df fm", "2026-05-31"),
        ("fr-FR", "paiement 45 jours fin de mois", "2026-04-30"),
        ("en-IN", "payment due 05/03/2026", "2026-03-05"),
        ("en-US", "payment due 05/03/2026", "2026-05-03"),
        ("de-DE", "Zahlung bei Lieferung", "2026-03-02"),
        ("es-ES", "pago a 30 días fecha factura", "2026-04-01"),
    ],
)
def test_payment_terms_in_every_language(locale: str, text: str, due: str) -> None:
    found = find_due_date(text, SENT, locale)
    assert found is not None, text
    assert found.value.isoformat() == due


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en-US", "Delivery on 15 April, the workshop is this Friday."),
        ("de-DE", "Lieferung bis Freitag, Termin am 12.03.2026."),
        ("fr-FR", "La livraison est prévue avant vendredi."),
        ("en-US", "Are you free for lunch on Thursday?"),
        ("ja-JP", "納品は3月20日までです。"),
    ],
)
def test_dates_that_are_not_payment_dates(locale: str, text: str) -> None:
    assert find_due_date(text, SENT, locale) is None
