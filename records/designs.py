"""Saving Design Wizard questions under a name (and forgetting them), with the audit log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.audit import record_action
from records.errors import Conflict, NotFound, ValidationError
from records.models import SavedDesign

__all__ = ["delete_design", "designs_of", "save_design"]

MAX_NAME = 200
MAX_QUERY = 2000


def save_design(session: Session, *, owner: str, name: str, query: str) -> SavedDesign:
    name = (name or "").strip()
    if not name:
        raise ValidationError("Give the design a name.")
    if len(name) > MAX_NAME:
        raise ValidationError(f"A name has at most {MAX_NAME} characters.")
    if not query or len(query) > MAX_QUERY:
        raise ValidationError("There is no question to save.")
    if session.scalar(select(SavedDesign.id).where(SavedDesign.owner == owner, SavedDesign.name == name)):
        raise Conflict(f"You already have a design called “{name}”.")
    design = SavedDesign(owner=owner, name=name, query=query)
    session.add(design)
    session.flush()
    record_action(session, owner, "design.saved", "design", str(design.id), name=name)
    return design


def designs_of(session: Session, owner: str) -> list[SavedDesign]:
    return list(session.scalars(select(SavedDesign).where(SavedDesign.owner == owner)
                                .order_by(SavedDesign.created_at.desc(), SavedDesign.id.desc())))


def delete_design(session: Session, design_id: int, *, owner: str) -> None:
    design = session.get(SavedDesign, design_id)
    if design is None or design.owner != owner:
        raise NotFound("No such saved design.")
    record_action(session, owner, "design.deleted", "design", str(design_id), name=design.name)
    session.delete(design)
