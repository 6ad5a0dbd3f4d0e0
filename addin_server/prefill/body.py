# ruff: noqa: RUF001 - multilingual text: full-width colons, dashes and multiplication signs are meant
"""Which part of a body is the current request: earlier messages quoted below a reply,
forwarded headers and signatures are split off, in the headers of the common mail clients
in each language the lexicon has.

Work is line by line and linear: a line longer than ``_MAX_MARKER_LINE`` cannot be a
reply header or a signature and is never matched against those patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parseaddr

from addin_server.prefill.lexicon import alternation, word_re, words

_MAX_MARKER_LINE = 400
_MAX_SIGNATURE_LINES = 12
# A receipt says the card was charged near its top, after at most a short order summary.
_RECEIPT_CHARS = 5_000
# An invitation's own lines follow its description, which is seldom long.
_INVITATION_CHARS = 10_000
# A thread is read back this many messages at most.
_MAX_QUOTED_MESSAGES = 20
# A signature found by the author's name starts within this many lines of the end.
_MAX_NAME_LINE_DISTANCE = 6


def _phrases(*keys: str) -> str:
    """The lexicon's phrases under ``keys``, in every language, as one alternation."""
    return alternation([phrase for key in keys for phrase in words(key)])


# "-----Original Message-----", "-----Ursprüngliche Nachricht-----", Outlook's underscores.
_SEPARATOR = re.compile(rf"-{{2,}}\s*(?:{_phrases('original_marker')})\s*-{{2,}}|_{{8,}}", re.I)
# Gmail's "---------- Forwarded message ---------", Apple Mail's "Begin forwarded message:".
_FORWARD_SEPARATOR = re.compile(
    rf"-{{2,}}\s*(?:{_phrases('forward_marker')})\s*-{{2,}}|(?:{_phrases('forward_intro')})\s?:",
    re.I,
)
# "From: / Sent: / To: / Subject:" as each client writes them in each language ("De :",
# "Von:", "差出人:", "보낸 사람:"); ``from`` is set for the sender's field.
HEADER_FIELD = re.compile(
    rf"\*?(?:(?P<from>{_phrases('header_from')})"
    rf"|{_phrases('header_sent', 'header_to', 'header_cc', 'header_subject')})"
    r"\*?\s?[:：]\s?\*?(?P<value>.*)",
    re.I,
)
_HEADER_BLOCK_LINES = 6
# A reply's "On <date>, <name> wrote:" line; a Japanese one opens with the date in its own
# shape ("2026年5月22日(金) 15:30 佐藤 <...>:").
_REPLY_HEADER = re.compile(
    rf"(?:{_phrases('reply_header')}"
    r"|\d{4}年\s?\d{1,2}月\s?\d{1,2}日.{0,300}(?:のメール|書きました|<[^<>\s]{1,200}>))"
    r"\s?:?\s*",
    re.I,
)

_CLOSING = re.compile(rf"(?:{_phrases('closing')})[\s,.!。、！]*", re.I)
_SIGNATURE_DASHES = re.compile(r"--\s?|—\s?")


@dataclass(frozen=True)
class ForwardedHeader:
    """The header of a forwarded message: ``from_line`` is the raw ``From:`` value."""

    from_line: str


@dataclass(frozen=True)
class MessageParts:
    current: str  # the request: text to read amounts, items and dates from
    signature: str  # the author's signature (company name lives here)
    quoted: str  # earlier messages, for who-is-who only
    forwarded: ForwardedHeader | None  # set when the request is a forwarded message


_SUBJECT_REPLY = rf"(?:{_phrases('reply_prefix')})\s?[:：]\s*"
_FORWARD_SUBJECT = re.compile(
    rf"\s*(?:{_SUBJECT_REPLY})*(?:{_phrases('forward_prefix')})\s?[:：]", re.I
)
# Every "Re:", "AW:", "Fwd:", "転送:" before a subject's text.
SUBJECT_PREFIX = re.compile(
    rf"^\s*(?:(?:{_phrases('reply_prefix', 'forward_prefix')})\s?[:：]\s*)+", re.I
)


