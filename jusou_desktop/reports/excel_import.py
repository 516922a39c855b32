"""Reading a town's own Excel list (.xlsx) for import: sheet names, header row, cell values.

openpyxl in read-only mode streams the sheet, so a ledger of thousands of rows reads quickly
and in little memory.  Cells come back as Python values a spreadsheet user would expect:
text (stripped, empty text as ``None``), numbers (whole floats as ``int``, so an Excel date
serial typed into a text-formatted column stays a readable serial), dates (``datetime.date``
when the time is midnight) and ``None``.  Empty rows after the last filled row are dropped;
empty rows in between are kept so that row numbers stay those Excel shows.

Anything that is not a readable .xlsx (an old .xls, a CSV, a damaged or password-protected
file) is refused with :class:`ImportFileError`, whose message says what to do in Excel.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import get_column_letter

from jusou_desktop.domain.errors import Cancelled, JusouError
from jusou_desktop.domain.ledger_import import ImportKind, header_score

__all__ = ["ImportFileError", "guess_header_row", "read_sheet", "read_workbook"]

_ZIP_SIGNATURE = b"PK\x03\x04"
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An .xlsx with an opening password is an OLE compound file holding these streams.
_ENCRYPTION_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
_MARKER_SCAN_BYTES = 64 * 1024 * 1024

PROTECTED_MESSAGE = "パスワードで保護されたファイルです。Excelで保護を外してから取り込んでください"


class ImportFileError(JusouError):
    """The file cannot be read as an Excel workbook; nothing was imported."""


def _unreadable(path: Path, detail: str = "") -> ImportFileError:
    hint = detail or "「.xlsx」形式のExcelファイルを選んでください。ファイルが壊れている可能性もあります"
    return ImportFileError(f"Excelファイルとして読めません（{path.name}）。{hint}")


def _check_signature(path: Path) -> None:
    """Refuse before openpyxl sees the file: missing, CSV, old .xls or password-protected."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            if head.startswith(_OLE_SIGNATURE):
                body = head + handle.read(_MARKER_SCAN_BYTES)
                if any(marker in body for marker in _ENCRYPTION_MARKERS):
                    raise ImportFileError(f"{PROTECTED_MESSAGE}（{path.name}）。")
                raise _unreadable(
                    path,
                    "古い形式（.xls）のファイルです。Excelで開き「Excel ブック (*.xlsx)」として保存し直してから取り込んでください",
                )
    except FileNotFoundError:
        raise ImportFileError(f"ファイルが見つかりません: {path}") from None
    except IsADirectoryError:
        raise ImportFileError(f"フォルダではなくExcelファイルを選んでください: {path}") from None
    except PermissionError:
        raise ImportFileError(
            f"ファイルを開けません（{path.name}）。Excelなどで開いている場合は閉じてから取り込んでください"
        ) from None
    if not head.startswith(_ZIP_SIGNATURE):
        if path.suffix.lower() in (".csv", ".txt", ".tsv"):
            raise _unreadable(
                path,
                "CSVやテキストのファイルはそのまま取り込めません。Excelで開き .xlsx 形式で保存し直してください",
            )
        raise _unreadable(path)


@contextlib.contextmanager
def _workbook(path: Path | str) -> Iterator[Any]:
    path = Path(path)
    _check_signature(path)
    with path.open("rb") as handle:  # a handle, not the name: a misnamed .xlsx still opens
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:  # damaged archive, missing parts, bad XML: all mean "unreadable"
            raise _unreadable(path) from exc
        try:
            yield workbook
        finally:
            workbook.close()


def read_workbook(path: Path | str) -> list[str]:
    """The names of the workbook's worksheets (not chart sheets), in tab order."""
    with _workbook(path) as workbook:
        return [str(worksheet.title) for worksheet in workbook.worksheets]


def _value(value: object) -> object:
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.timedelta):
        return str(value)
    return value


