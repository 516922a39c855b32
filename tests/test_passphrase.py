"""Passphrase policy: length, refusals, strength hint, NFC comparison."""

from __future__ import annotations

import re
import unicodedata

import pytest

from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.domain.passphrase import (
    MIN_LENGTH,
    Assessment,
    Strength,
    assess,
    normalize,
    validate_new,
)

_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

TOO_SHORT = "{}文字以上にしてください（いま{}文字）。"
REPEATED = "同じ文字の繰り返しは使えません。"
COMMON = "よく使われる言葉が中心なので使えません。"
SEQUENCE = "キーボードや五十音の並び順は使えません。"
REPEATED_UNIT = "同じ並びの繰り返しは使えません。"
WEAK_MSG = "使えますが弱めです。単語を組み合わせて長くすると安全です。"
FAIR_MSG = "ふつうの強さです。もう少し長くするとより安全です。"
STRONG_MSG = "十分な強さです。"

GA_NFD = "\u304b\u3099"  # か + combining dakuten
GA_NFC = "\u304c"  # が
GOOD = "k7#Qm2!vRx9$Lp4"


def test_constants() -> None:
    assert MIN_LENGTH == 10
    assert [s.value for s in Strength] == ["弱い", "ふつう", "強い"]


# --- length ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("passphrase", "count"),
    [("", 0), ("a", 1), ("k7#Qm2!vR", 9), ("がぎぐげござじずぜ", 9)],
)
def test_too_short_is_refused(passphrase: str, count: int) -> None:
    assert assess(passphrase) == Assessment(False, Strength.WEAK, TOO_SHORT.format(10, count))


def test_boundary_min_length_minus_one_and_min_length() -> None:
    assert assess("k7#Qm2!vR").acceptable is False
    verdict = assess("k7#Qm2!vRx")
    assert verdict.acceptable is True
    assert verdict.message in (WEAK_MSG, FAIR_MSG, STRONG_MSG)


def test_length_counted_after_nfc() -> None:
    # Nine composed characters typed as eighteen code points are still nine characters.
    decomposed = unicodedata.normalize("NFD", "がぎぐげござじずぜ")
    assert len(decomposed) == 18
    assert assess(decomposed) == Assessment(False, Strength.WEAK, "10文字以上にしてください（いま9文字）。")
    assert assess(decomposed + "ぞ").acceptable is True


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "passphrase",
    ["aaaaaaaaaa", "ababababab", "ああああああああああ", "1111111111111111", "xyyyyyyyyyyyyyyx"],
)
def test_repeated_characters_refused(passphrase: str) -> None:
    assert assess(passphrase) == Assessment(False, Strength.WEAK, REPEATED)


def test_three_distinct_characters_are_not_a_repetition_refusal() -> None:
    assert assess("abcabcabca") == Assessment(True, Strength.WEAK, WEAK_MSG)


@pytest.mark.parametrize(
    ("passphrase", "message"),
    [
        ("1234567890", SEQUENCE),
        ("0123456789", SEQUENCE),
        ("qwertyuiop", SEQUENCE),
        ("QWERTYUIOP", SEQUENCE),
        ("abcdefghij", SEQUENCE),
        ("ABCDEFGHIJ", SEQUENCE),
        ("あいうえおかきくけこ", SEQUENCE),
        ("iloveyou12", COMMON),
        ("ILoveYou12", COMMON),
        ("jusoudesktop", COMMON),
        ("JusouDesktop", COMMON),
        ("password12", COMMON),
        ("パスワードパスワード", REPEATED_UNIT),
        ("qwertyuiop\u3000", SEQUENCE),
    ],
)
def test_common_strings_refused(passphrase: str, message: str) -> None:
    assert assess(passphrase) == Assessment(False, Strength.WEAK, message)


@pytest.mark.parametrize(
    ("passphrase", "message"),
    [
        ("１２３４５６７８９０", SEQUENCE),
        ("ＡＢＣＤＥＦＧＨＩＪ", SEQUENCE),
        ("ｐａｓｓｗｏｒｄ１２", COMMON),
    ],
)
def test_full_width_common_strings_refused(passphrase: str, message: str) -> None:
    """Typed in full width with the input method, a weak passphrase is as weak as its plain form."""
    assert assess(passphrase) == Assessment(False, Strength.WEAK, message)


