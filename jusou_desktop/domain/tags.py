"""Problem tags seen in the sources (domain.md §3); towns add their own in the database."""

STANDARD_TAGS: tuple[str, ...] = (
    "8050",
    "ダブルケア",
    "ヤングケアラー",
    "ひきこもり",
    "社会的孤立",
    "生活困窮",
    "家賃滞納・債務",
    "浪費",
    "ごみ屋敷・セルフネグレクト",
    "障害の疑い",
    "精神疾患",
    "依存症",
    "虐待",
    "DV",
    "権利擁護・成年後見",
    "不登校",
    "就労",
    "住まい",
    "孤独死リスク",
)
