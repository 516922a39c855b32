"""実績: the events of a fiscal year (and the one before) read from the file, counted by the domain.

Each figure is read by at most one query, over both years at once, whatever the number of
cases: the queries return dates, categories and opaque numeric keys (never a name, and the
free-text 相談経路 is turned into its category as soon as it is read).  The rules are in
:mod:`jusou_desktop.domain.jisseki`; this module only reads the events and the targets.

Targets (成果目標) are settings ``jisseki.target.<figure key>``; the figures of
:data:`~jusou_desktop.domain.jisseki.TARGET_KEYS` have a default until the town sets its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.domain.jisseki import (
    COUNTED_MEETING_TYPES,
    FIGURES,
    TARGET_KEYS,
    Activity,
    ConfirmedPlan,
    Ending,
    Events,
    HeldMeeting,
    JissekiData,
    NewCase,
    Occurrence,
    build_rows,
    check_target,
    classify_route,
    fields_of_tags,
    open_that_day,
    partner_key,
)
from jusou_desktop.domain.meetings import Holding, MeetingState, MeetingType
from jusou_desktop.domain.model import CaseStatus
from jusou_desktop.domain.plans import PlanState, Service
from jusou_desktop.domain.wareki import fiscal_year_bounds
from jusou_desktop.store._base import Repository, like_escape

TARGET_PREFIX = "jisseki.target."

_HELD = MeetingState.HELD.value
_CONFIRMED = (PlanState.CONFIRMED.value, PlanState.SUPERSEDED.value)  # confirmed, maybe re-planned since
_ENDED = (CaseStatus.CLOSED.value, CaseStatus.SUSPENDED.value)
_MEETING_TYPES = tuple(t.value for t in COUNTED_MEETING_TYPES)

# 受付: the case's 受付日, its 相談経路, the sender of a referral accepted by that day, its tags.
_NEW_CASES = (
    "SELECT c.opened_on, c.route,"
    " (SELECT coalesce(a.name, r.source_agency_name) FROM referrals r"
    "  LEFT JOIN agencies a ON a.id = r.source_agency_id"
    "  WHERE r.case_id = c.id AND r.accepted_on IS NOT NULL AND r.accepted_on <= c.opened_on"
    "  ORDER BY r.accepted_on, r.id LIMIT 1),"
    " (SELECT group_concat(t.name, char(10)) FROM case_tags ct JOIN tags t ON t.id = ct.tag_id"
    "  WHERE ct.case_id = c.id)"
    " FROM cases c WHERE c.opened_on BETWEEN ? AND ?"
)

# 継続: what was done on cases opened before the year (notes, held meetings, referrals sent or
# accepted), with the status before that day and whether the case was (re)opened that day.
_ACTIVITIES = (
    "WITH acts (case_id, on_date) AS ("
    " SELECT n.case_id, n.noted_on FROM notes n JOIN cases c ON c.id = n.case_id"
    "  WHERE c.opened_on < ?4 AND n.noted_on BETWEEN ?1 AND ?2"
    " UNION SELECT mc.case_id, m.on_date FROM meeting_cases mc JOIN meetings m ON m.id = mc.meeting_id"
    "  WHERE m.state = ?3 AND m.on_date BETWEEN ?1 AND ?2"
    " UNION SELECT r.case_id, r.sent_on FROM referrals r WHERE r.case_id IS NOT NULL"
    "  AND r.sent_on BETWEEN ?1 AND ?2"
    " UNION SELECT r.case_id, r.accepted_on FROM referrals r WHERE r.case_id IS NOT NULL"
    "  AND r.accepted_on BETWEEN ?1 AND ?2)"
    " SELECT a.case_id, c.opened_on, a.on_date,"
    " (SELECT h.to_status FROM case_status_history h WHERE h.case_id = a.case_id AND h.changed_on < a.on_date"
    "  ORDER BY h.changed_on DESC, h.id DESC LIMIT 1),"
    " EXISTS (SELECT 1 FROM case_status_history h WHERE h.case_id = a.case_id AND h.changed_on = a.on_date"
    "  AND h.to_status NOT IN (?5, ?6))"
    " FROM acts a JOIN cases c ON c.id = a.case_id WHERE c.opened_on < ?4"
)

# 会議: held 重層的支援会議 and 支援会議, and the cases they discussed.
_MEETINGS = "SELECT type, holding, on_date FROM meetings WHERE state = ? AND type IN (?, ?) AND on_date BETWEEN ? AND ?"
_REVIEWS = (
    "SELECT mc.case_id, m.on_date FROM meeting_cases mc JOIN meetings m ON m.id = mc.meeting_id"
    " WHERE m.state = ? AND m.type IN (?, ?) AND m.on_date BETWEEN ? AND ?"
)

# プラン: confirmed versions by their confirmation day (支援決定 or 了承).
_PLANS = (
    "SELECT number, coalesce(decided_on, approved_on) FROM plan_versions"
    " WHERE state IN (?, ?) AND coalesce(decided_on, approved_on) BETWEEN ? AND ?"
)

# 終結・中断: every move of a case to 終結 or 中断.
_ENDINGS = "SELECT to_status, changed_on FROM case_status_history WHERE to_status IN (?, ?) AND changed_on BETWEEN ? AND ?"

_DECIDED_FOR = "EXISTS (SELECT 1 FROM json_each(v.decided_services) s WHERE s.value = ?)"

# 参加支援: the 本人 of each 支援決定 with 参加支援事業.
_PARTICIPANTS = (
    "SELECT c.principal_id, v.decided_on FROM plan_versions v JOIN cases c ON c.id = v.case_id"
    f" WHERE v.state IN (?, ?) AND v.decided_on BETWEEN ? AND ? AND {_DECIDED_FOR}"
)

# 協力企業・団体: every line of the 役割分担 of those plans, with the registered agency if any.
_PARTNERS = (
    "SELECT v.decided_on, a.id, coalesce(json_extract(r.value, '$.agency_name'), ''), a.business, a.operation"
    " FROM plan_versions v, json_each(v.roles) r"
    " LEFT JOIN agencies a ON a.id = coalesce(json_extract(r.value, '$.agency_id'),"
    "  (SELECT x.id FROM agencies x WHERE x.name = trim(json_extract(r.value, '$.agency_name'))))"
    f" WHERE v.state IN (?, ?) AND v.decided_on BETWEEN ? AND ? AND {_DECIDED_FOR}"
)

# アウトリーチ: every 支援決定 with アウトリーチ等 up to the end of the year (the first one is new).
_OUTREACH = (
    "SELECT v.case_id, v.decided_on FROM plan_versions v"
    f" WHERE v.state IN (?, ?) AND v.decided_on IS NOT NULL AND v.decided_on <= ? AND {_DECIDED_FOR}"
)

_FIRST_OPENED = "SELECT min(opened_on) FROM cases"


def _day(value: Any) -> dt.date:
    return dt.date.fromisoformat(str(value))


class JissekiRepository(Repository):
    # ---- figures ----------------------------------------------------------------------------------

    def data(self, fiscal_year: int, *, town: str | None = None) -> JissekiData:
        """The 実績 of ``fiscal_year`` (令和6年度 = 2024): every figure of FIGURES, in order.

        ``previous_total`` is the figure for ``fiscal_year - 1``, or None when the file holds no
        case received before ``fiscal_year`` (nothing to compare with); ``target`` is the 成果目標.
        ``town`` defaults to the town name in the settings.
        """
        start, _ = fiscal_year_bounds(fiscal_year)
        events = self.events(fiscal_year)
        first = self._db.conn.execute(_FIRST_OPENED).fetchone()[0]
        rows = build_rows(
            events,
            fiscal_year,
            self.targets(),
            with_previous=first is not None and _day(first) < start,
        )
        name = self._db.settings.town_name() if town is None else town
        return JissekiData(town=name, fiscal_year=fiscal_year, rows=rows)

    def events(self, fiscal_year: int) -> Events:
        """What is counted for ``fiscal_year`` and the year before: dates, categories, opaque keys."""
        since, _ = fiscal_year_bounds(fiscal_year - 1)
        start, end = fiscal_year_bounds(fiscal_year)
        span = (since.isoformat(), end.isoformat())
        conn = self._db.conn
        new_cases = tuple(
            NewCase(
                opened_on=_day(r[0]),
                route=classify_route(r[1] or "", r[2]),
                fields=fields_of_tags(r[3].split("\n") if r[3] else ()),
            )
            for r in conn.execute(_NEW_CASES, span)
        )
        activities = tuple(
            Activity(
                case=int(r[0]),
                opened_on=_day(r[1]),
                on=_day(r[2]),
                open=open_that_day(CaseStatus(r[3]) if r[3] else None, bool(r[4])),
            )
            for r in conn.execute(_ACTIVITIES, (*span, _HELD, start.isoformat(), *_ENDED))
        )
        meetings = tuple(
            HeldMeeting(MeetingType(r[0]), Holding(r[1]), _day(r[2]))
            for r in conn.execute(_MEETINGS, (_HELD, *_MEETING_TYPES, *span))
        )
        reviews = tuple(
            Occurrence(int(r[0]), _day(r[1])) for r in conn.execute(_REVIEWS, (_HELD, *_MEETING_TYPES, *span))
        )
        plans = tuple(
            ConfirmedPlan(int(r[0]), _day(r[1])) for r in conn.execute(_PLANS, (*_CONFIRMED, *span))
        )
        endings = tuple(
            Ending(CaseStatus(r[0]), _day(r[1])) for r in conn.execute(_ENDINGS, (*_ENDED, *span))
        )
        participation = Service.PARTICIPATION.value
        participants = tuple(
            Occurrence(int(r[0]), _day(r[1]))
            for r in conn.execute(_PARTICIPANTS, (*_CONFIRMED, *span, participation))
        )
        partners: list[Occurrence] = []
        for r in conn.execute(_PARTNERS, (*_CONFIRMED, *span, participation)):
            key = partner_key(int(r[1]) if r[1] is not None else None, str(r[2]), r[3], r[4])
            if key is not None:
                partners.append(Occurrence(key, _day(r[0])))
        outreach = tuple(
            Occurrence(int(r[0]), _day(r[1]))
            for r in conn.execute(_OUTREACH, (*_CONFIRMED, end.isoformat(), Service.OUTREACH.value))
        )
        return Events(
            new_cases=new_cases,
            activities=activities,
            meetings=meetings,
            reviews=reviews,
            plans=plans,
            endings=endings,
            participants=participants,
            partners=tuple(partners),
            outreach=outreach,
        )

    # ---- targets (成果目標) -------------------------------------------------------------------------

    def targets(self) -> dict[str, int]:
        """The 成果目標 by figure key, in FIGURES order: the town's own, else the defaults.

        A stored value that is not a whole number from 0 is ignored (the default applies).
        """
        found = dict(TARGET_KEYS)
        rows = self._db.conn.execute(
            "SELECT key, value FROM settings WHERE key LIKE ? ESCAPE '\\'",
            (like_escape(TARGET_PREFIX) + "%",),
        ).fetchall()
        for stored_key, text in rows:
            key = str(stored_key)[len(TARGET_PREFIX) :]
            try:
                found[key] = check_target(key, int(str(text).strip()))
            except (ValueError, ValidationError):  # not a number, or refused: the default applies
                continue
        return {figure.key: found[figure.key] for figure in FIGURES if figure.key in found}

    def set_target(self, key: str, value: int | None) -> None:
        """Set the 成果目標 of a figure (a whole number from 0); None removes the town's own value.

        Refusals are :class:`~jusou_desktop.domain.errors.ValidationError` in Japanese.
        """
        if value is None:
            check_target(key, 0)
            with self._db.transaction() as conn:
                conn.execute("DELETE FROM settings WHERE key = ?", (TARGET_PREFIX + key,))
            return
        self._db.settings.set(TARGET_PREFIX + key, str(check_target(key, value)))
