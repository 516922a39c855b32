"""支援プラン versions, their confirmation, monitoring, contact attempts, 終結 and 中断, with re-opening.

Every step is one transaction: the rule check, the plan's new state, the previous version it
supersedes, the meeting need it raises and the case's status move are written together or not
at all.  The rules themselves are in :mod:`jusou_desktop.domain.plans` (and the case lifecycle in
:mod:`jusou_desktop.domain.status`); this module only reads and writes them.

- A case has one 初回 plan (version 0); later versions are re-plans started from the confirmed
  one (:meth:`PlanRepository.start_replan`).  At most one version is open (not yet confirmed).
- ``current`` is the newest confirmed version; ``draft`` the open one, if any.
- Putting a version forward raises the mandatory 重層的支援会議 for it (プラン策定後の評価 for the
  初回, 再プラン for the others).  That need stands for the plan: the needs the case's status move
  would raise by itself (プラン作成 ⇄ 支援中) are not added a second time.
- Confirming a version ends the one confirmed before (再プランにより終了) and moves the case to
  支援中 when the lifecycle allows.
- Lists inside a version are JSON with ISO dates (a version is read and printed whole).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, NamedTuple

from jusou_desktop.domain import plans as rules
from jusou_desktop.domain import status as lifecycle
from jusou_desktop.domain.errors import RuleViolation, ValidationError
from jusou_desktop.domain.ids import AgencyId, CaseId
from jusou_desktop.domain.meetings import MeetingState, MeetingType, Reason
from jusou_desktop.domain.model import CaseStatus, ConsentState
from jusou_desktop.domain.plans import (
    Approval,
    ApprovingMeeting,
    Attainment,
    Change,
    ContactAttempt,
    DecidingMeeting,
    Evaluation,
    GoalAttainment,
    GoalProgress,
    Monitoring,
    PlanState,
    PlanVersion,
    ProblemSupport,
    Role,
    Service,
    SupportDecision,
)
from jusou_desktop.store._base import Repository, date_text, now_text, to_date
from jusou_desktop.store.connection import Connection
from jusou_desktop.store.errors import RecordNotFound

OPEN_PLAN_STATES = (PlanState.DRAFT, PlanState.AWAITING_DECISION, PlanState.AWAITING_APPROVAL)
"""A version in one of these states is the case's open version (at most one per case)."""


class EndingKind(StrEnum):
    END = "終結"
    SUSPENSION = "中断"


