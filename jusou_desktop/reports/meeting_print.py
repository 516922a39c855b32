"""What goes on paper for a meeting: the meeting with its agenda, plus per-case summary and tax lines.

Read on the calling (GUI) thread into a plain :class:`MeetingDocument`; the PDF writers then run
on a worker thread.  Tax information (fields marked ``tax_info`` in the case's referral sheets) is
collected here, but whether it is printed is decided by the domain rule in the writer
(:func:`jusou_desktop.domain.meetings.tax_info_allowed`).
"""

from __future__ import annotations

import datetime as dt

from jusou_desktop.domain.ids import CaseId
from jusou_desktop.domain.sheets import display_value, is_empty
from jusou_desktop.reports.meeting_pdf import MeetingDocument
from jusou_desktop.store.database import Database
from jusou_desktop.store.referrals import ReferralFilter


def tax_lines(db: Database, case_id: int) -> list[tuple[str, str]]:
    """The tax-information fields filled in the case's referral sheets, as (label, value)."""
    lines = []
    for row in db.referrals.rows(ReferralFilter(case_id=CaseId(case_id)), today=dt.date.today(), limit=100):
        referral = db.referrals.get(row.id)
        for field in referral.template.fields():
            value = referral.values.get(field.key)
            if field.tax_info and not is_empty(field, value):
                lines.append((field.label, display_value(field, value)))
    return lines


def meeting_document(db: Database, meeting_id: int, printed_on: dt.date) -> MeetingDocument:
    meeting = db.meetings.get(meeting_id)
    summaries = {}
    taxes = {}
    for item in meeting.agenda:
        summaries[int(item.case_id)] = db.cases.get(item.case_id).summary
        found = tax_lines(db, int(item.case_id))
        if found:
            taxes[int(item.case_id)] = found
    return MeetingDocument(
        town=db.settings.town_name(),
        meeting=meeting,
        printed_on=printed_on,
        ground_rules=db.meetings.ground_rules(),
        tax_lines=taxes,
        case_summaries=summaries,
    )
