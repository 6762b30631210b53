"""The data model. Import models from here."""
from fieldwork.models.audit import AuditEntry
from fieldwork.models.form import FormPublication, FormVersion
from fieldwork.models.history import MipymeHistory
from fieldwork.models.mipyme import SECTORS, Mipyme
from fieldwork.models.programme import (
    MIPYME_STATUSES,
    NEIGHBORHOOD_KINDS,
    ApiToken,
    MipymeResultRow,
    MipymeStatusChange,
    Neighborhood,
    UvtValue,
)
from fieldwork.models.summary import MipymeSummaryRow, OfficerAnswerRow
from fieldwork.models.types import MAX_ID
from fieldwork.models.user import ROLES, User
from fieldwork.models.visit import (
    CONFIRMATION_STATES,
    REVIEW_STATES,
    TOPICS,
    Photo,
    Visit,
)
from fieldwork.models.visit_record import REVIEW_EVENT_KINDS, ReviewEvent, VisitRevision

__all__ = [
    "ApiToken",
    "MIPYME_STATUSES",
    "MipymeResultRow",
    "MipymeStatusChange",
    "NEIGHBORHOOD_KINDS",
    "Neighborhood",
    "UvtValue",
    "AuditEntry",
    "CONFIRMATION_STATES",
    "FormPublication",
    "FormVersion",
    "MAX_ID",
    "Mipyme",
    "MipymeHistory",
    "MipymeSummaryRow",
    "OfficerAnswerRow",
    "Photo",
    "REVIEW_EVENT_KINDS",
    "REVIEW_STATES",
    "ReviewEvent",
    "ROLES",
    "SECTORS",
    "TOPICS",
    "User",
    "Visit",
    "VisitRevision",
]
