"""Resident identity card numbers (GB 11643-1999): 6-digit area, 8-digit birth date, 3-digit
sequence (odd for men, even for women) and a check character over the first 17 digits."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from approvals import typed_input

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK_CHARACTERS = "10X98765432"


def check_character(first17: str) -> str:
    return CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def birth_date(number: str) -> datetime.date:
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def sex(number: str) -> str:
    return "male" if int(number[16]) % 2 else "female"


def normalise(number: str) -> str:
    """One spelling per person: digits of any width or script made ASCII (``６２０１`` is ``6201``),
    spaces and control characters dropped, the check character ``ｘ``/``x`` made ``X``."""
    return re.sub(r"\s", "", typed_input.code(number or "")).upper()


def validate_id_number(value: str) -> None:
    """Raise a ValidationError saying what is wrong with an ID number, in words a cadre follows."""
    number = normalise(value)
    if len(number) != 18:
        raise ValidationError(
            _("身份证号码应为18位，当前为%(length)d位") % {"length": len(number)}, code="length"
        )
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        raise ValidationError(_("身份证号码前17位必须是数字，最后一位是数字或X"), code="characters")
    try:
        born = birth_date(number)
    except ValueError:
        raise ValidationError(
            _("身份证号码中的出生日期%(date)s不是有效日期") % {"date": number[6:14]}, code="birth"
        ) from None
    if born > datetime.date.today() or born.year < 1890:
        raise ValidationError(
            _("身份证号码中的出生日期%(date)s不合理") % {"date": number[6:14]}, code="birth"
        )
    if check_character(number[:17]) != number[17]:
        raise ValidationError(_("身份证号码校验位不正确，请核对后重新输入"), code="check")


def mask(number: str) -> str:
    """The form a public notice may show: 6201**********1234."""
    number = normalise(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:] if len(number) > 8 else "****"


def compose(area: str, born: datetime.date, sequence: int) -> str:
    """A well-formed number from its parts (for demo data and tests)."""
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)
