from __future__ import annotations

from datetime import date

import pytest

from addin_server.prefill.dates import find_due_date

SENT = date(2026, 3, 2)  # a Monday


@pytest.mark.parametrize(
    ("locale", "text", "due"),
    [
        ("en-US", "Payment due by March 15, 2026", "2026-03-15"),
        ("en-GB", "due 15 March", "2026-03-15"),
        ("en-US", "Please pay by 2026-03-20.", "2026-03-20"),
        ("en-US", "Invoice due 04/15/2026", "2026-04-15"),
        ("de-DE", "zahlbar bis 15.03.2026", "2026-03-15"),
        ("de-DE", "fällig am 3. April 2026", "2026-04-03"),
        ("fr-FR", "à régler avant le 15 mars 2026", "2026-03-15"),
        ("fr-FR", "Date d'échéance : 15/04/2026", "2026-04-15"),
        ("es-ES", "vence el 15 de marzo de 2026", "2026-03-15"),
        ("ja-JP", "お支払期限:2026年3月31日", "2026-03-31"),
        ("ja-JP", "3月20日までにお振込みください", "2026-03-20"),
        ("en-US", "Terms: Net 30", "2026-04-01"),
        ("en-US", "net-15 please", "2026-03-17"),
        ("de-DE", "zahlbar innerhalb von 14 Tagen", "2026-03-16"),
        ("de-DE", "netto 30 Tage", "2026-04-01"),
        ("fr-FR", "paiement à 30 jours", "2026-04-01"),
        ("es-ES", "pago a 30 días", "2026-04-01"),
        ("ja-JP", "30日以内にお支払いください", "2026-04-01"),
        ("en-US", "we will pay within 14 days", "2026-03-16"),
        ("en-US", "please pay by Friday", "2026-03-06"),
        ("de-DE", "bis Freitag bitte", "2026-03-06"),
        ("fr-FR", "avant vendredi", "2026-03-06"),
        ("es-ES", "antes del viernes", "2026-03-06"),
        ("es-MX", "les pagamos a más tardar el viernes", "2026-03-06"),
        ("de-CH", "Zahlbar innert 20 Tagen.", "2026-03-22"),
        ("ja-JP", "金曜日までにお願いします", "2026-03-06"),
        ("en-US", "payable end of month", "2026-03-31"),
        ("de-DE", "zahlbar zum Monatsende", "2026-03-31"),
        ("fr-FR", "à régler fin du mois", "2026-03-31"),
        ("ja-JP", "月末締め翌月末払い", "2026-04-30"),
        ("en-US", "payable upon receipt", "2026-03-02"),
        ("en-US", "payable by end of June", "2026-06-30"),
        ("de-DE", "zahlbar Ende Mai", "2026-05-31"),
        ("ja-JP", "5月末日までにお振込みします", "2026-05-31"),
        ("en-US", "Payment 30 days end of month", "2026-04-30"),
        ("fr-FR", "paiement 30 jours fin de mois", "2026-04-30"),
    ],
)
def test_due_dates(locale: str, text: str, due: str) -> None:
    """Each text read in its own language, as the engine passes the email's reading locale."""
    found = find_due_date(text, SENT, locale)
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
    found = find_due_date("due by January 10", date(2026, 11, 20), "en-US")
    assert found is not None
    assert found.value == date(2027, 1, 10)


def test_a_date_just_past_is_no_due_date() -> None:
    """ "due January 10" written on March 2 speaks of a date gone, not of next January;
    the balance's date after it is the one asked for."""
    assert find_due_date("The deposit was due January 10.", SENT, "en-US") is None
    text = "The $1,500 deposit (due February 20) is paid; we'll pay the balance by April 17."
    found = find_due_date(text, SENT, "en-US")
    assert found is not None
    assert found.value == date(2026, 4, 17)
    assert find_due_date("Payment due 2026-02-27", SENT, "en-US") is None


def test_a_due_word_belongs_to_the_date_after_it() -> None:
    text = "Delivered by March 27, 2026 (the show opens March 31). Terms: net 45."
    found = find_due_date(text, SENT, "en-US")
    assert found is not None
    assert found.value == date(2026, 4, 16)


@pytest.mark.parametrize(
    ("locale", "sent", "text", "due"),
    [
        # Saturday and Sunday in the UAE since 2022, Friday and Saturday in Saudi Arabia
        # (CLDR); 7 working days from Wednesday 3 June end on a Sunday or a Friday.
        ("en-AE", date(2026, 6, 3), "within 7 working days", "2026-06-12"),
        ("en-SA", date(2026, 6, 3), "within 7 working days", "2026-06-14"),
        ("en-US", date(2026, 6, 3), "by the end of the week", "2026-06-05"),
        ("en-SA", date(2026, 6, 3), "by the end of the week", "2026-06-04"),
    ],
)
def test_business_days_follow_the_regions_weekend(
    locale: str, sent: date, text: str, due: str
) -> None:
    found = find_due_date(text, sent, locale)
    assert found is not None
    assert found.value.isoformat() == due


