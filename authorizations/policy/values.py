"""Parsing and formatting of answer values, shared by the engine, the wizard's
forms, the pages and the letters: one home for how a number, a lab value, a
date or an NPI is read and written.

Safety rules kept here (data dictionary, section 1):
- a number's text is bounded before it is converted: more than 30 digits or an
  exponent beyond +-30 is refused at once, so no input can make a conversion
  take seconds or overflow;
- decimals stay exact `Decimal`s from the text to the database and back
  (no float anywhere): 0.59999999999999999999 stays below 0.6;
- a lab value reported only as "below N" ("<1") keeps that meaning: it
  satisfies "below T" when N <= T and never satisfies "at least T".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_DIGITS = 30
MAX_EXPONENT = 30
# The longest text read as a number ("< 2.000... x 10^+13" with 30 digits fits):
# checked before any pattern runs, so no input can make one backtrack (issue 23 N7).
MAX_NUMBER_TEXT = 80
# "out of range", as a number past MAX_DIGITS is: the forms read it so (wizard/fields.py).
TOO_LONG = f"is out of range (too long to be a number: more than {MAX_NUMBER_TEXT} characters)"

# A plain decimal with an optional exponent; digits are counted separately.
_NUMBER = re.compile(r"^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
# "2 x 10^13", "2×10¹³", "2 * 10**13", "2.0 X 10^+13": scientific notation as
# people and the pages write it.
_TIMES_TEN = re.compile(r"^\s*([+-]?[\d.]+)\s*(?:x|×|\*|·)\s*10\s*(?:\^|\*\*)?\s*([+-]?\d+)\s*$",
                        re.IGNORECASE)


class ValueProblem(ValueError):
    """A value that cannot be read; the message says why, for a person."""


def parse_decimal(text: str) -> Decimal:
    """Exact Decimal for a number written as text, bounded before conversion."""
    if len(text) > MAX_NUMBER_TEXT:
        raise ValueProblem(TOO_LONG)
    text = text.strip().replace(",", "")
    text = text.translate(_SUPERSCRIPTS)
    if match := _TIMES_TEN.match(text):
        text = f"{match[1]}e{match[2]}"
    match = _NUMBER.match(text)
    if not match or not (match[2] or match[3]):
        raise ValueProblem("is not a number")
    digits = len((match[2] or "").lstrip("0")) + len(match[3] or "")
    exponent = match[4]
    if digits > MAX_DIGITS or (exponent is not None and (
            len(exponent.lstrip("+-").lstrip("0")) > 2
            or abs(int(exponent)) > MAX_EXPONENT)):
        raise ValueProblem("is out of range")
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise ValueProblem("is not a number") from None
    return number


@dataclass(frozen=True)
class OutOfRange:
    """A JSON number too long or too large to convert, kept as a marker so the
    problem is reported under its answer key."""

    text: str


def _json_number(text: str) -> Decimal | int | OutOfRange:
    try:
        number = parse_decimal(text)
    except ValueProblem:
        return OutOfRange(text[:20])
    return int(number) if "." not in text and "e" not in text.lower() else number


def loads(text: str | bytes) -> Any:
    """JSON with exact, bounded numbers (never float). Raises ValueError
    (json.JSONDecodeError, or ValueProblem when nested too deeply)."""
    try:
        return json.loads(text, parse_float=_json_number, parse_int=_json_number)
    except RecursionError:
        raise ValueProblem("is nested too deeply") from None


def number_from_json(value: Any) -> Decimal:
    """An exact Decimal from a JSON number (int or Decimal; a float is read by
    its shortest repr, which is what was written). Raises ValueProblem."""
    if isinstance(value, OutOfRange):
        raise ValueProblem(f"is out of range (more than {MAX_DIGITS} digits or an exponent "
                           f"beyond {MAX_EXPONENT})")
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValueProblem("must be a number")
    if isinstance(value, int):
        if abs(value) >= 10**MAX_DIGITS:
            raise ValueProblem("is out of range")
        return Decimal(value)
    text = repr(value) if isinstance(value, float) else str(value)
    if text in ("inf", "-inf", "nan", "Infinity", "-Infinity", "NaN", "sNaN"):
        raise ValueProblem("must be a finite number")
    return parse_decimal(text)


@dataclass(frozen=True)
class LabValue:
    """A laboratory result: a number, or "below N" when the lab reports only that."""

    value: Decimal
    below: bool = False

    def is_below(self, threshold: Decimal | int) -> bool:
        return self.value <= threshold if self.below else self.value < threshold

    def at_least(self, threshold: Decimal | int) -> bool:
        return not self.below and self.value >= threshold

    def at_most(self, threshold: Decimal | int) -> bool:
        return self.value <= threshold

    def __str__(self) -> str:
        return f"<{plain(self.value)}" if self.below else plain(self.value)

    def to_json(self) -> str | Decimal:
        return f"<{plain(self.value)}" if self.below else self.value


_BELOW = re.compile(r"^\s*<\s*(.+)$")


def parse_lab_value(value: Any) -> LabValue:
    """A lab value from JSON: a number, or the string "<N" with N > 0."""
    if isinstance(value, str):
        if len(value) > MAX_NUMBER_TEXT:
            raise ValueProblem(TOO_LONG)
        match = _BELOW.match(value)
        if not match:
            raise ValueProblem('must be a number or "<N" for a result below N')
        number = parse_decimal(match[1])
        if number <= 0:
            raise ValueProblem('"<N" needs N above 0')
        return LabValue(number, below=True)
    return LabValue(number_from_json(value))


def plain(number: Decimal | int) -> str:
    """A number as people write it: 0.5, 72, 150 (no exponent, no trailing zeros)."""
    if isinstance(number, int):
        return str(number)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


_SUPER = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def scientific(number: Decimal) -> str:
    """2E+13 -> "2 × 10¹³": the one way a dose or a vector count is shown."""
    if number == 0:
        return "0"
    sign, digits, exponent = number.normalize().as_tuple()
    if not isinstance(exponent, int):  # NaN or infinity: no power of ten to show
        return str(number)
    power = len(digits) + exponent - 1
    mantissa = Decimal((0, digits, -(len(digits) - 1)))
    text = plain(mantissa)
    return f"{'-' if sign else ''}{text} × 10{str(power).translate(_SUPER)}"


def long_date(value: date) -> str:
    """November 28, 2026: the one way dates read on pages and letters."""
    return f"{value:%B} {value.day}, {value.year}"


def member_key(member_id: str) -> str:
    """The member key: upper case, no spaces or dashes (`uhc 1002-003` and
    `UHC1002003` are one member)."""
    return re.sub(r"[\s-]", "", member_id).upper()


def npi_is_valid(npi: str) -> bool:
    """A 10-digit NPI whose last digit is the Luhn check digit of the first
    nine with the 80840 prefix (CMS, NPI check digit)."""
    if not re.fullmatch(r"\d{10}", npi):
        return False
    digits = [int(d) for d in "80840" + npi[:9]]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 0:  # double every second digit from the right, starting here
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return (10 - total % 10) % 10 == int(npi[9])


class ExactJSONEncoder(json.JSONEncoder):
    """Writes Decimal as a JSON number from its exact text (json's own encoder
    would need a float, and Django's writes a string); dates as ISO text."""

    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            return _Number(o)
        if isinstance(o, LabValue):
            return o.to_json() if o.below else _Number(o.value)
        if isinstance(o, date):
            return o.isoformat()
        return super().default(o)

    def iterencode(self, o: Any, _one_shot: bool = False) -> Iterator[str]:
        # The pure-Python encoder, with a float formatter that prints a
        # wrapped Decimal's own digits.
        markers: dict[int, Any] | None = {} if self.check_circular else None
        encode = json.encoder.encode_basestring_ascii if self.ensure_ascii \
            else json.encoder.encode_basestring
        # The stdlib's pure-Python encoder: not in typeshed, stable since Python 2.6.
        return json.encoder._make_iterencode(  # type: ignore[attr-defined,no-any-return]
            markers, self.default, encode, self.indent, number_text, self.key_separator,
            self.item_separator, self.sort_keys, self.skipkeys, _one_shot)(o, 0)


class _Number(float):
    """A float only in type, so the encoder takes the number path; its text
    is the Decimal's exact digits."""

    text: str

    def __new__(cls, number: Decimal) -> _Number:
        obj = super().__new__(cls, 0.0)
        obj.text = plain(number) if abs(number.adjusted()) < 20 else str(number)
        return obj


def number_text(value: float) -> str:
    """A float as ExactJSONEncoder writes it: a wrapped Decimal's own digits."""
    if isinstance(value, _Number):
        return value.text
    return float.__repr__(value)


class ExactJSONDecoder(json.JSONDecoder):
    """Reads JSON numbers with a fraction or exponent as exact Decimals."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("parse_float", Decimal)
        super().__init__(*args, **kwargs)


def dumps(value: Any, **kwargs: Any) -> str:
    return json.dumps(value, cls=ExactJSONEncoder, **kwargs)
