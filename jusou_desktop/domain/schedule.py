"""定例会議の日程: 「毎月第2火曜日」「隔月」などの決まりから開催日を割り出す.

重層的支援会議・支援会議は定例（毎月・隔月・3か月ごと…の第n曜日または最終曜日）か随時に開かれます。
このモジュールは定例の決まり（:class:`RegularSchedule`）から、期間内の各回の開催日
（:class:`Occurrence`）を求めます。入出力はせず、祝日は保守されているライブラリ ``jpholiday``
（国民の祝日・振替休日・国民の休日）で判定します。

閉庁日は土曜日・日曜日・祝日・年末年始（12月29日〜1月3日）と、町が独自に定める日
（``extra_closed``）です。予定日が閉庁日に当たった回は :class:`HolidayRule` に従い、休みにするか、
翌開庁日・前の開庁日に移します。移した日が前後の回の予定日に届く場合や、求めた期間の外に出る
場合は移さずに休みとし、その理由を ``note`` に書きます。

町の閉庁日は日付の集まりで渡します。``{date: "町制施行記念日"}`` のような辞書を渡すと、その名前が
理由として表示されます。
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import StrEnum

import jpholiday

from jusou_desktop.domain.errors import ValidationError

__all__ = [
    "LAST",
    "VALID_INTERVALS",
    "WEEKDAY_NAMES",
    "HolidayRule",
    "Occurrence",
    "RegularSchedule",
    "cycle_months",
    "describe",
    "holiday_name",
    "is_closed",
    "next_meeting",
    "occurrences",
    "parse_time_range",
]

LAST = -1
"""``nth`` for 最終（その月の最後の）曜日."""

WEEKDAY_NAMES = ("月", "火", "水", "木", "金", "土", "日")
VALID_INTERVALS = (1, 2, 3, 4, 6, 12)
"""開催間隔（か月）: 12を割り切る間隔だけが、開始月だけで毎年同じ月に決まる."""

_YEAR_END_CLOSURE = "年末年始"
_TOWN_CLOSED = "町の閉庁日"
_NEXT_MEETING_HORIZON_YEARS = 40  # 2月の第5曜日は28年に一度しかない


class HolidayRule(StrEnum):
    """予定日が閉庁日に当たった回の扱い."""

    SKIP = "その回は休み"
    NEXT_WORKDAY = "翌開庁日に移す"
    PREVIOUS_WORKDAY = "前の開庁日に移す"


# --- closed days -----------------------------------------------------------------------------


def _is_year_end_closure(day: date) -> bool:
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def holiday_name(day: date, extra_closed: Collection[date] = ()) -> str | None:
    """閉庁日ならその理由（祝日名・「年末年始」・町の閉庁日の名前・「土曜日」「日曜日」）、開庁日なら None.

    祝日名は jpholiday のもの（``"文化の日 振替休日"``、``"国民の休日"`` など）。祝日が年末年始や
    週末と重なるときは祝日名を優先します（1月1日は「元日」、日曜日の文化の日は「文化の日」）。
    """
    name = jpholiday.is_holiday_name(day)
    if name is not None:
        return name
    if _is_year_end_closure(day):
        return _YEAR_END_CLOSURE
    if day in extra_closed:
        if isinstance(extra_closed, Mapping):
            given = extra_closed[day]
            if isinstance(given, str) and given.strip():
                return given.strip()
        return _TOWN_CLOSED
    if day.weekday() >= 5:
        return f"{WEEKDAY_NAMES[day.weekday()]}曜日"
    return None


def is_closed(day: date, extra_closed: Collection[date] = ()) -> bool:
    """土日・国民の祝日（振替休日・国民の休日を含む）・年末年始（12/29〜1/3）・町の閉庁日なら True."""
    return day.weekday() >= 5 or _is_year_end_closure(day) or day in extra_closed or jpholiday.is_holiday(day)


# --- the schedule ------------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class RegularSchedule:
    """定例の決まり: 「毎月第2火曜日 14:00〜15:30、祝日はその回は休み」など.

    * ``weekday``: 0 = 月曜 … 4 = 金曜（土日は閉庁日なので定例日にできません）
    * ``nth``: 1〜5 は第n曜日、``LAST``（-1）は最終曜日。第5曜日のない月は開催なし
    * ``every_months``: 1 = 毎月、2 = 隔月、3 = 3か月ごと、4、6 = 半年ごと、12 = 年1回
    * ``first_month``: 周期の起点の月（隔月・4月なら4月・6月・8月…）
    * ``skip_months``: 開催月のうち休会にする月（例: 8月）

    作るときに検査し、受け付けられない値は項目名（``field``）つきの :class:`ValidationError`。
    """

    weekday: int
    nth: int
    every_months: int
    first_month: int
    start: time
    end: time
    holiday_rule: HolidayRule
    skip_months: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        # Accept any iterable of months but keep the dataclass hashable.
        object.__setattr__(self, "skip_months", frozenset(self.skip_months))
        self.validate()

    def validate(self) -> None:
        """値を検査する（作るときに呼ばれる）。不正なら項目名つきの :class:`ValidationError`."""
        if not _is_int(self.weekday) or not 0 <= self.weekday <= 6:
            raise ValidationError("曜日は月曜日（0）から日曜日（6）の範囲で選んでください。", "weekday")
        if self.weekday >= 5:
            raise ValidationError(
                f"{WEEKDAY_NAMES[self.weekday]}曜日は閉庁日のため、定例の曜日にできません。", "weekday"
            )
        if not _is_int(self.nth) or not (1 <= self.nth <= 5 or self.nth == LAST):
            raise ValidationError("第何週は第1〜第5か最終で選んでください。", "nth")
        if not _is_int(self.every_months) or self.every_months not in VALID_INTERVALS:
            raise ValidationError(
                "開催間隔は毎月・隔月・3か月ごと・4か月ごと・半年ごと・年1回のいずれかで選んでください。",
                "every_months",
            )
        if not _is_int(self.first_month) or not 1 <= self.first_month <= 12:
            raise ValidationError("開始月は1月〜12月で選んでください。", "first_month")
        if not isinstance(self.start, time):
            raise ValidationError("開始時刻が入力されていません。", "start")
        if not isinstance(self.end, time):
            raise ValidationError("終了時刻が入力されていません。", "end")
        if self.end <= self.start:
            raise ValidationError(
                f"終了時刻（{_hm(self.end)}）は開始時刻（{_hm(self.start)}）より後にしてください。", "end"
            )
        if not isinstance(self.holiday_rule, HolidayRule):
            raise ValidationError("祝日の扱いを選んでください。", "holiday_rule")
        for month in self.skip_months:
            if not _is_int(month) or not 1 <= month <= 12:
                raise ValidationError(f"休会月は1月〜12月で選んでください: {month}", "skip_months")
        months = cycle_months(self)
        outside = sorted(m for m in self.skip_months if m not in months)
        if outside:
            raise ValidationError(
                f"休会月の{_month_list(outside)}は開催月（{_month_list(months)}）ではありません。",
                "skip_months",
            )
        if all(m in self.skip_months for m in months):
            raise ValidationError("開催月がすべて休会月になっています。", "skip_months")


def cycle_months(s: RegularSchedule) -> tuple[int, ...]:
    """開催月（休会月を含む）を起点の月から順に: 隔月・4月起点なら ``(4, 6, 8, 10, 12, 2)``."""
    return tuple((s.first_month - 1 + k) % 12 + 1 for k in range(0, 12, s.every_months))


def _hm(t: time) -> str:
    return f"{t.hour}:{t.minute:02d}"


def _month_list(months: Collection[int]) -> str:
    return "・".join(f"{m}月" for m in months)


def _nth_label(nth: int) -> str:
    return "最終" if nth == LAST else f"第{nth}"


def _cycle_label(s: RegularSchedule) -> str:
    months = cycle_months(s)
    shown = _month_list(months[:3]) + "…" if len(months) > 4 else _month_list(months)
    if s.every_months == 1:
        return "毎月"
    if s.every_months == 2:
        return f"隔月（{shown}）"
    if s.every_months == 6:
        return f"半年ごと（{shown}）"
    if s.every_months == 12:
        return f"毎年{months[0]}月"
    return f"{s.every_months}か月ごと（{shown}）"


def describe(s: RegularSchedule) -> str:
    """「毎月第2火曜日 14:00〜15:30（祝日はその回は休み）」のような日本語の説明."""
    order = cycle_months(s)
    notes = []
    if s.skip_months:
        notes.append(f"{_month_list(sorted(s.skip_months, key=order.index))}は休会")
    notes.append(f"祝日は{s.holiday_rule.value}")
    return (
        f"{_cycle_label(s)}{_nth_label(s.nth)}{WEEKDAY_NAMES[s.weekday]}曜日 "
        f"{_hm(s.start)}〜{_hm(s.end)}（{'、'.join(notes)}）"
    )


# --- occurrences -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    """定例の1回分.

    ``year``/``month`` はその回の属する開催月（翌月に移した回も元の月のもの）。``planned`` は
    決まりどおりの日（第5曜日のない月は None）、``on`` は実際の開催日（休みなら None）。
    ``moved`` は ``on`` が ``planned`` と違う日のとき True。``note`` は休み・移動の理由（通常は空）。
    """

    year: int
    month: int
    planned: date | None
    on: date | None
    moved: bool = False
    note: str = ""

    @property
    def held(self) -> bool:
        """この回が開かれるなら True."""
        return self.on is not None


def _nominal_date(s: RegularSchedule, year: int, month: int) -> date | None:
    days_in_month = calendar.monthrange(year, month)[1]
    if s.nth == LAST:
        last = date(year, month, days_in_month)
        return last - timedelta(days=(last.weekday() - s.weekday) % 7)
    first = date(year, month, 1)
    day = 1 + (s.weekday - first.weekday()) % 7 + 7 * (s.nth - 1)
    return date(year, month, day) if day <= days_in_month else None


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _is_cycle_month(s: RegularSchedule, index: int) -> bool:
    return (index % 12 - (s.first_month - 1)) % s.every_months == 0


def _meeting_dates(s: RegularSchedule, index: int, step: int) -> Iterator[date]:
    """Planned dates of the meetings after (step=1) or before (step=-1) month ``index``."""
    for k in range(1, 12 * _NEXT_MEETING_HORIZON_YEARS):
        i = index + step * k
        if not _is_cycle_month(s, i) or i % 12 + 1 in s.skip_months:
            continue
        planned = _nominal_date(s, i // 12, i % 12 + 1)
        if planned is not None:
            yield planned


def _md(d: date) -> str:
    return f"{d.month}月{d.day}日"


def _occurrence(
    s: RegularSchedule,
    index: int,
    extra_closed: Collection[date],
    earliest: date | None,
    latest: date | None,
) -> Occurrence:
    year, month = index // 12, index % 12 + 1
    planned = _nominal_date(s, year, month)
    if planned is None:
        return Occurrence(year, month, None, None, note=f"第5{WEEKDAY_NAMES[s.weekday]}曜日がない月")
    if month in s.skip_months:
        return Occurrence(year, month, planned, None, note=f"{month}月は休会")
    reason = holiday_name(planned, extra_closed)
    if reason is None:
        return Occurrence(year, month, planned, planned)
    because = f"{_md(planned)}（{reason}）のため"
    if s.holiday_rule is HolidayRule.SKIP:
        return Occurrence(year, month, planned, None, note=f"{because}休み")

    forward = s.holiday_rule is HolidayRule.NEXT_WORKDAY
    step = timedelta(days=1 if forward else -1)
    neighbour = next(_meeting_dates(s, index, 1 if forward else -1), None)
    target = planned + step
    while is_closed(target, extra_closed) and target != neighbour:
        target += step
    direction = "翌開庁日" if forward else "前の開庁日"
    if neighbour is not None and (target == neighbour or (target > neighbour) == forward):
        which = "次回" if forward else "前回"
        beyond = "以降" if forward else "以前"
        return Occurrence(
            year,
            month,
            planned,
            None,
            note=f"{because}休み（{direction}が{which}の予定日（{_md(neighbour)}）{beyond}になるため）",
        )
    if (latest is not None and target > latest) or (earliest is not None and target < earliest):
        return Occurrence(
            year, month, planned, None, note=f"{because}休み（{direction}の{_md(target)}は期間外のため）"
        )
    crossed = ""
    if (target.year, target.month) != (year, month):
        crossed = "翌月の" if forward else "前月の"
    return Occurrence(year, month, planned, target, moved=True, note=f"{because}{crossed}{_md(target)}に移動")


def _occurrences(
    s: RegularSchedule,
    start: date,
    end: date,
    extra_closed: Collection[date],
    clip: bool,
) -> list[Occurrence]:
    result = []
    for index in range(_month_index(start.year, start.month), _month_index(end.year, end.month) + 1):
        if not _is_cycle_month(s, index):
            continue
        planned = _nominal_date(s, index // 12, index % 12 + 1)
        if planned is not None and not start <= planned <= end:
            continue
        result.append(_occurrence(s, index, extra_closed, start if clip else None, end if clip else None))
    return result


def occurrences(
    s: RegularSchedule,
    start: date,
    end: date,
    *,
    extra_closed: Collection[date] = (),
) -> list[Occurrence]:
    """``start``〜``end``（両端を含む）の各開催月の回を、日付順に.

    予定日（``planned``）が期間内の回と、期間内の月で第5曜日がない回（``planned`` が None）を
    返します。休会月・休みの回も ``on=None`` と理由つきで含みます。移した日は期間の外や、
    前後の回の予定日以降（以前）には出ません。出てしまう場合はその回を休みとします。
    """
    if end < start:
        raise ValidationError(
            f"期間の終わり（{end.isoformat()}）が始まり（{start.isoformat()}）より前です。", "end"
        )
    return _occurrences(s, start, end, extra_closed, clip=True)


def next_meeting(
    s: RegularSchedule,
    after: date,
    *,
    extra_closed: Collection[date] = (),
) -> date | None:
    """``after`` より後（当日を含まない）の最初の開催日。40年先までに一度もなければ None.

    ``after`` 以前が予定日で ``after`` より後に移された回も数えます。
    """
    # Start a month early so that a meeting planned before ``after`` but moved past it is seen.
    window_start = date(after.year, after.month, 1) - timedelta(days=31)
    window_end = date(after.year + _NEXT_MEETING_HORIZON_YEARS, after.month, 1)
    for occurrence in _occurrences(s, window_start, window_end, extra_closed, clip=False):
        if occurrence.on is not None and occurrence.on > after:
            return occurrence.on
    return None


# --- input -------------------------------------------------------------------------------------

_SEPARATORS = r"(?:-|~|〜|から|‐|‑|‒|–|—|―|−|ー)"
_TIME = r"(\d{1,2})(?::(\d{2})|時(?:(\d{1,2})分)?)"
_RANGE = re.compile(_TIME + _SEPARATORS + _TIME + r"(?:まで)?")


def _make_time(hour_text: str, minute_text: str | None, which: str, field_name: str) -> time:
    hour, minute = int(hour_text), int(minute_text or 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValidationError(f"{which}時刻 {hour}:{minute:02d} は時刻として正しくありません。", field_name)
    return time(hour, minute)


def parse_time_range(text: str) -> tuple[time, time]:
    """「14:00-15:30」「14:00〜15:30」「１４：００～１５：３０」「14時〜15時30分」を読む.

    全角数字・全角コロン・波ダッシュ・空白を許します。読めない・終了が開始より前なら
    :class:`ValidationError`（``field`` は ``"time_range"``・``"start"``・``"end"``）。
    """
    normalized = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if not normalized:
        raise ValidationError("開催時間が入力されていません。", "time_range")
    match = _RANGE.fullmatch(normalized)
    if match is None:
        raise ValidationError(
            f"開催時間を「14:00〜15:30」の形で入力してください: {text.strip()}", "time_range"
        )
    h1, m1, m1k, h2, m2, m2k = match.groups()
    start = _make_time(h1, m1 or m1k, "開始", "start")
    end = _make_time(h2, m2 or m2k, "終了", "end")
    if end <= start:
        raise ValidationError(
            f"終了時刻（{_hm(end)}）は開始時刻（{_hm(start)}）より後にしてください。", "end"
        )
    return start, end