# --- strength ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("passphrase", "strength", "message"),
    [
        ("abcdefghik", Strength.WEAK, WEAK_MSG),
        ("tanakahanako", Strength.WEAK, WEAK_MSG),
        ("abcabcabca", Strength.WEAK, WEAK_MSG),
        ("abcdefgh12", Strength.FAIR, FAIR_MSG),
        ("mydog2024x", Strength.FAIR, FAIR_MSG),
        ("PassWord1234", Strength.FAIR, FAIR_MSG),
        ("Sakura-2024!", Strength.STRONG, STRONG_MSG),
        (GOOD, Strength.STRONG, STRONG_MSG),
        ("correct horse battery staple", Strength.STRONG, STRONG_MSG),
        ("あさのこうえんでさんぽする", Strength.STRONG, STRONG_MSG),
    ],
)
def test_strength(passphrase: str, strength: Strength, message: str) -> None:
    assert assess(passphrase) == Assessment(True, strength, message)


def test_strength_grows_with_length_and_variety() -> None:
    ladder = ["abcdefghik", "abcdefghik12", "abcdefghik12XY", "abcdefghik12XY#!"]
    assert [assess(p).strength for p in ladder] == [
        Strength.WEAK,
        Strength.FAIR,
        Strength.STRONG,
        Strength.STRONG,
    ]


# --- NFC ---------------------------------------------------------------------------------------


def test_normalize_composes_dakuten() -> None:
    assert GA_NFD != GA_NFC
    assert normalize(GA_NFD) == GA_NFC
    assert normalize(GA_NFC) == GA_NFC
    assert normalize("\u306f\u309a") == "\u3071"  # は + ゜ -> ぱ
    assert len(normalize("がぎぐ" + GA_NFD)) == 4


def test_normalize_is_nfc_not_nfkc() -> None:
    assert normalize("ｶﾞ") == "ｶﾞ"
    assert normalize("ＡＢＣ") == "ＡＢＣ"


@pytest.mark.parametrize(
    ("typed", "confirmed"),
    [
        ("まいにち" + GA_NFC + "んばるひと", "まいにち" + GA_NFD + "んばるひと"),
        ("まいにち" + GA_NFD + "んばるひと", "まいにち" + GA_NFC + "んばるひと"),
    ],
    ids=["nfc-then-nfd", "nfd-then-nfc"],
)
def test_validate_new_accepts_other_normal_form(typed: str, confirmed: str) -> None:
    result = validate_new(typed, confirmed)
    assert result == "まいにち\u304cんばるひと"
    assert GA_NFD not in result


def test_validate_new_returns_passphrase() -> None:
    assert validate_new(GOOD, GOOD) == GOOD


@pytest.mark.parametrize(
    ("passphrase", "confirmation"),
    [(GOOD, "k7#Qm2!vRx9$Lp5"), (GOOD, ""), ("short", "shorter"), (GOOD, GOOD + " ")],
)
def test_mismatch_raises_on_confirmation(passphrase: str, confirmation: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_new(passphrase, confirmation)
    assert caught.value.field == "confirmation"
    assert caught.value.message == "確認用のパスフレーズが一致しません。"


@pytest.mark.parametrize(
    ("passphrase", "message"),
    [
        ("k7#Qm2!vR", "10文字以上にしてください（いま9文字）。"),
        ("aaaaaaaaaa", REPEATED),
        ("1234567890", SEQUENCE),
    ],
)
def test_unacceptable_raises_on_passphrase(passphrase: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_new(passphrase, passphrase)
    assert caught.value.field == "passphrase"
    assert caught.value.message == message


@pytest.mark.parametrize(
    "passphrase",
    ["", "k7#Qm2!vR", "aaaaaaaaaa", "1234567890", "abcdefghik", "abcdefgh12", GOOD],
)
def test_messages_are_japanese(passphrase: str) -> None:
    assert _JAPANESE.search(assess(passphrase).message)
    assert assess(passphrase).message.endswith("。")