def test_on_delivery_is_the_delivery_date_when_stated() -> None:
    text = "Delivery is booked for Friday 13 March and we'll pay by EFT on delivery."
    found = find_due_date(text, SENT, "en-ZA")
    assert found is not None
    assert found.value == date(2026, 3, 13)
    plain = find_due_date("cash on delivery", SENT, "en-ZA")
    assert plain is not None
    assert plain.value == SENT


@pytest.mark.parametrize(
    ("locale", "text", "due"),
    [
        # Days after delivery count from the delivery date the email states.
        ("en-US", "Delivery is set for March 20; we pay 30 days after delivery.", "2026-04-19"),
        (
            "fr-FR",
            "La livraison est prévue le 18 mars ; paiement à 30 jours après livraison.",
            "2026-04-17",
        ),
        (
            "it-IT",
            "La consegna è prevista per il 20 marzo; pagamento a 30 giorni dalla consegna.",
            "2026-04-19",
        ),
        # "、" ends a clause: the delivery date before it is no label of the term after it.
        ("ja-JP", "納品日は3月10日ですので、お支払いは納品後30日以内とします。", "2026-04-09"),
        # No delivery date stated: counted from the email's date.
        ("de-DE", "Zahlbar 14 Tage nach Lieferung.", "2026-03-16"),
    ],
)
def test_days_after_delivery(locale: str, text: str, due: str) -> None:
    found = find_due_date(text, SENT, locale)
    assert found is not None
    assert found.value.isoformat() == due


