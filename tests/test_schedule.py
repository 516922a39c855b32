"""定例会議の日程: 第n曜日・隔月・最終曜日・休会月と、祝日・年末年始・町の閉庁日の扱い.

Expected dates are written out by hand for 令和6年度 (2024-04-01〜2025-03-31); the holidays they
rely on were read from jpholiday and are checked against it again here.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date, time, timedelta

import jpholiday
import pytest

from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.domain.schedule import (
    LAST,
    HolidayRule,
    Occurrence,
    RegularSchedule,
    cycle_months,
    describe,
    holiday_name,
    is_closed,
    next_meeting,
    occurrences,
    parse_time_range,
)
from jusou_desktop.domain.wareki import fiscal_months, fiscal_year_bounds

MON, TUE, WED, THU, FRI = range(5)
FY2024 = fiscal_year_bounds(2024)

SKIP = HolidayRule.SKIP
NEXT = HolidayRule.NEXT_WORKDAY
PREV = HolidayRule.PREVIOUS_WORKDAY


def make(
    weekday: int,
    nth: int,
    rule: HolidayRule = SKIP,
    *,
    every: int = 1,
    first: int = 4,
    skip: frozenset[int] = frozenset(),
) -> RegularSchedule:
    return RegularSchedule(weekday, nth, every, first, time(14, 0), time(15, 30), rule, skip)


def held(occs: list[Occurrence]) -> list[date | None]:
    return [o.on for o in occs]


def planned(occs: list[Occurrence]) -> list[date | None]:
    return [o.planned for o in occs]


# --- the holidays these tests rely on, as jpholiday knows them ---------------------------------


def test_fiscal_2024_holidays_used_below_are_what_jpholiday_says() -> None:
    assert jpholiday.is_holiday_name(date(2024, 7, 15)) == "海の日"
    assert jpholiday.is_holiday_name(date(2024, 9, 16)) == "敬老の日"
    assert jpholiday.is_holiday_name(date(2024, 10, 14)) == "スポーツの日"
    assert jpholiday.is_holiday_name(date(2025, 1, 13)) == "成人の日"
    assert jpholiday.is_holiday_name(date(2025, 2, 11)) == "建国記念の日"
    assert jpholiday.is_holiday_name(date(2025, 3, 20)) == "春分の日"
    assert jpholiday.is_holiday_name(date(2024, 5, 3)) == "憲法記念日"
    assert jpholiday.is_holiday_name(date(2024, 5, 6)) == "こどもの日 振替休日"
    assert jpholiday.is_holiday_name(date(2024, 8, 12)) == "山の日 振替休日"
    assert jpholiday.is_holiday_name(date(2024, 11, 4)) == "文化の日 振替休日"
    # 1月3日 and 12月31日 are not national holidays: only the town's 年末年始 closes them.
    assert not jpholiday.is_holiday(date(2025, 1, 3))
    assert not jpholiday.is_holiday(date(2024, 12, 31))


# --- closed days -------------------------------------------------------------------------------


def test_substitute_holiday_is_closed() -> None:
    assert date(2024, 11, 4).weekday() == MON
    assert is_closed(date(2024, 11, 4))
    assert holiday_name(date(2024, 11, 4)) == "文化の日 振替休日"
    assert not is_closed(date(2024, 11, 5))
    assert holiday_name(date(2024, 11, 5)) is None


def test_citizens_holiday_is_closed() -> None:
    assert is_closed(date(2026, 9, 22))
    assert holiday_name(date(2026, 9, 22)) == "国民の休日"


def test_year_end_closure_from_29_december_to_3_january() -> None:
    closure = [date(2024, 12, 29) + timedelta(days=i) for i in range(6)]
    assert closure[-1] == date(2025, 1, 3)
    assert all(is_closed(d) for d in closure)
    assert [holiday_name(d) for d in closure] == [
        "年末年始",
        "年末年始",
        "年末年始",
        "元日",
        "年末年始",
        "年末年始",
    ]
    assert not is_closed(date(2024, 12, 27))  # 御用納め (Friday)
    assert not is_closed(date(2025, 1, 6))  # 御用始め (Monday)
    # A weekday inside the closure that is no national holiday.
    assert date(2024, 12, 31).weekday() == TUE


def test_weekends_are_closed() -> None:
    assert is_closed(date(2024, 4, 6))
    assert holiday_name(date(2024, 4, 6)) == "土曜日"
    assert holiday_name(date(2024, 4, 7)) == "日曜日"
    # A holiday on a Sunday is named by the holiday.
    assert holiday_name(date(2024, 11, 3)) == "文化の日"


def test_town_closed_days() -> None:
    town = {date(2024, 6, 14)}
    assert not is_closed(date(2024, 6, 14))
    assert is_closed(date(2024, 6, 14), town)
    assert holiday_name(date(2024, 6, 14), town) == "町の閉庁日"
    named = {date(2024, 6, 14): "町制施行記念日"}
    assert is_closed(date(2024, 6, 14), named)
    assert holiday_name(date(2024, 6, 14), named) == "町制施行記念日"


# --- a whole fiscal year -----------------------------------------------------------------------


def test_second_tuesday_through_fiscal_2024() -> None:
    expected = [
        date(2024, 4, 9),
        date(2024, 5, 14),
        date(2024, 6, 11),
        date(2024, 7, 9),
        date(2024, 8, 13),
        date(2024, 9, 10),
        date(2024, 10, 8),
        date(2024, 11, 12),
        date(2024, 12, 10),
        date(2025, 1, 14),
        date(2025, 2, 11),
        date(2025, 3, 11),
    ]
    occs = occurrences(make(TUE, 2), *FY2024)
    assert [(o.year, o.month) for o in occs] == list(fiscal_months(2024))
    assert planned(occs) == expected
    for d in expected:
        assert d.weekday() == TUE
        assert 8 <= d.day <= 14
        assert jpholiday.is_holiday(d) == (d == date(2025, 2, 11))
    # Only 建国記念の日 falls on a second Tuesday in 令和6年度.
    assert held(occs) == [*expected[:10], None, expected[11]]
    assert occs[10].note == "2月11日（建国記念の日）のため休み"
    assert not occs[10].held
    assert not occs[10].moved
    assert all(o.note == "" and o.held and not o.moved for i, o in enumerate(occs) if i != 10)


def test_second_tuesday_national_foundation_day_moved_either_way() -> None:
    forward = occurrences(make(TUE, 2, NEXT), *FY2024)[10]
    assert forward == Occurrence(
        2025,
        2,
        date(2025, 2, 11),
        date(2025, 2, 12),
        moved=True,
        note="2月11日（建国記念の日）のため2月12日に移動",
    )
    back = occurrences(make(TUE, 2, PREV), *FY2024)[10]
    assert back.on == date(2025, 2, 10)
    assert back.note == "2月11日（建国記念の日）のため2月10日に移動"


THIRD_MONDAYS = [
    date(2024, 4, 15),
    date(2024, 5, 20),
    date(2024, 6, 17),
    date(2024, 7, 15),  # 海の日
    date(2024, 8, 19),
    date(2024, 9, 16),  # 敬老の日
    date(2024, 10, 21),
    date(2024, 11, 18),
    date(2024, 12, 16),
    date(2025, 1, 20),
    date(2025, 2, 17),
    date(2025, 3, 17),
]


def test_third_monday_happy_monday_holidays() -> None:
    assert [d for d in THIRD_MONDAYS if jpholiday.is_holiday(d)] == [date(2024, 7, 15), date(2024, 9, 16)]
    # 成人の日 and スポーツの日 are second Mondays, not third.
    assert not jpholiday.is_holiday(date(2025, 1, 20))
    assert not jpholiday.is_holiday(date(2024, 10, 21))


@pytest.mark.parametrize(
    ("rule", "july", "september", "july_note", "september_note"),
    [
        (SKIP, None, None, "7月15日（海の日）のため休み", "9月16日（敬老の日）のため休み"),
        (
            NEXT,
            date(2024, 7, 16),
            date(2024, 9, 17),
            "7月15日（海の日）のため7月16日に移動",
            "9月16日（敬老の日）のため9月17日に移動",
        ),
        (
            PREV,
            date(2024, 7, 12),
            date(2024, 9, 13),
            "7月15日（海の日）のため7月12日に移動",
            "9月16日（敬老の日）のため9月13日に移動",
        ),
    ],
)
def test_third_monday_each_rule(
    rule: HolidayRule, july: date | None, september: date | None, july_note: str, september_note: str
) -> None:
    occs = occurrences(make(MON, 3, rule), *FY2024)
    assert planned(occs) == THIRD_MONDAYS
    expected: list[date | None] = list(THIRD_MONDAYS)
    expected[3], expected[5] = july, september
    assert held(occs) == expected
    assert [o.note for o in occs if o.note] == [july_note, september_note]
    assert [o.moved for o in occs].count(True) == (0 if rule is SKIP else 2)


def test_second_monday_holidays() -> None:
    occs = occurrences(make(MON, 2, NEXT), *FY2024)
    assert [o.note for o in occs if o.note] == [
        "8月12日（山の日 振替休日）のため8月13日に移動",
        "10月14日（スポーツの日）のため10月15日に移動",
        "1月13日（成人の日）のため1月14日に移動",
    ]


FIRST_FRIDAYS = [
    date(2024, 4, 5),
    date(2024, 5, 3),  # 憲法記念日
    date(2024, 6, 7),
    date(2024, 7, 5),
    date(2024, 8, 2),
    date(2024, 9, 6),
    date(2024, 10, 4),
    date(2024, 11, 1),
    date(2024, 12, 6),
    date(2025, 1, 3),  # 年末年始
    date(2025, 2, 7),
    date(2025, 3, 7),
]


@pytest.mark.parametrize(
    ("rule", "may", "january", "notes"),
    [
        (SKIP, None, None, ["5月3日（憲法記念日）のため休み", "1月3日（年末年始）のため休み"]),
        # 5/4 土, 5/5 日, 5/6 振替休日 → 5/7; 1/4 土, 1/5 日 → 1/6.
        (
            NEXT,
            date(2024, 5, 7),
            date(2025, 1, 6),
            ["5月3日（憲法記念日）のため5月7日に移動", "1月3日（年末年始）のため1月6日に移動"],
        ),
        # 5/2 木; 1/2〜12/29 年末年始, 12/28 土 → 12/27 (previous month, previous year).
        (
            PREV,
            date(2024, 5, 2),
            date(2024, 12, 27),
            ["5月3日（憲法記念日）のため5月2日に移動", "1月3日（年末年始）のため前月の12月27日に移動"],
        ),
    ],
)
def test_first_friday_golden_week_and_year_end(
    rule: HolidayRule, may: date | None, january: date | None, notes: list[str]
) -> None:
    occs = occurrences(make(FRI, 1, rule), *FY2024)
    assert planned(occs) == FIRST_FRIDAYS
    expected: list[date | None] = list(FIRST_FRIDAYS)
    expected[1], expected[9] = may, january
    assert held(occs) == expected
    assert [o.note for o in occs if o.note] == notes
    if january is not None:
        assert (occs[9].year, occs[9].month) == (2025, 1)  # still January's meeting


def test_bimonthly_from_april() -> None:
    s = make(THU, 3, every=2, first=4)
    assert cycle_months(s) == (4, 6, 8, 10, 12, 2)
    occs = occurrences(s, *FY2024)
    expected = [
        date(2024, 4, 18),
        date(2024, 6, 20),
        date(2024, 8, 15),
        date(2024, 10, 17),
        date(2024, 12, 19),
        date(2025, 2, 20),
    ]
    assert planned(occs) == expected
    assert held(occs) == expected
    assert not any(jpholiday.is_holiday(d) for d in expected)


def test_bimonthly_from_may_meets_vernal_equinox() -> None:
    occs = occurrences(make(THU, 3, NEXT, every=2, first=5), *FY2024)
    assert planned(occs) == [
        date(2024, 5, 16),
        date(2024, 7, 18),
        date(2024, 9, 19),
        date(2024, 11, 21),
        date(2025, 1, 16),
        date(2025, 3, 20),
    ]
    assert occs[-1].on == date(2025, 3, 21)
    assert occs[-1].moved
    assert occs[-1].note == "3月20日（春分の日）のため3月21日に移動"


def test_quarterly_cycle_wraps_the_year() -> None:
    s = make(MON, 1, every=3, first=10)
    assert cycle_months(s) == (10, 1, 4, 7)
    assert [(o.year, o.month) for o in occurrences(s, *FY2024)] == [
        (2024, 4),
        (2024, 7),
        (2024, 10),
        (2025, 1),
    ]


def test_last_friday() -> None:
    occs = occurrences(make(FRI, LAST), *FY2024)
    expected = [
        date(2024, 4, 26),
        date(2024, 5, 31),
        date(2024, 6, 28),
        date(2024, 7, 26),
        date(2024, 8, 30),
        date(2024, 9, 27),
        date(2024, 10, 25),
        date(2024, 11, 29),
        date(2024, 12, 27),
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 28),
    ]
    assert held(occs) == expected
    for d in expected:
        assert d.weekday() == FRI
        assert (d + timedelta(days=7)).month != d.month
        assert not jpholiday.is_holiday(d)


def test_fifth_tuesday_months_without_one_have_no_meeting() -> None:
    occs = occurrences(make(TUE, 5, NEXT), *FY2024)
    assert len(occs) == 12
    with_fifth = {(o.year, o.month): o for o in occs if o.planned is not None}
    assert sorted(with_fifth) == [(2024, 4), (2024, 7), (2024, 10), (2024, 12)]
    assert [o.planned for o in with_fifth.values()] == [
        date(2024, 4, 30),
        date(2024, 7, 30),
        date(2024, 10, 29),
        date(2024, 12, 31),
    ]
    lacking = [o for o in occs if o.planned is None]
    assert len(lacking) == 8
    assert all(o.on is None and not o.moved and o.note == "第5火曜日がない月" for o in lacking)
    # 12/31 is inside 年末年始: 1/4 土, 1/5 日 → 1/6, into the next month.
    december = with_fifth[(2024, 12)]
    assert december.on == date(2025, 1, 6)
    assert december.note == "12月31日（年末年始）のため翌月の1月6日に移動"


def test_fifth_wednesday_allowed() -> None:
    occs = occurrences(make(WED, 5), *FY2024)
    assert [o.on for o in occs if o.on] == [
        date(2024, 5, 29),
        date(2024, 7, 31),
        date(2024, 10, 30),
        date(2025, 1, 29),
    ]


def test_skip_months() -> None:
    s = make(THU, 3, every=2, first=4, skip=frozenset({8}))
    occs = occurrences(s, *FY2024)
    august = occs[2]
    assert (august.year, august.month, august.planned, august.on) == (2024, 8, date(2024, 8, 15), None)
    assert august.note == "8月は休会"
    assert [o.on for o in occs if o.held] == [
        date(2024, 4, 18),
        date(2024, 6, 20),
        date(2024, 10, 17),
        date(2024, 12, 19),
        date(2025, 2, 20),
    ]


def test_skip_months_accepts_any_iterable_and_stays_hashable() -> None:
    s = RegularSchedule(TUE, 2, 1, 4, time(14), time(15, 30), SKIP, {8, 1})  # type: ignore[arg-type]
    assert s.skip_months == frozenset({1, 8})
    assert hash(s) == hash(make(TUE, 2, skip=frozenset({1, 8})))
    with pytest.raises(FrozenInstanceError):
        s.nth = 3  # type: ignore[misc]


def test_partial_range_uses_planned_dates() -> None:
    occs = occurrences(make(TUE, 2), date(2024, 4, 10), date(2024, 6, 11))
    assert planned(occs) == [date(2024, 5, 14), date(2024, 6, 11)]
    assert occurrences(make(TUE, 2), date(2024, 4, 10), date(2024, 4, 30)) == []


def test_reversed_range_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        occurrences(make(TUE, 2), date(2025, 3, 31), date(2024, 4, 1))
    assert caught.value.field == "end"


# --- moves are bounded by the neighbouring meetings and by the period ---------------------------

RENOVATION = {date(2024, 4, 26) + timedelta(days=i): "庁舎改修" for i in range(36)}  # 4/26〜5/31


def test_move_never_reaches_the_next_meeting() -> None:
    occs = occurrences(make(FRI, LAST, NEXT), date(2024, 4, 1), date(2024, 7, 31), extra_closed=RENOVATION)
    assert held(occs) == [None, date(2024, 6, 3), date(2024, 6, 28), date(2024, 7, 26)]
    assert occs[0].note == "4月26日（庁舎改修）のため休み（翌開庁日が次回の予定日（5月31日）以降になるため）"
    assert occs[1].note == "5月31日（庁舎改修）のため翌月の6月3日に移動"


def test_move_never_reaches_the_previous_meeting() -> None:
    occs = occurrences(make(FRI, LAST, PREV), date(2024, 4, 1), date(2024, 7, 31), extra_closed=RENOVATION)
    assert held(occs) == [date(2024, 4, 25), None, date(2024, 6, 28), date(2024, 7, 26)]
    assert (
        occs[1].note == "5月31日（庁舎改修）のため休み（前の開庁日が前回の予定日（4月26日）以前になるため）"
    )


def test_move_never_goes_past_the_end_of_the_period() -> None:
    town = {date(2025, 3, 28), date(2025, 3, 31)}
    s = make(FRI, LAST, NEXT)
    last = occurrences(s, *FY2024, extra_closed=town)[-1]
    assert (last.planned, last.on, last.moved) == (date(2025, 3, 28), None, False)
    assert last.note == "3月28日（町の閉庁日）のため休み（翌開庁日の4月1日は期間外のため）"
    # Asked without a period end, the meeting is on the next working day.
    assert next_meeting(s, date(2025, 3, 27), extra_closed=town) == date(2025, 4, 1)


def test_move_never_goes_before_the_start_of_the_period() -> None:
    town = {date(2024, 4, 5)}
    s = make(FRI, 1, PREV)
    occs = occurrences(s, date(2024, 4, 5), date(2024, 4, 30), extra_closed=town)
    assert held(occs) == [None]
    assert occs[0].note == "4月5日（町の閉庁日）のため休み（前の開庁日の4月4日は期間外のため）"
    assert held(occurrences(s, date(2024, 4, 1), date(2024, 4, 30), extra_closed=town)) == [date(2024, 4, 4)]


# --- next meeting ------------------------------------------------------------------------------


def test_next_meeting() -> None:
    s = make(TUE, 2)
    assert next_meeting(s, date(2024, 4, 1)) == date(2024, 4, 9)
    assert next_meeting(s, date(2024, 4, 9)) == date(2024, 5, 14)  # strictly after
    assert next_meeting(s, date(2025, 2, 1)) == date(2025, 3, 11)  # 2/11 is a holiday: skipped
    moved = make(TUE, 2, NEXT)
    assert next_meeting(moved, date(2025, 2, 1)) == date(2025, 2, 12)
    # Planned on 2/11 (not after it) but held on 2/12.
    assert next_meeting(moved, date(2025, 2, 11)) == date(2025, 2, 12)


def test_next_meeting_skips_town_closed_days_and_skip_months() -> None:
    s = make(TUE, 2, skip=frozenset({8}))
    assert next_meeting(s, date(2024, 7, 31)) == date(2024, 9, 10)
    assert next_meeting(s, date(2024, 8, 31), extra_closed={date(2024, 9, 10)}) == date(2024, 10, 8)


def test_next_meeting_far_away() -> None:
    # A fifth Thursday in February happens only when 2/1 is a Thursday of a leap year.
    s = make(THU, 5, every=12, first=2)
    assert next_meeting(s, date(2024, 2, 1)) == date(2024, 2, 29)
    assert next_meeting(s, date(2024, 3, 1)) == date(2052, 2, 29)


# --- describe ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "text"),
    [
        (make(TUE, 2), "毎月第2火曜日 14:00〜15:30（祝日はその回は休み）"),
        (
            make(THU, 3, NEXT, every=2, first=4),
            "隔月（4月・6月・8月…）第3木曜日 14:00〜15:30（祝日は翌開庁日に移す）",
        ),
        (make(FRI, LAST, PREV), "毎月最終金曜日 14:00〜15:30（祝日は前の開庁日に移す）"),
        (
            make(MON, 1, every=3, first=4),
            "3か月ごと（4月・7月・10月・1月）第1月曜日 14:00〜15:30（祝日はその回は休み）",
        ),
        (
            make(WED, 2, every=6, first=10),
            "半年ごと（10月・4月）第2水曜日 14:00〜15:30（祝日はその回は休み）",
        ),
        (make(WED, 2, every=12, first=5), "毎年5月第2水曜日 14:00〜15:30（祝日はその回は休み）"),
        (
            make(TUE, 2, skip=frozenset({1, 8})),
            "毎月第2火曜日 14:00〜15:30（8月・1月は休会、祝日はその回は休み）",
        ),
    ],
)
def test_describe(schedule: RegularSchedule, text: str) -> None:
    assert describe(schedule) == text


def test_describe_morning_time_without_leading_zero() -> None:
    s = RegularSchedule(TUE, 2, 1, 4, time(9, 0), time(10, 5), SKIP)
    assert describe(s) == "毎月第2火曜日 9:00〜10:05（祝日はその回は休み）"


def test_holiday_rule_values() -> None:
    assert [r.value for r in HolidayRule] == ["その回は休み", "翌開庁日に移す", "前の開庁日に移す"]


# --- validation --------------------------------------------------------------------------------


def _kwargs(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "weekday": TUE,
        "nth": 2,
        "every_months": 1,
        "first_month": 4,
        "start": time(14),
        "end": time(15, 30),
        "holiday_rule": SKIP,
        "skip_months": frozenset(),
    }
    base.update(changes)
    return base


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"weekday": 7}, "weekday", "曜日"),
        ({"weekday": -1}, "weekday", "曜日"),
        ({"weekday": True}, "weekday", "曜日"),
        ({"weekday": 5}, "weekday", "土曜日は閉庁日"),
        ({"weekday": 6}, "weekday", "日曜日は閉庁日"),
        ({"nth": 0}, "nth", "第1〜第5か最終"),
        ({"nth": 6}, "nth", "第1〜第5か最終"),
        ({"nth": -2}, "nth", "第1〜第5か最終"),
        ({"every_months": 0}, "every_months", "開催間隔"),
        ({"every_months": 5}, "every_months", "開催間隔"),
        ({"every_months": 13}, "every_months", "開催間隔"),
        ({"first_month": 0}, "first_month", "開始月"),
        ({"first_month": 13}, "first_month", "開始月"),
        ({"end": time(14)}, "end", "終了時刻（14:00）は開始時刻（14:00）より後"),
        ({"end": time(13)}, "end", "終了時刻"),
        ({"start": "14:00"}, "start", "開始時刻"),
        ({"holiday_rule": "休み"}, "holiday_rule", "祝日の扱い"),
        ({"skip_months": frozenset({13})}, "skip_months", "休会月"),
        ({"every_months": 2, "skip_months": frozenset({5})}, "skip_months", "休会月の5月は開催月"),
        ({"every_months": 12, "skip_months": frozenset({4})}, "skip_months", "すべて休会月"),
    ],
)
def test_invalid_schedules_refused_with_field(changes: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        RegularSchedule(**_kwargs(**changes))  # type: ignore[arg-type]
    assert caught.value.field == field
    assert words in caught.value.message


def test_valid_schedule_validates() -> None:
    make(FRI, LAST, every=6, first=3, skip=frozenset({9})).validate()


# --- time ranges -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:00-15:30", (time(14, 0), time(15, 30))),
        ("14:00〜15:30", (time(14, 0), time(15, 30))),
        ("１４：００～１５：３０", (time(14, 0), time(15, 30))),
        ("１４：００－１５：３０", (time(14, 0), time(15, 30))),
        (" 9:00 - 10:30 ", (time(9, 0), time(10, 30))),
        ("9:00ー10:30", (time(9, 0), time(10, 30))),
        ("14時〜15時30分", (time(14, 0), time(15, 30))),
        ("１４時～１５時", (time(14, 0), time(15, 0))),
        ("10:00から11:00まで", (time(10, 0), time(11, 0))),
    ],
)
def test_parse_time_range(text: str, expected: tuple[time, time]) -> None:
    assert parse_time_range(text) == expected


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("", "time_range"),
        ("　", "time_range"),
        ("14:00", "time_range"),
        ("午後2時から", "time_range"),
        ("25:00-26:00", "start"),
        ("14:60-15:00", "start"),
        ("14:00-15:75", "end"),
        ("15:30-14:00", "end"),
        ("14:00-14:00", "end"),
    ],
)
def test_parse_time_range_refused(text: str, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_time_range(text)
    assert caught.value.field == field
    assert caught.value.message
