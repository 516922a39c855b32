"""Referrals (つなぎ) with their sheet values, history, and the follow-ups of the answer.

Every step (送付, 受理, 回答…) is one transaction: the state, the history line and what the step
sets off on the case (team member, 経過記録, meeting request, task) are written together or not
at all.  The rules themselves are in :mod:`jusou_desktop.domain.referral`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from jusou_desktop.domain import referral as rules
from jusou_desktop.domain.errors import RuleViolation, ValidationError
from jusou_desktop.domain.ids import AgencyId, CaseId, MeetingRequestId, ReferralId, TaskId, TemplateId
from jusou_desktop.domain.kana import search_key
from jusou_desktop.domain.model import (
    Consent,
    ConsentMethod,
    ConsentState,
    Note,
    NoteKind,
    Person,
    Sex,
    TeamMember,
)
from jusou_desktop.domain.referral import FollowUpKind, ReferralState, ReferralStep
from jusou_desktop.domain.sheets import (
    AnswerAction,
    Binding,
    SheetTemplate,
    bound_date,
    bound_text,
    bound_value,
    normalize_values,
    prefill,
)
from jusou_desktop.domain.wareki import fiscal_year_of
from jusou_desktop.store._base import Repository, date_text, like_escape, next_in_sequence, now_text, to_date
from jusou_desktop.store.cases import PossibleDuplicate
from jusou_desktop.store.connection import Connection
from jusou_desktop.store.errors import RecordNotFound


@dataclass(frozen=True, slots=True)
class ReferralEvent:
    step: str
    from_state: ReferralState | None
    to_state: ReferralState
    on: dt.date
    by: str
    note: str


@dataclass(frozen=True, slots=True)
class Referral:
    id: ReferralId
    number: str
    state: ReferralState
    template_id: TemplateId
    template: SheetTemplate
    values: dict[str, Any]
    answer_template_id: TemplateId | None
    answer_template: SheetTemplate | None
    answer_values: dict[str, Any]
    case_id: CaseId | None
    case_number: str
    source_agency_name: str
    source_staff_name: str
    subject_name: str
    created_on: dt.date
    sent_on: dt.date | None
    accepted_on: dt.date | None
    answered_on: dt.date | None
    withdrawn_on: dt.date | None
    withdraw_reason: str
    created_by: str

    def waiting_days(self, today: dt.date) -> int | None:
        end = self.answered_on or self.withdrawn_on or today
        return rules.waiting_days(self.sent_on, end)


@dataclass(frozen=True, slots=True)
class ReferralRow:
    """One line of the referral list."""

    id: ReferralId
    number: str
    state: ReferralState
    subject_name: str
    source_agency_name: str
    source_staff_name: str
    template_title: str
    created_on: dt.date
    sent_on: dt.date | None
    answered_on: dt.date | None
    case_number: str
    waiting_days: int | None


@dataclass(frozen=True, slots=True)
class ReferralFilter:
    states: frozenset[ReferralState] = frozenset()
    source_agency_id: AgencyId | None = None
    period_from: dt.date | None = None  # on the date of 送付 (or of creation for drafts)
    period_to: dt.date | None = None
    text: str = ""
    case_id: CaseId | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.case_id is not None:
            clauses.append("r.case_id = ?")
            params.append(self.case_id)
        if self.states:
            clauses.append(f"r.state IN ({', '.join('?' * len(self.states))})")
            params.extend(sorted(s.value for s in self.states))
        if self.source_agency_id is not None:
            clauses.append("r.source_agency_id = ?")
            params.append(self.source_agency_id)
        if self.period_from is not None:
            clauses.append("coalesce(r.sent_on, r.created_on) >= ?")
            params.append(self.period_from.isoformat())
        if self.period_to is not None:
            clauses.append("coalesce(r.sent_on, r.created_on) <= ?")
            params.append(self.period_to.isoformat())
        key = search_key(self.text)
        if key:
            clauses.append("(r.subject_key LIKE ? ESCAPE '\\' OR r.number LIKE ? ESCAPE '\\')")
            params.extend([f"%{like_escape(key)}%", f"%{like_escape(self.text.strip())}%"])
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


@dataclass(frozen=True, slots=True)
class Task:
    id: TaskId
    case_id: CaseId
    case_number: str
    title: str
    due_on: dt.date | None
    assignee: str
    done_on: dt.date | None
    result: str
    referral_id: ReferralId | None

    def overdue(self, today: dt.date) -> bool:
        return self.done_on is None and self.due_on is not None and self.due_on < today


@dataclass(frozen=True, slots=True)
class MeetingRequest:
    id: MeetingRequestId
    case_id: CaseId
    case_number: str
    referral_id: ReferralId | None
    kind: str
    purpose: str
    requested_on: dt.date
    requested_by: str
    state: str


_SELECT = (
    "SELECT r.id, r.number, r.state, r.template_id, r.sheet_values, r.answer_template_id, r.answer_values,"
    " r.case_id, coalesce(c.number, ''), r.source_agency_name, r.source_staff_name, r.subject_name,"
    " r.created_on, r.sent_on, r.accepted_on, r.answered_on, r.withdrawn_on, r.withdraw_reason, r.created_by"
    " FROM referrals r LEFT JOIN cases c ON c.id = r.case_id"
)


class ReferralRepository(Repository):
    # ---- reading -----------------------------------------------------------------------------

    def get(self, referral_id: ReferralId) -> Referral:
        row = self._db.conn.execute(f"{_SELECT} WHERE r.id = ?", (referral_id,)).fetchone()
        if row is None:
            raise RecordNotFound("つなぎシート", referral_id)
        template = self._db.templates.get(TemplateId(row[3])).template
        answer_template = self._db.templates.get(TemplateId(row[5])).template if row[5] is not None else None
        return Referral(
            id=ReferralId(row[0]),
            number=row[1],
            state=ReferralState(row[2]),
            template_id=TemplateId(row[3]),
            template=template,
            values=json.loads(row[4]),
            answer_template_id=TemplateId(row[5]) if row[5] is not None else None,
            answer_template=answer_template,
            answer_values=json.loads(row[6]),
            case_id=CaseId(row[7]) if row[7] is not None else None,
            case_number=row[8],
            source_agency_name=row[9],
            source_staff_name=row[10],
            subject_name=row[11],
            created_on=dt.date.fromisoformat(row[12]),
            sent_on=to_date(row[13]),
            accepted_on=to_date(row[14]),
            answered_on=to_date(row[15]),
            withdrawn_on=to_date(row[16]),
            withdraw_reason=row[17],
            created_by=row[18],
        )

    def rows(
        self, flt: ReferralFilter = ReferralFilter(), *, today: dt.date, limit: int = 500, offset: int = 0
    ) -> list[ReferralRow]:
        """One page of the list, newest first; waiting time is counted from 送付 up to today or the answer."""
        where, params = flt.where()
        rows = self._db.conn.execute(
            "SELECT r.id, r.number, r.state, r.subject_name, r.source_agency_name, r.source_staff_name, t.title,"
            " r.created_on, r.sent_on, r.answered_on, coalesce(c.number, ''), r.withdrawn_on"
            " FROM referrals r JOIN sheet_templates t ON t.id = r.template_id"
            f" LEFT JOIN cases c ON c.id = r.case_id {where}"
            " ORDER BY r.id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        out = []
        for r in rows:
            sent_on, answered_on, withdrawn_on = to_date(r[8]), to_date(r[9]), to_date(r[11])
            out.append(
                ReferralRow(
                    ReferralId(r[0]),
                    r[1],
                    ReferralState(r[2]),
                    r[3],
                    r[4],
                    r[5],
                    r[6],
                    dt.date.fromisoformat(r[7]),
                    sent_on,
                    answered_on,
                    r[10],
                    rules.waiting_days(sent_on, answered_on or withdrawn_on or today),
                )
            )
        return out

    def count(self, flt: ReferralFilter = ReferralFilter()) -> int:
        where, params = flt.where()
        return int(self._db.conn.execute(f"SELECT count(*) FROM referrals r {where}", params).fetchone()[0])

    def state_counts(self, flt: ReferralFilter = ReferralFilter()) -> dict[ReferralState, int]:
        where, params = replace(flt, states=frozenset()).where()
        counts = dict.fromkeys(ReferralState, 0)
        for state, n in self._db.conn.execute(
            f"SELECT r.state, count(*) FROM referrals r {where} GROUP BY r.state", params
        ).fetchall():
            counts[ReferralState(state)] = int(n)
        return counts

    def for_case(self, case_id: CaseId, *, today: dt.date) -> list[ReferralRow]:
        return self.rows(ReferralFilter(case_id=case_id), today=today, limit=1000)

    def events(self, referral_id: ReferralId) -> list[ReferralEvent]:
        rows = self._db.conn.execute(
            "SELECT step, from_state, to_state, on_date, by_name, note FROM referral_events"
            " WHERE referral_id = ? ORDER BY id",
            (referral_id,),
        ).fetchall()
        return [
            ReferralEvent(
                r[0],
                ReferralState(r[1]) if r[1] else None,
                ReferralState(r[2]),
                dt.date.fromisoformat(r[3]),
                r[4],
                r[5],
            )
            for r in rows
        ]

    def duplicates(self, referral_id: ReferralId) -> list[PossibleDuplicate]:
        """Existing people with the sheet's フリガナ (kana-folded) and date of birth."""
        referral = self.get(referral_id)
        kana = bound_text(referral.template, referral.values, Binding.PERSON_KANA)
        born = bound_date(referral.template, referral.values, Binding.BIRTH_DATE)
        return self._db.cases.possible_duplicates(kana, born)

    # ---- writing the sheet -------------------------------------------------------------------

    def _next_number(self, conn: Connection, on: dt.date) -> str:
        fiscal_year = fiscal_year_of(on)
        prefix = rules.referral_number(fiscal_year, 0)[:-4]
        return rules.referral_number(fiscal_year, next_in_sequence(conn, prefix, "referrals", 4))

    @staticmethod
    def _denormalized(template: SheetTemplate, values: Mapping[str, Any]) -> tuple[Any, ...]:
        agency = bound_value(template, values, Binding.SOURCE_AGENCY) or {}
        name = bound_text(template, values, Binding.PERSON_NAME)
        kana = bound_text(template, values, Binding.PERSON_KANA)
        agency_id = agency.get("id") if isinstance(agency, Mapping) else None
        return (
            agency_id if isinstance(agency_id, int) else None,
            bound_text(template, values, Binding.SOURCE_AGENCY),
            bound_text(template, values, Binding.SOURCE_STAFF),
            name,
            search_key(f"{name} {kana}"),
        )

    def create(
        self,
        template_id: TemplateId,
        values: Mapping[str, Any],
        *,
        created_on: dt.date,
        by: str = "",
        case_id: CaseId | None = None,
    ) -> ReferralId:
        """Start a referral as a draft (missing information never blocks this)."""
        template = self._db.templates.get(template_id).template
        tidy = normalize_values(template, values)
        with self._db.transaction() as conn:
            if case_id is not None:
                self._db.cases.get(case_id)
            now = now_text()
            cur = conn.execute(
                "INSERT INTO referrals (number, state, template_id, sheet_values, case_id, source_agency_id,"
                " source_agency_name, source_staff_name, subject_name, subject_key, created_on, created_by,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self._next_number(conn, created_on),
                    ReferralState.DRAFT.value,
                    template_id,
                    json.dumps(tidy, ensure_ascii=False),
                    case_id,
                    *self._denormalized(template, tidy),
                    created_on.isoformat(),
                    by,
                    now,
                    now,
                ),
            )
            referral_id = ReferralId(int(cur.lastrowid or 0))
            self._event(conn, referral_id, "作成", None, ReferralState.DRAFT, created_on, by, "")
            return referral_id

    def save_values(self, referral_id: ReferralId, values: Mapping[str, Any]) -> None:
        """Save the referrer's sheet; only a draft can change (what was sent stays as sent)."""
        referral = self.get(referral_id)
        if referral.state not in rules.EDITABLE_STATES:
            raise RuleViolation(
                f"「{referral.state.value}」のつなぎシートは書き換えられません。差し戻すと編集できます。"
            )
        tidy = normalize_values(referral.template, values)
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE referrals SET sheet_values = ?, source_agency_id = ?, source_agency_name = ?,"
                " source_staff_name = ?, subject_name = ?, subject_key = ?, updated_at = ? WHERE id = ?",
                (
                    json.dumps(tidy, ensure_ascii=False),
                    *self._denormalized(referral.template, tidy),
                    now_text(),
                    referral_id,
                ),
            )

    def link_case(self, referral_id: ReferralId, case_id: CaseId | None) -> None:
        referral = self.get(referral_id)
        if referral.state in (ReferralState.ANSWERED, ReferralState.WITHDRAWN):
            raise RuleViolation(f"「{referral.state.value}」のつなぎシートのケースは変えられません。")
        with self._db.transaction() as conn:
            if case_id is not None:
                self._db.cases.get(case_id)
            conn.execute(
                "UPDATE referrals SET case_id = ?, updated_at = ? WHERE id = ?",
                (case_id, now_text(), referral_id),
            )

    # ---- steps --------------------------------------------------------------------------------

    @staticmethod
    def _event(
        conn: Connection,
        referral_id: ReferralId,
        step: str,
        from_state: ReferralState | None,
        to_state: ReferralState,
        on: dt.date,
        by: str,
        note: str,
    ) -> None:
        conn.execute(
            "INSERT INTO referral_events (referral_id, step, from_state, to_state, on_date, by_name, note, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                referral_id,
                step,
                from_state.value if from_state else None,
                to_state.value,
                on.isoformat(),
                by,
                note,
                now_text(),
            ),
        )

    def _step(
        self,
        conn: Connection,
        referral: Referral,
        step: ReferralStep,
        on: dt.date,
        by: str,
        note: str = "",
        **columns: Any,
    ) -> ReferralState:
        target = rules.after(referral.state, step)
        sets = ", ".join(f"{name} = ?" for name in columns)
        conn.execute(
            f"UPDATE referrals SET state = ?, {sets + ', ' if sets else ''}updated_at = ? WHERE id = ?",
            (target.value, *columns.values(), now_text(), referral.id),
        )
        self._event(conn, referral.id, step.value, referral.state, target, on, by, note)
        return target

    def send(self, referral_id: ReferralId, *, on: dt.date, by: str = "") -> None:
        referral = self.get(referral_id)
        rules.after(referral.state, ReferralStep.SEND)
        rules.check_send(referral.template, referral.values)
        with self._db.transaction() as conn:
            self._step(conn, referral, ReferralStep.SEND, on, by, sent_on=on.isoformat())

    def return_to_draft(self, referral_id: ReferralId, *, on: dt.date, by: str = "", note: str = "") -> None:
        referral = self.get(referral_id)
        with self._db.transaction() as conn:
            self._step(conn, referral, ReferralStep.RETURN, on, by, note.strip(), sent_on=None)

    def withdraw(self, referral_id: ReferralId, *, on: dt.date, reason: str, by: str = "") -> None:
        referral = self.get(referral_id)
        reason = rules.check_withdraw(reason)
        with self._db.transaction() as conn:
            self._step(
                conn,
                referral,
                ReferralStep.WITHDRAW,
                on,
                by,
                reason,
                withdrawn_on=on.isoformat(),
                withdraw_reason=reason,
            )

    def accept(self, referral_id: ReferralId, *, on: dt.date, case_id: CaseId, by: str = "") -> None:
        """受理, linking the referral to an existing case."""
        referral = self.get(referral_id)
        rules.after(referral.state, ReferralStep.ACCEPT)
        with self._db.transaction() as conn:
            case = self._db.cases.get(case_id)
            self._step(
                conn,
                referral,
                ReferralStep.ACCEPT,
                on,
                by,
                f"ケース {case.number} に結び付け",
                accepted_on=on.isoformat(),
                case_id=case_id,
                **self._answer_start(referral, on),
            )

    def accept_as_new_case(self, referral_id: ReferralId, *, on: dt.date, by: str = "") -> CaseId:
        """受理, opening a new case from what the sheet says about the person."""
        referral = self.get(referral_id)
        rules.after(referral.state, ReferralStep.ACCEPT)
        template, values = referral.template, referral.values
        name = bound_text(template, values, Binding.PERSON_NAME).strip()
        if not name:
            raise ValidationError("シートに本人の氏名がないため、新しいケースを作れません。", "name")
        sex_text = bound_text(template, values, Binding.SEX)
        person = Person(
            name=name,
            kana=bound_text(template, values, Binding.PERSON_KANA),
            birth_date=bound_date(template, values, Binding.BIRTH_DATE),
            sex=Sex(sex_text) if sex_text in {s.value for s in Sex} else Sex.UNKNOWN,
            address=bound_text(template, values, Binding.ADDRESS),
            phone=bound_text(template, values, Binding.PHONE),
        )
        consent_value = bound_value(template, values, Binding.CONSENT)
        consent = None
        if isinstance(consent_value, bool):
            consent = Consent(
                state=ConsentState.GIVEN if consent_value else ConsentState.REFUSED,
                recorded_on=on,
                method=ConsentMethod.WRITTEN if consent_value else None,
                note=f"つなぎシート {referral.number} の記載による",
                recorded_by=by,
            )
        route = bound_text(template, values, Binding.ROUTE) or referral.source_agency_name
        with self._db.transaction() as conn:
            case_id = self._db.cases.create(
                person,
                opened_on=on,
                route=route,
                summary=bound_text(template, values, Binding.MAIN_COMPLAINT)[:2000],
                consent=consent,
                by=by,
            )
            case = self._db.cases.get(case_id)
            self._step(
                conn,
                referral,
                ReferralStep.ACCEPT,
                on,
                by,
                f"新しいケース {case.number} を作成",
                accepted_on=on.isoformat(),
                case_id=case_id,
                **self._answer_start(referral, on),
            )
            return case_id

    def _answer_start(self, referral: Referral, on: dt.date) -> dict[str, Any]:
        """The town's current answer sheet, started with the person's name and the day of 受理."""
        stored = self._db.templates.latest(self._db.templates.answer_key())
        values = prefill(
            stored.template, {Binding.PERSON_NAME: referral.subject_name, Binding.RECEIVED_ON: on}
        )
        return {"answer_template_id": stored.id, "answer_values": json.dumps(values, ensure_ascii=False)}

    def save_answer_values(self, referral_id: ReferralId, values: Mapping[str, Any]) -> None:
        """Keep the coordinator's answer in progress (no checks: it is not sent yet)."""
        referral = self.get(referral_id)
        if referral.state is not ReferralState.ACCEPTED or referral.answer_template is None:
            raise RuleViolation("回答は受理したつなぎシートにだけ書けます。")
        tidy = normalize_values(referral.answer_template, values)
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE referrals SET answer_values = ?, updated_at = ? WHERE id = ?",
                (json.dumps(tidy, ensure_ascii=False), now_text(), referral_id),
            )

    def answer(self, referral_id: ReferralId, values: Mapping[str, Any], *, by: str = "") -> rules.Answer:
        """回答: validate the C票, record it and carry out its follow-ups on the case, atomically."""
        referral = self.get(referral_id)
        rules.after(referral.state, ReferralStep.ANSWER)
        if referral.answer_template is None or referral.case_id is None:
            raise RuleViolation("受理していないつなぎシートには回答できません。")
        tidy = normalize_values(referral.answer_template, values)
        answer = rules.read_answer(referral.answer_template, tidy)
        rules.validate_answer(referral.answer_template, answer)
        assert answer.answered_on is not None
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE referrals SET answer_values = ? WHERE id = ?",
                (json.dumps(tidy, ensure_ascii=False), referral_id),
            )
            self._step(
                conn,
                referral,
                ReferralStep.ANSWER,
                answer.answered_on,
                by or answer.responder,
                "、".join(a.value for a in AnswerAction if a in answer.actions),
                answered_on=answer.answered_on.isoformat(),
            )
            self._carry_out(conn, referral, answer, by or answer.responder)
        return answer

    def _carry_out(self, conn: Connection, referral: Referral, answer: rules.Answer, by: str) -> None:
        case_id = referral.case_id
        assert case_id is not None
        assert answer.answered_on is not None
        team = list(self._db.cases.team(case_id))
        team_changed = False
        now = now_text()
        for item in rules.follow_ups(answer, referral.number):
            if item.kind is FollowUpKind.TEAM and item.agency_id is not None:
                if all(m.agency_id != item.agency_id for m in team):
                    team.append(TeamMember(item.agency_id, role=item.role))
                    team_changed = True
            elif item.kind is FollowUpKind.NOTE:
                self._db.notes.add(
                    Note(
                        case_id,
                        answer.answered_on,
                        NoteKind.LETTER,
                        item.text,
                        author_staff_id=answer.responder_id,
                        author_name=by,
                    )
                )
            elif item.kind is FollowUpKind.MEETING_REQUEST:
                conn.execute(
                    "INSERT INTO meeting_requests (case_id, referral_id, kind, purpose, requested_on, requested_by,"
                    " created_at) VALUES (?, ?, '支援会議', ?, ?, ?, ?)",
                    (case_id, referral.id, item.text, answer.answered_on.isoformat(), by, now),
                )
            elif item.kind is FollowUpKind.TASK:
                conn.execute(
                    "INSERT INTO tasks (case_id, referral_id, title, due_on, assignee, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (case_id, referral.id, item.text, date_text(item.due_on), item.assignee, now, now),
                )
        if team_changed:
            self._db.cases.set_team(case_id, team)


