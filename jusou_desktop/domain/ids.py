"""Distinct identifier types so a case id is never passed where a person id is expected."""

from typing import NewType

PersonId = NewType("PersonId", int)
HouseholdId = NewType("HouseholdId", int)
CaseId = NewType("CaseId", int)
AgencyId = NewType("AgencyId", int)
StaffId = NewType("StaffId", int)
NoteId = NewType("NoteId", int)
TagId = NewType("TagId", int)
ConsentId = NewType("ConsentId", int)
TemplateId = NewType("TemplateId", int)
ReferralId = NewType("ReferralId", int)
TaskId = NewType("TaskId", int)
MeetingRequestId = NewType("MeetingRequestId", int)
