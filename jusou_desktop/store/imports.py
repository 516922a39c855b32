"""Importing a town's Excel list: preview with a per-row report, then all or nothing.

    from jusou_desktop.reports.excel_import import read_sheet      # in the caller (GUI, CLI)

    preview = db.imports.preview(ImportKind.CASES, path, sheet, reader=read_sheet)
    print(preview.describe())                                       # per-row report in Japanese
    result = db.imports.apply(ImportKind.CASES, preview, by="相談 花子")  # refuses if any problem

The store does not read Excel itself (the layers run GUI → reports → store → domain), so the
caller passes the reader.  :meth:`ImportRepository.apply` refuses a preview with any problem,
and otherwise checks the rows again against the database as it is now and writes every row in
ONE transaction: an error on any row (or a crash) leaves the database exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from jusou_desktop.domain.errors import Cancelled, RuleViolation
from jusou_desktop.domain.ids import AgencyId, CaseId
from jusou_desktop.domain.ledger_import import (
    AgencyRecord,
    CaseRecord,
    ColumnMapping,
    ExistingKeys,
    ExistingPerson,
    ImportKind,
    ImportRecord,
    RowProblem,
    mapping_for,
    validate_rows,
)
from jusou_desktop.domain.model import CaseStatus, Consent, StatusChange, TeamMember
from jusou_desktop.store._base import Repository, now_text
from jusou_desktop.store.cases import CaseRepository
from jusou_desktop.store.connection import Connection

IMPORT_NOTE = "Excelの台帳から取り込み"
_MAPPING_SETTING = {ImportKind.CASES: "import.mapping.cases", ImportKind.AGENCIES: "import.mapping.agencies"}


class SheetReader(Protocol):
    """Reads one sheet: its header texts and ``{header: value}`` rows (reports.excel_import.read_sheet)."""

    def __call__(
        self, path: Path, sheet: str | None, /, *, header_row: int
    ) -> tuple[list[str], list[dict[str, object]]]: ...


@dataclass(frozen=True, slots=True)
class ImportCounts:
    rows: int
    """Rows with something in a mapped column (blank rows are not counted)."""
    ready: int
    """Rows that can be imported as they are."""
    with_problems: int
    problems: int


@dataclass(frozen=True, eq=False)
class ImportPreview:
    """What an import would do: the typed records of good rows and every problem found."""

    kind: ImportKind
    source: str
    headers: tuple[str, ...]
    mapping: ColumnMapping
    rows: tuple[Mapping[str, object], ...]
    first_row_number: int
    records: tuple[ImportRecord, ...]
    problems: tuple[RowProblem, ...]

    @property
    def counts(self) -> ImportCounts:
        bad_rows = {p.row_number for p in self.problems if p.row_number is not None}
        return ImportCounts(
            rows=len(self.records) + len(bad_rows),
            ready=len(self.records),
            with_problems=len(bad_rows),
            problems=len(self.problems),
        )

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.records)

    def describe(self, limit: int = 100) -> str:
        """The report shown before importing, in Japanese (at most ``limit`` problem lines)."""
        counts = self.counts
        lines = [
            f"{self.kind.value}の取り込み: {self.source}" if self.source else f"{self.kind.value}の取り込み"
        ]
        lines += ["列の対応:", *(f"  {line}" for line in self.mapping.describe())]
        mapped = {header for _key, header in self.mapping.columns}
        unused = [h for h in self.headers if h not in mapped]
        if unused:
            lines.append("取り込まない列: " + "、".join(f"「{h}」" for h in unused))
        lines.append(
            f"対象 {counts.rows}行（取り込める行 {counts.ready}・問題のある行 {counts.with_problems}）"
        )
        if self.problems:
            lines.append(f"問題が {counts.problems}件あります。すべて直すまで1行も取り込みません:")
            lines += [f"  ・{p.message}" for p in self.problems[:limit]]
            if counts.problems > limit:
                lines.append(f"  ほか {counts.problems - limit}件")
        else:
            lines.append("問題はありません。")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class ImportedRow:
    row_number: int
    id: int
    label: str
    """The case number (given or assigned) or the agency name."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    kind: ImportKind
    rows: tuple[ImportedRow, ...]
    dry_run: bool = False

    @property
    def count(self) -> int:
        return len(self.rows)

    def describe(self) -> str:
        if self.dry_run:
            return (
                f"試しに{self.count}件を書き込み、問題なく終わることを確かめました。"
                "データベースは変更していません（--dry-run）。"
            )
        what = "ケース" if self.kind is ImportKind.CASES else "関係機関"
        return f"{what}を{self.count}件取り込みました。"


class _Rehearsed(Exception):
    """Raised at the end of a dry run so the transaction rolls back."""

    def __init__(self, rows: tuple[ImportedRow, ...]) -> None:
        super().__init__("dry run")
        self.rows = rows


