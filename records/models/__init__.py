"""All models, imported here so that Alembic and `Base.metadata` see every table."""

from records.models.audit import AuditEntry
from records.models.configurations import (
    CONFIGURATION_STATUSES,
    SOURCE_KINDS,
    Configuration,
    DeadLetter,
    Source,
)
from records.models.designs import SavedDesign
from records.models.labour import (
    IndicatorCutoff,
    LabourImport,
    LabourObservation,
    LabourPhase,
    LabourSeries,
    OccupationIndicatorValue,
    ShortageImport,
    ShortageListEntry,
)
from records.models.outbox import OutboxEvent
from records.models.practices import Practice
from records.models.sessions import (
    ANNOTATION_LABELS,
    DECISIONS,
    PARTICIPANT_ROLES,
    Annotation,
    ConfigurationSpan,
    CopSession,
    Segment,
    SourceText,
    Suggestion,
    SuggestionDecision,
)
from records.models.surveys import RESPONSE_STATUSES, SURVEY_STATUSES, Survey, SurveyContact, SurveyResponse
from records.models.users import ROLES, User

__all__ = [
    "ANNOTATION_LABELS", "Annotation", "ConfigurationSpan", "CopSession", "DECISIONS", "PARTICIPANT_ROLES",
    "IndicatorCutoff", "LabourImport", "LabourObservation", "LabourPhase", "LabourSeries", "OccupationIndicatorValue",
    "ShortageImport", "ShortageListEntry", "SavedDesign", "Segment", "SourceText",
    "Suggestion", "SuggestionDecision",
    "AuditEntry", "CONFIGURATION_STATUSES", "Configuration", "DeadLetter", "OutboxEvent", "Practice",
    "RESPONSE_STATUSES", "ROLES", "SOURCE_KINDS", "SURVEY_STATUSES", "Source", "Survey", "SurveyContact",
    "SurveyResponse", "User",
]
