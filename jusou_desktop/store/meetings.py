"""Conferences (重層的支援会議・支援会議…), their 定例 series, agenda and minutes, attendees with the
confidentiality pledge, 行動連携 actions, resource gaps and the mandatory-timing needs.

Every call is one transaction: a check and the change it allows are made together or not at all.
The rules themselves are in :mod:`jusou_desktop.domain.meetings` (and the 定例 dates in
:mod:`jusou_desktop.domain.schedule`); this module only reads and writes them.

A meeting can be changed (cases, attendees, pledges) while it is 「予定」.  :meth:`MeetingRepository.hold`
records it as 開催済 once the rules allow; after that only the minutes and the progress of the
actions change.  A cancelled (中止) meeting is kept with its reason.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from jusou_desktop.domain.errors import RuleViolation, ValidationError
from jusou_desktop.domain.ids import AgencyId, CaseId, StaffId
from jusou_desktop.domain.meetings import (
    DEFAULT_AGENDA_LIMIT,
    DEFAULT_DISPLAY_NAMES,
    MANDATORY_REASONS,
    OPEN_ACTION_STATUSES,
    Action,
    ActionStatus,
    AgendaItem,
    Attendee,
    AttendeeKind,
    HeldItem,
    Holding,
    Meeting,
    MeetingNeed,
    MeetingState,
    MeetingType,
    Reason,
    check_agenda_size,
    check_can_hold,
    check_case_fits,
    check_reason,
    complete,
    validate_action,
)
from jusou_desktop.domain.meetings import open_needs as compute_open_needs
from jusou_desktop.domain.model import ConsentState
from jusou_desktop.domain.schedule import HolidayRule, RegularSchedule, occurrences
from jusou_desktop.store._base import Repository, date_text, now_text, to_date
from jusou_desktop.store.connection import Connection
from jusou_desktop.store.errors import RecordNotFound

AGENDA_LIMIT_RANGE = (1, 10)

DEFAULT_GROUND_RULES = """\
会議の心得

