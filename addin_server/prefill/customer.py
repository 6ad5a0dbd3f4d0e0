# ruff: noqa: RUF001 - multilingual text: full-width colons, dashes and multiplication signs are meant
"""Who the invoice is for: the sender of a received message (the original sender of a
forward), or the first external recipient of a message the merchant wrote or is writing.
Never a no-reply address and never the merchant."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Literal

from addin_server.prefill.body import is_bulk_mail, is_closing, is_receipt
from addin_server.prefill.lexicon import alternation, is_unspaced, word_re, words
from addin_server.prefill.models import Address, Customer, EmailInput, Extracted, MerchantContext
from addin_server.prefill.snippets import clip

_NO_REPLY = re.compile(
    "|".join(
        r"[-_.]?".join(re.escape(part) for part in local.split("-"))
        for local in words("no_reply_local")
    ),
    re.IGNORECASE,
)
# Free mail providers: a shared domain says nothing about who is internal or the company.
PUBLIC_MAIL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.fr",
        "yahoo.es",
        "yahoo.co.jp",
        "icloud.com",
        "me.com",
        "aol.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "t-online.de",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "wanadoo.fr",
        "hotmail.fr",
        "hotmail.es",
        "proton.me",
        "protonmail.com",
        "qq.com",
        "163.com",
        "126.com",
        "docomo.ne.jp",
        "ezweb.ne.jp",
        "mail.com",
        "zoho.com",
        "yandex.com",
    ]
)
_EMAIL = re.compile(r"[\w.+'-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
# Legal forms per country ("GmbH", "sp. z o.o.", "A/S", "株式会社", "(주)"), from the lexicon;
# matched with their case, since "AS" is a company and "as" a word.
_COMPANY_SUFFIX = re.compile(alternation(words("legal_form")))
_CONTACT_LINE = re.compile(
    r"@|https?://|www\.|\+?\d[\d ()./-]{6,}|^(?:tel|phone|mobile|fax|t|m|p|e|tél|móvil|電話)\b",
    re.IGNORECASE,
)
_JOB_TITLE = word_re("job_title")
# A company named on a line of its own in a message's text is no longer than this.
_MAX_COMPANY_LINE = 60
# A name written the Outlook way with its address: "Sarah Booth [mailto:sarah@school.org]".
_MAILTO = re.compile(r"\[mailto:([^\]\s]{1,320})\]", re.IGNORECASE)


def parse_address(value: str) -> Address | None:
    name, email = parseaddr(_MAILTO.sub(r"<\1>", value[:500]))
    if not email or "@" not in email:
        match = _EMAIL.search(value[:500])
        if not match:
            return None
        email = match.group()
    return Address(email=email.strip().lower(), name=name.strip().strip("'\""))


def is_no_reply(address: str) -> bool:
    return bool(_NO_REPLY.search(address.partition("@")[0]))


class _Merchant:
    """Tells the merchant's own addresses apart from everyone else's."""

    def __init__(self, email: EmailInput, context: MerchantContext) -> None:
        own = {a.strip().lower() for a in (email.mailbox_owner, *context.own_addresses) if a}
        self.addresses = own
        self.domains = {
            a.rpartition("@")[2] for a in own if a.rpartition("@")[2] not in PUBLIC_MAIL_DOMAINS
        }

    def is_own(self, address: str) -> bool:
        address = address.lower()
        return address in self.addresses or address.rpartition("@")[2] in self.domains

    def is_customer(self, address: Address | None) -> bool:
        return (
            address is not None
            and not self.is_own(address.email)
            and not is_no_reply(address.email)
        )


@dataclass(frozen=True)
class CustomerMatch:
    """Who the customer is and how that was found: ``role`` says whose signature names
    their company (the author's, or the quoted message's when the merchant wrote)."""

    address: Address | None
    confidence: float = 0.0
    source: str = ""
    role: Literal["author", "forwarded", "recipient", "quoted", "mentioned", "none"] = "none"


def find_customer(
    email: EmailInput,
    context: MerchantContext,
    *,
    forwarded_from: str | None,
    quoted_from: str,
    current_text: str,
    signature: str = "",
) -> CustomerMatch:
    merchant = _Merchant(email, context)
    author = email.from_address or email.sender
    # A receipt's lines may follow its sender's name, where a signature would start.
    receipt = is_receipt(f"{current_text}\n{signature}")
    if author is not None and (is_bulk_mail(current_text) or receipt):
        return CustomerMatch(None)
    merchant_wrote = email.mode == "compose" or (
        author is not None and merchant.is_own(author.email)
    )

    if forwarded_from is not None:
        original = parse_address(forwarded_from) or _signed_address(forwarded_from, signature)
        if merchant.is_customer(original):
            return CustomerMatch(original, 0.9, clip(f"From: {forwarded_from}"), "forwarded")
    if not merchant_wrote and author is not None and merchant.is_customer(author):
        return CustomerMatch(author, 0.95, clip(f"From: {_display(author)}"), "author")
    if merchant_wrote:
        for field_name, recipients, confidence in (("To", email.to, 0.9), ("Cc", email.cc, 0.7)):
            for recipient in recipients:
                if merchant.is_customer(recipient):
                    source = clip(f"{field_name}: {_display(recipient)}")
                    return CustomerMatch(recipient, confidence, source, "recipient")
    # A no-reply sender or an internal hand-over: the customer may be named in the text.
    quoted_author = parse_address(quoted_from) if quoted_from else None
    if quoted_author is not None and merchant.is_customer(quoted_author):
        return CustomerMatch(quoted_author, 0.6, clip(f"From: {quoted_from}"), "quoted")
    for match in _EMAIL.finditer(current_text[:20_000]):
        candidate = Address(email=match.group().lower())
        if merchant.is_customer(candidate):
            source = clip(current_text[max(0, match.start() - 40) : match.end() + 20])
            return CustomerMatch(candidate, 0.5, source, "mentioned")
    return CustomerMatch(None)


def _signed_address(name: str, signature: str) -> Address | None:
    """A forwarded header that names its sender without an address ("Von: Lukas Brandt", as
    Outlook writes colleagues it knows): the address in the forwarded message's signature."""
    match = _EMAIL.search(signature[:2000])
    if match is None or not name.strip():
        return None
    return Address(email=match.group().lower(), name=name.strip()[:200])


