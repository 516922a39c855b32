"""和暦 (Japanese era dates) and 年度 (fiscal years) for display and input.

Dates are stored as ISO ``YYYY-MM-DD``; this module only turns a :class:`datetime.date` into
the forms people read (``令和6年4月1日``, ``R6.4.1``, ``令和6年度``) and reads back what they
type or paste (ISO, slashes, ``年月日``, 和暦 with kanji or a letter, full-width characters,
Excel serial numbers).  Every refusal is a :class:`ValueError` whose message is Japanese and
can be shown to the user as it is.

Year 1 of an era is written 元年 in kanji forms (``令和元年5月1日``) and ``1`` in the short
letter form (``R1.5.1``).  Dates before 明治 (1868-01-25) have no 和暦 here.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

__all__ = [
    "ERAS",
    "DateInput",
    "Era",
    "era_of",
    "fiscal_months",
    "fiscal_year_bounds",
    "fiscal_year_of",
    "format_fiscal_year",
    "format_wareki",
    "format_wareki_short",
    "format_wareki_with_age",
    "parse_date",
    "parse_date_optional",
]


@dataclass(frozen=True, slots=True)
class Era:
    """One 元号: its name (``令和``), its letter (``R``) and its first day."""

    name: str
    letter: str
    start: date


ERAS: tuple[Era, ...] = (
    Era("明治", "M", date(1868, 1, 25)),
    Era("大正", "T", date(1912, 7, 30)),
    Era("昭和", "S", date(1926, 12, 25)),
    Era("平成", "H", date(1989, 1, 8)),
    Era("令和", "R", date(2019, 5, 1)),
)

DateInput = str | date | int | float
"""What :func:`parse_date` accepts: text, a date or datetime, or an Excel serial number."""

_BY_NAME: dict[str, int] = {era.name: i for i, era in enumerate(ERAS)}
_BY_LETTER: dict[str, int] = {era.letter: i for i, era in enumerate(ERAS)}

# Excel's 1900 date system: serial 1 is 1900-01-01 and serial 60 is the non-existent
# 1900-02-29 (kept for Lotus 1-2-3 compatibility), so from serial 61 on the epoch is one day
# earlier.  2958465 is 9999-12-31, the last day Excel knows.
_EXCEL_EPOCH_BEFORE_FAKE_LEAP_DAY = date(1899, 12, 31)
_EXCEL_EPOCH_AFTER_FAKE_LEAP_DAY = date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60
_EXCEL_MAX_SERIAL = 2958465

_SPACES = re.compile(r"\s+")
# Dash look-alikes that NFKC leaves alone but an IME readily produces between numbers.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ー", "-"))

_LETTERS = "".join(_BY_LETTER)
_ERA_PART = "(?P<era>" + "|".join(era.name for era in ERAS) + f"|[{_LETTERS}{_LETTERS.lower()}])"
_ERA_YEAR = r"(?P<year>\d{1,3}|元)"
_MONTH_DAY_KANJI = r"年(?P<month>\d{1,2})月(?P<day>\d{1,2})日?"
_MONTH_DAY_SEPARATED = r"(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"

_WESTERN_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?P<year>\d{4})" + _MONTH_DAY_KANJI),
    re.compile(r"(?P<year>\d{4})" + _MONTH_DAY_SEPARATED),
    re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"),
)
_WAREKI_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(_ERA_PART + _ERA_YEAR + _MONTH_DAY_KANJI),
    re.compile(_ERA_PART + _ERA_YEAR + _MONTH_DAY_SEPARATED),
)
_EXCEL_SERIAL_TEXT = re.compile(r"\d{1,5}")


# --- era lookup and display ---------------------------------------------------------------


def era_of(d: date) -> tuple[Era, int]:
    """The era in force on ``d`` and the year number within it (1 for 元年).

    Raises :class:`ValueError` for dates before 明治 (1868-01-25).
    """
    for era in reversed(ERAS):
        if d >= era.start:
            return era, d.year - era.start.year + 1
    raise ValueError(f"明治より前の日付は和暦で表せません: {d.isoformat()}")


def _year_label(year: int) -> str:
    return "元" if year == 1 else str(year)


def format_wareki(d: date) -> str:
    """``令和6年4月1日``; year 1 is written 元年 (``令和元年5月1日``)."""
    era, year = era_of(d)
    return f"{era.name}{_year_label(year)}年{d.month}月{d.day}日"


def format_wareki_short(d: date) -> str:
    """``R6.4.1``: era letter, year, month and day without zero padding (year 1 is ``1``)."""
    era, year = era_of(d)
    return f"{era.letter}{year}.{d.month}.{d.day}"


def format_wareki_with_age(birth: date, on: date) -> str:
    """``昭和30年5月1日生（69歳）``: the birth date in 和暦 and the age in full years on ``on``.

    Someone born on 29 February turns a year older on 1 March in non-leap years.
    Raises :class:`ValueError` if ``on`` is before ``birth``.
    """
    if on < birth:
        raise ValueError(f"基準日（{on.isoformat()}）が生年月日（{birth.isoformat()}）より前の日付です")
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return f"{format_wareki(birth)}生（{age}歳）"


# --- fiscal years (年度) ----------------------------------------------------------------------


def fiscal_year_of(d: date) -> int:
    """The 年度 (April to March) containing ``d``, named by the Western year it starts in."""
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_bounds(fy: int) -> tuple[date, date]:
    """First and last day of fiscal year ``fy``: 1 April ``fy`` and 31 March ``fy + 1``."""
    return date(fy, 4, 1), date(fy + 1, 3, 31)


def format_fiscal_year(fy: int) -> str:
    """``令和6年度`` for 2024.

    The era is the one in force on 1 May of the starting year.  This follows the custom of
    calling fiscal 2019 令和元年度 although April 2019 was still 平成31年, and it gives
    平成元年度 for 1989 (昭和 ended in January) and 昭和63年度 for 1988.
    """
    era, year = era_of(date(fy, 5, 1))
    return f"{era.name}{_year_label(year)}年度"


def fiscal_months(fy: int) -> tuple[tuple[int, int], ...]:
    """The twelve ``(year, month)`` pairs of fiscal year ``fy``, April to March."""
    return tuple((fy, month) for month in range(4, 13)) + tuple((fy + 1, month) for month in range(1, 4))


# --- input ----------------------------------------------------------------------------------


def _from_excel_serial(serial: int) -> date:
    if serial < 1:
        raise ValueError(f"Excel の日付シリアル値は1以上です: {serial}")
    if serial > _EXCEL_MAX_SERIAL:
        raise ValueError(f"Excel の日付シリアル値が大きすぎます: {serial}")
    if serial == _EXCEL_FAKE_LEAP_DAY:
        raise ValueError("Excel の日付シリアル値 60 は実在しない日付（1900年2月29日）です")
    if serial < _EXCEL_FAKE_LEAP_DAY:
        return _EXCEL_EPOCH_BEFORE_FAKE_LEAP_DAY + timedelta(days=serial)
    return _EXCEL_EPOCH_AFTER_FAKE_LEAP_DAY + timedelta(days=serial)


def _make_date(year: int, month: int, day: int, shown: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"存在しない日付です: {shown}") from None


def _parse_wareki(match: re.Match[str]) -> date:
    era_text = match["era"]
    index = _BY_NAME[era_text] if era_text in _BY_NAME else _BY_LETTER[era_text.upper()]
    era = ERAS[index]
    year = 1 if match["year"] == "元" else int(match["year"])
    month, day = int(match["month"]), int(match["day"])
    shown = f"{era.name}{_year_label(year)}年{month}月{day}日"
    if year < 1:
        raise ValueError(f"元号の年は1年（元年）から始まります。日付を確認してください: {shown}")
    result = _make_date(era.start.year + year - 1, month, day, shown)
    if result < era.start:
        raise ValueError(
            f"{shown}は元号の範囲外の日付です（{era.name}は{era.start.year}年"
            f"{era.start.month}月{era.start.day}日から）"
        )
    if index + 1 < len(ERAS):
        following = ERAS[index + 1]
        if result >= following.start:
            last = following.start - timedelta(days=1)
            raise ValueError(
                f"{shown}は元号の範囲外の日付です（{era.name}は{last.year}年{last.month}月"
                f"{last.day}日まで、翌日から{following.name}）"
            )
    return result


def _parse_text(original: str) -> date:
    text = _SPACES.sub("", unicodedata.normalize("NFKC", original)).translate(_DASHES)
    if not text:
        raise ValueError("日付が入力されていません")
    if _EXCEL_SERIAL_TEXT.fullmatch(text):
        return _from_excel_serial(int(text))
    for pattern in _WESTERN_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
            return _make_date(year, month, day, f"{year}年{month}月{day}日")
    for pattern in _WAREKI_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return _parse_wareki(match)
    raise ValueError(f"日付として読めません: {original.strip()}")


def parse_date(value: DateInput) -> date:
    """Read a date typed, pasted or imported by the user.

    Accepted, after Unicode NFKC (full-width digits and letters) and removal of all spaces:

    * Western: ``2024-04-01``, ``2024/4/1``, ``2024.4.1``, ``2024年4月1日``, ``20240401``;
    * 和暦: ``令和6年4月1日``, ``令和元年5月1日``, ``R6.4.1``, ``R6/4/1``, ``r6-4-1``,
      ``H31.4.30``, ``S30.5.1`` (letters M, T, S, H, R in either case);
    * a :class:`~datetime.date` or :class:`~datetime.datetime` (the time is dropped);
    * an Excel serial number (1900 date system, serial 1 = 1900-01-01, with Excel's fake
      1900-02-29 at serial 60 refused) given as an int, a float (the time part is dropped)
      or a string of at most five digits.

    Anything else (unreadable text, impossible dates, a 和暦 year outside its era, empty
    text, values of other types) raises :class:`ValueError` with a Japanese message.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"日付として読めません: {value}")
    if isinstance(value, int):
        return _from_excel_serial(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"日付として読めません: {value}")
        return _from_excel_serial(math.floor(value))
    if isinstance(value, str):
        return _parse_text(value)
    if value is None:
        raise ValueError("日付が入力されていません")
    raise ValueError(f"日付として読めません: {value!r}")


def parse_date_optional(value: DateInput | None) -> date | None:
    """``None`` for ``None``, empty or blank text (full-width spaces too); else :func:`parse_date`."""
    if value is None:
        return None
    if isinstance(value, str) and not _SPACES.sub("", unicodedata.normalize("NFKC", value)):
        return None
    return parse_date(value)
