"""和暦 and 年度: display, fiscal years, and parsing of typed, pasted or imported dates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import FrozenInstanceError
from datetime import date, datetime

import pytest

from jusou_desktop.domain.wareki import (
    ERAS,
    DateInput,
    era_of,
    fiscal_months,
    fiscal_year_bounds,
    fiscal_year_of,
    format_fiscal_year,
    format_wareki,
    format_wareki_short,
    format_wareki_with_age,
    parse_date,
    parse_date_optional,
)

# --- eras --------------------------------------------------------------------------------------


def test_eras_table() -> None:
    assert [(e.name, e.letter, e.start) for e in ERAS] == [
        ("明治", "M", date(1868, 1, 25)),
        ("大正", "T", date(1912, 7, 30)),
        ("昭和", "S", date(1926, 12, 25)),
        ("平成", "H", date(1989, 1, 8)),
        ("令和", "R", date(2019, 5, 1)),
    ]


def test_era_is_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        ERAS[0].name = "慶応"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("d", "name", "year"),
    [
        (date(1868, 1, 25), "明治", 1),
        (date(1912, 7, 29), "明治", 45),
        (date(1912, 7, 30), "大正", 1),
        (date(1926, 12, 24), "大正", 15),
        (date(1926, 12, 25), "昭和", 1),
        (date(1989, 1, 7), "昭和", 64),
        (date(1989, 1, 8), "平成", 1),
        (date(2019, 4, 30), "平成", 31),
        (date(2019, 5, 1), "令和", 1),
        (date(2024, 4, 1), "令和", 6),
    ],
)
def test_era_of(d: date, name: str, year: int) -> None:
    era, number = era_of(d)
    assert (era.name, number) == (name, year)


def test_era_of_rejects_dates_before_meiji() -> None:
    with pytest.raises(ValueError, match="明治より前の日付"):
        era_of(date(1868, 1, 24))


# --- display -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2024, 4, 1), "令和6年4月1日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1926, 12, 24), "大正15年12月24日"),
        (date(1912, 7, 30), "大正元年7月30日"),
        (date(1868, 1, 25), "明治元年1月25日"),
        (date(2024, 12, 31), "令和6年12月31日"),
    ],
)
def test_format_wareki(d: date, expected: str) -> None:
    assert format_wareki(d) == expected


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2024, 4, 1), "R6.4.1"),
        (date(2019, 5, 1), "R1.5.1"),
        (date(2019, 4, 30), "H31.4.30"),
        (date(1989, 1, 8), "H1.1.8"),
        (date(1989, 1, 7), "S64.1.7"),
        (date(1955, 5, 1), "S30.5.1"),
        (date(1920, 10, 10), "T9.10.10"),
        (date(1900, 1, 1), "M33.1.1"),
    ],
)
def test_format_wareki_short(d: date, expected: str) -> None:
    assert format_wareki_short(d) == expected


@pytest.mark.parametrize("formatter", [format_wareki, format_wareki_short])
def test_formatting_rejects_dates_before_meiji(formatter: Callable[[date], str]) -> None:
    with pytest.raises(ValueError, match="日付"):
        formatter(date(1867, 12, 31))


@pytest.mark.parametrize(
    ("birth", "on", "expected"),
    [
        (date(1955, 5, 1), date(2024, 5, 1), "昭和30年5月1日生（69歳）"),
        (date(1955, 5, 1), date(2024, 4, 30), "昭和30年5月1日生（68歳）"),
        (date(2019, 5, 1), date(2019, 5, 1), "令和元年5月1日生（0歳）"),
        (date(1989, 1, 7), date(2024, 1, 6), "昭和64年1月7日生（34歳）"),
        (date(1989, 1, 8), date(2024, 1, 8), "平成元年1月8日生（35歳）"),
        # born 29 February: a year older on 1 March in non-leap years, on 29 February in leap years
        (date(2000, 2, 29), date(2023, 2, 28), "平成12年2月29日生（22歳）"),
        (date(2000, 2, 29), date(2023, 3, 1), "平成12年2月29日生（23歳）"),
        (date(2000, 2, 29), date(2024, 2, 28), "平成12年2月29日生（23歳）"),
        (date(2000, 2, 29), date(2024, 2, 29), "平成12年2月29日生（24歳）"),
    ],
)
def test_format_wareki_with_age(birth: date, on: date, expected: str) -> None:
    assert format_wareki_with_age(birth, on) == expected


def test_format_wareki_with_age_rejects_reference_day_before_birth() -> None:
    with pytest.raises(ValueError, match="生年月日"):
        format_wareki_with_age(date(2024, 4, 2), date(2024, 4, 1))


# --- fiscal years ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (date(2024, 4, 1), 2024),
        (date(2025, 3, 31), 2024),
        (date(2024, 3, 31), 2023),
        (date(2025, 4, 1), 2025),
        (date(2024, 12, 31), 2024),
        (date(2025, 1, 1), 2024),
        (date(2019, 4, 30), 2019),
    ],
)
def test_fiscal_year_of(d: date, fy: int) -> None:
    assert fiscal_year_of(d) == fy


@pytest.mark.parametrize(
    ("fy", "bounds"),
    [
        (2024, (date(2024, 4, 1), date(2025, 3, 31))),
        (2019, (date(2019, 4, 1), date(2020, 3, 31))),
        (1988, (date(1988, 4, 1), date(1989, 3, 31))),
    ],
)
def test_fiscal_year_bounds(fy: int, bounds: tuple[date, date]) -> None:
    assert fiscal_year_bounds(fy) == bounds


@pytest.mark.parametrize(
    ("fy", "label"),
    [
        (2024, "令和6年度"),
        (2019, "令和元年度"),
        (2020, "令和2年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
    ],
)
def test_format_fiscal_year(fy: int, label: str) -> None:
    assert format_fiscal_year(fy) == label


def test_fiscal_months() -> None:
    assert fiscal_months(2024) == (
        (2024, 4),
        (2024, 5),
        (2024, 6),
        (2024, 7),
        (2024, 8),
        (2024, 9),
        (2024, 10),
        (2024, 11),
        (2024, 12),
        (2025, 1),
        (2025, 2),
        (2025, 3),
    )


# --- parsing: accepted -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Western
        ("2024-04-01", date(2024, 4, 1)),
        ("2024/4/1", date(2024, 4, 1)),
        ("2024.4.1", date(2024, 4, 1)),
        ("2024年4月1日", date(2024, 4, 1)),
        ("20240401", date(2024, 4, 1)),
        ("2024-12-31", date(2024, 12, 31)),
        ("2024/02/29", date(2024, 2, 29)),
        # 和暦, kanji
        ("令和6年4月1日", date(2024, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("昭和30年5月1日", date(1955, 5, 1)),
        ("大正元年7月30日", date(1912, 7, 30)),
        ("明治45年7月29日", date(1912, 7, 29)),
        ("明治元年1月25日", date(1868, 1, 25)),
        # 和暦, letters
        ("R6.4.1", date(2024, 4, 1)),
        ("R6/4/1", date(2024, 4, 1)),
        ("r6-4-1", date(2024, 4, 1)),
        ("R1.5.1", date(2019, 5, 1)),
        ("R元.5.1", date(2019, 5, 1)),
        ("H31.4.30", date(2019, 4, 30)),
        ("h1.1.8", date(1989, 1, 8)),
        ("S30.5.1", date(1955, 5, 1)),
        ("S64.1.7", date(1989, 1, 7)),
        ("T15.12.24", date(1926, 12, 24)),
        ("M45.7.29", date(1912, 7, 29)),
        # full width, spaces, dash look-alikes, era ligatures
        ("Ｒ６．４．１", date(2024, 4, 1)),
        ("２０２４／０４／０１", date(2024, 4, 1)),
        ("２０２４－４－１", date(2024, 4, 1)),
        ("２０２４年４月１日", date(2024, 4, 1)),
        ("令和６年４月１日", date(2024, 4, 1)),
        ("  令和 6 年 4 月 1 日\u3000", date(2024, 4, 1)),
        ("2024ー4ー1", date(2024, 4, 1)),
        ("\u337b31.4.30", date(2019, 4, 30)),  # ㍻ (平成 in one character)
        # Excel serial numbers as digit strings
        ("45383", date(2024, 4, 1)),
        ("1", date(1900, 1, 1)),
        ("６１", date(1900, 3, 1)),
    ],
)
def test_parse_date_text(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2024, 4, 1), date(2024, 4, 1)),
        (datetime(2024, 4, 1, 23, 59, 59), date(2024, 4, 1)),
        # Excel serials, 1900 date system with the fake 1900-02-29 at 60
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        (45383, date(2024, 4, 1)),
        (45383.75, date(2024, 4, 1)),
        (45383.0, date(2024, 4, 1)),
        (2958465, date(9999, 12, 31)),
    ],
)
def test_parse_date_values(value: DateInput, expected: date) -> None:
    result = parse_date(value)
    assert result == expected
    assert type(result) is date


# --- parsing: refused --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        # empty
        ("", "日付が入力されていません"),
        ("   \u3000", "日付が入力されていません"),
        # unreadable
        ("あした", "日付として読めません"),
        ("2024-04", "日付として読めません"),
        ("24/4/1", "日付として読めません"),
        ("2024/4-1", "日付として読めません"),
        ("R6年4/1", "日付として読めません"),
        ("X6.4.1", "日付として読めません"),
        ("令和6年4月1日生", "日付として読めません"),
        ("202441", "日付として読めません"),
        ("45383.75", "日付として読めません"),
        # impossible calendar dates
        ("2024-02-30", "存在しない日付"),
        ("2023-02-29", "存在しない日付"),
        ("20241301", "存在しない日付"),
        ("令和6年13月1日", "存在しない日付"),
        ("R6.4.31", "存在しない日付"),
        ("0000-01-01", "存在しない日付"),
        # 和暦 year outside its era
        ("令和元年4月30日", "元号の範囲外"),
        ("R1.4.30", "元号の範囲外"),
        ("平成31年5月1日", "元号の範囲外"),
        ("平成32年1月1日", "元号の範囲外"),
        ("H32.1.1", "元号の範囲外"),
        ("昭和64年1月8日", "元号の範囲外"),
        ("平成元年1月7日", "元号の範囲外"),
        ("明治元年1月24日", "元号の範囲外"),
        ("大正16年1月1日", "元号の範囲外"),
        ("令和0年5月1日", "元号の年は1年"),
        # Excel serials that are no day
        (0, "1以上"),
        (-1, "1以上"),
        (0.5, "1以上"),
        ("0", "1以上"),
        (60, "1900年2月29日"),
        ("60", "1900年2月29日"),
        (2958466, "大きすぎます"),
        (float("nan"), "日付として読めません"),
        (float("inf"), "日付として読めません"),
        (True, "日付として読めません"),
    ],
)
def test_parse_date_rejects(value: DateInput, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment) as excinfo:
        parse_date(value)
    message = str(excinfo.value)
    assert "日付" in message or "元号" in message


def test_parse_date_quotes_the_unreadable_text() -> None:
    with pytest.raises(ValueError, match="日付として読めません: あした") as excinfo:
        parse_date(" あした ")
    assert str(excinfo.value) == "日付として読めません: あした"


def test_parse_date_names_the_era_boundary() -> None:
    with pytest.raises(ValueError, match="元号") as excinfo:
        parse_date("平成31年5月1日")
    assert "2019年4月30日まで" in str(excinfo.value)
    assert "令和" in str(excinfo.value)


@pytest.mark.parametrize("value", [None, [2024, 4, 1]])
def test_parse_date_rejects_other_types_with_value_error(value: object) -> None:
    with pytest.raises(ValueError, match="日付"):
        parse_date(value)  # type: ignore[arg-type]


# --- optional ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("\u3000\t", None),
        ("R6.4.1", date(2024, 4, 1)),
        (" 2024-04-01 ", date(2024, 4, 1)),
        (date(2019, 5, 1), date(2019, 5, 1)),
        (45383, date(2024, 4, 1)),
    ],
)
def test_parse_date_optional(value: DateInput | None, expected: date | None) -> None:
    assert parse_date_optional(value) == expected


@pytest.mark.parametrize(("value", "fragment"), [("あした", "日付として読めません"), (0, "1以上")])
def test_parse_date_optional_still_rejects_bad_input(value: DateInput, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        parse_date_optional(value)


# --- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "d",
    [
        date(1868, 1, 25),
        date(1912, 7, 29),
        date(1912, 7, 30),
        date(1926, 12, 24),
        date(1926, 12, 25),
        date(1989, 1, 7),
        date(1989, 1, 8),
        date(2019, 4, 30),
        date(2019, 5, 1),
        date(2024, 2, 29),
    ],
)
def test_display_forms_parse_back(d: date) -> None:
    assert parse_date(format_wareki(d)) == d
    assert parse_date(format_wareki_short(d)) == d