def _display(address: Address) -> str:
    return f"{address.name} <{address.email}>" if address.name else address.email


def company_from_signature(signature: str) -> tuple[str, float, str] | None:
    """The company named in a signature: a line with a legal form (Inc, GmbH, 株式会社 ...),
    else the line after the name that is neither a job title nor contact details."""
    stripped = (line.strip().strip("|").strip() for line in signature.split("\n")[:12])
    lines = [line for line in stripped if line]
    if lines and is_closing(lines[0]):
        lines = lines[1:]
    for line in lines:
        if len(line) <= 80 and _COMPANY_SUFFIX.search(line):
            return _company_part(line), 0.85, clip(line)
    for line in lines[1:4]:
        # "Nora" then "Nora Fischer": the name again in full is not the company.
        if line.split()[:1] == lines[0].split()[:1]:
            continue
        company = _without_title(line)
        if len(line) <= 60 and not _CONTACT_LINE.search(line) and not _JOB_TITLE.search(company):
            return company, 0.5, clip(line)
    return None


# A web form relayed by a no-reply sender names the customer in labelled fields: "Name: ...",
# "■お名前: ...", "Firma: ..." (labels from the lexicon), or "Full Name | ..." in an HTML table.
_FORM_FIELD = re.compile(
    rf"^[ \t]*[■□●○•・*>-]?[ \t]*(?:(?P<name>{alternation(words('form_name'))})"
    rf"|(?P<company>{alternation(words('form_company'))}))"
    r"[ \t]*[:：|][ \t]*(?P<value>[^\n]{1,100})$",
    re.IGNORECASE | re.MULTILINE,
)