@dataclass(frozen=True, slots=True)
class CaseEnding:
    """One 終結 or 中断 of a case; re-opening the case keeps it and notes the date."""

    id: int
    case_id: CaseId
    kind: EndingKind
    on: dt.date
    by: str
    meeting_id: int | None
    evaluation: Evaluation | None  # 終結 only
    reopened_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One case in the プラン一覧: the version that matters now (the open one, else the one in force)."""

    case_id: CaseId
    case_number: str
    case_name: str
    case_status: CaseStatus
    plan: PlanVersion
    next_monitoring: dt.date | None  # of the version in force, while the case is open


class MonitoringDue(NamedTuple):
    """A case whose monitoring is due (and not done): one line of the 「モニタリング時期」 list."""

    case_id: CaseId
    case_number: str
    case_name: str
    due_on: dt.date
    plan_label: str


# ---- JSON -----------------------------------------------------------------------------------------


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _services_to_json(services: frozenset[Service]) -> str:
    return _dumps([s.value for s in Service if s in services])


def _services_from_json(text: str) -> frozenset[Service]:
    return frozenset(Service(v) for v in json.loads(text or "[]"))


def _problems_to_json(problems: Sequence[ProblemSupport]) -> str:
    return _dumps([{"problem": p.problem, "support": p.support} for p in problems])


def _problems_from_json(text: str) -> tuple[ProblemSupport, ...]:
    return tuple(ProblemSupport(d["problem"], d["support"]) for d in json.loads(text or "[]"))


def _roles_to_json(roles: Sequence[Role]) -> str:
    return _dumps(
        [
            {
                "agency_name": r.agency_name,
                "what": r.what,
                "agency_id": r.agency_id,
                "person": r.person,
                "frequency": r.frequency,
                "start_on": date_text(r.start_on),
                "end_on": date_text(r.end_on),
            }
            for r in roles
        ]
    )


def _roles_from_json(text: str) -> tuple[Role, ...]:
    return tuple(
        Role(
            agency_name=d["agency_name"],
            what=d["what"],
            agency_id=AgencyId(d["agency_id"]) if d.get("agency_id") is not None else None,
            person=d.get("person", ""),
            frequency=d.get("frequency", ""),
            start_on=to_date(d.get("start_on")),
            end_on=to_date(d.get("end_on")),
        )
        for d in json.loads(text or "[]")
    )


def _progress_to_json(progress: Sequence[GoalProgress]) -> str:
    return _dumps(
        [{"goal": p.goal, "progress": p.progress, "small_change": p.small_change} for p in progress]
    )


def _progress_from_json(text: str) -> tuple[GoalProgress, ...]:
    return tuple(
        GoalProgress(d["goal"], d["progress"], d.get("small_change", "")) for d in json.loads(text or "[]")
    )


def _evaluation_to_json(evaluation: Evaluation) -> str:
    return _dumps(
        {
            "on": evaluation.on.isoformat(),
            "by": evaluation.by,
            "attainments": [
                {"goal": a.goal, "attainment": a.attainment.value, "comment": a.comment}
                for a in evaluation.attainments
            ],
            "main_supporter": evaluation.main_supporter,
            "follow_up_needed": evaluation.follow_up_needed,
            "follow_up": evaluation.follow_up,
        }
    )


def _evaluation_from_json(text: str) -> Evaluation | None:
    data = json.loads(text or "{}")
    if not data:
        return None
    return Evaluation(
        on=dt.date.fromisoformat(data["on"]),
        by=data["by"],
        attainments=tuple(
            GoalAttainment(a["goal"], Attainment(a["attainment"]), a.get("comment", ""))
            for a in data["attainments"]
        ),
        main_supporter=data["main_supporter"],
        follow_up_needed=bool(data["follow_up_needed"]),
        follow_up=data.get("follow_up", ""),
    )


# ---- rows -----------------------------------------------------------------------------------------

_PLAN_COLUMNS = (
    "id, case_id, number, state, goals, policy, problems, roles, services, monitoring_on, drawn_up_by,"
    " drawn_up_on, decided_on, decided_by, decided_services, decision_from, decision_to, approved_meeting,"
    " approved_on, reported_on"
)


def _plan(r: Any) -> PlanVersion:
    decision = None
    if r[12] is not None:
        decision = SupportDecision(
            decided_on=dt.date.fromisoformat(r[12]),
            decided_by=r[13],
            services=_services_from_json(r[14]),
            period_from=dt.date.fromisoformat(r[15]),
            period_to=dt.date.fromisoformat(r[16]),
        )
    approval = None
    if r[18] is not None:
        approval = Approval(int(r[17] or 0), dt.date.fromisoformat(r[18]), to_date(r[19]))
    return PlanVersion(
        id=int(r[0]),
        case_id=CaseId(r[1]),
        number=int(r[2]),
        state=PlanState(r[3]),
        goals=tuple(json.loads(r[4] or "[]")),
        policy=r[5],
        problems=_problems_from_json(r[6]),
        roles=_roles_from_json(r[7]),
        services=_services_from_json(r[8]),
        monitoring_on=to_date(r[9]),
        drawn_up_by=r[10],
        drawn_up_on=to_date(r[11]),
        decision=decision,
        approval=approval,
    )


def _content(plan: PlanVersion) -> tuple[Any, ...]:
    """The editable part of a version, in the column order of INSERT and UPDATE below."""
    return (
        _dumps([g.strip() for g in plan.goals if g.strip()]),
        plan.policy.strip(),
        _problems_to_json(plan.problems),
        _roles_to_json(plan.roles),
        _services_to_json(plan.services),
        date_text(plan.monitoring_on),
        plan.drawn_up_by.strip(),
        date_text(plan.drawn_up_on),
    )


_MONITORING_COLUMNS = "id, plan_id, on_date, by_name, progress, next_on, note"


def _monitoring(r: Any) -> Monitoring:
    return Monitoring(
        plan_id=int(r[1]),
        on=dt.date.fromisoformat(r[2]),
        by=r[3],
        progress=_progress_from_json(r[4]),
        next_on=to_date(r[5]),
        note=r[6],
        id=int(r[0]),
    )


def _plan_name(plan: PlanVersion) -> str:
    """「プラン第2版（再プラン1）」: version 0 is the first."""
    return f"プラン第{plan.number + 1}版（{plan.label}）"


class PlanRepository(Repository):
    # ---- helpers ----------------------------------------------------------------------------------

    def _status(self, conn: Connection, case_id: CaseId) -> CaseStatus:
        row = conn.execute("SELECT status FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise RecordNotFound("ケース", case_id)
        return CaseStatus(row[0])

    def _check_open(self, conn: Connection, case_id: CaseId) -> None:
        status = self._status(conn, case_id)
        if not lifecycle.is_open(status):
            raise RuleViolation(
                f"「{status.value}」のケースです。プランを作るときは、ケースを再開してください。"
            )

    def _move(
        self, conn: Connection, case_id: CaseId, target: CaseStatus, *, on: dt.date, reason: str, by: str
    ) -> None:
        """Move the case to ``target`` when the lifecycle allows (no-op when it is there or may not go).

        The plan raises its own mandatory meeting when it is put forward; the need the status move
        would raise by itself (評価 after プラン作成 → 支援中, 再プラン after 支援中 → プラン作成) is
        not added a second time.
        """
        status = self._status(conn, case_id)
        if status is target or not lifecycle.is_allowed(status, target):
            return
        last = int(
            conn.execute(
                "SELECT coalesce(max(id), 0) FROM meeting_needs WHERE case_id = ?", (case_id,)
            ).fetchone()[0]
        )
        self._db.cases.change_status(case_id, target, on=on, reason=reason, by=by)
        conn.execute("DELETE FROM meeting_needs WHERE case_id = ? AND id > ?", (case_id, last))

    def _get(self, conn: Connection, plan_id: int) -> PlanVersion:
        row = conn.execute(f"SELECT {_PLAN_COLUMNS} FROM plan_versions WHERE id = ?", (plan_id,)).fetchone()
        if row is None:
            raise RecordNotFound("支援プラン", plan_id)
        return _plan(row)

    def _set_state(self, conn: Connection, plan: PlanVersion) -> None:
        """Write the state and the confirmation part (decision, approval) of ``plan``."""
        decision = plan.decision
        approval = plan.approval
        conn.execute(
            "UPDATE plan_versions SET state = ?, decided_on = ?, decided_by = ?, decided_services = ?,"
            " decision_from = ?, decision_to = ?, approved_meeting = ?, approved_on = ?, reported_on = ?,"
            " updated_at = ? WHERE id = ?",
            (
                plan.state.value,
                date_text(decision.decided_on) if decision else None,
                decision.decided_by.strip() if decision else "",
                _services_to_json(decision.services) if decision else "[]",
                date_text(decision.period_from) if decision else None,
                date_text(decision.period_to) if decision else None,
                approval.meeting_id if approval and approval.meeting_id else None,
                date_text(approval.approved_on) if approval else None,
                date_text(approval.reported_on) if approval else None,
                now_text(),
                plan.id,
            ),
        )

    def _confirmed(self, conn: Connection, plan: PlanVersion, *, on: dt.date, how: str, by: str) -> None:
        """After confirmation: the version confirmed before ends, the case goes to 支援中 if it may."""
        conn.execute(
            "UPDATE plan_versions SET state = ?, updated_at = ? WHERE case_id = ? AND state = ? AND id <> ?",
            (PlanState.SUPERSEDED.value, now_text(), plan.case_id, PlanState.CONFIRMED.value, plan.id),
        )
        self._move(
            conn, plan.case_id, CaseStatus.SUPPORTING, on=on, reason=f"{_plan_name(plan)}を{how}で確定", by=by
        )

    def _open_version(self, conn: Connection, case_id: CaseId) -> PlanVersion | None:
        row = conn.execute(
            f"SELECT {_PLAN_COLUMNS} FROM plan_versions WHERE case_id = ? AND state IN (?, ?, ?)"
            " ORDER BY number DESC LIMIT 1",
            (case_id, *(s.value for s in OPEN_PLAN_STATES)),
        ).fetchone()
        return _plan(row) if row else None

    def _current(self, conn: Connection, case_id: CaseId) -> PlanVersion | None:
        row = conn.execute(
            f"SELECT {_PLAN_COLUMNS} FROM plan_versions WHERE case_id = ? AND state = ?"
            " ORDER BY number DESC LIMIT 1",
            (case_id, PlanState.CONFIRMED.value),
        ).fetchone()
        return _plan(row) if row else None

    def _insert(self, conn: Connection, plan: PlanVersion) -> int:
        now = now_text()
        cur = conn.execute(
            "INSERT INTO plan_versions (goals, policy, problems, roles, services, monitoring_on, drawn_up_by,"
            " drawn_up_on, case_id, number, state, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*_content(plan), plan.case_id, plan.number, PlanState.DRAFT.value, now, now),
        )
        return int(cur.lastrowid or 0)

    # ---- versions ---------------------------------------------------------------------------------

    def create(self, plan: PlanVersion) -> int:
        """The 初回 plan (version 0, 作成中) of a case that has none; the case goes to プラン作成 if it may.

        The version number and state are set here; a case that already has a plan is changed by a
        re-plan (:meth:`start_replan`).
        """
        if plan.state is not PlanState.DRAFT:
            raise RuleViolation("新しいプランは「作成中」として登録します。")
        with self._db.transaction() as conn:
            self._check_open(conn, plan.case_id)
            if conn.execute("SELECT 1 FROM plan_versions WHERE case_id = ?", (plan.case_id,)).fetchone():
                raise RuleViolation(
                    "このケースにはすでにプランがあります。変えるときは再プランを始めてください。"
                )
            plan_id = self._insert(conn, replace(plan, number=0))
            self._move(
                conn,
                plan.case_id,
                CaseStatus.PLANNING,
                on=plan.drawn_up_on or dt.date.today(),
                reason="初回プランの作成",
                by=plan.drawn_up_by.strip(),
            )
            return plan_id

    def save(self, plan: PlanVersion) -> None:
        """Change the content of a 作成中 version (its case, number and state stay as stored)."""
        if plan.id is None:
            raise ValueError("plan without id")
        with self._db.transaction() as conn:
            stored = self._get(conn, plan.id)
            if stored.state is not PlanState.DRAFT:
                raise RuleViolation(
                    f"「{stored.state.value}」のプランは変更できません。変えるときは再プランを始めてください。"
                )
            conn.execute(
                "UPDATE plan_versions SET goals = ?, policy = ?, problems = ?, roles = ?, services = ?,"
                " monitoring_on = ?, drawn_up_by = ?, drawn_up_on = ?, updated_at = ? WHERE id = ?",
                (*_content(plan), now_text(), plan.id),
            )

    def get(self, plan_id: int) -> PlanVersion:
        return self._get(self._db.conn, plan_id)

    def versions(self, case_id: CaseId) -> list[PlanVersion]:
        """Every version of the case, 初回 first."""
        rows = self._db.conn.execute(
            f"SELECT {_PLAN_COLUMNS} FROM plan_versions WHERE case_id = ? ORDER BY number", (case_id,)
        ).fetchall()
        return [_plan(r) for r in rows]

    def current(self, case_id: CaseId) -> PlanVersion | None:
        """The confirmed version in force (also while a re-plan is being drafted), or None."""
        return self._current(self._db.conn, case_id)

    def draft(self, case_id: CaseId) -> PlanVersion | None:
        """The version not yet confirmed (作成中・支援決定待ち・会議の了承待ち), or None."""
        return self._open_version(self._db.conn, case_id)

    def rows(self) -> list[PlanRow]:
        """Every case with a plan, by case number."""
        conn = self._db.conn
        rows = conn.execute(
            f"SELECT {', '.join('v.' + c for c in _PLAN_COLUMNS.split(', '))}, c.number, p.name, c.status"
            " FROM plan_versions v JOIN cases c ON c.id = v.case_id JOIN persons p ON p.id = c.principal_id"
            " WHERE v.state <> ? ORDER BY c.number, c.id, v.number",
            (PlanState.SUPERSEDED.value,),
        ).fetchall()
        records = self._monitorings_of([int(r[0]) for r in rows if r[3] == PlanState.CONFIRMED.value])
        shown: dict[int, Any] = {}
        next_on: dict[int, dt.date | None] = {}
        for r in rows:  # per case: the confirmed version, then the open one (newer) replaces it
            case_id = int(r[1])
            shown[case_id] = r
            plan = _plan(r)
            if plan.state is PlanState.CONFIRMED and lifecycle.is_open(CaseStatus(r[-1])):
                next_on[case_id] = rules.monitoring_due(plan, records.get(int(r[0]), ()), dt.date.max)
        return [
            PlanRow(CaseId(case_id), r[-3], r[-2], CaseStatus(r[-1]), _plan(r), next_on.get(case_id))
            for case_id, r in shown.items()
        ]

    def diff(self, old_id: int, new_id: int) -> list[Change]:
        conn = self._db.conn
        return rules.diff(self._get(conn, old_id), self._get(conn, new_id))

    # ---- confirmation -----------------------------------------------------------------------------

    def put_forward(self, plan_id: int, *, on: dt.date) -> PlanVersion:
        """作成中 → 支援決定待ち / 会議の了承待ち, and the mandatory 重層的支援会議 for it.

        A case still in アセスメント goes to プラン作成; otherwise its status stays.

        The need (プラン策定後の評価 for the 初回, 再プラン for the others) is raised only with
        consent (without it the case is followed in 支援会議) and only if one for that reason is not
        already open.
        """
        with self._db.transaction() as conn:
            plan = rules.put_forward(self._get(conn, plan_id))
            self._set_state(conn, plan)
            if self._status(conn, plan.case_id) is CaseStatus.ASSESSMENT:  # drafted before アセスメント
                self._move(
                    conn, plan.case_id, CaseStatus.PLANNING, on=on, reason=f"{_plan_name(plan)}を提出", by=""
                )
            consent = conn.execute("SELECT consent_state FROM cases WHERE id = ?", (plan.case_id,)).fetchone()
            reason = Reason.EVALUATION if plan.number == 0 else Reason.REPLAN
            if ConsentState(consent[0]) is ConsentState.GIVEN and all(
                n.reason is not reason for n in self._db.meetings.open_needs(plan.case_id)
            ):
                self._db.meetings.raise_need(
                    plan.case_id, reason, since=on, source=f"{_plan_name(plan)}を提出"
                )
            return plan

    def withdraw(self, plan_id: int) -> PlanVersion:
        """A version put forward goes back to 作成中 to be corrected (e.g. when the 支援決定 differs)."""
        with self._db.transaction() as conn:
            plan = self._get(conn, plan_id)
            if plan.state not in (PlanState.AWAITING_DECISION, PlanState.AWAITING_APPROVAL):
                raise RuleViolation(f"「{plan.state.value}」のプランは作成中に戻せません。")
            plan = replace(plan, state=PlanState.DRAFT, decision=None, approval=None)
            self._set_state(conn, plan)
            return plan

    def record_decision(self, plan_id: int, decision: SupportDecision) -> PlanVersion:
        """The municipality's 支援決定 confirms a plan with アウトリーチ等・参加支援."""
        with self._db.transaction() as conn:
            plan = rules.record_decision(self._get(conn, plan_id), decision)
            self._set_state(conn, plan)
            self._confirmed(
                conn, plan, on=decision.decided_on, how="支援決定", by=decision.decided_by.strip()
            )
            return plan

    def record_approval(
        self, plan_id: int, meeting_id: int, *, reported_on: dt.date | None = None
    ) -> PlanVersion:
        """A held 重層的支援会議 with the case on its agenda approves (了承) a plan without them."""
        with self._db.transaction() as conn:
            plan = self._get(conn, plan_id)
            meeting = self._db.meetings.get(meeting_id)
            approving = ApprovingMeeting(
                id=meeting_id,
                is_jusou=meeting.type is MeetingType.JUSOU,
                held=meeting.state is MeetingState.HELD,
                on=meeting.on,
                case_on_agenda=any(item.case_id == plan.case_id for item in meeting.agenda),
            )
            plan = rules.record_approval(plan, approving, reported_on=reported_on)
            self._set_state(conn, plan)
            self._confirmed(conn, plan, on=meeting.on, how="重層的支援会議の了承", by="")
            return plan

    def record_report(self, plan_id: int, on: dt.date) -> PlanVersion:
        """The report (報告) to the municipality of a plan the meeting approved."""
        with self._db.transaction() as conn:
            plan = rules.record_report(self._get(conn, plan_id), on)
            self._set_state(conn, plan)
            return plan

    def start_replan(self, case_id: CaseId, *, on: dt.date, by: str) -> int:
        """A new 作成中 version copied from the confirmed one; the case goes to プラン作成 if it may."""
        with self._db.transaction() as conn:
            self._check_open(conn, case_id)
            open_version = self._open_version(conn, case_id)
            if open_version is not None:
                raise RuleViolation(
                    f"まだ確定していない{_plan_name(open_version)}があります。そちらを続けてください。"
                )
            current = self._current(conn, case_id)
            if current is None:
                raise RuleViolation("確定したプランがありません。先に初回のプランを作成してください。")
            plan = rules.start_replan(current, on=on, by=by.strip())
            plan_id = self._insert(conn, plan)
            self._move(conn, case_id, CaseStatus.PLANNING, on=on, reason=f"{_plan_name(plan)}の作成", by=by)
            return plan_id

    # ---- monitoring -------------------------------------------------------------------------------

    def add_monitoring(self, record: Monitoring) -> int:
        """A monitoring of a confirmed plan; the case goes to モニタリング if it may."""
        with self._db.transaction() as conn:
            plan = self._get(conn, record.plan_id)
            rules.check_monitoring(plan, record)
            cur = conn.execute(
                "INSERT INTO plan_monitorings (plan_id, on_date, by_name, progress, next_on, note, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    record.plan_id,
                    record.on.isoformat(),
                    record.by.strip(),
                    _progress_to_json(record.progress),
                    date_text(record.next_on),
                    record.note.strip(),
                    now_text(),
                ),
            )
            self._move(
                conn,
                plan.case_id,
                CaseStatus.MONITORING,
                on=record.on,
                reason=f"{_plan_name(plan)}のモニタリング",
                by=record.by.strip(),
            )
            return int(cur.lastrowid or 0)

    def monitorings(self, plan_id: int) -> list[Monitoring]:
        """The monitorings of a version, oldest first."""
        rows = self._db.conn.execute(
            f"SELECT {_MONITORING_COLUMNS} FROM plan_monitorings WHERE plan_id = ? ORDER BY on_date, id",
            (plan_id,),
        ).fetchall()
        return [_monitoring(r) for r in rows]

    def _monitorings_of(self, plan_ids: Sequence[int]) -> dict[int, list[Monitoring]]:
        records: dict[int, list[Monitoring]] = {}
        for start in range(0, len(plan_ids), 500):
            chunk = plan_ids[start : start + 500]
            for r in self._db.conn.execute(
                f"SELECT {_MONITORING_COLUMNS} FROM plan_monitorings"
                f" WHERE plan_id IN ({', '.join('?' * len(chunk))}) ORDER BY on_date, id",
                chunk,
            ):
                record = _monitoring(r)
                records.setdefault(record.plan_id, []).append(record)
        return records

    def monitoring_due(self, today: dt.date) -> list[MonitoringDue]:
        """Open cases whose confirmed plan has a monitoring due by ``today`` and not done, soonest first.

        SQL keeps the confirmed plans of open cases that can be due: the plan's monitoring date has
        come, or a monitoring set a next date that has.
        """
        conn = self._db.conn
        day = today.isoformat()
        closed = (CaseStatus.CLOSED.value, CaseStatus.SUSPENDED.value)
        rows = conn.execute(
            f"SELECT {', '.join('v.' + c for c in _PLAN_COLUMNS.split(', '))}, c.number, p.name"
            " FROM plan_versions v JOIN cases c ON c.id = v.case_id JOIN persons p ON p.id = c.principal_id"
            " WHERE v.state = ? AND c.status NOT IN (?, ?) AND v.monitoring_on IS NOT NULL"
            " AND (v.monitoring_on <= ? OR EXISTS (SELECT 1 FROM plan_monitorings pm"
            "  WHERE pm.plan_id = v.id AND pm.next_on <= ?))",
            (PlanState.CONFIRMED.value, *closed, day, day),
        ).fetchall()
        if not rows:
            return []
        records = self._monitorings_of([int(r[0]) for r in rows])
        due: list[MonitoringDue] = []
        for r in rows:
            plan = _plan(r)
            on = rules.monitoring_due(plan, records.get(int(r[0]), ()), today)
            if on is not None:
                due.append(MonitoringDue(plan.case_id, r[-2], r[-1], on, plan.label))
        return sorted(due, key=lambda d: (d.due_on, d.case_number))

    # ---- contact attempts -------------------------------------------------------------------------

    def add_contact_attempt(self, case_id: CaseId, attempt: ContactAttempt) -> int:
        """One effort to reach the person (訪問・電話・手紙・近隣や民生委員への聞き取り…)."""
        if not attempt.means.strip() or not attempt.by.strip() or not attempt.result.strip():
            raise ValidationError("連絡を試みた記録には、方法・誰が・結果が必要です。", "attempts")
        with self._db.transaction() as conn:
            self._status(conn, case_id)
            cur = conn.execute(
                "INSERT INTO contact_attempts (case_id, on_date, means, by_name, result, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    case_id,
                    attempt.on.isoformat(),
                    attempt.means.strip(),
                    attempt.by.strip(),
                    attempt.result.strip(),
                    now_text(),
                ),
            )
            return int(cur.lastrowid or 0)

    def contact_attempts(self, case_id: CaseId, *, since: dt.date | None = None) -> list[ContactAttempt]:
        """The recorded efforts to reach the person, oldest first (from ``since`` if given)."""
        rows = self._db.conn.execute(
            "SELECT on_date, means, by_name, result FROM contact_attempts WHERE case_id = ? AND on_date >= ?"
            " ORDER BY on_date, id",
            (case_id, (since or dt.date.min).isoformat()),
        ).fetchall()
        return [ContactAttempt(dt.date.fromisoformat(r[0]), r[1], r[2], r[3]) for r in rows]

    # ---- 終結・中断・再開 ----------------------------------------------------------------------------

    def _reopened_since(self, case_id: CaseId) -> dt.date | None:
        """The date of the last re-opening: what was recorded before it belongs to the earlier ending."""
        dates = [
            change.changed_on
            for change in self._db.cases.status_history(case_id)
            if change.from_status is not None and not lifecycle.is_open(change.from_status)
        ]
        return max(dates) if dates else None

    def _deciding_meetings(self, conn: Connection, case_id: CaseId) -> list[DecidingMeeting]:
        """Held 重層的支援会議 with the case on the agenda (since the last re-opening)."""
        since = self._reopened_since(case_id) or dt.date.min
        rows = conn.execute(
            "SELECT m.id, m.on_date, mc.reason FROM meeting_cases mc JOIN meetings m ON m.id = mc.meeting_id"
            " WHERE mc.case_id = ? AND m.type = ? AND m.state = ? AND m.on_date >= ? ORDER BY m.on_date, m.id",
            (case_id, MeetingType.JUSOU.value, MeetingState.HELD.value, since.isoformat()),
        ).fetchall()
        return [DecidingMeeting(int(r[0]), dt.date.fromisoformat(r[1]), r[2]) for r in rows]

    def _insert_ending(
        self,
        conn: Connection,
        case_id: CaseId,
        kind: EndingKind,
        on: dt.date,
        by: str,
        meeting_id: int,
        evaluation: str = "{}",
    ) -> int:
        cur = conn.execute(
            "INSERT INTO case_endings (case_id, kind, on_date, by_name, meeting_id, evaluation, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (case_id, kind.value, on.isoformat(), by.strip(), meeting_id, evaluation, now_text()),
        )
        return int(cur.lastrowid or 0)

    def end_case(self, case_id: CaseId, evaluation: Evaluation, *, by: str) -> int:
        """終結: every goal of the plan in force evaluated, and a 終結判断 meeting; the case becomes 終結."""
        with self._db.transaction() as conn:
            plan = self._current(conn, case_id)
            if plan is None:
                raise RuleViolation(
                    "確定したプランがありません。プランのないケースの終結は、状態の変更から理由を書いて行います。"
                )
            meeting = rules.check_end(plan, evaluation, self._deciding_meetings(conn, case_id))
            follow = (
                f"。フォローアップ: {evaluation.follow_up.strip()}" if evaluation.follow_up_needed else ""
            )
            self._db.cases.change_status(
                case_id,
                CaseStatus.CLOSED,
                on=evaluation.on,
                reason=f"{meeting.on.isoformat()} の重層的支援会議で終結を判断。"
                f"主な支援者: {evaluation.main_supporter.strip()}{follow}",
                by=by,
            )
            return self._insert_ending(
                conn, case_id, EndingKind.END, evaluation.on, by, meeting.id, _evaluation_to_json(evaluation)
            )

    def suspend_case(self, case_id: CaseId, *, on: dt.date, by: str) -> int:
        """中断: recorded contact attempts and a 中断決定 meeting; the case becomes 中断."""
        with self._db.transaction() as conn:
            attempts = self.contact_attempts(case_id, since=self._reopened_since(case_id))
            meeting = rules.check_suspension(attempts, self._deciding_meetings(conn, case_id))
            self._db.cases.change_status(
                case_id,
                CaseStatus.SUSPENDED,
                on=on,
                reason=f"連絡が取れないため（連絡の試み {len(attempts)} 回）。"
                f"{meeting.on.isoformat()} の重層的支援会議で中断を決定。",
                by=by,
            )
            return self._insert_ending(conn, case_id, EndingKind.SUSPENSION, on, by, meeting.id)

    def reopen_case(self, case_id: CaseId, *, on: dt.date, by: str, reason: str) -> None:
        """再開 of a 終結・中断 case (it goes back to アセスメント); its plans and endings stay."""
        with self._db.transaction() as conn:
            self._db.cases.change_status(case_id, CaseStatus.ASSESSMENT, on=on, reason=reason, by=by)
            conn.execute(
                "UPDATE case_endings SET reopened_on = ? WHERE id = (SELECT max(id) FROM case_endings"
                " WHERE case_id = ? AND reopened_on IS NULL)",
                (on.isoformat(), case_id),
            )

    def endings(self, case_id: CaseId) -> list[CaseEnding]:
        """Every 終結 and 中断 of the case, oldest first."""
        rows = self._db.conn.execute(
            "SELECT id, case_id, kind, on_date, by_name, meeting_id, evaluation, reopened_on FROM case_endings"
            " WHERE case_id = ? ORDER BY on_date, id",
            (case_id,),
        ).fetchall()
        return [
            CaseEnding(
                id=int(r[0]),
                case_id=CaseId(r[1]),
                kind=EndingKind(r[2]),
                on=dt.date.fromisoformat(r[3]),
                by=r[4],
                meeting_id=int(r[5]) if r[5] is not None else None,
                evaluation=_evaluation_from_json(r[6]),
                reopened_on=to_date(r[7]),
            )
            for r in rows
        ]
