# ruff: noqa: RUF001 - multilingual text: full-width commas, dashes and multiplication signs are meant
"""The amount agreed, money as people write it, items in prose and tables, the offer a
reply accepts, the email's own language, and empty drafts: one parametrised rule each."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from addin_server.prefill import Address, DraftInvoice, EmailInput, MerchantContext, prefill_invoice
from addin_server.prefill.amounts import find_money
from addin_server.prefill.language import detect_language
from addin_server.prefill.models import MERCHANT_DEFAULT


def draft(body: str, locale: str = "en-US", currency: str = "USD", **fields: Any) -> DraftInvoice:
    usual = EmailInput(
        body=body,
        from_address=Address("buyer@customer.example", "Buyer"),
        to=(Address("billing@merchant.example"),),
        mailbox_owner="billing@merchant.example",
        item_date=datetime(2026, 3, 2, 10, tzinfo=UTC),
        locale=locale,
    )
    email = replace(usual, **fields)
    return prefill_invoice(email, MerchantContext(default_currency=currency))


def items(found: DraftInvoice) -> list[tuple[str, Decimal, Decimal]]:
    return [(i.name, i.quantity, i.unit_price) for i in found.line_items]


@pytest.mark.parametrize(
    ("text", "locale", "default", "value", "currency"),
    [
        ("1.234,56 €", "de-DE", "EUR", "1234.56", "EUR"),
        ("CHF 1'234.50", "de-CH", "CHF", "1234.50", "CHF"),
        ("₹12,34,567.00", "en-IN", "INR", "1234567.00", "INR"),
        ("$1.2k", "en-US", "USD", "1200.00", "USD"),
        ("15万円", "ja-JP", "JPY", "150000", "JPY"),
        ("3.5万元", "zh-CN", "CNY", "35000.00", "CNY"),
        ("₹3 lakh", "en-IN", "INR", "300000.00", "INR"),
        ("1 250 Kč", "cs-CZ", "CZK", "1250.00", "CZK"),
        ("500 zł", "pl-PL", "PLN", "500.00", "PLN"),
        ("4 500 kr", "sv-SE", "SEK", "4500.00", "SEK"),
        ("4 500 kr", "nb-NO", "NOK", "4500.00", "NOK"),
        ("R 1 250,00", "en-ZA", "ZAR", "1250.00", "ZAR"),
        ("R$ 1.250,00", "pt-BR", "BRL", "1250.00", "BRL"),
        ("$300", "en-SG", "SGD", "300.00", "SGD"),
        ("$300", "en-US", "EUR", "300.00", "USD"),
        ("¥8,600", "zh-CN", "USD", "8600.00", "CNY"),
        ("¥8,600", "ja-JP", "USD", "8600", "JPY"),
        ("5000 Hong Kong dollars", "en-US", "USD", "5000.00", "HKD"),
        ("150,000원", "ko-KR", "KRW", "150000", "KRW"),
        ("1 500,- Kč", "cs-CZ", "CZK", "1500.00", "CZK"),
        ("KWD 12.500", "en-AE", "KWD", "12.500", "KWD"),
        ("12万3千円", "ja-JP", "JPY", "123000", "JPY"),
        ("1億2000万円", "ja-JP", "JPY", "120000000", "JPY"),
        ("3万5000元", "zh-CN", "CNY", "35000.00", "CNY"),
        ("1억 2천만 원", "ko-KR", "KRW", "120000000", "KRW"),
        # A scale word in the email's language: "mil" is a thousand in Spanish, a million
        # in Czech.
        ("5 mil pesos", "es-MX", "MXN", "5000.00", "MXN"),
        ("1,2 mil. Kč", "cs-CZ", "CZK", "1200000.00", "CZK"),
        ("BD 150.500", "en-BH", "BHD", "150.500", "BHD"),
        ("5,000/- AED", "en-AE", "AED", "5000.00", "AED"),
    ],
)
def test_numbers_and_currencies_as_people_write_them(
    text: str, locale: str, default: str, value: str, currency: str
) -> None:
    [money] = find_money(text, default, locale)
    assert (money.value, money.currency) == (Decimal(value), currency)


@pytest.mark.parametrize(
    ("locale", "body", "total"),
    [
        (
            "en-US",
            "The job came to $4,800.00. We paid a $1,500.00 deposit; please invoice the "
            "remaining balance of $3,300.00.",
            "3300.00",
        ),
        (
            "de-DE",
            "Gesamt 9.600,00 €, die Anzahlung von 3.000,00 € haben wir überwiesen. "
            "Bitte den Restbetrag von 6.600,00 € abrechnen.",
            "6600.00",
        ),
        (
            "fr-FR",
            "Montant 5 400,00 € TTC, acompte versé 1 620,00 €, "
            "merci de facturer le solde de 3 780,00 €.",
            "3780.00",
        ),
        ("en-GB", "Kitchen fitting £2,000.00 + VAT £400.00 = £2,400.00.", "2400.00"),
        ("de-DE", "4.200,00 € netto zzgl. 19 % MwSt. 798,00 €, also 4.998,00 € brutto.", "4998.00"),
        ("nb-NO", "12 500 kr eks. mva, 15 625 kr inkl. mva.", "15625.00"),
        ("cs-CZ", "cena 8 500 Kč bez DPH, tj. 10 285 Kč vč. DPH", "10285.00"),
        ("en-AE", "Fee AED 3,500 for the shoot, plus VAT 5% (AED 175).", "3675.00"),
        ("en-US", "Please invoice a 50% deposit of $2,500.00 on the $5,000.00 project.", "2500.00"),
        ("en-US", "Subtotal $100\nShipping $10\nTax $8.80\nTotal $118.80", "118.80"),
        ("en-US", "Budget around $3,000, the fee is $2,400.", "2400.00"),
        # Plus tax with no gross stated: the amount after "plus VAT" is the tax.
        ("it-IT", "Imponibile 2.400,00 € più IVA 22% pari a 528,00 €.", "2928.00"),
        # A sum worked out in a sentence: the result of the amounts before it.
        ("en-ZA", "R14 000.00 less the discount (R700.00) leaves R13 300.00.", "13300.00"),
        ("en-US", "$600 for the design and $45 shipping, so $645 please.", "645.00"),
        ("en-GB", "Design £500.00 plus VAT, total £600.00.", "600.00"),
        ("de-DE", "Netto 2.000,00 € zzgl. 19 % MwSt. (380,00 €)", "2380.00"),
        ("es-MX", "Son $18,500 más IVA, en total $21,460.", "21460.00"),
        ("tr-TR", "Toplam 50.000 TL, %10 indirimle 45.000 TL ödeyeceğiz.", "45000.00"),
        ("pt-PT", "Falta pagar 750,00 € do total de 2.000,00 €.", "750.00"),
        # A deposit asked as a share of the whole named after it.
        ("en-US", "Please invoice a 30% deposit on the $12,000 project.", "3600.00"),
        ("de-DE", "Bitte stellen Sie 50 % Anzahlung auf 6.000,00 € in Rechnung.", "3000.00"),
        ("fr-FR", "Merci de facturer un acompte de 40 % sur le total de 5 000,00 €.", "2000.00"),
        ("en-US", "Please invoice the 30% deposit of $3,600.00.", "3600.00"),
        # One instalment of a whole split into several: the part billed now.
        (
            "en-US",
            "We'll pay the $9,000 fee in three installments. Please invoice the first "
            "installment ($3,000) now.",
            "3000.00",
        ),
        ("tr-TR", "Toplam 45.000 ₺, üç taksit; ilk taksit olan 15.000 ₺'nin faturası.", "15000.00"),
        ("zh-CN", "合同金额12万元，分三期支付，请开第二期款项3.6万元的发票。", "36000.00"),
        # An amount another replaces is not asked for, whichever side its words stand.
        ("en-SG", "You agreed to S$1,950 instead of the S$2,200 below; please invoice.", "1950.00"),
        ("de-DE", "Bitte berechnen Sie 900 € statt 1.100 € für den Entwurf.", "900.00"),
        ("tr-TR", "12.500 TL yerine 11.500 TL üzerinde anlaştık, faturayı kesin.", "11500.00"),
        # A balance named after the payment is what is left, not paid.
        ("tr-TR", "Kapora olarak 5.000 TL ödedik, kalan 15.000 TL için fatura kesin.", "15000.00"),
        ("ja-JP", "内金3万円はお支払い済みですので、残り7万円をご請求ください。", "70000"),
        # A gross word inside a net phrase ("含税" in "不含税") does not make it gross.
        ("zh-CN", "不含税金额10,000元，税率6%，税额600元，价税合计10,600元。", "10600.00"),
        # A total word right after the amount that follows "+ VAT" names a total.
        ("en-GB", "Please invoice £1,500 + VAT (£1,800 total).", "1800.00"),
        # Every language's estimate words are read in every email: no short word that is
        # a common word elsewhere (Polish "do", up to, is English "do" and Portuguese "of the").
        ("en-US", "Per our call, we'll do $5,000 for the project (down from $6,000).", "5000.00"),
        ("pt-BR", "Pode emitir a cobrança do projeto de pintura, R$ 4.200,00?", "4200.00"),
        ("es-ES", "Enviad la factura; el pago de 1.500 € lo haremos por transferencia.", "1500.00"),
        ("en-US", "Ted and I have sent you the files, so the invoice is for $2,000.", "2000.00"),
        ("nb-NO", "Vi bestiller 10 plakater à 300 kr, som avtalt. Frakt 150 kr.", "3150.00"),
        # The difference asked for: the total less what was paid.
        (
            "en-US",
            "The total is $2,500 and we've already paid $1,000, so please invoice the difference.",
            "1500.00",
        ),
        # A net word right after the amount wins over a gross word before it.
        ("sv-SE", "Priset blir 9 600 kr inkl. moms (7 680 kr exkl. moms).", "9600.00"),
        ("ko-KR", "월 50만원씩 6개월, 총 300만원입니다.", "3000000"),
        ("ko-KR", "기존 견적 300만원에서 수량을 줄여 250만원으로 조정했습니다.", "2500000"),
        # A price converted for information is an estimate, not asked for.
        ("zh-CN", "请按 USD 1,800 开票（约合人民币 13,000 元，仅供参考）。", "1800.00"),
        ("en-US", "Please invoice €2,400 (approximately $2,610 at today's rate).", "2400.00"),
        # A balance asked for without its amount: the total less what was paid.
        (
            "de-DE",
            "Gesamtbetrag 5.000,00 €, Anzahlung 1.500,00 € bereits bezahlt. "
            "Bitte stellen Sie den Restbetrag in Rechnung.",
            "3500.00",
        ),
        ("en-US", "We agreed $2,000 for the shoot but knock off $150 for the delay.", "1850.00"),
        ("en-US", "Please invoice $500.00; the payment will be made by wire.", "500.00"),
        # "was paid" qualifies the amount it follows, not one before it.
        ("en-US", "Invoice $500.00 for the design; the deposit of $200.00 was paid.", "500.00"),
        # A share paid in words leaves the rest of the whole (the total, or the one amount).
        (
            "en-US",
            "The project came to $9,000 all in. We paid a third up front, "
            "so please bill us for the remaining two thirds.",
            "6000.00",
        ),
        ("zh-CN", "合同总额是48,000元（含税），签约时我们已经付了一半。", "24000.00"),
        ("tr-TR", "Anlaştığımız 40.000 TL'nin yarısını geçen ay ödemiştik.", "20000.00"),
        ("ko-KR", "총 계약금액 6,000,000원 중 절반은 이미 지급했습니다.", "3000000"),
        ("fr-FR", "La commande s'élève à 4 600 € TTC et nous avons réglé la moitié.", "2300.00"),
    ],
)
def test_the_amount_agreed(locale: str, body: str, total: str) -> None:
    found = draft(body, locale).total
    assert found is not None
    assert found.value == Decimal(total)


@pytest.mark.parametrize(
    ("locale", "body", "expected"),
    [
        (
            "en-US",
            "We'd like a dozen tap handles at $35 each and three label designs at $200 each.",
            [("tap handles", 12, "35.00"), ("label designs", 3, "200.00")],
        ),
        ("en-US", "Yoga mats: $45.00 x 12", [("Yoga mats", 12, "45.00")]),
        ("en-US", "Item: Frame | Qty: 4 | Price: $120.00", [("Frame", 4, "120.00")]),
        ("en-US", "Mug | 5 | $12.00 | $60.00", [("Mug", 5, "12.00")]),
        # Labelled fields on lines of their own, or set apart by " / ".
        (
            "zh-CN",
            "品名：保温杯\n数量：200个\n单价：38.50元\n\n品名：纸盒\n数量：200个\n单价：6元",
            [("保温杯", 200, "38.50"), ("纸盒", 200, "6.00")],
        ),
        (
            "ko-KR",
            "1) 품명: 블루투스 스피커 / 수량: 30대 / 단가: 45,000원",
            [("블루투스 스피커", 30, "45000")],
        ),
        ("en-GB", "Flowers (x3) £25.00", [("Flowers", 3, "25.00")]),
        ("de-DE", "Schraube M8, 3 Stück, je 0,50 €", [("Schraube M8", 3, "0.50")]),
        ("it-IT", "- 100 pz Apribottiglie a 2,50 €", [("Apribottiglie", 100, "2.50")]),
        ("es-ES", "200 cajas para tartas - 1,20 €/ud", [("cajas para tartas", 200, "1.20")]),
        ("zh-TW", "1. 圓形貼紙 1,000張，每張 3 元", [("圓形貼紙", 1000, "3.00")]),
        ("ja-JP", "・クッキー缶 10個 × 1,200円", [("クッキー缶", 10, "1200")]),
        # A clause's comma before the price; "計" (total) inside "設計" (design) is no total.
        (
            "zh-CN",
            "1. 宣传册设计 2款,每款1,500元\n2. 海报设计 1张,600元",
            [("宣传册设计", 2, "1500.00"), ("海报设计", 1, "600.00")],
        ),
        ("zh-TW", "品名 | 數量 | 單價\n設計費 | 1 | NT$5,000", [("設計費", 1, "5000.00")]),
        (
            "en-US",
            "Custom design with 8 pages - $3,400.00",
            [("Custom design with 8 pages", 1, "3400.00")],
        ),
        ("en-US", "Subtotal: $100.00\nDiscount: -$10.00\nVAT: $18.00", []),
    ],
)
def test_items_as_people_list_them(
    locale: str, body: str, expected: list[tuple[str, int, str]]
) -> None:
    assert items(draft(body, locale)) == [(n, Decimal(q), Decimal(p)) for n, q, p in expected]


QUOTE = "\n\nOn Mon, Mar 2, 2026 at 9:00 AM Shop <billing@merchant.example> wrote:\n"


@pytest.mark.parametrize(
    ("reply", "quoted", "total", "expected"),
    [
        (
            "Let's go with option B.",
            "> Option A: Basic site - $1,800.00\n> Option B: Custom site - $3,400.00",
            "3400.00",
            [("Custom site", 1, "3400.00")],
        ),
        # A line the reply leaves out; a new count alone for an offer of one item.
        (
            "Please go ahead, but drop the A-frame sign for now.",
            "> 3 x Menu board @ $185.00\n> 1 x A-frame sign @ $310.00\n> Total: $865.00",
            "555.00",
            [("Menu board", 3, "185.00")],
        ),
        (
            "Akkoord met de offerte, maar dan zonder de drone-opnames.",
            "> - Montage: 12 uur x € 85,00\n> - Drone-opnames: € 395,00\n> Totaal: € 1.415,00",
            "1020.00",
            [("Montage", 12, "85.00")],
        ),
        (
            "确认按下面这版报价下单，数量改为 120 套，其他不变。",
            "> 礼品套装：100 套 × ¥128.00 = ¥12,800.00\n> 合计：¥12,800.00",
            "15360.00",
            [("礼品套装", 120, "128.00")],
        ),
        # An option heading the lines under it.
        (
            "C'est validé : nous partons sur la formule B.",
            "> Formule A\n> - Formation (1 jour) : 1 x 980,00 €\n> Total : 980,00 €\n>\n"
            "> Formule B\n> - Formation (2 jours) : 2 x 890,00 €\n"
            "> - Support de cours : 6 x 15,00 €\n> Total : 1 870,00 €",
            "1870.00",
            [("Formation (2 jours)", 2, "890.00"), ("Support de cours", 6, "15.00")],
        ),
        # A thread: the newest quote replaced the earlier ones quoted under it.
        (
            "Please go ahead with the quote below.",
            "> 3 x Menu board @ $185.00\n> 1 x Window decals @ $220.00\n>\n"
            "> On Fri, Feb 27, 2026 at 9:00 AM Buyer <buyer@customer.example> wrote:\n"
            ">> Bigger boards, please.\n>>\n"
            ">> On Thu, Feb 26, 2026 at 9:00 AM Shop <billing@merchant.example> wrote:\n"
            ">>> 3 x Menu board @ $140.00\n>>> Total: $420.00",
            "775.00",
            [("Menu board", 3, "185.00"), ("Window decals", 1, "220.00")],
        ),
        (
            "Please make it 10 instead of 12.",
            "> 12 x Team shirt @ $22.50 = $270.00",
            "225.00",
            [("Team shirt", 10, "22.50")],
        ),
        (
            "Wir nehmen Variante 2.",
            "> Variante 1: Film 60 Sekunden – 2.900,00 €\n"
            "> Variante 2: Film mit Drohne – 4.300,00 €",
            "4300.00",
            [("Film mit Drohne", 1, "4300.00")],
        ),
        (
            # An option is one package, whatever counts its description holds; Korean
            # names the option after its label.
            "B안으로 진행하겠습니다.",
            "> A안: 랜딩 페이지 1종 - 1,800,000원\n> B안: 홈페이지 8페이지, 3종 - 4,200,000원",
            "4200000",
            [("홈페이지 8페이지, 3종", 1, "4200000")],
        ),
        (
            "We'll go with option B.",
            "> Option A – 8-page brochure, 500 copies: £1,150.00\n"
            "> Option B – 12-page brochure, 1,000 copies: £1,890.00",
            "1890.00",
            [("12-page brochure, 1,000 copies", 1, "1890.00")],
        ),
        (
            "Approved, thanks.",
            "> - 2 x Van wrap @ $2,400.00\n> Total: $4,800.00",
            "4800.00",
            [("Van wrap", 2, "2400.00")],
        ),
        (
            "Que sean 10 sillas en vez de 12, por favor.",
            "> 12 x Silla plegable a 45,00 € = 540,00 €",
            "450.00",
            [("Silla plegable", 10, "45.00")],
        ),
        (
            "Let's go with the second option, please invoice.",
            "> Option 1: Basic site - $1,200.00\n> Option 2: Shop with 40 products - $2,000.00",
            "2000.00",
            [("Shop with 40 products", 1, "2000.00")],
        ),
        (
            "Wir nehmen das zweite Paket.",
            "> Basis: 1.200,00 €\n> Komfort mit Pflege: 2.000,00 €",
            "2000.00",
            [("Komfort mit Pflege", 1, "2000.00")],
        ),
        (
            "Great, we'll take the premium package. Please send the invoice.",
            "> Basic package: $1,200.00\n> Premium package: $2,000.00",
            "2000.00",
            [("Premium package", 1, "2000.00")],
        ),
        (
            "Approved, please invoice. We may add the hosting plan later.",
            "> Website build: $3,000.00\n> Hosting plan: $240.00",
            "3240.00",
            [("Website build", 1, "3000.00"), ("Hosting plan", 1, "240.00")],
        ),
        (
            "Det ser godt ud - bare gå i gang!",
            "> Opsætningen af webshoppen koster 28.000 kr. ekskl. moms.",
            "28000.00",
            [],
        ),
        (
            "数量改为80个，不要100个了，请开发票。",
            "> 定制帆布袋 100个 × 25.00元 = 2,500.00元",
            "2000.00",
            [("定制帆布袋", 80, "25.00")],
        ),
    ],
)
def test_the_quoted_offer_a_reply_accepts(
    reply: str, quoted: str, total: str, expected: list[tuple[str, int, str]]
) -> None:
    found = draft(reply + QUOTE + quoted)
    assert found.total is not None
    assert found.total.value == Decimal(total)
    assert items(found) == [(n, Decimal(q), Decimal(p)) for n, q, p in expected]


@pytest.mark.parametrize(
    ("body", "subject"),
    [
        (
            "I am out of the office until Monday, March 30. For orders over $5,000 call us.",
            "Automatic reply: Invoice",
        ),
        ("Ich bin bis zum 3. August nicht im Büro.", "Automatische Antwort: Rechnung"),
        ("Spring sale! Cards from $19.99, order by Friday. Unsubscribe", "Spring sale"),
        ("Thank you, paid! We transferred the $780.00 this morning.", "Re: Invoice"),
        ("Tack, vi har betalat fakturan på 3 750 kr idag.", "Sv: Faktura"),
        ("Payment of $2,150.00 was sent on April 8 by ACH.", "Re: Invoice 1182"),
        ("Merci, le paiement de 980,00 € a bien été reçu.", "Re: Facture"),
        ("Dzień dobry, przelew na kwotę 3 200 zł został wykonany.", "Re: Faktura"),
        ("Merhaba, 12.000 TL tutarındaki ödemeyi bugün yaptık.", "Ynt: Fatura"),
        ("您好，发票金额12,800元已于今日付款，请查收。", "回复: 发票"),
        ("本日、請求書の55,000円をお振込みいたしました。", "Re: ご請求書"),
        ("Oi, o Pix de R$ 850,00 já foi feito, obrigado!", "Re: Fatura"),
        ("Payment received: $1,200.00 - thank you for your business!", "Receipt"),
        # A receipt for the merchant's own purchase.
        ("2 x Mailer @ $24.99\nOrder total: $49.98\nCharged to Visa ending in 4242.", "Order"),
        ("Hemos cargado 49,00 € en tu tarjeta. Importe pagado: 49,00 €", "Recibo"),
        ("Le virement de 2 450,00 € pour la facture F-31 a été effectué ce matin.", "Re: F-31"),
        ("Kartvizit 500 adet: 349,90 TL. Abonelikten çıkabilirsiniz.", "Kampanya"),
        # Calendar invitations: a budget in the agenda is not billed.
        (
            "Kickoff, Tuesday 10:00\nAgenda: budget (R85 000 approved)\n"
            "Join with Google Meet: meet.google.com/abc\nInvitation from Google Calendar",
            "Invitation: Kickoff",
        ),
        ("Sollen wir über das Angebot (4.800 €) sprechen?\nMicrosoft Teams-Besprechung", "Termin"),
        # A receipt whose charged line comes after the vendor's name, where a signature would.
        (
            "Receipt\nAmount paid: $345.00\nBuyer\nTeam plan | $300.00\nAmount charged | $345.00",
            "Receipt",
        ),
    ],
)
def test_nothing_to_bill_gives_an_empty_draft(body: str, subject: str) -> None:
    found = draft(body, subject=subject)
    assert found.total is None
    assert found.line_items == ()
    assert found.due_date.source == MERCHANT_DEFAULT


@pytest.mark.parametrize(
    ("sender", "body", "customer"),
    [
        # A courier's notice names nobody to bill: its declared value is no amount due.
        ("notifications@courier.example", "Out for delivery today.\nDeclared value: $245.00", None),
        ("notifiche@spedizioni.example", "In consegna oggi.\nContrassegno: 12,00 €", None),
        # A web form relayed by a no-reply sender names its buyer: the order is billed.
        (
            "no-reply@merchant.example",
            "Name: Ann Lee\nEmail: ann@buyer.example\n2 x Poster @ $40.00",
            "ann@buyer.example",
        ),
    ],
)
def test_an_automatic_notice_bills_only_when_it_names_a_buyer(
    sender: str, body: str, customer: str | None
) -> None:
    found = draft(body, from_address=Address(sender))
    assert (found.customer.email.value if found.customer.email else None) == customer
    assert (found.total is None) == (customer is None)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Dzień dobry, proszę o fakturę za projekt. Pozdrawiam", "pl"),
        ("Hej, vi takker for tilbudet og bestiller plakater. Hilsen Ola", "nb"),
        ("Guten Tag, bitte senden Sie uns die Rechnung für die Arbeiten. Vielen Dank", "de"),
        ("您好，我們要訂購花束，請於月底前付款，謝謝。", "zh-TW"),
        ("您好，我们要订购茶叶，请在月底前付款，谢谢。", "zh-CN"),
        ("お世話になっております。ご請求をお願いいたします。", "ja"),
        ("안녕하세요, 청구서를 보내 주세요. 감사합니다.", "ko"),
        ("Invoice?", None),
    ],
)
def test_the_email_language_is_read_from_its_text(text: str, language: str | None) -> None:
    assert detect_language(text) == language


def test_an_email_in_another_language_than_the_mailbox_reads_its_own_region() -> None:
    found = draft(
        "Hei, vi bestiller 3 stk plakater à 1 200 kr. Betaling innen 10 dager. Hilsen Ola",
        "en-GB",
        "GBP",
    )
    assert found.currency.value == "NOK"
    assert found.total is not None
    assert found.total.value == Decimal("3600.00")
