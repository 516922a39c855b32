"""地域資源 (the register), つながり (cases connected to them) and 定着の確認.

The rules are in :mod:`jusou_desktop.domain.resources`; this module reads and writes them.  Every
write is one transaction: a status move and its history line, or a check, land together or not at
all.  Lists are filtered and sorted in SQL; search folds kana like the case list does (the query
and each resource's ``search_key`` both go through :func:`~jusou_desktop.domain.kana.search_key`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from jusou_desktop.domain import resources as rules
from jusou_desktop.domain.errors import RuleViolation, ValidationError
from jusou_desktop.domain.ids import AgencyId, CaseId
from jusou_desktop.domain.kana import search_key, to_katakana
from jusou_desktop.domain.model import CaseStatus
from jusou_desktop.domain.resources import (
    CheckId,
    Condition,
    FollowUp,
    Formality,
    LinkEvent,
    LinkId,
    LinkRow,
    LinkStatus,
    Resource,
    ResourceId,
    ResourceKind,
    ResourceLink,
    ResourceRow,
)
from jusou_desktop.store._base import Repository, date_text, now_text, to_date
from jusou_desktop.store.connection import Connection
from jusou_desktop.store.errors import RecordNotFound

FOLLOW_UP_SETTING = "resource_follow_up_days"


class ResourceSort(StrEnum):
    NAME = "name"
    KIND = "kind"
    FORMALITY = "formality"
    DISTRICT = "district"
    SCHEDULE = "schedule"
    USING = "using"
    SETTLED = "settled"


def _case_order(column: str, values: Sequence[StrEnum]) -> str:
    return f"CASE {column} " + " ".join(f"WHEN '{v.value}' THEN {i}" for i, v in enumerate(values)) + " END"


_KIND_ORDER = _case_order("r.kind", list(ResourceKind))
_FORMALITY_ORDER = _case_order("r.formality", list(Formality))
_ORDER = {
    ResourceSort.NAME: "r.kana_key {dir}, r.id {dir}",
    ResourceSort.KIND: f"{_KIND_ORDER} {{dir}}, r.kana_key, r.id",
    ResourceSort.FORMALITY: f"{_FORMALITY_ORDER} {{dir}}, r.kana_key, r.id",
    ResourceSort.DISTRICT: "r.district = '' , r.district {dir}, r.kana_key, r.id",
    ResourceSort.SCHEDULE: "r.schedule = '', r.schedule {dir}, r.kana_key, r.id",
    ResourceSort.USING: "n_using {dir}, r.kana_key, r.id",
    ResourceSort.SETTLED: "n_settled {dir}, r.kana_key, r.id",
}


@dataclass(frozen=True, slots=True)
class ResourceFilter:
    """What the register shows; every part is applied in SQL."""

    text: str = ""
    kind: ResourceKind | None = None
    district: str | None = None
    formality: Formality | None = None
    include_inactive: bool = False

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        key = search_key(self.text)
        if key:
            clauses.append("instr(r.search_key, ?) > 0")
            params.append(key)
        if self.kind is not None:
            clauses.append("r.kind = ?")
            params.append(self.kind.value)
        if self.district:
            clauses.append("r.district = ?")
            params.append(self.district)
        if self.formality is not None:
            clauses.append("r.formality = ?")
            params.append(self.formality.value)
        if not self.include_inactive:
            clauses.append("r.active = 1")
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


_RESOURCE_COLUMNS = (
    "id, name, kind, formality, kana, operator, agency_id, offers, audience, district, place, schedule,"
    " contact_name, phone, capacity, note, active"
)

_WRITE_COLUMNS = (*(c.strip() for c in _RESOURCE_COLUMNS.split(",")[1:]), "search_key", "kana_key")
"""The columns :func:`_resource_values` gives, in its order."""


def _resource(row: Any) -> Resource:
    return Resource(
        id=ResourceId(row[0]),
        name=row[1],
        kind=ResourceKind(row[2]),
        formality=Formality(row[3]),
        kana=row[4],
        operator=row[5],
        agency_id=AgencyId(row[6]) if row[6] is not None else None,
        offers=row[7],
        audience=row[8],
        district=row[9],
        place=row[10],
        schedule=row[11],
        contact_name=row[12],
        phone=row[13],
        capacity=row[14],
        note=row[15],
        active=bool(row[16]),
    )


def _resource_values(resource: Resource) -> tuple[Any, ...]:
    r = rules.validate_resource(resource)
    kana = to_katakana(r.kana)
    key = "\n".join(search_key(t) for t in (r.name, kana, r.operator, r.offers, r.audience, r.place))
    return (
        r.name,
        r.kind.value,
        r.formality.value,
        kana,
        r.operator,
        r.agency_id,
        r.offers,
        r.audience,
        r.district,
        r.place,
        r.schedule,
        r.contact_name,
        r.phone,
        r.capacity,
        r.note,
        int(r.active),
        key,
        search_key(kana or r.name),
    )


_COUNT = "(SELECT count(*) FROM resource_links l WHERE l.resource_id = r.id AND l.status = '{status}')"
_ROW_SELECT = (
    "SELECT r.id, r.name, r.kana, r.kind, r.formality, r.district, r.schedule, r.operator, r.active,"
    f" {_COUNT.format(status='調整中')} AS n_arranging, {_COUNT.format(status='利用中')} AS n_using,"
    f" {_COUNT.format(status='定着')} AS n_settled, {_COUNT.format(status='終了')} AS n_ended"
    " FROM resources r"
)


def _resource_row(row: Any) -> ResourceRow:
    return ResourceRow(
        id=ResourceId(row[0]),
        name=row[1],
        kana=row[2],
        kind=ResourceKind(row[3]),
        formality=Formality(row[4]),
        district=row[5],
        schedule=row[6],
        operator=row[7],
        active=bool(row[8]),
        arranging=int(row[9]),
        using=int(row[10]),
        settled=int(row[11]),
        ended=int(row[12]),
    )


_LAST_CHECK = "(SELECT max(k.on_date) FROM resource_checks k WHERE k.link_id = l.id)"
_LAST_SEEN = f"max(coalesce({_LAST_CHECK}, ''), coalesce(l.started_on, l.referred_on))"
_LINK_SELECT = (
    "SELECT l.id, l.resource_id, l.case_id, l.status, l.referred_on, l.started_on, l.settled_on,"
    " l.ended_on, l.end_reason, l.referred_by, l.note, r.name, r.kind, c.number, p.name, c.status,"
    f" {_LAST_CHECK},"
    " (SELECT k.condition FROM resource_checks k WHERE k.link_id = l.id ORDER BY k.on_date DESC, k.id DESC"
    "  LIMIT 1),"
    " (SELECT count(*) FROM resource_checks k WHERE k.link_id = l.id)"
    " FROM resource_links l"
    " JOIN resources r ON r.id = l.resource_id"
    " JOIN cases c ON c.id = l.case_id"
    " JOIN persons p ON p.id = c.principal_id"
)
_STATUS_ORDER = _case_order("l.status", list(LinkStatus))
_OPEN_FIRST = f"ORDER BY l.status = '終了', {_STATUS_ORDER}, l.referred_on DESC, l.id DESC"
_FOLLOW_UP_ORDER = _case_order("l.status", [LinkStatus.USING, LinkStatus.ARRANGING, LinkStatus.SETTLED])
_EVENT_RANK = (
    "CASE WHEN from_status IS NULL THEN 0 WHEN to_status = '利用中' AND from_status = '調整中' THEN 1"
    " WHEN to_status = '定着' THEN 3 WHEN to_status = '利用中' THEN 4 ELSE 5 END"
)
"""Where a status move stands among a day's entries made in the same second (checks are 2)."""
_LINK_FIELDS = (
    "status, referred_on, started_on, settled_on, ended_on, end_reason, referred_by, note, updated_at"
)


