"""Password protection for exported workbooks (Excel「パスワードを使用して暗号化」).

The workbook is encrypted with msoffcrypto-tool in the OOXML *agile* scheme (AES-256,
SHA-512), the one Excel 2010 and later write themselves, so Excel and LibreOffice ask for the
password on opening.  The encrypted file is written atomically: a temporary file beside the
destination, then ``os.replace``.

msoffcrypto is imported lazily, only when a file is actually encrypted or checked.
"""

from __future__ import annotations

import io
from pathlib import Path

from jusou_desktop.reports.pdf_common import atomic_output

__all__ = [
    "NotEncryptedError",
    "PasswordError",
    "WrongPasswordError",
    "decrypt_xlsx",
    "encrypt_bytes",
    "encrypt_xlsx",
    "is_encrypted",
]


class PasswordError(ValueError):
    """Encryption or decryption is not possible; the message is Japanese and can be shown as is."""


class WrongPasswordError(PasswordError):
    """The password does not open the file."""


class NotEncryptedError(PasswordError):
    """The file has no password."""


def _check_password(password: str) -> None:
    if not isinstance(password, str) or not password:
        raise PasswordError("パスワードが入力されていません。")


def encrypt_bytes(data: bytes, password: str) -> bytes:
    """An unencrypted .xlsx (bytes) as an encrypted one (bytes)."""
    _check_password(password)
    from msoffcrypto.exceptions import EncryptionError, FileFormatError
    from msoffcrypto.format.ooxml import OOXMLFile

    try:
        office = OOXMLFile(io.BytesIO(data))
        if office.is_encrypted():
            raise PasswordError("このファイルはすでにパスワードで保護されています。")
        out = io.BytesIO()
        office.encrypt(password, out)
    except (EncryptionError, FileFormatError) as exc:
        raise PasswordError(f"Excel ファイルを暗号化できませんでした（{exc}）。") from exc
    return out.getvalue()


def encrypt_xlsx(src: Path | str, dest: Path | str, password: str) -> None:
    """Encrypt the workbook ``src`` into ``dest`` (which may be ``src`` itself), atomically."""
    _check_password(password)
    source = Path(src)
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise PasswordError(f"「{source.name}」を読めません（{exc.strerror or exc}）。") from exc
    encrypted = encrypt_bytes(data, password)
    with atomic_output(Path(dest)) as fh:
        fh.write(encrypted)


def is_encrypted(path: Path | str) -> bool:
    """Whether ``path`` is a password-protected Office file (False for anything else)."""
    import msoffcrypto
    from msoffcrypto.exceptions import FileFormatError

    try:
        with open(path, "rb") as fh:
            office = msoffcrypto.OfficeFile(fh)
            return bool(office.is_encrypted())
    except (FileFormatError, OSError, ValueError):
        return False


def decrypt_xlsx(src: Path | str, password: str) -> bytes:
    """The decrypted workbook bytes (for checks and tests; nothing is written)."""
    _check_password(password)
    import msoffcrypto
    from msoffcrypto.exceptions import DecryptionError, FileFormatError, InvalidKeyError

    source = Path(src)
    try:
        with open(source, "rb") as fh:
            office = msoffcrypto.OfficeFile(fh)
            if not office.is_encrypted():
                raise NotEncryptedError(f"「{source.name}」はパスワードで保護されていません。")
            try:
                office.load_key(password=password, verify_password=True)
                out = io.BytesIO()
                office.decrypt(out)
            except InvalidKeyError as exc:
                raise WrongPasswordError(
                    f"パスワードが違います。「{source.name}」を開けませんでした。"
                    "大文字と小文字、全角と半角を確かめてください。"
                ) from exc
    except OSError as exc:
        raise PasswordError(f"「{source.name}」を読めません（{exc.strerror or exc}）。") from exc
    except (DecryptionError, FileFormatError) as exc:
        raise PasswordError(f"「{source.name}」を復号できませんでした（{exc}）。") from exc
    return out.getvalue()