def form_fields(text: str) -> tuple[str | None, str | None]:
    """(name, company) from "Name: ..." and "Company: ..." lines, where given."""
    name: str | None = None
    company: str | None = None
    for match in _FORM_FIELD.finditer(text[:20_000]):
        value = match["value"].strip()
        if not value or "@" in value or _CONTACT_LINE.search(value):
            continue
        if match["name"] and name is None:
            name = value
        elif match["company"] and company is None:
            company = value
    return name, company


def company_in_text(text: str, address: str) -> tuple[str, float, str] | None:
    """The company a writer names in the message itself, as billing details often are:
    a short line of its own with a legal form ("Dados para a nota fiscal: / Café Ipê
    Ltda."), or a labelled company field when its name is the one the sender's domain
    spells (a field may name another: "Name: Project Falcon / Company: ...")."""
    for line in (line.strip() for line in text[:20_000].split("\n")):
        if len(line) > _MAX_COMPANY_LINE or ":" in line or _CONTACT_LINE.search(line):
            continue
        if _COMPANY_SUFFIX.search(line):
            return _company_part(line), 0.5, clip(line)
    guess = company_from_domain(address)
    _name, field = form_fields(text)
    if field and guess and _letters(guess[0]) in _letters(field):
        return clip(field), 0.5, clip(field)
    return None


def _letters(text: str) -> str:
    """ "Café Ipê Ltda." -> "cafeipeltda": letters and digits without accents, as a domain
    spells a name."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if char.isascii() and char.isalnum())


def _company_part(line: str) -> str:
    """``Mark Chen | Operations Lead | Northwind Traders Inc.`` -> ``Northwind Traders Inc.``;
    ``Purchasing Manager, Acme Corp`` -> ``Acme Corp``."""
    for separator in (" | ", " · ", " – ", " - "):
        parts = [part.strip() for part in line.split(separator)]
        if len(parts) > 1:
            return next((p for p in parts if _COMPANY_SUFFIX.search(p)), line)
    without_title = _without_title(line)
    if without_title != line:
        return without_title
    # "(주)대한물산 구매팀", "株式会社ハヤシ商会 営業部": the department after the company.
    words_ = line.split(" ")
    while (
        len(words_) > 1 and _JOB_TITLE.search(words_[-1]) and not _COMPANY_SUFFIX.search(words_[-1])
    ):
        words_.pop()
    return " ".join(words_)


def _without_title(line: str) -> str:
    """ "Purchasing Manager, Acme Corp" -> "Acme Corp"; "Accounts, Mehta & Sons Traders" ->
    "Mehta & Sons Traders" (a department names no company either)."""
    title, comma, rest = line.partition(", ")
    is_title = _JOB_TITLE.search(title) or _is_role(title)
    return rest if comma and is_title and not _COMPANY_SUFFIX.search(title) else line


def company_from_domain(address: str) -> tuple[str, float, str] | None:
    domain = address.rpartition("@")[2]
    if not domain or domain in PUBLIC_MAIL_DOMAINS:
        return None
    labels = domain.split(".")
    name = (
        labels[-3]
        if len(labels) >= 3 and labels[-2] in ("co", "com")
        else labels[-2]
        if len(labels) >= 2
        else labels[0]
    )
    return " ".join(w.capitalize() for w in re.split(r"[-_]", name) if w), 0.3, clip(address)


# Two to four words; or a Chinese or Korean name, written without spaces ("刘洋", "김민준").
_PERSON = re.compile(
    r"[^\W\d_][^\W\d_'.-]*(?:[ -][^\W\d_][^\W\d_'.-]*){1,3}|[\u3400-\u9fff\uac00-\ud7af]{2,4}"
)
# A display name in two scripts: "佐藤 花子 (Hanako Sato)", "Kim Minjun (김민준)".
_TWO_SCRIPTS = re.compile(r"(?P<first>[^()]{1,100}?)\s*\((?P<second>[^()]{1,100})\)")
# Text this much Chinese, Japanese or Korean (of its letters) is read in those scripts.
_CJK_SHARE = 0.3


def _has_cjk(text: str) -> bool:
    return any(is_unspaced(char) for char in text)


def _in_email_script(name: str, text: str) -> str:
    """Of a name given in two scripts, the one the email is written in."""
    match = _TWO_SCRIPTS.fullmatch(name)
    if match is None or _has_cjk(match["first"]) == _has_cjk(match["second"]):
        return name
    letters = [char for char in text[:4000] if char.isalpha()]
    cjk = sum(is_unspaced(char) for char in letters)
    cjk_text = bool(letters) and cjk / len(letters) >= _CJK_SHARE
    first, second = match["first"].strip(), match["second"].strip()
    return first if _has_cjk(first) == cjk_text else second


# "港灣茶莊有限公司 Harbour Tea House Limited": a company named in two scripts on one line.
_TWO_SCRIPT_COMPANY = re.compile(
    r"(?P<cjk>[\u3400-\u9fff\uac00-\ud7af][^A-Za-z]*?)\s+(?P<latin>[A-Za-z][^\u3400-\u9fff\uac00-\ud7af]*)"
)


def _company_in_email_script(company: str, text: str) -> str:
    """Of a company named in two scripts, each with its legal form, the name in the email's."""
    match = _TWO_SCRIPT_COMPANY.fullmatch(company)
    if match is None or not all(_COMPANY_SUFFIX.search(part) for part in match.groups()):
        return company
    return _in_email_script(f"{match['cjk']} ({match['latin']})", text)


