"""What goes on paper for a referral: its sheets with their pinned template versions.

Reads the database on the calling (GUI) thread and returns a plain :class:`SheetDocument`;
writing the PDF can then run on a worker thread without touching the connection.
"""

from __future__ import annotations

import datetime as dt

from jusou_desktop.domain.ids import ReferralId
from jusou_desktop.reports.sheet_pdf import SheetDocument
from jusou_desktop.store.database import Database


def referral_document(db: Database, referral_id: ReferralId, printed_on: dt.date) -> SheetDocument:
    """The referrer's sheet, then the coordinator's answer once there is one."""
    referral = db.referrals.get(referral_id)
    sheets = [(referral.template, referral.values)]
    if referral.answer_template is not None and referral.answer_values:
        sheets.append((referral.answer_template, referral.answer_values))
    return SheetDocument(
        town=db.settings.town_name(),
        number=referral.number,
        sheets=tuple(sheets),
        printed_on=printed_on,
        state=referral.state.value,
        received_on=referral.sent_on,
    )


def blank_document(db: Database, template_key: str, printed_on: dt.date) -> SheetDocument:
    """A blank form of the template's current version, for agencies that write by hand."""
    template = db.templates.latest(template_key).template
    return SheetDocument(
        town=db.settings.town_name(), number="", sheets=((template, {}),), printed_on=printed_on, blank=True
    )


def suggested_file_name(document: SheetDocument) -> str:
    """A file name without personal data: the sheet title and 受付番号 only."""
    title = document.sheets[0][0].title if document.sheets else "様式"
    if document.blank:
        return f"{title}（記入用）.pdf"
    return f"{title}_{document.number}.pdf"