第一条　ここは安心して話せる場です。立場や経験年数にかかわらず、感じたことを言葉にしましょう。
第二条　はじめに、今日の目的と到達点（どこまで決めるか）を全員で確かめましょう。
第三条　誰かを責める場ではありません。うまくいかなかったことも、次の一手を考える材料にしましょう。
第四条　発言は短く、要点から。たずねるときは、何のために聞くのかを添えましょう。
第五条　支援者のしんどさも話してかまいません。抱え込んでいる人をひとりにしないようにしましょう。
第六条　小さな変化も成果です。気づいたことを持ち寄って、みんなで喜びましょう。
第七条　ご本人の思いと暮らしを真ん中に置き、ご本人が選び、決める力を大切にしましょう。
第八条　制度の枠だけで考えず、地域の人や場の力も含めて手立てを探しましょう。
第九条　会議で知ったことは、会議の外へ持ち出しません（守秘義務）。資料の扱いにも気をつけましょう。
第十条　全員が「誰が・何を・いつまでに」の役割をひとつ持って帰りましょう。
第十一条　時間どおりに始め、時間どおりに終えましょう。続きは次の会議か、役割の中で。
"""

_BASIC_FIELDS = (
    "on",
    "start",
    "end",
    "place",
    "convenor",
    "purpose",
    "landing_point",
    "title",
    "holding",
)


# ---- rows -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Series:
    """A 定例 series: 「毎月第2火曜日 14:00〜15:30」 for one kind of meeting."""

    id: int
    type: MeetingType
    name: str
    schedule: RegularSchedule
    place: str
    convenor: str
    active: bool


@dataclass(frozen=True, slots=True)
class MeetingRow:
    """One line of the meeting list."""

    id: int
    type: MeetingType
    title: str
    holding: Holding
    on: dt.date
    start: dt.time | None
    end: dt.time | None
    place: str
    state: MeetingState
    case_count: int
    attendee_count: int
    cancel_reason: str = ""


@dataclass(frozen=True, slots=True)
class ActionRow:
    """One line of an action list (行動連携の進み具合)."""

    id: int
    meeting_id: int
    meeting_on: dt.date
    meeting_title: str
    meeting_state: MeetingState
    case_id: CaseId
    case_number: str
    case_name: str
    who: str
    who_agency_id: AgencyId | None
    who_agency_name: str
    what: str
    due_on: dt.date | None
    status: ActionStatus
    overdue: bool
    result: str = ""
    done_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ResourceGapRow:
    """「こんな資源があれば」, for 地域づくり and 社会資源の開発."""

    id: int
    noted_on: dt.date
    meeting_id: int | None
    meeting_title: str
    case_id: CaseId | None
    case_number: str
    text: str


# ---- conversions --------------------------------------------------------------------------------


def _time_text(value: dt.time | None) -> str | None:
    return value.isoformat(timespec="minutes") if value is not None else None


def _to_time(value: object) -> dt.time | None:
    return dt.time.fromisoformat(str(value)) if value else None


def _schedule_to_json(schedule: RegularSchedule) -> str:
    return json.dumps(
        {
            "weekday": schedule.weekday,
            "nth": schedule.nth,
            "every_months": schedule.every_months,
            "first_month": schedule.first_month,
            "start": _time_text(schedule.start),
            "end": _time_text(schedule.end),
            "holiday_rule": schedule.holiday_rule.value,
            "skip_months": sorted(schedule.skip_months),
        },
        ensure_ascii=False,
    )


def _schedule_from_json(text: str) -> RegularSchedule:
    data = json.loads(text)
    return RegularSchedule(
        weekday=int(data["weekday"]),
        nth=int(data["nth"]),
        every_months=int(data["every_months"]),
        first_month=int(data["first_month"]),
        start=dt.time.fromisoformat(data["start"]),
        end=dt.time.fromisoformat(data["end"]),
        holiday_rule=HolidayRule(data["holiday_rule"]),
        skip_months=frozenset(int(m) for m in data.get("skip_months", ())),
    )


def _check_times(start: dt.time | None, end: dt.time | None) -> None:
    if start is not None and end is not None and end <= start:
        raise ValidationError("終了時刻は開始時刻より後にしてください。", "end")


def _attendee(r: Any) -> Attendee:
    return Attendee(
        name=r[1],
        affiliation=r[2],
        kind=AttendeeKind(r[3]),
        agency_id=AgencyId(r[4]) if r[4] is not None else None,
        staff_id=StaffId(r[5]) if r[5] is not None else None,
        attended=None if r[6] is None else bool(r[6]),
        pledge_on=to_date(r[7]),
        pledge_method=r[8],
        id=int(r[0]),
    )


_ATTENDEE_COLUMNS = "id, name, affiliation, kind, agency_id, staff_id, attended, pledge_on, pledge_method"

_ACTION_COLUMNS = "id, attendee_id, who, what, due_on, status, result, done_on, case_id"


def _action(r: Any) -> Action:
    return Action(
        attendee_id=int(r[1]) if r[1] is not None else None,
        who=r[2],
        what=r[3],
        due_on=to_date(r[4]),
        status=ActionStatus(r[5]),
        result=r[6],
        done_on=to_date(r[7]),
        case_id=CaseId(r[8]),
        id=int(r[0]),
    )


_ACTION_ROW_SELECT = (
    "SELECT a.id, m.id, m.on_date, m.title, m.state, a.case_id, c.number, p.name, a.who, a.who_agency_id,"
    " coalesce(ag.name, ''), a.what, a.due_on, a.status, a.result, a.done_on"
    " FROM meeting_actions a"
    " JOIN meetings m ON m.id = a.meeting_id"
    " JOIN cases c ON c.id = a.case_id"
    " JOIN persons p ON p.id = c.principal_id"
    " LEFT JOIN agencies ag ON ag.id = a.who_agency_id"
)


def _action_row(r: Any, today: dt.date | None) -> ActionRow:
    status = ActionStatus(r[13])
    due_on = to_date(r[12])
    overdue = today is not None and status in OPEN_ACTION_STATUSES and due_on is not None and due_on < today
    return ActionRow(
        id=int(r[0]),
        meeting_id=int(r[1]),
        meeting_on=dt.date.fromisoformat(r[2]),
        meeting_title=r[3],
        meeting_state=MeetingState(r[4]),
        case_id=CaseId(r[5]),
        case_number=r[6],
        case_name=r[7],
        who=r[8],
        who_agency_id=AgencyId(r[9]) if r[9] is not None else None,
        who_agency_name=r[10],
        what=r[11],
        due_on=due_on,
        status=status,
        overdue=overdue,
        result=r[14],
        done_on=to_date(r[15]),
    )


class MeetingRepository(Repository):
    # ---- settings -----------------------------------------------------------------------------

    def display_name(self, meeting_type: MeetingType) -> str:
        """The town's own name for the kind (さかまる会議, いちばんいい会議…)."""
        return (
            self._db.settings.get(f"meetings.name.{meeting_type.value}")
            or DEFAULT_DISPLAY_NAMES[meeting_type]
        )

    def set_display_name(self, meeting_type: MeetingType, name: str) -> None:
        name = name.strip()
        if not name:
            raise ValidationError("会議の名前を入力してください。", "name")
        self._db.settings.set(f"meetings.name.{meeting_type.value}", name)

    def agenda_limit(self) -> int:
        """How many cases a 定例 meeting takes (1–10; 3 unless the town changed it)."""
        text = self._db.settings.get("meetings.agenda_limit")
        try:
            value = int(text)
        except ValueError:
            return DEFAULT_AGENDA_LIMIT
        low, high = AGENDA_LIMIT_RANGE
        return value if low <= value <= high else DEFAULT_AGENDA_LIMIT

    def set_agenda_limit(self, limit: int) -> None:
        low, high = AGENDA_LIMIT_RANGE
        if not low <= limit <= high:
            raise ValidationError(
                f"定例の会議で検討するケース数は {low}〜{high} 件で決めてください。", "agenda_limit"
            )
        self._db.settings.set("meetings.agenda_limit", str(limit))

    def ground_rules(self) -> str:
        """The town's 会議の心得 (shown and printed with every meeting)."""
        return self._db.settings.get("meetings.ground_rules").strip() or DEFAULT_GROUND_RULES

    def set_ground_rules(self, text: str) -> None:
        """Save the town's own text; an empty text goes back to the default."""
        self._db.settings.set("meetings.ground_rules", text.strip())

    # ---- 定例 series ---------------------------------------------------------------------------

    def add_series(
        self,
        meeting_type: MeetingType,
        name: str,
        schedule: RegularSchedule,
        *,
        place: str = "",
        convenor: str = "",
    ) -> int:
        name = name.strip()
        if not name:
            raise ValidationError("定例の名前を入力してください。", "name")
        with self._db.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO meeting_series (type, name, schedule, place, convenor, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    meeting_type.value,
                    name,
                    _schedule_to_json(schedule),
                    place.strip(),
                    convenor.strip(),
                    now_text(),
                ),
            )
            return int(cur.lastrowid or 0)

    def series(self, *, active_only: bool = False) -> list[Series]:
        where = "WHERE active = 1" if active_only else ""
        rows = self._db.conn.execute(
            f"SELECT id, type, name, schedule, place, convenor, active FROM meeting_series {where} ORDER BY id"
        ).fetchall()
        return [self._series(r) for r in rows]

    def get_series(self, series_id: int) -> Series:
        row = self._db.conn.execute(
            "SELECT id, type, name, schedule, place, convenor, active FROM meeting_series WHERE id = ?",
            (series_id,),
        ).fetchone()
        if row is None:
            raise RecordNotFound("定例の会議", series_id)
        return self._series(row)

    @staticmethod
    def _series(r: Any) -> Series:
        return Series(int(r[0]), MeetingType(r[1]), r[2], _schedule_from_json(r[3]), r[4], r[5], bool(r[6]))

    def set_series_active(self, series_id: int, active: bool) -> None:
        with self._db.transaction() as conn:
            cur = conn.execute("UPDATE meeting_series SET active = ? WHERE id = ?", (int(active), series_id))
            if cur.rowcount == 0:
                raise RecordNotFound("定例の会議", series_id)

    def plan_series(self, series_id: int, start: dt.date, end: dt.date) -> list[int]:
        """Put the series' meetings of ``start``–``end`` in the calendar (予定・定例).

        Dates that already have a meeting of this series (whatever its state, so a cancelled one
        is not brought back) are left alone; running it twice adds nothing.
        """
        with self._db.transaction() as conn:
            series = self.get_series(series_id)
            title = self.display_name(series.type)
            existing = {
                r[0]
                for r in conn.execute(
                    "SELECT on_date FROM meetings WHERE series_id = ? AND on_date BETWEEN ? AND ?",
                    (series_id, start.isoformat(), end.isoformat()),
                )
            }
            now = now_text()
            created: list[int] = []
            for occurrence in occurrences(series.schedule, start, end):
                if occurrence.on is None or occurrence.on.isoformat() in existing:
                    continue
                cur = conn.execute(
                    "INSERT INTO meetings (type, title, holding, on_date, start_time, end_time, place, convenor,"
                    " state, series_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        series.type.value,
                        title,
                        Holding.REGULAR.value,
                        occurrence.on.isoformat(),
                        _time_text(series.schedule.start),
                        _time_text(series.schedule.end),
                        series.place,
                        series.convenor,
                        MeetingState.PLANNED.value,
                        series_id,
                        now,
                        now,
                    ),
                )
                existing.add(occurrence.on.isoformat())
                created.append(int(cur.lastrowid or 0))
            return created

    # ---- meetings ---------------------------------------------------------------------------------

    def create(self, meeting: Meeting) -> int:
        """A new meeting (予定) with its basics; cases and attendees are added afterwards."""
        if meeting.state is not MeetingState.PLANNED:
            raise RuleViolation(
                "新しい会議は「予定」として登録してください。開催の記録は、検討ケースと出席者を入れてから行います。"
            )
        _check_times(meeting.start, meeting.end)
        with self._db.transaction() as conn:
            if meeting.series_id is not None:
                self.get_series(meeting.series_id)
            now = now_text()
            cur = conn.execute(
                "INSERT INTO meetings (type, title, holding, on_date, start_time, end_time, place, convenor,"
                " purpose, landing_point, state, series_id, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    meeting.type.value,
                    meeting.title.strip() or self.display_name(meeting.type),
                    meeting.holding.value,
                    meeting.on.isoformat(),
                    _time_text(meeting.start),
                    _time_text(meeting.end),
                    meeting.place.strip(),
                    meeting.convenor.strip(),
                    meeting.purpose.strip(),
                    meeting.landing_point.strip(),
                    MeetingState.PLANNED.value,
                    meeting.series_id,
                    now,
                    now,
                ),
            )
            return int(cur.lastrowid or 0)

    def _header(
        self, conn: Connection, meeting_id: int
    ) -> tuple[MeetingType, Holding, MeetingState, dt.date]:
        row = conn.execute(
            "SELECT type, holding, state, on_date FROM meetings WHERE id = ?", (meeting_id,)
        ).fetchone()
        if row is None:
            raise RecordNotFound("会議", meeting_id)
        return MeetingType(row[0]), Holding(row[1]), MeetingState(row[2]), dt.date.fromisoformat(row[3])

    def _planned(self, conn: Connection, meeting_id: int) -> tuple[MeetingType, Holding, dt.date]:
        meeting_type, holding, state, on = self._header(conn, meeting_id)
        if state is not MeetingState.PLANNED:
            raise RuleViolation(f"「{state.value}」の会議は変更できません。")
        return meeting_type, holding, on

    def update_basics(self, meeting_id: int, **fields: Any) -> None:
        """Change the date, time, place, convenor, purpose, landing point, title or 定例/随時 of a 予定 meeting."""
        unknown = set(fields) - set(_BASIC_FIELDS)
        if unknown:
            raise TypeError(f"unknown meeting fields: {sorted(unknown)}")
        if not fields:
            return
        with self._db.transaction() as conn:
            _type, holding, _on = self._planned(conn, meeting_id)
            row = conn.execute(
                "SELECT start_time, end_time FROM meetings WHERE id = ?", (meeting_id,)
            ).fetchone()
            start = fields["start"] if "start" in fields else _to_time(row[0])
            end = fields["end"] if "end" in fields else _to_time(row[1])
            _check_times(start, end)
            if "holding" in fields:
                holding = Holding(fields["holding"])
                count = int(
                    conn.execute(
                        "SELECT count(*) FROM meeting_cases WHERE meeting_id = ?", (meeting_id,)
                    ).fetchone()[0]
                )
                check_agenda_size(holding, count, self.agenda_limit())
            columns: list[str] = []
            values: list[Any] = []
            for name, value in fields.items():
                if name == "on":
                    if not isinstance(value, dt.date):
                        raise ValidationError("開催日を入力してください。", "on")
                    columns.append("on_date")
                    values.append(value.isoformat())
                elif name in ("start", "end"):
                    columns.append(f"{name}_time")
                    values.append(_time_text(value))
                elif name == "holding":
                    columns.append("holding")
                    values.append(Holding(value).value)
                elif name == "title":
                    title = str(value).strip()
                    if not title:
                        raise ValidationError("会議の名前を入力してください。", "title")
                    columns.append("title")
                    values.append(title)
                else:
                    columns.append(name)
                    values.append(str(value).strip())
            assignments = ", ".join(f"{c} = ?" for c in columns)
            conn.execute(
                f"UPDATE meetings SET {assignments}, updated_at = ? WHERE id = ?",
                (*values, now_text(), meeting_id),
            )

    def get(self, meeting_id: int) -> Meeting:
        conn = self._db.conn
        row = conn.execute(
            "SELECT id, type, title, holding, on_date, start_time, end_time, place, convenor, purpose,"
            " landing_point, state, series_id FROM meetings WHERE id = ?",
            (meeting_id,),
        ).fetchone()
        if row is None:
            raise RecordNotFound("会議", meeting_id)
        attendees = tuple(
            _attendee(r)
            for r in conn.execute(
                f"SELECT {_ATTENDEE_COLUMNS} FROM meeting_attendees WHERE meeting_id = ? ORDER BY id",
                (meeting_id,),
            )
        )
        actions: dict[int, list[Action]] = {}
        for r in conn.execute(
            f"SELECT {_ACTION_COLUMNS} FROM meeting_actions WHERE meeting_id = ? ORDER BY id", (meeting_id,)
        ):
            action = _action(r)
            actions.setdefault(int(r[8]), []).append(action)
        gaps: dict[int, list[str]] = {}
        for case_id, text in conn.execute(
            "SELECT case_id, text FROM resource_gaps WHERE meeting_id = ? ORDER BY id", (meeting_id,)
        ):
            if case_id is not None:
                gaps.setdefault(int(case_id), []).append(text)
        agenda: list[AgendaItem] = []
        for r in conn.execute(
            "SELECT mc.case_id, mc.reason, c.number, p.name, mc.shared_view, mc.decisions, mc.strain,"
            " mc.small_changes, mc.next_meeting_on FROM meeting_cases mc"
            " JOIN cases c ON c.id = mc.case_id JOIN persons p ON p.id = c.principal_id"
            " WHERE mc.meeting_id = ? ORDER BY mc.position, mc.id",
            (meeting_id,),
        ).fetchall():
            case_id = CaseId(r[0])
            consent = self._db.cases.current_consent(case_id)
            agenda.append(
                AgendaItem(
                    case_id=case_id,
                    reason=Reason(r[1]),
                    case_number=r[2],
                    case_name=r[3],
                    consent=consent.state if consent else ConsentState.PENDING,
                    covers_tax=bool(consent and consent.covers_tax_info),
                    shared_view=r[4],
                    decisions=r[5],
                    strain=r[6],
                    small_changes=r[7],
                    resource_gaps=tuple(gaps.get(case_id, ())),
                    next_meeting_on=to_date(r[8]),
                    actions=tuple(actions.get(case_id, ())),
                )
            )
        return Meeting(
            type=MeetingType(row[1]),
            holding=Holding(row[3]),
            on=dt.date.fromisoformat(row[4]),
            title=row[2],
            start=_to_time(row[5]),
            end=_to_time(row[6]),
            place=row[7],
            convenor=row[8],
            purpose=row[9],
            landing_point=row[10],
            state=MeetingState(row[11]),
            series_id=int(row[12]) if row[12] is not None else None,
            agenda=tuple(agenda),
            attendees=attendees,
            id=int(row[0]),
        )

    def rows(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        types: Iterable[MeetingType] = (),
        states: Iterable[MeetingState] = (),
        limit: int | None = None,
    ) -> list[MeetingRow]:
        """Meetings from ``start`` to ``end`` (both included, either open), by date and time."""
        clauses: list[str] = []
        params: list[Any] = []
        if start is not None:
            clauses.append("m.on_date >= ?")
            params.append(start.isoformat())
        if end is not None:
            clauses.append("m.on_date <= ?")
            params.append(end.isoformat())
        type_values = sorted({t.value for t in types})
        if type_values:
            clauses.append(f"m.type IN ({', '.join('?' * len(type_values))})")
            params.extend(type_values)
        state_values = sorted({s.value for s in states})
        if state_values:
            clauses.append(f"m.state IN ({', '.join('?' * len(state_values))})")
            params.extend(state_values)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        tail = ""
        if limit is not None:
            tail = " LIMIT ?"
            params.append(limit)
        rows = self._db.conn.execute(
            "SELECT m.id, m.type, m.title, m.holding, m.on_date, m.start_time, m.end_time, m.place, m.state,"
            " (SELECT count(*) FROM meeting_cases mc WHERE mc.meeting_id = m.id),"
            " (SELECT count(*) FROM meeting_attendees ma WHERE ma.meeting_id = m.id), m.cancel_reason"
            f" FROM meetings m {where}"
            f" ORDER BY m.on_date, m.start_time IS NULL, m.start_time, m.id{tail}",
            params,
        ).fetchall()
        return [
            MeetingRow(
                id=int(r[0]),
                type=MeetingType(r[1]),
                title=r[2],
                holding=Holding(r[3]),
                on=dt.date.fromisoformat(r[4]),
                start=_to_time(r[5]),
                end=_to_time(r[6]),
                place=r[7],
                state=MeetingState(r[8]),
                case_count=int(r[9]),
                attendee_count=int(r[10]),
                cancel_reason=r[11],
            )
            for r in rows
        ]

    def upcoming(self, today: dt.date, limit: int = 20) -> list[MeetingRow]:
        """Planned meetings from today on, soonest first."""
        return self.rows(today, None, states=(MeetingState.PLANNED,), limit=limit)

    # ---- agenda -------------------------------------------------------------------------------------

    def add_case(
        self, meeting_id: int, case_id: CaseId, reason: Reason, *, request_id: int | None = None
    ) -> None:
        """Put a case on the agenda (the consent, reason and 定例 size rules apply)."""
        with self._db.transaction() as conn:
            meeting_type, holding, _on = self._planned(conn, meeting_id)
            case = self._db.cases.get(case_id)
            check_reason(meeting_type, reason)
            check_case_fits(meeting_type, case.consent_state)
            if conn.execute(
                "SELECT 1 FROM meeting_cases WHERE meeting_id = ? AND case_id = ?", (meeting_id, case_id)
            ).fetchone():
                raise RuleViolation(
                    f"ケース {case.number}（{case.principal.name}）は、すでにこの会議で検討する予定です。"
                )
            count, last = conn.execute(
                "SELECT count(*), coalesce(max(position), -1) FROM meeting_cases WHERE meeting_id = ?",
                (meeting_id,),
            ).fetchone()
            check_agenda_size(holding, int(count) + 1, self.agenda_limit())
            if request_id is not None:
                request = conn.execute(
                    "SELECT case_id, state, meeting_id FROM meeting_requests WHERE id = ?", (request_id,)
                ).fetchone()
                if request is None:
                    raise RecordNotFound("会議の依頼", request_id)
                if request[0] != case_id:
                    raise RuleViolation("この会議の依頼は別のケースのものです。")
                if request[1] in ("開催済", "取消") or (
                    request[1] == "開催予定" and request[2] != meeting_id
                ):
                    raise RuleViolation(f"この会議の依頼はすでに「{request[1]}」です。")
                conn.execute(
                    "UPDATE meeting_requests SET state = '開催予定', meeting_id = ? WHERE id = ?",
                    (meeting_id, request_id),
                )
            conn.execute(
                "INSERT INTO meeting_cases (meeting_id, case_id, reason, position, request_id) VALUES (?, ?, ?, ?, ?)",
                (meeting_id, case_id, reason.value, int(last) + 1, request_id),
            )
            conn.execute("UPDATE meetings SET updated_at = ? WHERE id = ?", (now_text(), meeting_id))

    def remove_case(self, meeting_id: int, case_id: CaseId) -> None:
        """Take a case off a 予定 meeting with its actions and notes; its request goes back to 未定."""
        with self._db.transaction() as conn:
            self._planned(conn, meeting_id)
            row = conn.execute(
                "SELECT request_id FROM meeting_cases WHERE meeting_id = ? AND case_id = ?",
                (meeting_id, case_id),
            ).fetchone()
            if row is None:
                raise RecordNotFound("会議の検討ケース", case_id)
            conn.execute(
                "DELETE FROM meeting_actions WHERE meeting_id = ? AND case_id = ?", (meeting_id, case_id)
            )
            conn.execute(
                "DELETE FROM resource_gaps WHERE meeting_id = ? AND case_id = ?", (meeting_id, case_id)
            )
            conn.execute(
                "DELETE FROM meeting_cases WHERE meeting_id = ? AND case_id = ?", (meeting_id, case_id)
            )
            conn.execute(
                "UPDATE meeting_requests SET state = '未定', meeting_id = NULL"
                " WHERE meeting_id = ? AND case_id = ? AND state = '開催予定'",
                (meeting_id, case_id),
            )
            conn.execute("UPDATE meetings SET updated_at = ? WHERE id = ?", (now_text(), meeting_id))

    def save_minutes(
        self,
        meeting_id: int,
        case_id: CaseId,
        *,
        shared_view: str,
        decisions: str,
        strain: str,
        small_changes: str,
        resource_gaps: Sequence[str],
        next_meeting_on: dt.date | None,
    ) -> None:
        """The minutes of one case; the resource gaps given replace the ones saved before."""
        with self._db.transaction() as conn:
            _type, _holding, state, on = self._header(conn, meeting_id)
            if state is MeetingState.CANCELLED:
                raise RuleViolation("中止した会議には記録を書けません。")
            cur = conn.execute(
                "UPDATE meeting_cases SET shared_view = ?, decisions = ?, strain = ?, small_changes = ?,"
                " next_meeting_on = ? WHERE meeting_id = ? AND case_id = ?",
                (
                    shared_view.strip(),
                    decisions.strip(),
                    strain.strip(),
                    small_changes.strip(),
                    date_text(next_meeting_on),
                    meeting_id,
                    case_id,
                ),
            )
            if cur.rowcount == 0:
                raise RecordNotFound("会議の検討ケース", case_id)
            conn.execute(
                "DELETE FROM resource_gaps WHERE meeting_id = ? AND case_id = ?", (meeting_id, case_id)
            )
            conn.executemany(
                "INSERT INTO resource_gaps (meeting_id, case_id, text, noted_on) VALUES (?, ?, ?, ?)",
                [
                    (meeting_id, case_id, text.strip(), on.isoformat())
                    for text in resource_gaps
                    if text.strip()
                ],
            )
            conn.execute("UPDATE meetings SET updated_at = ? WHERE id = ?", (now_text(), meeting_id))

    # ---- attendees ---------------------------------------------------------------------------------

    def _attendee_meeting(self, conn: Connection, attendee_id: int) -> int:
        row = conn.execute("SELECT meeting_id FROM meeting_attendees WHERE id = ?", (attendee_id,)).fetchone()
        if row is None:
            raise RecordNotFound("出席者", attendee_id)
        return int(row[0])

    @staticmethod
    def _insert_attendee(conn: Connection, meeting_id: int, attendee: Attendee) -> int:
        name = attendee.name.strip()
        if not name:
            raise ValidationError("出席者の氏名（または機関名）を入力してください。", "name")
        cur = conn.execute(
            "INSERT INTO meeting_attendees (meeting_id, name, affiliation, kind, agency_id, staff_id, attended,"
            " pledge_on, pledge_method) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                meeting_id,
                name,
                attendee.affiliation.strip(),
                attendee.kind.value,
                attendee.agency_id,
                attendee.staff_id,
                None if attendee.attended is None else int(attendee.attended),
                date_text(attendee.pledge_on),
                attendee.pledge_method.strip(),
            ),
        )
        return int(cur.lastrowid or 0)

    def invite(self, meeting_id: int, attendee: Attendee) -> int:
        with self._db.transaction() as conn:
            self._planned(conn, meeting_id)
            return self._insert_attendee(conn, meeting_id, attendee)

    def invite_team(self, meeting_id: int, case_id: CaseId) -> list[int]:
        """Invite the agencies and staff of the case's team who are not invited yet."""
        with self._db.transaction() as conn:
            self._planned(conn, meeting_id)
            team = self._db.cases.get(case_id).team
            present = conn.execute(
                "SELECT agency_id, staff_id FROM meeting_attendees WHERE meeting_id = ?", (meeting_id,)
            ).fetchall()
            agencies = {r[0] for r in present if r[0] is not None}
            staff = {r[1] for r in present if r[1] is not None}
            added: list[int] = []
            for member in team:
                agency = self._db.agencies.get(member.agency_id)
                if member.staff_id is not None:
                    if member.staff_id in staff:
                        continue
                    person = self._db.staff.get(member.staff_id)
                    attendee = Attendee(
                        name=person.name,
                        affiliation=agency.name,
                        kind=AttendeeKind.AGENCY,
                        agency_id=member.agency_id,
                        staff_id=member.staff_id,
                    )
                    staff.add(member.staff_id)
                else:
                    if member.agency_id in agencies:
                        continue
                    attendee = Attendee(
                        name=agency.name, kind=AttendeeKind.AGENCY, agency_id=member.agency_id
                    )
                agencies.add(member.agency_id)
                added.append(self._insert_attendee(conn, meeting_id, attendee))
            return added

    def set_attendance(self, attendee_id: int, attended: bool) -> None:
        with self._db.transaction() as conn:
            self._planned(conn, self._attendee_meeting(conn, attendee_id))
            conn.execute(
                "UPDATE meeting_attendees SET attended = ? WHERE id = ?", (int(attended), attendee_id)
            )

    def record_pledge(self, attendee_id: int, on: dt.date, method: str) -> None:
        """守秘義務の確認 (署名・口頭…) of one attendee."""
        method = method.strip()
        if not method:
            raise ValidationError("確認の方法（署名・口頭など）を入力してください。", "pledge_method")
        with self._db.transaction() as conn:
            self._planned(conn, self._attendee_meeting(conn, attendee_id))
            conn.execute(
                "UPDATE meeting_attendees SET pledge_on = ?, pledge_method = ? WHERE id = ?",
                (on.isoformat(), method, attendee_id),
            )

    def remove_attendee(self, attendee_id: int) -> None:
        """Take someone off a 予定 meeting; refused while they still have an action there."""
        with self._db.transaction() as conn:
            self._planned(conn, self._attendee_meeting(conn, attendee_id))
            count = int(
                conn.execute(
                    "SELECT count(*) FROM meeting_actions WHERE attendee_id = ?", (attendee_id,)
                ).fetchone()[0]
            )
            if count:
                raise RuleViolation(
                    f"この人には役割が {count} 件あります。先に役割を別の人に移すか削除してください。"
                )
            conn.execute("DELETE FROM meeting_attendees WHERE id = ?", (attendee_id,))

    # ---- actions (行動連携) --------------------------------------------------------------------------

    def _check_attendee(
        self, conn: Connection, meeting_id: int, attendee_id: int | None
    ) -> tuple[str, int | None]:
        """The attendee's label and agency; the attendee must be on this meeting."""
        if attendee_id is None:
            return "", None
        row = conn.execute(
            "SELECT name, affiliation, agency_id FROM meeting_attendees WHERE id = ? AND meeting_id = ?",
            (attendee_id, meeting_id),
        ).fetchone()
        if row is None:
            raise RuleViolation("役割を担う人は、この会議の出席者から選んでください。")
        label = f"{row[0]}（{row[1]}）" if row[1] else row[0]
        return label, row[2]

    def add_action(self, meeting_id: int, case_id: CaseId, action: Action) -> int:
        """One line of the 支援計画: who (an attendee of this meeting) does what by when."""
        if action.status not in OPEN_ACTION_STATUSES:
            raise RuleViolation("新しい役割は「未着手」か「対応中」で登録してください。")
        with self._db.transaction() as conn:
            _type, _holding, state, _on = self._header(conn, meeting_id)
            if state is MeetingState.CANCELLED:
                raise RuleViolation("中止した会議には役割を登録できません。")
            if not conn.execute(
                "SELECT 1 FROM meeting_cases WHERE meeting_id = ? AND case_id = ?", (meeting_id, case_id)
            ).fetchone():
                raise RuleViolation("このケースはこの会議の検討ケースではありません。")
            label, agency_id = self._check_attendee(conn, meeting_id, action.attendee_id)
            who = action.who.strip() or label
            checked = validate_action(Action(action.attendee_id, who, action.what, action.due_on))
            now = now_text()
            cur = conn.execute(
                "INSERT INTO meeting_actions (meeting_id, case_id, attendee_id, who, who_agency_id, what, due_on,"
                " status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    meeting_id,
                    case_id,
                    checked.attendee_id,
                    checked.who.strip(),
                    agency_id,
                    checked.what.strip(),
                    date_text(checked.due_on),
                    action.status.value,
                    now,
                    now,
                ),
            )
            return int(cur.lastrowid or 0)

    def get_action(self, action_id: int) -> Action:
        row = self._db.conn.execute(
            f"SELECT {_ACTION_COLUMNS} FROM meeting_actions WHERE id = ?", (action_id,)
        ).fetchone()
        if row is None:
            raise RecordNotFound("役割", action_id)
        return _action(row)

    def update_action(self, action: Action) -> None:
        """Change who / what / by when of an open action (status moves by set_status / complete_action)."""
        if action.id is None:
            raise ValueError("action without id")
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT meeting_id, status FROM meeting_actions WHERE id = ?", (action.id,)
            ).fetchone()
            if row is None:
                raise RecordNotFound("役割", action.id)
            if ActionStatus(row[1]) not in OPEN_ACTION_STATUSES:
                raise RuleViolation(f"「{row[1]}」の役割は変更できません。")
            label, agency_id = self._check_attendee(conn, int(row[0]), action.attendee_id)
            checked = validate_action(
                Action(action.attendee_id, action.who.strip() or label, action.what, action.due_on)
            )
            conn.execute(
                "UPDATE meeting_actions SET attendee_id = ?, who = ?, who_agency_id = ?, what = ?, due_on = ?,"
                " updated_at = ? WHERE id = ?",
                (
                    checked.attendee_id,
                    checked.who.strip(),
                    agency_id,
                    checked.what.strip(),
                    date_text(checked.due_on),
                    now_text(),
                    action.id,
                ),
            )

    def remove_action(self, action_id: int) -> None:
        """Delete an action of a 予定 meeting (after the meeting, close it with a reason instead)."""
        with self._db.transaction() as conn:
            row = conn.execute("SELECT meeting_id FROM meeting_actions WHERE id = ?", (action_id,)).fetchone()
            if row is None:
                raise RecordNotFound("役割", action_id)
            self._planned(conn, int(row[0]))
            conn.execute("DELETE FROM meeting_actions WHERE id = ?", (action_id,))

    def set_status(self, action_id: int, status: ActionStatus) -> None:
        """未着手 ↔ 対応中 (closing goes through complete_action, which asks for a result)."""
        if status not in OPEN_ACTION_STATUSES:
            raise RuleViolation("完了・見送りにするときは、結果をひとこと入力してください。")
        with self._db.transaction() as conn:
            action = self.get_action(action_id)
            if action.status not in OPEN_ACTION_STATUSES:
                raise RuleViolation(f"この役割はすでに「{action.status.value}」です。")
            conn.execute(
                "UPDATE meeting_actions SET status = ?, updated_at = ? WHERE id = ?",
                (status.value, now_text(), action_id),
            )

    def complete_action(self, action_id: int, *, on: dt.date, result: str, dropped: bool = False) -> None:
        """Close an action as 完了 (with what happened) or 見送り (with why)."""
        with self._db.transaction() as conn:
            done = complete(self.get_action(action_id), on=on, result=result, dropped=dropped)
            conn.execute(
                "UPDATE meeting_actions SET status = ?, result = ?, done_on = ?, updated_at = ? WHERE id = ?",
                (done.status.value, done.result, date_text(done.done_on), now_text(), action_id),
            )

    def open_actions(
        self, *, today: dt.date, agency_id: AgencyId | None = None, case_id: CaseId | None = None
    ) -> list[ActionRow]:
        """未着手・対応中 actions (of meetings not cancelled), overdue first, then by due date."""
        clauses = ["a.status IN ('未着手', '対応中')", "m.state <> '中止'"]
        params: list[Any] = []
        if agency_id is not None:
            clauses.append("a.who_agency_id = ?")
            params.append(agency_id)
        if case_id is not None:
            clauses.append("a.case_id = ?")
            params.append(case_id)
        rows = self._db.conn.execute(
            f"{_ACTION_ROW_SELECT} WHERE {' AND '.join(clauses)}"
            " ORDER BY (a.due_on IS NOT NULL AND a.due_on < ?) DESC, a.due_on IS NULL, a.due_on, m.on_date, a.id",
            (*params, today.isoformat()),
        ).fetchall()
        return [_action_row(r, today) for r in rows]

    def actions_for_case(self, case_id: CaseId, *, today: dt.date | None = None) -> list[ActionRow]:
        """Every action of the case, by meeting date (overdue is flagged only when ``today`` is given)."""
        rows = self._db.conn.execute(
            f"{_ACTION_ROW_SELECT} WHERE a.case_id = ? ORDER BY m.on_date, m.id, a.id", (case_id,)
        ).fetchall()
        return [_action_row(r, today) for r in rows]

    # ---- holding and cancelling ------------------------------------------------------------------

    def hold(self, meeting_id: int) -> None:
        """Record the meeting as 開催済 when the rules allow; its meeting requests become 開催済."""
        with self._db.transaction() as conn:
            meeting = self.get(meeting_id)
            if meeting.state is not MeetingState.PLANNED:
                raise RuleViolation(f"この会議はすでに「{meeting.state.value}」です。")
            check_can_hold(meeting)
            now = now_text()
            conn.execute(
                "UPDATE meetings SET state = ?, updated_at = ? WHERE id = ?",
                (MeetingState.HELD.value, now, meeting_id),
            )
            conn.execute(
                "UPDATE meeting_requests SET state = '開催済', meeting_id = ?"
                " WHERE (meeting_id = ? AND state = '開催予定')"
                " OR id IN (SELECT request_id FROM meeting_cases WHERE meeting_id = ? AND request_id IS NOT NULL)",
                (meeting_id, meeting_id, meeting_id),
            )

    def cancel(self, meeting_id: int, reason: str) -> None:
        """Call off a 予定 meeting (the reason is kept); its meeting requests go back to 未定."""
        reason = reason.strip()
        if not reason:
            raise ValidationError("中止の理由を入力してください。", "reason")
        with self._db.transaction() as conn:
            self._planned(conn, meeting_id)
            conn.execute(
                "UPDATE meetings SET state = ?, cancel_reason = ?, updated_at = ? WHERE id = ?",
                (MeetingState.CANCELLED.value, reason, now_text(), meeting_id),
            )
            conn.execute(
                "UPDATE meeting_requests SET state = '未定', meeting_id = NULL WHERE meeting_id = ? AND state = '開催予定'",
                (meeting_id,),
            )

    # ---- mandatory timings ------------------------------------------------------------------------

    def raise_need(self, case_id: CaseId, reason: Reason, *, since: dt.date, source: str = "") -> int:
        """Note that the case needs a 重層的支援会議 for ``reason`` (one of the four timings)."""
        if reason not in MANDATORY_REASONS:
            raise RuleViolation(
                f"「{reason.value}」は重層的支援会議が必須の時機ではありません"
                f"（{'・'.join(r.value for r in MANDATORY_REASONS)}）。"
            )
        with self._db.transaction() as conn:
            self._db.cases.get(case_id)
            cur = conn.execute(
                "INSERT INTO meeting_needs (case_id, reason, since, source, created_at) VALUES (?, ?, ?, ?, ?)",
                (case_id, reason.value, since.isoformat(), source.strip(), now_text()),
            )
            return int(cur.lastrowid or 0)

    def remove_need(self, need_id: int) -> None:
        """Withdraw a need entered by mistake."""
        with self._db.transaction() as conn:
            if conn.execute("DELETE FROM meeting_needs WHERE id = ?", (need_id,)).rowcount == 0:
                raise RecordNotFound("会議が必要な記録", need_id)

    def open_needs(self, case_id: CaseId | None = None) -> list[MeetingNeed]:
        """Needs not yet met by a held 重層的支援会議 with that case and reason on or after them."""
        conn = self._db.conn
        case_clause = " AND case_id = ?" if case_id is not None else ""
        case_params: tuple[Any, ...] = (case_id,) if case_id is not None else ()
        needs = [
            MeetingNeed(CaseId(r[1]), Reason(r[2]), dt.date.fromisoformat(r[3]), r[4], int(r[0]))
            for r in conn.execute(
                f"SELECT id, case_id, reason, since, source FROM meeting_needs WHERE 1 = 1{case_clause}"
                " ORDER BY since, id",
                case_params,
            )
        ]
        if not needs:
            return []
        held = [
            HeldItem(CaseId(r[0]), Reason(r[1]), MeetingType(r[2]), dt.date.fromisoformat(r[3]))
            for r in conn.execute(
                "SELECT mc.case_id, mc.reason, m.type, m.on_date FROM meeting_cases mc"
                " JOIN meetings m ON m.id = mc.meeting_id"
                f" WHERE m.state = '開催済'{case_clause.replace('case_id', 'mc.case_id')}",
                case_params,
            )
        ]
        return compute_open_needs(needs, held)

    # ---- 地域づくり --------------------------------------------------------------------------------

    def resource_gaps(self, start: dt.date | None = None, end: dt.date | None = None) -> list[ResourceGapRow]:
        """「こんな資源があれば」 noted at meetings from ``start`` to ``end``, oldest first."""
        clauses: list[str] = []
        params: list[Any] = []
        if start is not None:
            clauses.append("g.noted_on >= ?")
            params.append(start.isoformat())
        if end is not None:
            clauses.append("g.noted_on <= ?")
            params.append(end.isoformat())
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._db.conn.execute(
            "SELECT g.id, g.noted_on, g.meeting_id, coalesce(m.title, ''), g.case_id, coalesce(c.number, ''), g.text"
            " FROM resource_gaps g LEFT JOIN meetings m ON m.id = g.meeting_id LEFT JOIN cases c ON c.id = g.case_id"
            f" {where} ORDER BY g.noted_on, g.id",
            params,
        ).fetchall()
        return [
            ResourceGapRow(
                int(r[0]),
                dt.date.fromisoformat(r[1]),
                int(r[2]) if r[2] is not None else None,
                r[3],
                CaseId(r[4]) if r[4] is not None else None,
                r[5],
                r[6],
            )
            for r in rows
        ]
