"""The one passphrase policy: minimum length, refusals and a strength hint.

Passphrases are compared after Unicode NFC normalisation, so the same typed characters open the
file whatever the keyboard or input method produced (e.g. が as one code point or as か + ゛).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.domain.kana import search_key

MIN_LENGTH = 10

_SEQUENCES = (
    "01234567890123456789",
    "98765432109876543210",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn",
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン",
)
"""Keyboard rows, digits and the kana order: a passphrase inside one of these is refused."""

_COMMON_WORDS = ("password", "passw0rd", "パスワード", "iloveyou", "jusoudesktop", "admin", "welcome")
"""Words that make a passphrase guessable however often they are repeated or padded."""


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


def _is_kana(c: str) -> bool:
    return "\u3040" <= c <= "\u30ff"


def _is_kanji(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


_ALPHABETS: tuple[tuple[int, Callable[[str], bool]], ...] = (
    (26, lambda c: c.isascii() and c.islower()),
    (26, lambda c: c.isascii() and c.isupper()),
    (10, lambda c: c.isascii() and c.isdigit()),
    (32, lambda c: c.isascii() and not c.isalnum()),
    (90, _is_kana),
    (3000, _is_kanji),
    (100, lambda c: not c.isascii() and not _is_kana(c) and not _is_kanji(c)),
)


def _character_pool(text: str) -> int:
    """Rough alphabet size of the characters used (kana is a small alphabet, kanji a large one)."""
    return max(sum(size for size, member in _ALPHABETS if any(member(c) for c in text)), 1)


_REPEATED_UNIT = re.compile(r"^(.+?)\1+$")


def _weakness(folded: str) -> str | None:
    """Why a passphrase is too guessable to accept, judged on its folded form."""
    if len(set(folded)) <= 2:
        return "同じ文字の繰り返しは使えません。"
    if _REPEATED_UNIT.match(folded):
        return "同じ並びの繰り返しは使えません。"
    if any(folded in sequence for sequence in _SEQUENCES):
        return "キーボードや五十音の並び順は使えません。"
    remainder = folded
    for word in _COMMON_WORDS:
        remainder = remainder.replace(search_key(word), "")
    if remainder != folded and len(set(remainder)) <= 3:
        return "よく使われる言葉が中心なので使えません。"
    return None


def assess(passphrase: str) -> Assessment:
    """Judge a new passphrase; the message is a short Japanese hint for the dialog.

    The checks run on the search-folded form (NFKC, katakana, no spaces, case-folded), so a
    weak passphrase typed in full width or hiragana is as weak as its plain form.
    """
    text = normalize(passphrase)
    if len(text) < MIN_LENGTH:
        return Assessment(
            False, Strength.WEAK, f"{MIN_LENGTH}文字以上にしてください（いま{len(text)}文字）。"
        )
    folded = search_key(text)
    why = _weakness(folded)
    if why is not None:
        return Assessment(False, Strength.WEAK, why)
    plain = unicodedata.normalize("NFKC", text)  # full width counts as what it spells; case kept
    bits = len(plain) * math.log2(_character_pool(plain)) * min(1.0, len(set(folded)) / len(folded) + 0.3)
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