@pytest.mark.parametrize(
    ("locale", "text", "due"),
    [
        ("ja-JP", "令和8年6月30日までにお振込みいたします", "2026-06-30"),
        ("zh-TW", "請於民國115年4月15日前付款", "2026-04-15"),
        ("ja-JP", "お支払いは6/30までにお願いします", "2026-06-30"),
        ("en-SA", "payment by 5/3/2026", "2026-03-05"),
        ("en-US", "please pay by 4/15", "2026-04-15"),
        ("en-GB", "please pay by 4/15", "2026-04-15"),
    ],
)
def test_eras_and_numeric_dates(locale: str, text: str, due: str) -> None:
    found = find_due_date(text, SENT, locale)
    assert found is not None, text
    assert found.value.isoformat() == due


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
        ("en-ZA", "Our terms are 30 days from statement.", "2026-04-30"),
        ("en-US", "Terms: Net 30 EOM", "2026-04-30"),
        ("it-IT", "bonifico 60 gg d.f.f.m.", "2026-05-31"),
        ("tr-TR", "Ödeme ay sonuna kadar.", "2026-03-31"),
        ("zh-CN", "付款方式: 月结30天", "2026-04-30"),
        ("zh-TW", "付款條件: 月結 60 天", "2026-05-30"),
        ("ja-JP", "月末締め翌々月末払い", "2026-05-31"),
        ("nb-NO", "Betalingsfrist: 14 dager", "2026-03-16"),
        ("en-GB", "please pay within a fortnight", "2026-03-16"),
        ("pt-BR", "pagamento até o dia 20", "2026-03-20"),
        # A weekday written with a number word stays a weekday ("周五" is Friday, not 5).
        ("zh-CN", "我们财务会在下周五之前付款。", "2026-03-13"),
        ("zh-TW", "我們會在下週三前匯款。", "2026-03-11"),
        # A weekday term in a sentence with a word of paying, conjugated as people write it.
        ("es-MX", "Pagamos el próximo viernes.", "2026-03-13"),
        ("de-DE", "Wir zahlen nächsten Freitag.", "2026-03-13"),
        ("pl-PL", "Przelew zrobimy do 15 kwietnia.", "2026-04-15"),
        # Weekday forms CLDR does not give (lexicon weekday_forms).
        ("pl-PL", "Przelew zrobimy do piątku.", "2026-03-06"),
        ("cs-CZ", "Zaplatíme do pátku.", "2026-03-06"),
        # A date's weekday may stand between it and the word that makes it due.
        ("tr-TR", "Ödemeyi 15 May\u0131s Cuma gününe kadar yapaca\u011f\u0131z.", "2026-05-15"),
        # The discount's date is named before its discount; "ohne Abzug" is no discount.
        (
            "de-DE",
            "Bei Zahlung bis 10.03. ziehen wir 2 % Skonto ab, sonst zahlen wir bis 31.03.",
            "2026-03-31",
        ),
        ("de-DE", "Zahlbar bis 31.03.2026 ohne Abzug.", "2026-03-31"),
        ("en-US", "Our next AP run is two weeks from today.", "2026-03-16"),
        ("en-US", "Our check run is Fri, Mar 13, we'll pay it then.", "2026-03-13"),
        ("pl-PL", "Proszę o fakturę z 7-dniowym terminem płatności.", "2026-03-09"),
        ("sv-SE", "Vi betalar senast den 25:e.", "2026-03-25"),
        ("ja-JP", "支払条件は月末締め翌月20日払いです。", "2026-04-20"),
        ("en-US", "We'd like to pay it before the end of the quarter.", "2026-03-31"),
        ("de-DE", "Zahlung zum Quartalsende", "2026-03-31"),
        ("zh-CN", "本季度末前付款", "2026-03-31"),
        ("de-DE", "Wir zahlen bis Mitte nächsten Monats.", "2026-04-15"),
        ("en-GB", "We'll settle it by mid next month.", "2026-04-15"),
        ("zh-HK", "付款期限:發票日期起 14 日內。送貨日期:3月20日前。", "2026-03-16"),
        ("de-DE", "Rechnung bitte mit 14 Tagen Ziel.", "2026-03-16"),
        ("de-DE", "Zahlungsziel wie immer 14 Tage.", "2026-03-16"),
        ("sv-SE", "Betalning 20 dagar går bra.", "2026-03-22"),
        ("ko-KR", "2주 안에 입금하겠습니다.", "2026-03-16"),
        ("pl-PL", "Forma płatności: przelew, termin 7 dni.", "2026-03-09"),
        ("ja-JP", "お支払いは請求書到着後2週間以内にお振込いたします。", "2026-03-16"),
        ("en-SG", "Payment term: 30 days", "2026-04-01"),
        ("en-IN", "Credit period: 45 days", "2026-04-16"),
        ("en-US", "Please allow 30 days for payment.", "2026-04-01"),
        ("en-US", "Payment within thirty (30) days of invoice.", "2026-04-01"),
        ("fr-FR", "paiement au plus tard le 15", "2026-03-15"),
        ("pt-BR", "Pagamos na sexta-feira.", "2026-03-06"),
        ("sv-SE", "förfallodag 2026-03-31", "2026-03-31"),
        ("tr-TR", "Ödemeyi cuma günü yapaca\u011f\u0131z.", "2026-03-06"),
        ("zh-TW", "請於本月25日前匯款", "2026-03-25"),
        ("zh-CN", "我们周五付款", "2026-03-06"),
        ("en-US", "We can pay by end of next week.", "2026-03-13"),
        ("de-DE", "Zahlung bis Ende nächster Woche", "2026-03-13"),
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
        ("fr-FR", "Devis valable jusqu'au 30 avril 2026."),
        ("en-US", "This quote is valid until April 15, 2026."),
        ("de-DE", "der Termin steht: 20.04. in Köln"),
        ("de-DE", "Guten Morgen, bitte liefern Sie uns 6 Platten."),
        ("nl-NL", "Graag bestellen wij de lunch voor 20 mei."),
        ("zh-CN", "已支付定金3万元, 请开具尾款5.6万元的发票。"),
        # A day named without a word of paying in its sentence is no payment date.
        ("zh-CN", "想约您下周二下午3点开个会,讨论一下方案。"),
        ("en-US", "Let's meet next Friday to plan the shoot."),
        ("en-US", "See you tomorrow at the venue!"),
        # A label before its colon says what the date is.
        ("zh-HK", "送貨日期:3月20日前。"),
        ("en-US", "Delivery date: by March 20."),
    ],
)
def test_dates_that_are_not_payment_dates(locale: str, text: str) -> None:
    assert find_due_date(text, SENT, locale) is None


@pytest.mark.parametrize(
    ("locale", "text", "due"),
    [
        # A day of this month to pay on, in the words of Korean, Polish and Chinese.
        ("ko-KR", "대금은 이번 달 25일에 지급하겠습니다.", "2026-03-25"),
        ("pl-PL", "Płatność jak zwykle do 25-go.", "2026-03-25"),
        ("zh-TW", "本公司固定於每月25日付款。", "2026-03-25"),
    ],
)
def test_day_of_this_month(locale: str, text: str, due: str) -> None:
    found = find_due_date(text, SENT, locale)
    assert found is not None
    assert found.value.isoformat() == due
