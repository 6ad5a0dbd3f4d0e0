# ruff: noqa: RUF001 - multilingual text: full-width colons are meant
"""Who to bill, in many languages: forward headers of each client, web forms relayed by a
no-reply sender, legal forms per country, names in two scripts, shared mailboxes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from addin_server.prefill import Address, Customer, EmailInput, MerchantContext, prefill_invoice

OWNER = "billing@shop.example"
COLLEAGUE = Address("kim@shop.example", "Kim Colleague")


def customer(
    body: str, sender: Address = COLLEAGUE, subject: str = "Order", **fields: object
) -> Customer:
    values: dict[str, object] = {
        "body": body,
        "from_address": sender,
        "to": (Address(OWNER),),
        "subject": subject,
        "item_date": datetime(2026, 5, 4, 9, tzinfo=UTC),
        "mailbox_owner": OWNER,
    }
    values.update(fields)
    return prefill_invoice(EmailInput(**values), MerchantContext()).customer  # type: ignore[arg-type]


def values(found: Customer) -> tuple[str | None, str | None, str | None]:
    return (
        found.email.value if found.email else None,
        found.name.value if found.name else None,
        found.company.value if found.company else None,
    )


ORDER = "Please invoice 2 x Widget @ 10.00."


# (first line, From, Sent, To, Subject labels), closing, legal form.
FORWARDS = [
    (("", "De :", "Envoyé :", "À :", "Objet :"), "Cordialement", "Lima SARL"),
    (("", "Da:", "Inviato:", "A:", "Oggetto:"), "Cordiali saluti", "Lima S.r.l."),
    (("", "Van:", "Verzonden:", "Aan:", "Onderwerp:"), "Met vriendelijke groet", "Lima B.V."),
    (("", "Från:", "Skickat:", "Till:", "Ämne:"), "Vänliga hälsningar", "Lima AB"),
    (("", "Fra:", "Sendt:", "Til:", "Emne:"), "Med vennlig hilsen", "Lima AS"),
    (("", "Od:", "Wysłano:", "Do:", "Temat:"), "Pozdrawiam", "Lima sp. z o.o."),
    (("", "Kimden:", "Gönderildi:", "Kime:", "Konu:"), "Saygılarımla", "Lima A.Ş."),
    (("", "差出人:", "送信日時:", "宛先:", "件名:"), "よろしくお願いいたします。", "株式会社リマ"),
    (("", "寄件者:", "寄件日期:", "收件者:", "主旨:"), "謝謝", "利馬有限公司"),
    (("", "보낸 사람:", "보낸 날짜:", "받는 사람:", "제목:"), "감사합니다", "주식회사 리마"),
    (
        ("---------- 转发的邮件 ---------", "发件人：", "日期：", "收件人：", "主题："),
        "此致",
        "利马有限公司",
    ),
    (("Begin forwarded message:", "From:", "Date:", "To:", "Subject:"), "Thanks", "Lima (Pty) Ltd"),
]


@pytest.mark.parametrize(("labels", "closing", "company"), FORWARDS)
def test_a_forward_bills_its_original_sender_in_every_client_and_language(
    labels: tuple[str, str, str, str, str], closing: str, company: str
) -> None:
    first, sender, sent, to, subject = labels
    header = (
        f"{first}\n{sender} Ana Lima <ana@cliente.example>\n{sent} 4.5.2026\n{to} Kim\n{subject} X"
    )
    body = f"Can you invoice this?\nKim\n\n{header}\n\n{ORDER}\n\n{closing}\nAna Lima\n{company}\n"
    found = customer(body, subject="FW: Order")
    assert values(found) == ("ana@cliente.example", "Ana Lima", company)


@pytest.mark.parametrize(
    ("form", "name", "company"),
    [
        (
            "Nombre: Lucía Ortega\nCorreo electrónico: lucia@cliente.example\nEmpresa: Ortega S.L.",
            "Lucía Ortega",
            "Ortega S.L.",
        ),
        (
            "姓名：王建国\n邮箱：lucia@cliente.example\n公司：蓝鲸贸易有限公司",
            "王建国",
            "蓝鲸贸易有限公司",
        ),
        (
            "이름: 박서연\n이메일: lucia@cliente.example\n회사명: 주식회사 푸른바다",
            "박서연",
            "주식회사 푸른바다",
        ),
        (
            "■お名前：高橋 由美\n■メール：lucia@cliente.example\n■会社名：株式会社さくら企画",
            "高橋 由美",
            "株式会社さくら企画",
        ),
        (
            "Imię i nazwisko: Tomasz Nowak\nE-mail: lucia@cliente.example\nFirma: Nowak sp. z o.o.",
            "Tomasz Nowak",
            "Nowak sp. z o.o.",
        ),
        (
            "Full Name | Marcus Bell\nEmail | lucia@cliente.example\nBusiness Name | Bell LLC",
            "Marcus Bell",
            "Bell LLC",
        ),
    ],
)
def test_a_relayed_web_form_names_the_buyer(form: str, name: str, company: str) -> None:
    body = f"Empfänger: {OWNER}\n{form}\n\n{ORDER}\n"
    found = customer(body, sender=Address("noreply@forms.example", "Website"))
    assert values(found) == ("lucia@cliente.example", name, company)


@pytest.mark.parametrize(
    "sender",
    [
        "nao-responda@loja.example",
        "ikke-svar@butikk.example",
        "svara_inte@butik.example",
        "nie.odpowiadaj@sklep.example",
        "nicht-antworten@shop.example",
        "yanitlamayin@magaza.example",
        "no-contestar@tienda.example",
    ],
)
def test_no_reply_senders_in_other_languages_are_never_the_customer(sender: str) -> None:
    body = f"Name: Lucia Brandt\nE-Mail: lucia@cliente.example\n\n{ORDER}\n"
    found = customer(body, sender=Address(sender, "Website"))
    assert values(found)[0] == "lucia@cliente.example"


@pytest.mark.parametrize(
    "sender", ["anna.svensson@kund.example", "ola@firma.example", "kontakt@kunde.example"]
)
def test_ordinary_senders_are_billed(sender: str) -> None:
    assert values(customer(ORDER, sender=Address(sender, "A Customer")))[0] == sender


@pytest.mark.parametrize(
    ("display", "body", "name"),
    [
        (
            "佐藤 花子 (Hanako Sato)",
            "以下の内容で発注いたします。請求書をお願いします。",
            "佐藤 花子",
        ),
        ("Kim Minjun (김민준)", "아래와 같이 주문합니다. 세금계산서 발행 부탁드립니다.", "김민준"),
        ("佐藤 花子 (Hanako Sato)", "Please send the invoice for the logo work.", "Hanako Sato"),
        (
            "Acme Corp (Billing)",
            "Please send the invoice for the logo work.",
            "Acme Corp (Billing)",
        ),
    ],
)
def test_a_name_in_two_scripts_is_given_in_the_emails_script(
    display: str, body: str, name: str
) -> None:
    found = customer(body, sender=Address("hanako@cliente.example", display))
    assert found.name is not None
    assert found.name.value == name


@pytest.mark.parametrize(
    ("display", "signature", "name", "company"),
    [
        ("采购部", "此致\n敬礼！\n\n刘洋\n采购经理\n金禾食品有限公司", "刘洋", "金禾食品有限公司"),
        (
            "jordan@cliente.example",
            "Thanks,\nJordan Doe\nProject Manager\nRidgeline Roofing LLC",
            "Jordan Doe",
            "Ridgeline Roofing LLC",
        ),
        (
            "",
            "Mvh\nErik Haugen\nDriftsleder\nFjordlys Eiendom AS",
            "Erik Haugen",
            "Fjordlys Eiendom AS",
        ),
        ("최동훈", "감사합니다.\n최동훈\n(주)대한물산 구매팀", "최동훈", "(주)대한물산"),
    ],
)
def test_a_shared_or_unnamed_mailbox_bills_the_person_who_signs(
    display: str, signature: str, name: str, company: str
) -> None:
    found = customer(f"{ORDER}\n\n{signature}\n", sender=Address("jordan@cliente.example", display))
    assert values(found) == ("jordan@cliente.example", name, company)


def test_an_outlook_mailto_header_keeps_the_name() -> None:
    header = (
        "-----Original Message-----\nFrom: Sarah Booth [mailto:sarah@school.example]\nSent: Monday"
    )
    found = customer(f"For Sarah please.\n\n{header}\n\n{ORDER}\n", subject="FW: Leaflets")
    assert values(found)[:2] == ("sarah@school.example", "Sarah Booth")


def test_a_forwarded_sender_named_without_address_is_found_in_the_signature() -> None:
    header = "Von: Lukas Brandt\nGesendet: Mittwoch\nAn: Kim\nBetreff: Auftrag"
    signature = "Mit freundlichen Grüßen\nLukas Brandt\nBrandt Bau GmbH\nlukas@brandt.example"
    found = customer(
        f"Bitte abrechnen.\n\n{header}\n\n{ORDER}\n\n{signature}\n", subject="WG: Auftrag"
    )
    assert values(found) == ("lukas@brandt.example", "Lukas Brandt", "Brandt Bau GmbH")


def test_a_forward_inside_the_merchants_mailbox_never_bills_the_merchant() -> None:
    header = "Från: Kim Colleague <kim@shop.example>\nSkickat: måndag\nTill: Ana\nÄmne: Order"
    found = customer(f"FYI\n\n{header}\n\n{ORDER}\n", subject="VB: Order")
    assert found.email is None or not found.email.value.endswith("@shop.example")


def test_a_legal_form_is_matched_with_its_case() -> None:
    """ "AS" is a Norwegian company, "As" a word."""
    signature = "Best regards,\nAna Lima\nAs agreed by phone\nLima Konsult AS"
    found = customer(f"{ORDER}\n\n{signature}\n", sender=Address("ana@lima.example", "Ana Lima"))
    assert found.company is not None
    assert found.company.value == "Lima Konsult AS"


@pytest.mark.parametrize(
    ("request_text", "company"),
    [
        # Billing details in the message itself, the signature naming no company.
        (
            "Pode seguir.\n\nDados para a nota fiscal:\nCafé Ipê Ltda.\nCNPJ 12.345.678/0001-90",
            "Café Ipê Ltda.",
        ),
        ("Fakturu prosím na:\n\nCafé Ipê s.r.o.\nIČO: 12345678", "Café Ipê s.r.o."),
        ("Faktura na:\nCafe Ipe sp. z o.o.\nNIP 525-123-45-67", "Cafe Ipe sp. z o.o."),
        ("Bitte an:\nFirma: Café Ipê\nBerlin", "Café Ipê"),
        # A field naming another company than the sender's domain spells is not theirs.
        ("Please invoice.\nCompany: Someone Else Ltd", "Cafeipe"),
    ],
)
def test_a_company_named_in_the_request_when_the_signature_names_none(
    request_text: str, company: str
) -> None:
    signature = "Regards,\nAna Lima\n+351 912 345 678"
    sender = Address("ana@cafeipe.example", "Ana Lima")
    found = customer(f"{request_text}\n\n{signature}\n", sender=sender)
    assert found.company is not None
    assert found.company.value == company


@pytest.mark.parametrize(
    ("line", "company"),
    [
        ("Accounts, Mehta & Sons Traders", "Mehta & Sons Traders"),
        ("Purchasing Manager, Northwind Traders", "Northwind Traders"),
        ("Einkauf, Nordlicht Möbel", "Nordlicht Möbel"),
        ("Harbour Tea House", "Harbour Tea House"),
    ],
)
def test_a_title_or_department_before_the_company_is_no_part_of_it(line: str, company: str) -> None:
    signature = f"Regards,\nRohan Mehta\n{line}\n+91 22 2266 1234"
    found = customer(
        f"{ORDER}\n\n{signature}\n", sender=Address("rohan@mehta.example", "Rohan Mehta")
    )
    assert found.company is not None
    assert found.company.value == company


@pytest.mark.parametrize(
    ("request_text", "company"),
    [
        ("我哋想訂以下物品，麻煩開發票俾我哋。", "港灣茶莊有限公司"),
        ("Please invoice the gift boxes we ordered.", "Harbour Tea House Limited"),
    ],
)
def test_a_company_in_two_scripts_is_given_in_the_emails_script(
    request_text: str, company: str
) -> None:
    signature = "陳嘉欣 Karen Chan\n港灣茶莊有限公司 Harbour Tea House Limited\n+852 2345 6789"
    sender = Address("karen.chan@harbourtea.example", "Karen Chan")
    found = customer(f"{request_text}\n\n--\n{signature}\n", sender=sender)
    assert found.company is not None
    assert found.company.value == company