def _is_role(display_name: str) -> bool:
    """ "Accounts Payable", "Buchhaltung", "Store Manager": a shared mailbox, not a person."""
    role = word_re("role_mailbox").search(display_name)
    return role is not None and len(display_name.split()) <= 3


def signer_name(signature: str) -> str | None:
    """The person who signs: the first short line of two to four words after the closing
    that is neither a role, a job title, a company nor contact details."""
    for line in (line.strip() for line in signature.split("\n")[:6]):
        if not line or is_closing(line):
            continue
        if (
            _PERSON.fullmatch(line)
            and not _is_role(line)
            and not _JOB_TITLE.search(line)
            and not _COMPANY_SUFFIX.search(line)
        ):
            return line
    return None


def build_customer(match: CustomerMatch, signature: str, text: str = "") -> Customer:
    """The customer's name and company; for an address only mentioned in ``text`` (a
    relayed web form), from the form's "Name:" and "Company:" fields."""
    address = match.address
    if address is None:
        return Customer()
    name = None
    if address.name and "@" not in address.name:
        display = _in_email_script(address.name, text)
        name = Extracted(clip(display), match.confidence, match.source)
    # A shared mailbox, or no name but the address: the person who signs.
    if (name is None or _is_role(address.name)) and match.role in ("author", "forwarded"):
        signer = signer_name(signature or "\n".join(text.strip().split("\n")[-4:]))
        name = Extracted(signer, 0.6, signer) if signer else name
    company: tuple[str, float, str] | None = None
    if match.role == "mentioned":
        form_name, form_company = form_fields(text)
        if name is None and form_name:
            name = Extracted(clip(form_name), 0.5, clip(form_name))
        if form_company:
            company = (clip(form_company), 0.6, clip(form_company))
    company = company or company_from_signature(signature)
    if company is None and match.role in ("author", "forwarded"):
        company = company_in_text(text, address.email)
    company = company or company_from_domain(address.email)
    if company is not None:
        company = (_company_in_email_script(company[0], text), *company[1:])
    return Customer(
        name=name,
        email=Extracted(address.email, match.confidence, match.source),
        company=Extracted(*company) if company else None,
    )