def is_auto_reply(subject: str, current: str) -> bool:
    """An out-of-office or automatic reply: its subject says so, or a short body does."""
    auto = word_re("auto_reply")
    return bool(auto.search(subject[:_MAX_MARKER_LINE])) or (
        len(current) < 800 and bool(auto.search(current[:300]))
    )


def is_bulk_mail(current: str) -> bool:
    """Mailing lists and newsletters carry an unsubscribe link and name no customer: nothing
    in them is billed (a shop's order notice names its buyer)."""
    return bool(word_re("bulk").search(current[-5000:])) and "@" not in current[:20_000]


def is_receipt(current: str) -> bool:
    """A receipt: a card or account was already charged ("Charged to Visa ending in 4242",
    "Hemos cargado 49,00 € en tu tarjeta"), so nothing in it is billed, and its sender
    (a vendor's system) is no customer."""
    return bool(word_re("receipt").search(current[:_RECEIPT_CHARS]))


def is_invitation(text: str) -> bool:
    """A calendar invitation (the lines Google Calendar, Teams and Zoom write into it): it
    asks to meet, and a budget in its agenda is no amount to bill."""
    return bool(word_re("invitation").search(text[:_INVITATION_CHARS]))


def is_forward_subject(subject: str) -> bool:
    return bool(_FORWARD_SUBJECT.match(subject[:_MAX_MARKER_LINE]))


def split_message(text: str, subject: str = "", author_name: str = "") -> MessageParts:
    """``author_name`` (the sender's display name) helps find a signature that has no
    closing phrase: it starts at the line with the author's name."""
    lines = text.split("\n")
    boundary, is_forward = _find_boundary(lines, 0, forwarded_subject=is_forward_subject(subject))
    if boundary is None:
        body, signature = split_signature(lines, author_name)
        return MessageParts(body, signature, "", None)
    if not is_forward:
        body, signature = split_signature(lines[:boundary], author_name)
        return MessageParts(body, signature, "\n".join(lines[boundary:]), None)

    # A forward: the forwarder's note plus the forwarded message, up to its own history.
    note, _note_signature = split_signature(lines[:boundary], author_name)
    header_end, from_line = _read_header(lines, boundary)
    history, _ = _find_boundary(lines, header_end)
    original = lines[header_end:history]
    body, signature = split_signature(original, parseaddr(from_line)[0])
    quoted = "\n".join(lines[history:]) if history is not None else ""
    current = f"{note}\n{body}" if note else body
    return MessageParts(current, signature, quoted, ForwardedHeader(from_line))


def quoted_author_parts(quoted: str) -> tuple[str, str]:
    """The ``From:`` value and the signature of the newest quoted message."""
    lines = [_strip_quote(line) for line in quoted.split("\n")]
    header_end, from_line = _read_header(lines, 0)
    if not from_line:
        first = next((line for line in lines if line.strip()), "")
        from_line = _reply_header_from(first)
    history, _ = _find_boundary(lines, header_end)
    _body, signature = split_signature(lines[header_end:history], parseaddr(from_line)[0])
    return from_line, signature


def quoted_messages(quoted: str, limit: int = _MAX_QUOTED_MESSAGES) -> list[str]:
    """The bodies of the quoted history's messages, newest first, without their headers."""
    lines = [_strip_quote(line) for line in quoted.split("\n")]
    messages: list[str] = []
    start: int | None = 0
    while start is not None and start < len(lines) and len(messages) < limit:
        header_end, _ = _read_header(lines, start)
        end, _ = _find_boundary(lines, header_end)
        messages.append("\n".join(lines[header_end:end]))
        start = end
    return messages


def _reply_header_from(line: str) -> str:
    match = re.search(r"[^\s<>]{0,100}\s?<[^<>\s]{1,200}>", line[:_MAX_MARKER_LINE])
    return match.group() if match else ""


def _strip_quote(line: str) -> str:
    return line.lstrip(" >") if line.lstrip().startswith(">") else line


