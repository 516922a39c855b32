"""Name search that treats ひらがな/カタカナ, full/half width and spaces alike.

``search_key`` folds a name or a typed query into one spelling: Unicode NFKC (half-width
katakana becomes full width, full-width letters and digits become ASCII), hiragana becomes
katakana (jaconv), white space of every width is dropped and Latin letters are case-folded.
The store keeps this key beside each name, so search is one indexed comparison.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv

_SPACES = re.compile(r"[\s\u3000]+")
_KANA_ONLY = re.compile(r"^[\u30a0-\u30ff\u3040-\u309f\s\u3000・ー]*$")


def search_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    folded = jaconv.hira2kata(folded)
    folded = _SPACES.sub("", folded)
    return folded.casefold()


def to_katakana(text: str) -> str:
    """フリガナ as stored: full-width katakana with single full-width spaces kept."""
    folded = jaconv.hira2kata(unicodedata.normalize("NFKC", text))
    return _SPACES.sub("\u3000", folded.strip())


def is_kana(text: str) -> bool:
    """True when ``text`` holds only kana, 長音符, 中黒 and spaces (after NFKC)."""
    return bool(_KANA_ONLY.match(unicodedata.normalize("NFKC", text)))
