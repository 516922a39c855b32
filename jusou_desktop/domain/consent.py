"""Rules that follow from 情報共有への本人同意 (domain.md §2.4–2.5)."""

from __future__ import annotations

from enum import StrEnum

from jusou_desktop.domain.model import ConsentState


class MeetingKind(StrEnum):
    JUSOU = "重層的支援会議"
    SUPPORT = "支援会議"


def meeting_kind_for(consent: ConsentState) -> MeetingKind:
    """With consent the case may go to a 重層的支援会議; otherwise only to a 支援会議 (法106条の6)."""
    return MeetingKind.JUSOU if consent == ConsentState.GIVEN else MeetingKind.SUPPORT


def why_not_jusou(consent: ConsentState) -> str | None:
    """None when a 重層的支援会議 is possible, else the reason and the alternative, in Japanese."""
    if consent == ConsentState.GIVEN:
        return None
    return (
        f"情報共有への本人同意が「{consent}」のため、重層的支援会議には挙げられません。"
        "守秘義務のかかる支援会議で検討してください。"
    )


def lead_should_be_coordinator(consent: ConsentState) -> bool:
    """盛岡市の共通ルール: with consent the coordinator leads the team, without it an agency does."""
    return consent == ConsentState.GIVEN
