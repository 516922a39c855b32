"""Name search folding: ひらがな/カタカナ, full/half width, spaces and case."""

from __future__ import annotations

import pytest

from jusou_desktop.domain.kana import is_kana, search_key, to_katakana


@pytest.mark.parametrize(
    ("spellings", "key"),
    [
        pytest.param(
            [
                "やまだ はなこ",
                "ﾔﾏﾀﾞ ﾊﾅｺ",
                "ヤマダ\u3000ハナコ",
                "やまだ\u3000はなこ",
                "ヤマダハナコ",
                " ﾔﾏﾀﾞﾊﾅｺ ",
                "やまだ  \t はなこ",
            ],
            "ヤマダハナコ",
            id="yamada-hanako",
        ),
        pytest.param(["がっこう", "ｶﾞｯｺｳ", "ガッコウ", "か\u3099っこう"], "ガッコウ", id="dakuten"),
        pytest.param(["ぱん", "ﾊﾟﾝ", "パン", "は\u309aん"], "パン", id="handakuten"),
        pytest.param(["ゔぁいおりん", "ｳﾞｧｲｵﾘﾝ", "ヴァイオリン"], "ヴァイオリン", id="vu"),
        pytest.param(["すずき いちろー", "ｽｽﾞｷ ｲﾁﾛｰ", "スズキ　イチロー"], "スズキイチロー", id="choon"),
        pytest.param(
            ["ABC123", "ａｂｃ１２３", "ＡＢＣ\u3000１２３", "a b c 1 2 3", "Abc123"],
            "abc123",
            id="ascii-width-case",
        ),
        pytest.param(["Smith", "ＳＭＩＴＨ", "ｓｍｉｔｈ", "SMITH"], "smith", id="latin-case"),
    ],
)
def test_search_key_folds_spellings(spellings: list[str], key: str) -> None:
    assert [search_key(s) for s in spellings] == [key] * len(spellings)


def test_search_key_example_from_brief() -> None:
    assert search_key("やまだ はなこ") == search_key("ﾔﾏﾀﾞ ﾊﾅｺ") == search_key("ヤマダ　ハナコ")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("山田\u3000花子", "山田花子"),
        ("山田 花子", "山田花子"),
        ("髙橋 ゆうこ", "髙橋ユウコ"),
        ("渡邉　ｹﾝｼﾞ", "渡邉ケンジ"),
        ("", ""),
        (" \u3000\t", ""),
    ],
)
def test_search_key_leaves_kanji_untouched(text: str, key: str) -> None:
    assert search_key(text) == key


def test_search_key_keeps_dakuten_distinct() -> None:
    assert search_key("ﾀﾞ") == "ダ"
    assert search_key("ﾀ") == "タ"
    assert search_key("ﾊﾟ") != search_key("ﾊﾞ")
    assert search_key("ﾊﾟ") != search_key("ﾊ")


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("ヤマダ\u3000ハナコ", "ﾀﾞﾊﾅ"),
        ("やまだ はなこ", "ﾊﾅｺ"),
        ("ﾔﾏﾀﾞ ﾊﾅｺ", "だ　は"),
        ("すずき いちろう", "ｲﾁﾛｳ"),
        ("Tanaka Ｔａｒｏ", "ka ta"),
        ("山田 花子", "田花"),
        ("ぱく じゅんほ", "ﾊﾟｸｼﾞｭ"),
    ],
)
def test_folded_query_is_substring_of_folded_name(name: str, query: str) -> None:
    assert search_key(query) in search_key(name)


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("ヤマダ\u3000ハナコ", "タナカ"),
        ("ヤマダ\u3000ハナコ", "ﾀﾊ"),
        ("ぱく じゅんほ", "ﾊｸ"),
    ],
)
def test_unrelated_query_is_not_substring(name: str, query: str) -> None:
    assert search_key(query) not in search_key(name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("やまだ はなこ", "ヤマダ\u3000ハナコ"),
        ("ﾔﾏﾀﾞ   ﾊﾅｺ", "ヤマダ\u3000ハナコ"),
        ("  すずき\tいちろう ", "スズキ\u3000イチロウ"),
        ("ヤマダ\u3000\u3000ハナコ", "ヤマダ\u3000ハナコ"),
        ("ぱん", "パン"),
        ("ｶﾞｯｺｳ", "ガッコウ"),
        ("ゔぁ", "ヴァ"),
        ("か\u3099", "ガ"),
        ("", ""),
    ],
)
def test_to_katakana(text: str, expected: str) -> None:
    assert to_katakana(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "やまだ",
        "ヤマダ",
        "ﾔﾏﾀﾞ",
        "やまだ\u3000はなこ",
        "やまだ はなこ",
        "スズキ・イチロー",
        "ｽｽﾞｷ ｲﾁﾛｰ",
        "ゔぁいおりん",
        "ﾊﾟﾝ",
    ],
)
def test_is_kana_true(text: str) -> None:
    assert is_kana(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "山田",
        "やまだ花子",
        "Yamada",
        "ヤマダ1",
        "ヤマダ１",
        "ヤマダ!",
        "ヤマダ-ハナコ",
        "ｽｽﾞｷa",
    ],
)
def test_is_kana_false(text: str) -> None:
    assert is_kana(text) is False
