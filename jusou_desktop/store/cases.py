"""Cases with their household, 本人, tags, consent history, team and status history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from jusou_desktop.domain import status as lifecycle
from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.domain.ids import AgencyId, CaseId, ConsentId, HouseholdId, PersonId, StaffId
from jusou_desktop.domain.kana import search_key, to_katakana
from jusou_desktop.domain.meetings import need_after_transition
from jusou_desktop.domain.model import (
    Case,
    CaseRow,
    CaseStatus,
    Consent,
    ConsentMethod,
    ConsentState,
    Household,
    HouseholdMember,
    Person,
    Sex,
    StatusChange,
    TeamMember,
)
from jusou_desktop.domain.team import validate_team
from jusou_desktop.domain.wareki import fiscal_year_of
from jusou_desktop.store._base import (
    Repository,
    date_text,
    like_escape,
    next_in_sequence,
    note_used_number,
    now_text,
    to_date,
)
from jusou_desktop.store.connection import Connection
from jusou_desktop.store.errors import RecordNotFound

PRINCIPAL_RELATION = "本人"


class CaseSort(StrEnum):
    NUMBER = "number"
    KANA = "kana"
    STATUS = "status"
    OPENED = "opened"
    DISTRICT = "district"


_ORDER = {
    CaseSort.NUMBER: "c.number {dir}",
    CaseSort.KANA: "p.kana_key {dir}, c.id {dir}",
    CaseSort.STATUS: "{status_order} {dir}, c.id {dir}",
    CaseSort.OPENED: "c.opened_on {dir}, c.id {dir}",
    CaseSort.DISTRICT: "p.district {dir}, c.id {dir}",
}
_STATUS_ORDER_SQL = (
    "CASE c.status " + " ".join(f"WHEN '{s.value}' THEN {i}" for i, s in enumerate(CaseStatus)) + " END"
)


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """What the case list shows; every part is applied in SQL."""

    text: str = ""
    statuses: tuple[CaseStatus, ...] = ()
    tag: str | None = None
    lead_agency_id: AgencyId | None = None
    staff_id: StaffId | None = None
    district: str | None = None
    consent: ConsentState | None = None

    def person_join(self) -> str:
        """The join to 本人's row, only when the filter reads it (counting 100,000 cases without it is ~100× faster)."""
        return " JOIN persons p ON p.id = c.principal_id" if self.district else ""

    def where(self, *, ignore_status: bool = False) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        text = self.text.strip()
        if text:
            key = search_key(text)
            clauses.append(
                "(c.household_id IN (SELECT hm.household_id FROM household_members hm"
                " JOIN persons mp ON mp.id = hm.person_id WHERE instr(mp.search_key, ?) > 0)"
                " OR c.number LIKE ? ESCAPE '\\')"
            )
            params += [key, f"%{like_escape(text)}%"]
        if self.statuses and not ignore_status:
            clauses.append(f"c.status IN ({', '.join('?' for _ in self.statuses)})")
            params += [s.value for s in self.statuses]
        if self.tag:
            clauses.append(
                "c.id IN (SELECT ct.case_id FROM case_tags ct JOIN tags t ON t.id = ct.tag_id WHERE t.name = ?)"
            )
            params.append(self.tag)
        if self.lead_agency_id is not None:
            clauses.append("c.lead_agency_id = ?")
            params.append(self.lead_agency_id)
        if self.staff_id is not None:
            clauses.append("c.id IN (SELECT case_id FROM case_team WHERE staff_id = ?)")
            params.append(self.staff_id)
        if self.district:
            clauses.append("p.district = ?")
            params.append(self.district)
        if self.consent is not None:
            clauses.append("c.consent_state = ?")
            params.append(self.consent.value)
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


_ROW_SELECT = (
    "SELECT c.id, c.number, p.name, p.kana, c.status, c.opened_on, p.district, c.consent_state,"
    " coalesce(a.name, ''),"
    " (SELECT group_concat(t.name, char(10)) FROM case_tags ct JOIN tags t ON t.id = ct.tag_id"
    "  WHERE ct.case_id = c.id)"
    " FROM cases c"
    " JOIN persons p ON p.id = c.principal_id"
    " LEFT JOIN agencies a ON a.id = c.lead_agency_id"
)


