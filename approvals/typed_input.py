"""What people type, in one normal form, and numbers held to the column they are stored in.

Everything typed into the site passes through here at the boundary where it arrives (form fields,
the engine's action name and comment, the values entered with an action), so that what is stored,
searched, compared and exported is the same whoever typed it and with whatever keyboard:

- ``prose``: names, comments, minutes. Full-width letters and digits become ASCII (``２０２４`` is
  ``2024``), the text is composed (NFC), control characters are removed — none in a single line;
  newline and tab stay in multi-line text, with CR LF made LF — and the ends are trimmed. Chinese
  punctuation (，（）：) and circled numbers stay as typed: full NFKC would turn them into ASCII.
- ``code``: identifiers and numbers (ID numbers, phone numbers, ids). Fully NFKC-normalised, every
  decimal digit of any script made ASCII, no control character, trimmed.
- ``column_range`` and ``whole_number``: an integer fits its column on every database the site runs
  on (PostgreSQL's ranges; SQLite stores more, but the data must be able to move).
"""

from __future__ import annotations

import re
import unicodedata

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations

_FULL_WIDTH_ALNUM = {
    code: code - 0xFEE0
    for first, last in (("０", "９"), ("Ａ", "Ｚ"), ("ａ", "ｚ"))
    for code in range(ord(first), ord(last) + 1)
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_DIGITS = re.compile(r"[0-9]+")


def prose(value: str, *, multiline: bool = False) -> str:
    """Words as a person typed them, in normal form (see the module's description)."""
    text = unicodedata.normalize("NFC", str(value).translate(_FULL_WIDTH_ALNUM))
    if multiline:
        text = _CONTROL_BUT_LINES.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    else:
        text = _CONTROL.sub("", text)
    return text.strip()


def code(value: str) -> str:
    """An identifier or a number as typed, in normal form: ``６２０１ｘ`` is ``6201x``."""
    text = unicodedata.normalize("NFKC", str(value))
    text = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)
    return _CONTROL.sub("", text).strip()


def for_log(value, limit: int) -> str:
    """A value someone sent, made fit to record in a column of ``limit`` characters."""
    text = code(value) if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def column_range(field: models.Field) -> tuple[int, int]:
    """The smallest and largest value an integer model field's column holds on every database."""
    return BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]


def whole_number(value, low: int, high: int) -> int | None:
    """The whole number ``value`` spells (digits of any width or script), or None when it is not
    one or falls outside ``low``..``high``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(digits := code(value)):
        if len(digits.lstrip("0")) > len(str(high)):
            return None  # never parse a thousand digits to learn they are too many
        number = int(digits.lstrip("0") or "0")
    else:
        return None
    return number if low <= number <= high else None