_TASK_SELECT = (
    "SELECT t.id, t.case_id, c.number, t.title, t.due_on, t.assignee, t.done_on, t.result, t.referral_id"
    " FROM tasks t JOIN cases c ON c.id = t.case_id"
)


def _task(r: Any) -> Task:
    return Task(
        TaskId(r[0]),
        CaseId(r[1]),
        r[2],
        r[3],
        to_date(r[4]),
        r[5],
        to_date(r[6]),
        r[7],
        ReferralId(r[8]) if r[8] is not None else None,
    )


class TaskRepository(Repository):
    def add(
        self, case_id: CaseId, title: str, *, due_on: dt.date | None = None, assignee: str = ""
    ) -> TaskId:
        if not title.strip():
            raise ValidationError("予定の内容を入力してください。", "title")
        with self._db.transaction() as conn:
            self._db.cases.get(case_id)
            now = now_text()
            cur = conn.execute(
                "INSERT INTO tasks (case_id, title, due_on, assignee, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (case_id, title.strip(), date_text(due_on), assignee.strip(), now, now),
            )
            return TaskId(int(cur.lastrowid or 0))

    def for_case(self, case_id: CaseId) -> list[Task]:
        rows = self._db.conn.execute(
            f"{_TASK_SELECT} WHERE t.case_id = ? ORDER BY t.done_on IS NOT NULL, t.due_on IS NULL, t.due_on, t.id",
            (case_id,),
        ).fetchall()
        return [_task(r) for r in rows]

    def open_tasks(self, *, limit: int = 1000) -> list[Task]:
        rows = self._db.conn.execute(
            f"{_TASK_SELECT} WHERE t.done_on IS NULL ORDER BY t.due_on IS NULL, t.due_on, t.id LIMIT ?",
            (limit,),
        ).fetchall()
        return [_task(r) for r in rows]

    def complete(self, task_id: TaskId, *, on: dt.date, result: str) -> None:
        if not result.strip():
            raise ValidationError("結果をひとこと入力してください。", "result")
        with self._db.transaction() as conn:
            cur = conn.execute(
                "UPDATE tasks SET done_on = ?, result = ?, updated_at = ? WHERE id = ? AND done_on IS NULL",
                (on.isoformat(), result.strip(), now_text(), task_id),
            )
            if cur.rowcount != 1:
                raise RecordNotFound("未完了の予定", task_id)


class MeetingRequestRepository(Repository):
    def open_requests(self) -> list[MeetingRequest]:
        return self._select("WHERE m.state = '未定'")

    def for_case(self, case_id: CaseId) -> list[MeetingRequest]:
        return self._select("WHERE m.case_id = ?", case_id)

    def _select(self, where: str, *params: Any) -> list[MeetingRequest]:
        rows = self._db.conn.execute(
            "SELECT m.id, m.case_id, c.number, m.referral_id, m.kind, m.purpose, m.requested_on, m.requested_by,"
            f" m.state FROM meeting_requests m JOIN cases c ON c.id = m.case_id {where}"
            " ORDER BY m.requested_on, m.id",
            params,
        ).fetchall()
        return [
            MeetingRequest(
                MeetingRequestId(r[0]),
                CaseId(r[1]),
                r[2],
                ReferralId(r[3]) if r[3] is not None else None,
                r[4],
                r[5],
                dt.date.fromisoformat(r[6]),
                r[7],
                r[8],
            )
            for r in rows
        ]