def _headers(cells: tuple[object, ...]) -> list[str]:
    """Header texts; blank headers become 列C, repeated ones get 「_2」, trailing blanks dropped."""
    values = [_value(c) for c in cells]
    while values and values[-1] is None:
        values.pop()
    headers: list[str] = []
    seen: set[str] = set()
    for index, value in enumerate(values, start=1):
        if isinstance(value, dt.date):
            text = value.isoformat()
        else:
            text = "" if value is None else str(value).replace("\n", "")
        name = text or f"列{get_column_letter(index)}"
        unique, count = name, 1
        while unique in seen:
            count += 1
            unique = f"{name}_{count}"
        seen.add(unique)
        headers.append(unique)
    return headers


def _sheet(workbook: Any, path: Path | str, sheet: str | None) -> Any:
    if sheet is None:
        worksheet = workbook.worksheets[0]
    elif sheet in workbook.sheetnames:
        worksheet = workbook[sheet]
    else:
        names = "、".join(f"「{n}」" for n in workbook.sheetnames)
        raise ImportFileError(f"シート「{sheet}」が見つかりません（{Path(path).name} のシート: {names}）")
    if not hasattr(worksheet, "reset_dimensions"):
        raise ImportFileError(f"シート「{worksheet.title}」は表のシートではありません（グラフのシートなど）")
    worksheet.reset_dimensions()  # some programs record a wrong used range (A1:A1); read it all
    return worksheet


def read_sheet(
    path: Path | str,
    sheet: str | None = None,
    *,
    header_row: int = 1,
    limit: int | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> tuple[list[str], list[dict[str, object]]]:
    """The header row and the rows below it as ``{header: value}`` (``sheet`` None: the first).

    ``rows[i]`` is Excel row ``header_row + 1 + i``.  ``limit`` stops after that many rows
    (for a quick preview).  Columns without a header and beyond the last header are ignored.
    ``cancelled`` is asked every few hundred rows; True stops the reading with
    :class:`~jusou_desktop.domain.errors.Cancelled` (the file is only ever read).
    """
    if header_row < 1:
        raise ValueError("header_row starts at 1")
    with _workbook(path) as workbook:
        try:
            worksheet = _sheet(workbook, path, sheet)
            lines = worksheet.iter_rows(min_row=header_row, values_only=True)
            first = next(lines, None)
            headers = _headers(tuple(first or ()))
            if not headers:
                raise ImportFileError(
                    f"見出しの行（{header_row}行目）が空です。列の見出しがある行の番号を指定してください"
                )
            rows: list[dict[str, object]] = []
            last_filled = 0
            for cells in lines:
                if limit is not None and len(rows) >= limit:
                    break
                if len(rows) % 500 == 0 and cancelled():
                    raise Cancelled("読み込みを中止しました。")
                padded = tuple(cells) + (None,) * (len(headers) - len(cells))
                row = {h: _value(c) for h, c in zip(headers, padded, strict=False)}
                rows.append(row)
                if any(v is not None for v in row.values()):
                    last_filled = len(rows)
        except (ImportFileError, Cancelled):
            raise
        except Exception as exc:  # a damaged sheet part surfaces only while streaming
            raise _unreadable(Path(path)) from exc
    return headers, rows[:last_filled]


def guess_header_row(path: Path | str, sheet: str | None, kind: ImportKind, *, scan: int = 15) -> int:
    """The row among the first ``scan`` whose cells look most like headings (ledgers often start
    with a title such as 「令和6年度 ケース台帳」); 1 when nothing looks like a heading."""
    with _workbook(path) as workbook:
        try:
            worksheet = _sheet(workbook, path, sheet)
            scores = [
                (header_score(kind, tuple(cells)), -number)
                for number, cells in enumerate(worksheet.iter_rows(max_row=scan, values_only=True), start=1)
            ]
        except (ImportFileError, Cancelled):
            raise
        except Exception as exc:
            raise _unreadable(Path(path)) from exc
    best, negative_row = max(scores, default=(0, -1))
    return -negative_row if best >= 2 else 1