def _find_boundary(
    lines: list[str], start: int, *, forwarded_subject: bool = False
) -> tuple[int | None, bool]:
    """Index of the first line of earlier content at or after ``start``, and whether it is
    a forwarded message (Outlook forwards look like replies: the subject tells them apart)."""
    for index in range(start, len(lines)):
        line = lines[index].strip()
        if not line or len(line) > _MAX_MARKER_LINE:
            continue
        if _FORWARD_SEPARATOR.fullmatch(line):
            return index, True
        if line.startswith(">"):
            return index, False
        if _SEPARATOR.fullmatch(line):
            return index, forwarded_subject
        if _REPLY_HEADER.fullmatch(line) or _is_wrapped_reply_header(lines, index):
            return index, False
        if _is_header_block(lines, index):
            return index, forwarded_subject
    return None, False


def _is_wrapped_reply_header(lines: list[str], index: int) -> bool:
    """Gmail wraps long ``On <date>, <name> <address>`` headers before ``wrote:``."""
    if index + 1 >= len(lines) or not lines[index].lstrip().startswith(("On ", "Am ", "Le ")):
        return False
    joined = f"{lines[index].strip()} {lines[index + 1].strip()}"
    return len(joined) <= _MAX_MARKER_LINE and bool(_REPLY_HEADER.fullmatch(joined))


def _is_header_block(lines: list[str], index: int) -> bool:
    """An Outlook-style ``From: / Sent: / To: / Subject:`` block."""
    first = HEADER_FIELD.fullmatch(lines[index].strip())
    if not first or not first.group("from"):
        return False
    following = lines[index + 1 : index + _HEADER_BLOCK_LINES]
    # Two more fields (a client writes sent, to and subject): "Fra: 1. juni / Til: 3. juni"
    # in a request is a date range, not a header.
    fields = sum(
        1
        for line in following
        if len(line) <= _MAX_MARKER_LINE and HEADER_FIELD.fullmatch(line.strip())
    )
    return fields >= 2


def _read_header(lines: list[str], start: int) -> tuple[int, str]:
    """Past the marker line and header fields at ``start`` (a forward's ``From: / Date: /
    Subject:`` block, a reply's ``On ... wrote:``): the first body line and the From value."""
    index, from_line, seen_field = start, "", False
    end = min(len(lines), start + _HEADER_BLOCK_LINES * 2)
    while index < end:
        line = lines[index].strip()
        match = HEADER_FIELD.fullmatch(line[:_MAX_MARKER_LINE]) if line else None
        if match:
            seen_field = True
            if match.group("from") and not from_line:
                from_line = match.group("value").strip()
        elif line and (seen_field or index > start):
            break  # the body starts; a non-field line at ``start`` is the marker itself
        index += 1
    return (index, from_line) if seen_field else (start + 1, "")


def split_signature(lines: list[str], author_name: str = "") -> tuple[str, str]:
    """(body, signature): the signature starts at ``-- ``, at the last closing phrase
    ("Best regards", "Mit freundlichen Grüßen", "よろしくお願いいたします", ...) near the end,
    or else at a short line near the end that starts with the author's name."""
    content = [i for i, line in enumerate(lines) if line.strip()]
    cut = next((i for i in content if _SIGNATURE_DASHES.fullmatch(lines[i].strip())), None)
    tail = content[-_MAX_SIGNATURE_LINES:]
    if cut is None:
        cut = next((i for i in reversed(tail) if is_closing(lines[i])), None)
    names = _name_starts(author_name)
    if cut is None and names:
        cut = next(
            (
                i
                for i in reversed(tail[-_MAX_NAME_LINE_DISTANCE:])
                if len(lines[i].strip()) <= 60 and lines[i].strip().casefold().startswith(names)
            ),
            None,
        )
    if cut is None:
        return "\n".join(lines).strip("\n"), ""
    return "\n".join(lines[:cut]).strip("\n"), "\n".join(lines[cut:]).strip("\n")


def is_closing(line: str) -> bool:
    line = line.strip()
    return len(line) <= 60 and bool(_CLOSING.fullmatch(line) or _SIGNATURE_DASHES.fullmatch(line))


def _name_starts(author_name: str) -> tuple[str, ...]:
    """The full name and the first name, as a signature's first line would start."""
    name = " ".join(author_name.replace('"', "").split()).casefold()
    if "@" in name or len(name) < 2:
        return ()
    first = name.split(" ")[0]
    return (name, first) if len(first) >= 2 else (name,)