def _link(row: Any) -> ResourceLink:
    return ResourceLink(
        id=LinkId(row[0]),
        resource_id=ResourceId(row[1]),
        case_id=CaseId(row[2]),
        status=LinkStatus(row[3]),
        referred_on=dt.date.fromisoformat(row[4]),
        started_on=to_date(row[5]),
        settled_on=to_date(row[6]),
        ended_on=to_date(row[7]),
        end_reason=row[8],
        referred_by=row[9],
        note=row[10],
    )


def _link_row(row: Any) -> LinkRow:
    return LinkRow(
        link=_link(row),
        resource_name=row[11],
        resource_kind=ResourceKind(row[12]),
        case_number=row[13],
        person_name=row[14],
        case_status=CaseStatus(row[15]),
        last_check_on=to_date(row[16]),
        last_condition=Condition(row[17]) if row[17] else None,
        checks=int(row[18]),
    )


def _link_values(link: ResourceLink) -> tuple[Any, ...]:
    return (
        link.status.value,
        link.referred_on.isoformat(),
        date_text(link.started_on),
        date_text(link.settled_on),
        date_text(link.ended_on),
        link.end_reason,
        link.referred_by,
        link.note,
        now_text(),
    )


class ResourceRepository(Repository):
    # ---- the register ------------------------------------------------------------------------------

    def add(self, resource: Resource) -> ResourceId:
        values = _resource_values(resource)
        now = now_text()
        with self._db.transaction() as conn:
            self._refuse_same_name(conn, values[0], None)
            cur = conn.execute(
                f"INSERT INTO resources ({', '.join(_WRITE_COLUMNS)}, created_at, updated_at)"
                f" VALUES ({', '.join('?' for _ in range(len(_WRITE_COLUMNS) + 2))})",
                (*values, now, now),
            )
            return ResourceId(int(cur.lastrowid or 0))

    def update(self, resource: Resource) -> None:
        if resource.id is None:
            raise ValueError("resource without id")
        values = _resource_values(resource)
        with self._db.transaction() as conn:
            self._refuse_same_name(conn, values[0], resource.id)
            cur = conn.execute(
                f"UPDATE resources SET {', '.join(f'{c} = ?' for c in _WRITE_COLUMNS)}, updated_at = ?"
                " WHERE id = ?",
                (*values, now_text(), resource.id),
            )
            if cur.rowcount == 0:
                raise RecordNotFound("地域資源", resource.id)

    @staticmethod
    def _refuse_same_name(conn: Connection, name: str, own_id: ResourceId | None) -> None:
        clash = conn.execute(
            "SELECT 1 FROM resources WHERE name = ? AND id IS NOT ?", (name, own_id)
        ).fetchone()
        if clash:
            raise ValidationError(f"同じ名称の地域資源がすでにあります: {name}", field="name")

    def get(self, resource_id: ResourceId) -> Resource:
        row = self._db.conn.execute(
            f"SELECT {_RESOURCE_COLUMNS} FROM resources WHERE id = ?", (resource_id,)
        ).fetchone()
        if row is None:
            raise RecordNotFound("地域資源", resource_id)
        return _resource(row)

    def find_by_name(self, name: str) -> Resource | None:
        row = self._db.conn.execute(
            f"SELECT {_RESOURCE_COLUMNS} FROM resources WHERE name = ?", (name.strip(),)
        ).fetchone()
        return _resource(row) if row else None

    def rows(
        self,
        flt: ResourceFilter = ResourceFilter(),
        *,
        sort: ResourceSort = ResourceSort.KIND,
        descending: bool = False,
    ) -> list[ResourceRow]:
        """The register filtered and sorted in SQL, with the connection counts of each resource."""
        where, params = flt.where()
        order = _ORDER[sort].format(dir="DESC" if descending else "ASC")
        rows = self._db.conn.execute(f"{_ROW_SELECT} {where} ORDER BY {order}", params).fetchall()
        return [_resource_row(r) for r in rows]

    def directory(self) -> list[tuple[Resource, ResourceRow]]:
        """Every resource (休止中 too) in full, with its connection counts, in the register's
        order (種類, then フリガナ): for the 地域資源一覧 export.  Two queries."""
        listed = self.rows(ResourceFilter(include_inactive=True))
        rows = self._db.conn.execute(f"SELECT {_RESOURCE_COLUMNS} FROM resources").fetchall()
        full = {resource.id: resource for resource in map(_resource, rows)}
        return [(full[row.id], row) for row in listed]

    def count(self, flt: ResourceFilter = ResourceFilter()) -> int:
        where, params = flt.where()
        return int(self._db.conn.execute(f"SELECT count(*) FROM resources r {where}", params).fetchone()[0])

    def districts(self) -> list[str]:
        rows = self._db.conn.execute(
            "SELECT DISTINCT district FROM resources WHERE district <> '' ORDER BY district"
        ).fetchall()
        return [r[0] for r in rows]

    # ---- connections (つながり) -----------------------------------------------------------------------

    def connect(
        self,
        resource_id: ResourceId,
        case_id: CaseId,
        referred_on: dt.date,
        today: dt.date,
        *,
        referred_by: str = "",
        note: str = "",
    ) -> LinkId:
        """A case's person connected to a resource (調整中); one open connection per pair, and only
        while the case is open (read in the same transaction as the write)."""
        with self._db.transaction() as conn:
            resource = self.get(resource_id)
            case = conn.execute("SELECT status FROM cases WHERE id = ?", (case_id,)).fetchone()
            if case is None:
                raise RecordNotFound("ケース", case_id)
            link = rules.new_link(
                resource,
                case_id,
                referred_on,
                today,
                case_status=CaseStatus(case[0]),
                referred_by=referred_by,
                note=note,
            )
            open_already = conn.execute(
                "SELECT l.status FROM resource_links l WHERE l.resource_id = ? AND l.case_id = ?"
                " AND l.status <> '終了'",
                (resource_id, case_id),
            ).fetchone()
            if open_already:
                raise RuleViolation(
                    f"このケースはすでに「{resource.name}」につながっています（{open_already[0]}）。"
                )
            now = now_text()
            cur = conn.execute(
                "INSERT INTO resource_links (resource_id, case_id, status, referred_on, referred_by, note,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    resource_id,
                    case_id,
                    link.status.value,
                    link.referred_on.isoformat(),
                    link.referred_by,
                    link.note,
                    now,
                    now,
                ),
            )
            link_id = LinkId(int(cur.lastrowid or 0))
            self._event(conn, link_id, None, link.status, referred_on, "", link.referred_by)
            return link_id

    @staticmethod
    def _event(
        conn: Connection,
        link_id: LinkId,
        source: LinkStatus | None,
        target: LinkStatus,
        on: dt.date,
        reason: str,
        by: str,
    ) -> None:
        conn.execute(
            "INSERT INTO resource_link_events (link_id, from_status, to_status, on_date, reason, by_name,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (link_id, source.value if source else None, target.value, on.isoformat(), reason, by, now_text()),
        )

    def link(self, link_id: LinkId) -> ResourceLink:
        return self.link_row(link_id).link

    def link_row(self, link_id: LinkId) -> LinkRow:
        rows = self._link_rows("WHERE l.id = ?", (link_id,))
        if not rows:
            raise RecordNotFound("つながり", link_id)
        return rows[0]

    def _link_rows(self, where_and_order: str, params: Sequence[Any]) -> list[LinkRow]:
        rows = self._db.conn.execute(f"{_LINK_SELECT} {where_and_order}", params).fetchall()
        return [_link_row(r) for r in rows]

    def move(
        self,
        link_id: LinkId,
        target: LinkStatus,
        on: dt.date,
        today: dt.date,
        *,
        reason: str = "",
        by: str = "",
    ) -> ResourceLink:
        """Move a connection (利用開始・定着・終了・利用中に戻す) and keep the step in its history."""
        with self._db.transaction() as conn:
            row = self.link_row(link_id)
            before = row.link
            last_step = conn.execute(
                "SELECT max(on_date) FROM resource_link_events WHERE link_id = ?", (link_id,)
            ).fetchone()[0]
            after = rules.move(
                before,
                target,
                on,
                today,
                reason=reason,
                last_check_on=row.last_check_on,
                last_step_on=dt.date.fromisoformat(last_step) if last_step else None,
            )
            conn.execute(
                f"UPDATE resource_links SET {', '.join(f'{c} = ?' for c in _LINK_FIELDS.split(', '))}"
                " WHERE id = ?",
                (*_link_values(after), link_id),
            )
            self._event(conn, link_id, before.status, after.status, on, reason.strip(), by.strip())
            return after

    def remove(self, link_id: LinkId) -> None:
        """Delete a connection entered by mistake (only while 調整中 and never checked)."""
        with self._db.transaction() as conn:
            row = self.link_row(link_id)
            why_not = rules.can_remove(row.link, row.checks)
            if why_not is not None:
                raise RuleViolation(why_not)
            conn.execute("DELETE FROM resource_links WHERE id = ?", (link_id,))

    def history(self, link_id: LinkId) -> list[LinkEvent]:
        rows = self._db.conn.execute(
            "SELECT from_status, to_status, on_date, reason, by_name FROM resource_link_events"
            " WHERE link_id = ? ORDER BY id",
            (link_id,),
        ).fetchall()
        return [
            LinkEvent(
                LinkStatus(r[0]) if r[0] else None, LinkStatus(r[1]), dt.date.fromisoformat(r[2]), r[3], r[4]
            )
            for r in rows
        ]

    def story(self, link_id: LinkId) -> list[LinkEvent | FollowUp]:
        """A connection's status moves and 定着の確認 together, newest first: by date, then by when
        they were entered (one query).  Entries of one day entered in the same second fall back to
        the order the flow allows (紹介, 利用開始, checks, 定着, 利用中に戻す, 終了)."""
        rows = self._db.conn.execute(
            "SELECT on_date, created_at, 0 AS is_check,"
            f" {_EVENT_RANK} AS rank, id, from_status, to_status, reason, by_name, NULL, NULL"
            " FROM resource_link_events WHERE link_id = ?"
            " UNION ALL"
            " SELECT on_date, created_at, 1, 2, id, NULL, NULL, '', by_name, condition, how"
            " FROM resource_checks WHERE link_id = ?"
            " ORDER BY on_date DESC, created_at DESC, rank DESC, id DESC",
            (link_id, link_id),
        ).fetchall()
        return [
            FollowUp(dt.date.fromisoformat(r[0]), Condition(r[9]), r[10], r[8], CheckId(r[4]))
            if r[2]
            else LinkEvent(
                LinkStatus(r[5]) if r[5] else None, LinkStatus(r[6]), dt.date.fromisoformat(r[0]), r[7], r[8]
            )
            for r in rows
        ]

    # ---- 定着の確認 ---------------------------------------------------------------------------------

    def add_check(self, link_id: LinkId, check: FollowUp, today: dt.date) -> CheckId:
        with self._db.transaction() as conn:
            checked = rules.validate_check(self.link(link_id), check, today)
            cur = conn.execute(
                "INSERT INTO resource_checks (link_id, on_date, condition, how, by_name, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    link_id,
                    checked.on.isoformat(),
                    checked.condition.value,
                    checked.how,
                    checked.by,
                    now_text(),
                ),
            )
            conn.execute("UPDATE resource_links SET updated_at = ? WHERE id = ?", (now_text(), link_id))
            return CheckId(int(cur.lastrowid or 0))

    def checks(self, link_id: LinkId) -> list[FollowUp]:
        """The checks of a connection, newest first."""
        rows = self._db.conn.execute(
            "SELECT id, on_date, condition, how, by_name FROM resource_checks WHERE link_id = ?"
            " ORDER BY on_date DESC, id DESC",
            (link_id,),
        ).fetchall()
        return [
            FollowUp(dt.date.fromisoformat(r[1]), Condition(r[2]), r[3], r[4], CheckId(r[0])) for r in rows
        ]

    # ---- lists of connections ----------------------------------------------------------------------

    def links_for_resource(self, resource_id: ResourceId) -> list[LinkRow]:
        """Who is connected to a resource: open ones first (調整中・利用中・定着), then ended, newest first."""
        return self._link_rows(f"WHERE l.resource_id = ? {_OPEN_FIRST}", (resource_id,))

    def links_for_case(self, case_id: CaseId) -> list[LinkRow]:
        """A case's connections (for the case file): open ones first, then ended, newest first."""
        return self._link_rows(f"WHERE l.case_id = ? {_OPEN_FIRST}", (case_id,))

    def follow_ups(self, today: dt.date, interval_days: int, *, due_only: bool = False) -> list[LinkRow]:
        """Open connections for the 定着 overview: those due for a check first, the longest waiting first.

        Due means 利用中 with no check (and no start) within ``interval_days`` days before ``today``
        (:func:`jusou_desktop.domain.resources.is_due`).  Then the other 利用中, 調整中 and 定着.
        """
        cutoff = rules.due_cutoff(today, rules.validate_interval(interval_days)).isoformat()
        due = f"(l.status = '利用中' AND {_LAST_SEEN} <= ?)"
        where = f"WHERE {due}" if due_only else "WHERE l.status <> '終了'"
        return self._link_rows(
            f"{where} ORDER BY {due} DESC, {_FOLLOW_UP_ORDER}, {_LAST_SEEN}, l.id",
            (cutoff, cutoff) if due_only else (cutoff,),
        )

    def due_count(self, today: dt.date, interval_days: int) -> int:
        cutoff = rules.due_cutoff(today, rules.validate_interval(interval_days)).isoformat()
        row = self._db.conn.execute(
            f"SELECT count(*) FROM resource_links l WHERE l.status = '利用中' AND {_LAST_SEEN} <= ?",
            (cutoff,),
        ).fetchone()
        return int(row[0])

    # ---- the follow-up interval ---------------------------------------------------------------------

    def follow_up_days(self) -> int:
        text = self._db.settings.get(FOLLOW_UP_SETTING, str(rules.DEFAULT_FOLLOW_UP_DAYS))
        try:
            return rules.validate_interval(int(text))
        except (ValueError, ValidationError):
            return rules.DEFAULT_FOLLOW_UP_DAYS

    def set_follow_up_days(self, days: int) -> None:
        self._db.settings.set(FOLLOW_UP_SETTING, str(rules.validate_interval(days)))
