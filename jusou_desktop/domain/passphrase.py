"""The one passphrase policy: minimum length, refusals and a strength hint.

Passphrases are compared after Unicode NFC normalisation, so the same typed characters open the
file whatever the keyboard or input method produced (e.g. が as one code point or as か + ゛).
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from jusou_desktop.domain.errors import ValidationError

MIN_LENGTH = 10

_COMMON = frozenset(
    {
        "password", "passw0rd", "1234567890", "0123456789", "qwertyuiop", "abcdefghij",
        "iloveyou12", "jusoudesktop", "パスワード", "ぱすわーど",
    }
)


class Strength(StrEnum):
    WEAK = "弱い"
    FAIR = "ふつう"
    STRONG = "強い"


@dataclass(frozen=True, slots=True)
class Assessment:
    acceptable: bool
    strength: Strength
    message: str


def normalize(passphrase: str) -> str:
    return unicodedata.normalize("NFC", passphrase)


def _character_pool(text: str) -> int:
    pool = 0
    if any(c.islower() and c.isascii() for c in text):
        pool += 26
    if any(c.isupper() and c.isascii() for c in text):
        pool += 26
    if any(c.isdigit() and c.isascii() for c in text):
        pool += 10
    if any(c.isascii() and not c.isalnum() for c in text):
        pool += 32
    if any(not c.isascii() for c in text):
        pool += 2000  # kana and kanji: a large alphabet
    return max(pool, 1)


def assess(passphrase: str) -> Assessment:
    """Judge a new passphrase; the message is a short Japanese hint for the dialog."""
    text = normalize(passphrase)
    if len(text) < MIN_LENGTH:
        return Assessment(False, Strength.WEAK, f"{MIN_LENGTH}文字以上にしてください（いま{len(text)}文字）。")
    if len(set(text)) <= 2:
        return Assessment(False, Strength.WEAK, "同じ文字の繰り返しは使えません。")
    if text.casefold() in _COMMON:
        return Assessment(False, Strength.WEAK, "よく使われる文字列なので使えません。")
    bits = len(text) * math.log2(_character_pool(text)) * min(1.0, len(set(text)) / len(text) + 0.3)
    if bits < 50:
        return Assessment(True, Strength.WEAK, "使えますが弱めです。単語を組み合わせて長くすると安全です。")
    if bits < 75:
        return Assessment(True, Strength.FAIR, "ふつうの強さです。もう少し長くするとより安全です。")
    return Assessment(True, Strength.STRONG, "十分な強さです。")


def validate_new(passphrase: str, confirmation: str) -> str:
    """Return the normalised passphrase, or raise ValidationError with the reason in Japanese."""
    if normalize(passphrase) != normalize(confirmation):
        raise ValidationError("確認用のパスフレーズが一致しません。", field="confirmation")
    verdict = assess(passphrase)
    if not verdict.acceptable:
        raise ValidationError(verdict.message, field="passphrase")
    return normalize(passphrase)
