"""支援関係機関 and their staff."""

from __future__ import annotations

from typing import Any

from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.domain.ids import AgencyId, StaffId
from jusou_desktop.domain.kana import to_katakana
from jusou_desktop.domain.model import Agency, AgencyField, Business, Operation, Staff
from jusou_desktop.store._base import Repository, now_text
from jusou_desktop.store.errors import RecordNotFound

_AGENCY_COLUMNS = (
    "id, name, kana, field, business, operation, department, address, phone, fax, email, note, active"
)


def _agency(row: Any) -> Agency:
    return Agency(
        id=AgencyId(row[0]),
        name=row[1],
        kana=row[2],
        field=AgencyField(row[3]),
        business=Business(row[4]),
        operation=Operation(row[5]) if row[5] else None,
        department=row[6],
        address=row[7],
        phone=row[8],
        fax=row[9],
        email=row[10],
        note=row[11],
        active=bool(row[12]),
    )


def _agency_values(agency: Agency) -> tuple[Any, ...]:
    if not agency.name.strip():
        raise ValidationError("機関名を入力してください。", field="name")
    return (
        agency.name.strip(),
        to_katakana(agency.kana),
        agency.field.value,
        agency.business.value,
        agency.operation.value if agency.operation else None,
        agency.department,
        agency.address,
        agency.phone,
        agency.fax,
        agency.email,
        agency.note,
        int(agency.active),
    )


class AgencyRepository(Repository):
    def add(self, agency: Agency) -> AgencyId:
        values = _agency_values(agency)
        now = now_text()
        with self._db.transaction() as conn:
            if conn.execute("SELECT 1 FROM agencies WHERE name = ?", (values[0],)).fetchone():
                raise ValidationError(f"同じ名前の機関がすでにあります: {values[0]}", field="name")
            cur = conn.execute(
                "INSERT INTO agencies (name, kana, field, business, operation, department, address, phone, fax,"
                " email, note, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, now, now),
            )
            return AgencyId(int(cur.lastrowid or 0))

    def update(self, agency: Agency) -> None:
        if agency.id is None:
            raise ValueError("agency without id")
        values = _agency_values(agency)
        with self._db.transaction() as conn:
            clash = conn.execute(
                "SELECT 1 FROM agencies WHERE name = ? AND id <> ?", (values[0], agency.id)
            ).fetchone()
            if clash:
                raise ValidationError(f"同じ名前の機関がすでにあります: {values[0]}", field="name")
            cur = conn.execute(
                "UPDATE agencies SET name = ?, kana = ?, field = ?, business = ?, operation = ?, department = ?,"
                " address = ?, phone = ?, fax = ?, email = ?, note = ?, active = ?, updated_at = ? WHERE id = ?",
                (*values, now_text(), agency.id),
            )
            if cur.rowcount == 0:
                raise RecordNotFound("関係機関", agency.id)

    def get(self, agency_id: AgencyId) -> Agency:
        row = self._db.conn.execute(
            f"SELECT {_AGENCY_COLUMNS} FROM agencies WHERE id = ?", (agency_id,)
        ).fetchone()
        if row is None:
            raise RecordNotFound("関係機関", agency_id)
        return _agency(row)

    def list(self, *, active_only: bool = False) -> list[Agency]:
        where = "WHERE active = 1" if active_only else ""
        rows = self._db.conn.execute(
            f"SELECT {_AGENCY_COLUMNS} FROM agencies {where} ORDER BY field, kana, name"
        ).fetchall()
        return [_agency(r) for r in rows]

    def find_by_name(self, name: str) -> Agency | None:
        row = self._db.conn.execute(
            f"SELECT {_AGENCY_COLUMNS} FROM agencies WHERE name = ?", (name.strip(),)
        ).fetchone()
        return _agency(row) if row else None


_STAFF_COLUMNS = "id, agency_id, name, kana, title, phone, email, active"


def _staff(row: Any) -> Staff:
    return Staff(
        id=StaffId(row[0]),
        agency_id=AgencyId(row[1]) if row[1] is not None else None,
        name=row[2],
        kana=row[3],
        title=row[4],
        phone=row[5],
        email=row[6],
        active=bool(row[7]),
    )


def _staff_values(staff: Staff) -> tuple[Any, ...]:
    if not staff.name.strip():
        raise ValidationError("職員の氏名を入力してください。", field="name")
    return (
        staff.agency_id,
        staff.name.strip(),
        to_katakana(staff.kana),
        staff.title,
        staff.phone,
        staff.email,
        int(staff.active),
    )


class StaffRepository(Repository):
    def add(self, staff: Staff) -> StaffId:
        values = _staff_values(staff)
        now = now_text()
        with self._db.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO staff (agency_id, name, kana, title, phone, email, active, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, now, now),
            )
            return StaffId(int(cur.lastrowid or 0))

    def update(self, staff: Staff) -> None:
        if staff.id is None:
            raise ValueError("staff without id")
        values = _staff_values(staff)
        with self._db.transaction() as conn:
            cur = conn.execute(
                "UPDATE staff SET agency_id = ?, name = ?, kana = ?, title = ?, phone = ?, email = ?, active = ?,"
                " updated_at = ? WHERE id = ?",
                (*values, now_text(), staff.id),
            )
            if cur.rowcount == 0:
                raise RecordNotFound("職員", staff.id)

    def get(self, staff_id: StaffId) -> Staff:
        row = self._db.conn.execute(
            f"SELECT {_STAFF_COLUMNS} FROM staff WHERE id = ?", (staff_id,)
        ).fetchone()
        if row is None:
            raise RecordNotFound("職員", staff_id)
        return _staff(row)

    def list(self, agency_id: AgencyId | None = None, *, active_only: bool = False) -> list[Staff]:
        clauses, params = [], []
        if agency_id is not None:
            clauses.append("agency_id = ?")
            params.append(agency_id)
        if active_only:
            clauses.append("active = 1")
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._db.conn.execute(
            f"SELECT {_STAFF_COLUMNS} FROM staff {where} ORDER BY kana, name", params
        )
        return [_staff(r) for r in rows.fetchall()]