def _case_row(row: Any) -> CaseRow:
    return CaseRow(
        id=CaseId(row[0]),
        number=row[1],
        name=row[2],
        kana=row[3],
        status=CaseStatus(row[4]),
        opened_on=dt.date.fromisoformat(row[5]),
        district=row[6],
        consent_state=ConsentState(row[7]),
        lead_agency=row[8],
        tags=tuple(row[9].split("\n")) if row[9] else (),
    )


_PERSON_COLUMNS = "id, name, kana, birth_date, sex, postal_code, address, district, phone, note"


def _person(row: Any, offset: int = 0) -> Person:
    r = row[offset:]
    return Person(
        id=PersonId(r[0]),
        name=r[1],
        kana=r[2],
        birth_date=to_date(r[3]),
        sex=Sex(r[4]),
        postal_code=r[5],
        address=r[6],
        district=r[7],
        phone=r[8],
        note=r[9],
    )


def _person_values(person: Person) -> tuple[Any, ...]:
    name = person.name.strip()
    if not name:
        raise ValidationError("氏名を入力してください。", field="name")
    kana = to_katakana(person.kana)
    return (
        name,
        kana,
        date_text(person.birth_date),
        person.sex.value,
        person.postal_code.strip(),
        person.address.strip(),
        person.district.strip(),
        person.phone.strip(),
        person.note,
        search_key(name) + "|" + search_key(kana),
        search_key(kana),
    )


_CONSENT_COLUMNS = "id, state, recorded_on, method, scope, covers_tax_info, recorded_by, note"


def _consent(row: Any) -> Consent:
    return Consent(
        id=ConsentId(row[0]),
        state=ConsentState(row[1]),
        recorded_on=dt.date.fromisoformat(row[2]),
        method=ConsentMethod(row[3]) if row[3] else None,
        scope=row[4],
        covers_tax_info=bool(row[5]),
        recorded_by=row[6],
        note=row[7],
    )


@dataclass(frozen=True, slots=True)
class PossibleDuplicate:
    person_id: PersonId
    name: str
    kana: str
    birth_date: dt.date | None
    case_numbers: tuple[str, ...]


