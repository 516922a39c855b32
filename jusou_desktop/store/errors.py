"""Failures of the encrypted file, each with its own plain Japanese message."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from jusou_desktop.domain.errors import JusouError


class StoreError(JusouError):
    """Something about the database file; the file is left as it was."""


class WrongPassphrase(StoreError):
    def __init__(self) -> None:
        super().__init__(
            "パスフレーズが正しくありません。大文字・小文字や全角・半角を確かめて、もう一度入力してください。"
        )


class DatabaseMissing(StoreError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"データベースファイルが見つかりません: {path}\n"
            "USBメモリが抜かれていないか、ファイルの場所が変わっていないか確かめてください。"
        )


class NotJusouDatabase(StoreError):
    def __init__(self, path: Path, detail: str = "") -> None:
        extra = f"（{detail}）" if detail else ""
        super().__init__(f"このファイルは重層支援のデータベースではありません{extra}: {path.name}")


class PlaintextDatabase(NotJusouDatabase):
    def __init__(self, path: Path) -> None:
        super().__init__(path, "暗号化されていないSQLiteファイルです")


class ReadOnlyLocation(StoreError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"書き込みできない場所にあるため開けません: {path}\n"
            "読み取り専用のUSBメモリや共有フォルダの場合は、書き込みできる場所で開いてください。"
        )


class AlreadyExists(StoreError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"同じ名前のファイルがすでにあります: {path}\n上書きはしません。別の名前を選んでください。"
        )


@dataclass(frozen=True, slots=True)
class LockInfo:
    host: str
    user: str
    pid: int
    since: dt.datetime | None
    token: str = ""

    def describe(self) -> str:
        since = self.since.strftime("%Y年%m月%d日 %H:%M") if self.since else "不明"
        return f"端末 {self.host or '不明'}・利用者 {self.user or '不明'}（{since} から）"


class InUseElsewhere(StoreError):
    """Another program or PC holds the lock file; ``probably_stale`` when its process is gone."""

    def __init__(self, info: LockInfo, probably_stale: bool) -> None:
        hint = (
            "その端末のアプリはすでに終了しているようです。確認のうえ引き継いで開けます。"
            if probably_stale
            else "その端末でアプリを閉じてから開いてください。使っていないことが確かな場合は引き継げます。"
        )
        super().__init__(f"別の端末で使用中です: {info.describe()}\n{hint}")
        self.info = info
        self.probably_stale = probably_stale


class NewerSchema(StoreError):
    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            "このデータベースは新しい版のアプリで作られています"
            f"（形式 {found}、この版は {supported} まで）。アプリを更新してから開いてください。ファイルには触れていません。"
        )


class CipherUnavailable(StoreError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            f"暗号化ライブラリ（SQLCipher）が使えません: {detail}\nインストールをやり直してください。"
        )


class StorageFailure(StoreError):
    """Disk full, device removed, I/O error: the transaction was rolled back."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            detail + "\n入力した内容は失われていません。保存先を確かめてから、もう一度保存してください。"
        )


class RecordNotFound(StoreError):
    def __init__(self, what: str, ident: object) -> None:
        super().__init__(f"{what}（番号 {ident}）が見つかりません。ほかの操作で削除された可能性があります。")
