"""Writing the audit log, inside the caller's transaction."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.models import AuditEntry

__all__ = ["record_action", "recent_entries"]

SYSTEM_ACTOR = "system"


def record_action(session: Session, actor: str | None, action: str, target_type: str = "",
                  target_id: str = "", **detail) -> AuditEntry:
    entry = AuditEntry(actor=actor or SYSTEM_ACTOR, action=action, target_type=target_type,
                       target_id=str(target_id), detail=detail)
    session.add(entry)
    return entry


def recent_entries(session: Session, limit: int = 100) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