class CaseRepository(Repository):
    # ---- people ---------------------------------------------------------------------------

    @staticmethod
    def _insert_person(conn: Connection, person: Person) -> PersonId:
        now = now_text()
        cur = conn.execute(
            "INSERT INTO persons (name, kana, birth_date, sex, postal_code, address, district, phone, note,"
            " search_key, kana_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*_person_values(person), now, now),
        )
        return PersonId(int(cur.lastrowid or 0))

    def update_person(self, person: Person) -> None:
        if person.id is None:
            raise ValueError("person without id")
        with self._db.transaction() as conn:
            cur = conn.execute(
                "UPDATE persons SET name = ?, kana = ?, birth_date = ?, sex = ?, postal_code = ?, address = ?,"
                " district = ?, phone = ?, note = ?, search_key = ?, kana_key = ?, updated_at = ? WHERE id = ?",
                (*_person_values(person), now_text(), person.id),
            )
            if cur.rowcount == 0:
                raise RecordNotFound("人", person.id)

    def get_person(self, person_id: PersonId) -> Person:
        row = self._db.conn.execute(
            f"SELECT {_PERSON_COLUMNS} FROM persons WHERE id = ?", (person_id,)
        ).fetchone()
        if row is None:
            raise RecordNotFound("人", person_id)
        return _person(row)

    # ---- creating and reading cases --------------------------------------------------------

    def _next_number(self, conn: Connection, opened_on: dt.date) -> str:
        prefix = f"{fiscal_year_of(opened_on)}-"
        return f"{prefix}{next_in_sequence(conn, prefix, 'cases', 4):04d}"

    def create(
        self,
        principal: Person,
        *,
        opened_on: dt.date,
        members: Sequence[HouseholdMember] = (),
        route: str = "",
        summary: str = "",
        tags: Iterable[str] = (),
        consent: Consent | None = None,
        team: Sequence[TeamMember] = (),
        household_name: str | None = None,
        number: str | None = None,
        by: str = "",
    ) -> CaseId:
        """Create a case, its household (本人 first) and its first history entries, atomically."""
        team = validate_team(team)
        with self._db.transaction() as conn:
            now = now_text()
            name = household_name or f"{principal.name.split()[0] if principal.name.strip() else ''}世帯"
            household_id = HouseholdId(
                int(
                    conn.execute(
                        "INSERT INTO households (name, created_at, updated_at) VALUES (?, ?, ?)",
                        (name, now, now),
                    ).lastrowid
                    or 0
                )
            )
            principal_id = principal.id or self._insert_person(conn, principal)
            self._add_member_row(conn, household_id, principal_id, PRINCIPAL_RELATION, True, "", 0)
            for position, member in enumerate(members, start=1):
                person_id = member.person.id or self._insert_person(conn, member.person)
                self._add_member_row(
                    conn,
                    household_id,
                    person_id,
                    member.relation,
                    member.lives_together,
                    member.note,
                    position,
                )
            if number:
                note_used_number(conn, number)
            else:
                number = self._next_number(conn, opened_on)
            cur = conn.execute(
                "INSERT INTO cases (number, household_id, principal_id, status, opened_on, route, summary,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    number,
                    household_id,
                    principal_id,
                    CaseStatus.RECEIVED.value,
                    opened_on.isoformat(),
                    route,
                    summary,
                    now,
                    now,
                ),
            )
            case_id = CaseId(int(cur.lastrowid or 0))
            self._insert_history(
                conn, case_id, StatusChange(None, CaseStatus.RECEIVED, opened_on, "受付", by)
            )
            self.set_tags(case_id, tags)
            if consent is not None:
                self.record_consent(case_id, consent)
            if team:
                self.set_team(case_id, team)
            return case_id

    def get(self, case_id: CaseId) -> Case:
        conn = self._db.conn
        row = conn.execute(
            "SELECT id, number, household_id, principal_id, status, opened_on, closed_on, route, summary"
            " FROM cases WHERE id = ?",
            (case_id,),
        ).fetchone()
        if row is None:
            raise RecordNotFound("ケース", case_id)
        household = self.household(HouseholdId(row[2]))
        principal = next(
            (m.person for m in household.members if m.person.id == row[3]), None
        ) or self.get_person(PersonId(row[3]))
        return Case(
            id=CaseId(row[0]),
            number=row[1],
            household=household,
            principal=principal,
            status=CaseStatus(row[4]),
            opened_on=dt.date.fromisoformat(row[5]),
            closed_on=to_date(row[6]),
            route=row[7],
            summary=row[8],
            tags=self.tags_of(case_id),
            consent=self.current_consent(case_id),
            team=self.team(case_id),
        )

    def household(self, household_id: HouseholdId) -> Household:
        conn = self._db.conn
        head = conn.execute("SELECT name FROM households WHERE id = ?", (household_id,)).fetchone()
        if head is None:
            raise RecordNotFound("世帯", household_id)
        cols = ", ".join(f"p.{c}" for c in _PERSON_COLUMNS.split(", "))
        rows = conn.execute(
            f"SELECT hm.relation, hm.lives_together, hm.note, {cols} FROM household_members hm"
            " JOIN persons p ON p.id = hm.person_id WHERE hm.household_id = ? ORDER BY hm.position, hm.id",
            (household_id,),
        ).fetchall()
        members = tuple(HouseholdMember(_person(r, 3), r[0], bool(r[1]), r[2]) for r in rows)
        return Household(name=head[0], members=members, id=household_id)

    def _household_of(self, conn: Connection, case_id: CaseId) -> tuple[HouseholdId, PersonId]:
        row = conn.execute("SELECT household_id, principal_id FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise RecordNotFound("ケース", case_id)
        return HouseholdId(row[0]), PersonId(row[1])

    def update_basics(self, case_id: CaseId, *, opened_on: dt.date, route: str, summary: str) -> None:
        with self._db.transaction() as conn:
            cur = conn.execute(
                "UPDATE cases SET opened_on = ?, route = ?, summary = ?, updated_at = ? WHERE id = ?",
                (opened_on.isoformat(), route, summary, now_text(), case_id),
            )
            if cur.rowcount == 0:
                raise RecordNotFound("ケース", case_id)

    # ---- household members -----------------------------------------------------------------

    @staticmethod
    def _add_member_row(
        conn: Connection,
        household_id: HouseholdId,
        person_id: PersonId,
        relation: str,
        lives_together: bool,
        note: str,
        position: int,
    ) -> None:
        conn.execute(
            "INSERT INTO household_members (household_id, person_id, relation, lives_together, note, position)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (household_id, person_id, relation.strip(), int(lives_together), note, position),
        )

    def add_member(self, case_id: CaseId, member: HouseholdMember) -> PersonId:
        with self._db.transaction() as conn:
            household_id, _ = self._household_of(conn, case_id)
            person_id = member.person.id or self._insert_person(conn, member.person)
            if conn.execute(
                "SELECT 1 FROM household_members WHERE household_id = ? AND person_id = ?",
                (household_id, person_id),
            ).fetchone():
                raise ValidationError("この人はすでに世帯員です。", field="member")
            position = conn.execute(
                "SELECT coalesce(max(position), 0) + 1 FROM household_members WHERE household_id = ?",
                (household_id,),
            ).fetchone()[0]
            self._add_member_row(
                conn, household_id, person_id, member.relation, member.lives_together, member.note, position
            )
            return person_id

    def update_member(self, case_id: CaseId, member: HouseholdMember) -> None:
        if member.person.id is None:
            raise ValueError("member without person id")
        with self._db.transaction() as conn:
            household_id, principal_id = self._household_of(conn, case_id)
            relation = PRINCIPAL_RELATION if member.person.id == principal_id else member.relation
            self.update_person(member.person)
            conn.execute(
                "UPDATE household_members SET relation = ?, lives_together = ?, note = ?"
                " WHERE household_id = ? AND person_id = ?",
                (relation, int(member.lives_together), member.note, household_id, member.person.id),
            )

    def remove_member(self, case_id: CaseId, person_id: PersonId) -> None:
        with self._db.transaction() as conn:
            household_id, principal_id = self._household_of(conn, case_id)
            if person_id == principal_id:
                raise ValidationError("本人は世帯から外せません。", field="member")
            conn.execute(
                "DELETE FROM household_members WHERE household_id = ? AND person_id = ?",
                (household_id, person_id),
            )
            still_used = conn.execute(
                "SELECT 1 FROM household_members WHERE person_id = ? UNION ALL"
                " SELECT 1 FROM cases WHERE principal_id = ? LIMIT 1",
                (person_id, person_id),
            ).fetchone()
            if not still_used:
                conn.execute("DELETE FROM persons WHERE id = ?", (person_id,))

    # ---- status ----------------------------------------------------------------------------

    def change_status(
        self, case_id: CaseId, target: CaseStatus, *, on: dt.date, reason: str = "", by: str = ""
    ) -> StatusChange:
        """Move the case if the domain allows it; the history keeps every move."""
        with self._db.transaction() as conn:
            row = conn.execute("SELECT status FROM cases WHERE id = ?", (case_id,)).fetchone()
            if row is None:
                raise RecordNotFound("ケース", case_id)
            change = lifecycle.transition(CaseStatus(row[0]), target, on, reason, by)
            closed_on = on.isoformat() if not lifecycle.is_open(target) else None
            conn.execute(
                "UPDATE cases SET status = ?, closed_on = ?, updated_at = ? WHERE id = ?",
                (target.value, closed_on, now_text(), case_id),
            )
            self._insert_history(conn, case_id, change)
            consent = conn.execute("SELECT consent_state FROM cases WHERE id = ?", (case_id,)).fetchone()[0]
            need = need_after_transition(CaseStatus(row[0]), target, ConsentState(consent))
            if need is not None and all(n.reason is not need for n in self._db.meetings.open_needs(case_id)):
                conn.execute(
                    "INSERT INTO meeting_needs (case_id, reason, since, source, created_at) VALUES (?, ?, ?, ?, ?)",
                    (case_id, need.value, on.isoformat(), f"状態を「{target.value}」に変更", now_text()),
                )
            return change

    @staticmethod
    def _insert_history(conn: Connection, case_id: CaseId, change: StatusChange) -> None:
        conn.execute(
            "INSERT INTO case_status_history (case_id, from_status, to_status, changed_on, reason, changed_by,"
            " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                case_id,
                change.from_status.value if change.from_status else None,
                change.to_status.value,
                change.changed_on.isoformat(),
                change.reason,
                change.changed_by,
                now_text(),
            ),
        )

    def status_history(self, case_id: CaseId) -> list[StatusChange]:
        rows = self._db.conn.execute(
            "SELECT from_status, to_status, changed_on, reason, changed_by FROM case_status_history"
            " WHERE case_id = ? ORDER BY id",
            (case_id,),
        ).fetchall()
        return [
            StatusChange(
                CaseStatus(r[0]) if r[0] else None, CaseStatus(r[1]), dt.date.fromisoformat(r[2]), r[3], r[4]
            )
            for r in rows
        ]

    # ---- tags ------------------------------------------------------------------------------

    def all_tags(self) -> list[str]:
        rows = self._db.conn.execute(
            "SELECT name FROM tags WHERE active = 1 ORDER BY builtin DESC, position, name"
        ).fetchall()
        return [r[0] for r in rows]

    def tags_of(self, case_id: CaseId) -> tuple[str, ...]:
        rows = self._db.conn.execute(
            "SELECT t.name FROM case_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.case_id = ?"
            " ORDER BY t.builtin DESC, t.position, t.name",
            (case_id,),
        ).fetchall()
        return tuple(r[0] for r in rows)

    def set_tags(self, case_id: CaseId, names: Iterable[str]) -> None:
        """Replace the case's tags; a name the town has not used before becomes a town tag."""
        wanted = list(dict.fromkeys(n.strip() for n in names if n.strip()))
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM case_tags WHERE case_id = ?", (case_id,))
            for name in wanted:
                conn.execute(
                    "INSERT OR IGNORE INTO tags (name, builtin, position) VALUES (?, 0, 1000)", (name,)
                )
                conn.execute(
                    "INSERT INTO case_tags (case_id, tag_id) SELECT ?, id FROM tags WHERE name = ?",
                    (case_id, name),
                )

    # ---- consent ---------------------------------------------------------------------------

    def record_consent(self, case_id: CaseId, consent: Consent) -> ConsentId:
        """Add an entry to the consent history; the newest entry is the current consent."""
        with self._db.transaction() as conn:
            self._household_of(conn, case_id)
            cur = conn.execute(
                "INSERT INTO consents (case_id, state, recorded_on, method, scope, covers_tax_info, recorded_by,"
                " note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    case_id,
                    consent.state.value,
                    consent.recorded_on.isoformat(),
                    consent.method.value if consent.method else None,
                    consent.scope,
                    int(consent.covers_tax_info),
                    consent.recorded_by,
                    consent.note,
                    now_text(),
                ),
            )
            current = self.current_consent(case_id)
            conn.execute(
                "UPDATE cases SET consent_state = ?, updated_at = ? WHERE id = ?",
                ((current.state if current else ConsentState.PENDING).value, now_text(), case_id),
            )
            return ConsentId(int(cur.lastrowid or 0))

    def consent_history(self, case_id: CaseId) -> list[Consent]:
        rows = self._db.conn.execute(
            f"SELECT {_CONSENT_COLUMNS} FROM consents WHERE case_id = ? ORDER BY recorded_on DESC, id DESC",
            (case_id,),
        ).fetchall()
        return [_consent(r) for r in rows]

    def current_consent(self, case_id: CaseId) -> Consent | None:
        row = self._db.conn.execute(
            f"SELECT {_CONSENT_COLUMNS} FROM consents WHERE case_id = ? ORDER BY recorded_on DESC, id DESC LIMIT 1",
            (case_id,),
        ).fetchone()
        return _consent(row) if row else None

    # ---- team ------------------------------------------------------------------------------

    def team(self, case_id: CaseId) -> tuple[TeamMember, ...]:
        rows = self._db.conn.execute(
            "SELECT agency_id, staff_id, is_lead, role FROM case_team WHERE case_id = ? ORDER BY is_lead DESC, id",
            (case_id,),
        ).fetchall()
        return tuple(
            TeamMember(AgencyId(r[0]), StaffId(r[1]) if r[1] is not None else None, bool(r[2]), r[3])
            for r in rows
        )

    def set_team(self, case_id: CaseId, members: Sequence[TeamMember]) -> None:
        ordered = validate_team(members)
        with self._db.transaction() as conn:
            self._household_of(conn, case_id)
            conn.execute("DELETE FROM case_team WHERE case_id = ?", (case_id,))
            conn.executemany(
                "INSERT INTO case_team (case_id, agency_id, staff_id, is_lead, role) VALUES (?, ?, ?, ?, ?)",
                [(case_id, m.agency_id, m.staff_id, int(m.is_lead), m.role) for m in ordered],
            )
            lead = next((m.agency_id for m in ordered if m.is_lead), None)
            conn.execute(
                "UPDATE cases SET lead_agency_id = ?, updated_at = ? WHERE id = ?",
                (lead, now_text(), case_id),
            )

    # ---- lists and search -------------------------------------------------------------------

    def rows(
        self,
        flt: CaseFilter = CaseFilter(),
        *,
        sort: CaseSort = CaseSort.NUMBER,
        descending: bool = False,
        limit: int = 200,
        offset: int = 0,
    ) -> list[CaseRow]:
        """One page of the case list, filtered and sorted in SQL."""
        where, params = flt.where()
        order = _ORDER[sort].format(dir="DESC" if descending else "ASC", status_order=_STATUS_ORDER_SQL)
        rows = self._db.conn.execute(
            f"{_ROW_SELECT} {where} ORDER BY {order} LIMIT ? OFFSET ?", (*params, limit, offset)
        ).fetchall()
        return [_case_row(r) for r in rows]

    def count(self, flt: CaseFilter = CaseFilter()) -> int:
        where, params = flt.where()
        row = self._db.conn.execute(
            f"SELECT count(*) FROM cases c{flt.person_join()} {where}", params
        ).fetchone()
        return int(row[0])

    def status_counts(self, flt: CaseFilter = CaseFilter()) -> dict[CaseStatus, int]:
        """Cases per status under the filter, ignoring its status part (for the status tabs)."""
        where, params = flt.where(ignore_status=True)
        rows = self._db.conn.execute(
            f"SELECT c.status, count(*) FROM cases c{flt.person_join()} {where} GROUP BY c.status",
            params,
        ).fetchall()
        counts = dict.fromkeys(CaseStatus, 0)
        counts.update({CaseStatus(r[0]): int(r[1]) for r in rows})
        return counts

    def districts(self) -> list[str]:
        rows = self._db.conn.execute(
            "SELECT DISTINCT p.district FROM cases c JOIN persons p ON p.id = c.principal_id"
            " WHERE p.district <> '' ORDER BY p.district"
        ).fetchall()
        return [r[0] for r in rows]

    def possible_duplicates(self, kana: str, birth_date: dt.date | None) -> list[PossibleDuplicate]:
        """People with the same folded フリガナ and date of birth, with their case numbers."""
        key = search_key(kana)
        if not key or birth_date is None:
            return []
        rows = self._db.conn.execute(
            "SELECT p.id, p.name, p.kana, p.birth_date,"
            " (SELECT group_concat(c.number, char(10)) FROM household_members hm JOIN cases c"
            "  ON c.household_id = hm.household_id WHERE hm.person_id = p.id)"
            " FROM persons p WHERE p.kana_key = ? AND p.birth_date = ? ORDER BY p.id",
            (key, birth_date.isoformat()),
        ).fetchall()
        return [
            PossibleDuplicate(
                PersonId(r[0]), r[1], r[2], to_date(r[3]), tuple(r[4].split("\n")) if r[4] else ()
            )
            for r in rows
        ]