class _Steps:
    """Counts the rows written: asks ``cancelled`` before each one and reports progress now and then."""

    def __init__(
        self, total: int, cancelled: Callable[[], bool], progress: Callable[[int, int], None]
    ) -> None:
        self.total = total
        self.done = 0
        self._cancelled = cancelled
        self._progress = progress
        self._every = max(1, total // 200)  # about 200 reports, whatever the size of the ledger

    def next(self) -> None:
        if self._cancelled():
            raise Cancelled("取り込みを中止しました。データベースは変更していません。")
        if self.done % self._every == 0:
            self._progress(self.done, self.total)
        self.done += 1


def _refusal(problems: Sequence[RowProblem], *, changed: bool = False) -> RuleViolation:
    rows = {p.row_number for p in problems if p.row_number is not None}
    where = f"{len(rows)}行に" if rows else ""
    cause = "（読み込んだ後にデータベースの内容が変わりました）" if changed else ""
    return RuleViolation(
        f"取り込めません{cause}: {where}問題が{len(problems)}件あります。"
        "ファイルを直して、もう一度読み込んでください。データベースは変更していません。"
    )


class ImportRepository(Repository):
    # ---- remembered column mapping ---------------------------------------------------------

    def mapping(self, kind: ImportKind) -> ColumnMapping | None:
        """The mapping used for the last import of this kind, or None."""
        raw = self._db.settings.get(_MAPPING_SETTING[kind])
        return ColumnMapping.from_json(kind, raw) if raw else None

    def remember_mapping(self, kind: ImportKind, mapping: ColumnMapping) -> None:
        if mapping.kind is not kind:
            raise ValueError(f"mapping for {mapping.kind} given for {kind}")
        self._db.settings.set(_MAPPING_SETTING[kind], mapping.to_json())

    def mapping_for(self, kind: ImportKind, headers: Sequence[str]) -> ColumnMapping:
        """The remembered mapping where its columns are present, guessed from the headers otherwise."""
        return mapping_for(kind, headers, self.mapping(kind))

    # ---- what is already registered --------------------------------------------------------

    def known_agencies(self) -> list[str]:
        return [str(r[0]) for r in self._db.conn.execute("SELECT name FROM agencies ORDER BY id").fetchall()]

    def existing_keys(self) -> ExistingKeys:
        """People with a birth date (for duplicates) and the case numbers in use, in two queries."""
        conn = self._db.conn
        people = conn.execute(
            "SELECT p.name, p.kana, p.birth_date, n.numbers FROM persons p LEFT JOIN"
            " (SELECT hm.person_id AS person_id, group_concat(c.number, char(10)) AS numbers"
            "  FROM household_members hm JOIN cases c ON c.household_id = hm.household_id"
            "  GROUP BY hm.person_id) n ON n.person_id = p.id"
            " WHERE p.birth_date IS NOT NULL"
        ).fetchall()
        numbers = conn.execute("SELECT number FROM cases").fetchall()
        return ExistingKeys(
            people=tuple(
                ExistingPerson(
                    str(r[0]), str(r[1]), dt.date.fromisoformat(r[2]), tuple(r[3].split("\n")) if r[3] else ()
                )
                for r in people
            ),
            case_numbers=frozenset(str(r[0]) for r in numbers),
        )

    def _validate(
        self,
        kind: ImportKind,
        mapping: ColumnMapping,
        headers: Sequence[str],
        rows: Sequence[Mapping[str, object]],
        first_row_number: int,
    ) -> tuple[list[ImportRecord], list[RowProblem]]:
        return validate_rows(
            kind,
            mapping,
            rows,
            known_agencies=self.known_agencies(),
            existing_keys=self.existing_keys() if kind is ImportKind.CASES else ExistingKeys(),
            headers=headers,
            first_row_number=first_row_number,
        )

    # ---- preview ---------------------------------------------------------------------------

    def preview(
        self,
        kind: ImportKind,
        path: Path,
        sheet: str | None,
        mapping: ColumnMapping | None = None,
        *,
        reader: SheetReader,
        header_row: int = 1,
    ) -> ImportPreview:
        """Read the sheet with ``reader`` and check every row; nothing is written.

        ``mapping`` None: the remembered mapping where it still fits, guesses for the rest.
        """
        headers, rows = reader(Path(path), sheet, header_row=header_row)
        source = Path(path).name + (f"／シート「{sheet}」" if sheet else "")
        return self.preview_rows(kind, headers, rows, mapping, first_row_number=header_row + 1, source=source)

    def preview_rows(
        self,
        kind: ImportKind,
        headers: Sequence[str],
        rows: Sequence[Mapping[str, object]],
        mapping: ColumnMapping | None = None,
        *,
        first_row_number: int = 2,
        source: str = "",
    ) -> ImportPreview:
        """:meth:`preview` for rows already read (``rows[0]`` is Excel row ``first_row_number``)."""
        chosen = mapping if mapping is not None else self.mapping_for(kind, headers)
        if chosen.kind is not kind:
            raise ValueError(f"mapping for {chosen.kind} given for {kind}")
        records, problems = self._validate(kind, chosen, headers, rows, first_row_number)
        return ImportPreview(
            kind=kind,
            source=source,
            headers=tuple(headers),
            mapping=chosen,
            rows=tuple(rows),
            first_row_number=first_row_number,
            records=tuple(records),
            problems=tuple(problems),
        )

    # ---- apply -----------------------------------------------------------------------------

    def apply(
        self,
        kind: ImportKind,
        preview: ImportPreview,
        *,
        by: str,
        dry_run: bool = False,
        cancelled: Callable[[], bool] = lambda: False,
        progress: Callable[[int, int], None] = lambda _done, _total: None,
    ) -> ImportResult:
        """Write every row of a problem-free preview in one transaction, or nothing at all.

        Refuses (:class:`RuleViolation`, nothing written) if the preview has problems, or if
        checking the rows again against the database as it is now finds any.  Any error while
        writing rolls the whole import back.  ``dry_run`` writes everything and then rolls back,
        proving the import would succeed without changing the file.  On success the column
        mapping is remembered for the next import of this kind.

        ``cancelled`` is asked before every row; when it answers True the import stops with
        :class:`Cancelled` and everything written so far is rolled back.  ``progress(done, total)``
        counts the rows written.
        """
        if preview.kind is not kind:
            raise ValueError(f"preview of {preview.kind} applied as {kind}")
        if preview.problems:
            raise _refusal(preview.problems)
        if self._db._depth:
            raise RuntimeError("an import must run in its own transaction")
        try:
            with self._db.transaction() as conn:
                records, problems = self._validate(
                    kind, preview.mapping, preview.headers, preview.rows, preview.first_row_number
                )
                if problems:
                    raise _refusal(problems, changed=True)
                steps = _Steps(len(records), cancelled, progress)
                if kind is ImportKind.CASES:
                    cases = [r for r in records if isinstance(r, CaseRecord)]
                    written = self._write_cases(conn, cases, by, steps)
                else:
                    written = self._write_agencies([r for r in records if isinstance(r, AgencyRecord)], steps)
                progress(steps.done, steps.total)
                if dry_run:
                    raise _Rehearsed(written)
                self.remember_mapping(kind, preview.mapping)
        except _Rehearsed as rehearsal:
            return ImportResult(kind, rehearsal.rows, dry_run=True)
        return ImportResult(kind, written)

    def _write_cases(
        self, conn: Connection, records: Sequence[CaseRecord], by: str, steps: _Steps
    ) -> tuple[ImportedRow, ...]:
        agency_ids = {
            str(r[1]): AgencyId(r[0]) for r in conn.execute("SELECT id, name FROM agencies").fetchall()
        }
        # Rows with their own case number first, so that numbering the others never takes one of them.
        ordered = sorted(records, key=lambda r: (not r.number, r.row_number))
        written: list[ImportedRow] = []
        for record in ordered:
            steps.next()
            consent = (
                Consent(record.consent, record.opened_on, recorded_by=by, note=IMPORT_NOTE)
                if record.consent is not None
                else None
            )
            team = [TeamMember(agency_ids[record.lead_agency], is_lead=True)] if record.lead_agency else []
            case_id = self._db.cases.create(
                record.person,
                opened_on=record.opened_on,
                route=record.route,
                summary=record.summary,
                tags=record.tags,
                consent=consent,
                team=team,
                number=record.number or None,
                by=by,
            )
            if record.status is not CaseStatus.RECEIVED:
                self._set_status(conn, case_id, record, by)
            number = record.number or str(
                conn.execute("SELECT number FROM cases WHERE id = ?", (case_id,)).fetchone()[0]
            )
            written.append(ImportedRow(record.row_number, int(case_id), number))
        return tuple(sorted(written, key=lambda w: w.row_number))

    @staticmethod
    def _set_status(conn: Connection, case_id: CaseId, record: CaseRecord, by: str) -> None:
        """The status the ledger gives, recorded as one history step from 受付 (no workflow side effects)."""
        changed_on = record.closed_on or record.opened_on
        conn.execute(
            "UPDATE cases SET status = ?, closed_on = ?, updated_at = ? WHERE id = ?",
            (
                record.status.value,
                record.closed_on.isoformat() if record.closed_on else None,
                now_text(),
                case_id,
            ),
        )
        CaseRepository._insert_history(
            conn, case_id, StatusChange(CaseStatus.RECEIVED, record.status, changed_on, IMPORT_NOTE, by)
        )

    def _write_agencies(self, records: Sequence[AgencyRecord], steps: _Steps) -> tuple[ImportedRow, ...]:
        written: list[ImportedRow] = []
        for record in records:
            steps.next()
            written.append(
                ImportedRow(record.row_number, int(self._db.agencies.add(record.agency)), record.agency.name)
            )
        return tuple(written)
