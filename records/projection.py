"""What the records keep about the graph projection: the events it had to set aside."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.models import DeadLetter

__all__ = ["dead_letters"]


def dead_letters(session: Session, limit: int = 500) -> list[DeadLetter]:
    return list(session.scalars(select(DeadLetter).order_by(DeadLetter.event_id.desc()).limit(limit)))
