"""Rules for a case's support team (チーム: lead agency and member agencies/staff)."""

from __future__ import annotations

from collections.abc import Sequence

from jusou_desktop.domain.errors import ValidationError
from jusou_desktop.domain.model import TeamMember


def validate_team(members: Sequence[TeamMember]) -> tuple[TeamMember, ...]:
    """At most one lead, no agency/staff pair twice. Returns the members, lead first."""
    leads = [m for m in members if m.is_lead]
    if len(leads) > 1:
        raise ValidationError("主担当の機関は1つだけにしてください。", field="team")
    seen: set[tuple[int, int | None]] = set()
    for member in members:
        pair = (int(member.agency_id), int(member.staff_id) if member.staff_id is not None else None)
        if pair in seen:
            raise ValidationError("同じ機関・担当者が重複しています。", field="team")
        seen.add(pair)
    return tuple(leads) + tuple(m for m in members if not m.is_lead)
