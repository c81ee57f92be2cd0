"""What a reader returns, and the one error it raises."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SourceFileError", "SourceText", "Turn"]


@dataclass(frozen=True)
class Turn:
    """One speaker's stretch of the text: `text[start:end]` is what was said, without the speaker's name."""

    speaker: str
    start: int
    end: int
    start_ms: int | None
    end_ms: int | None


@dataclass(frozen=True)
class SourceText:
    text: str
    turns: tuple[Turn, ...]
    format: str
    language: str | None
    warnings: tuple[str, ...]


class SourceFileError(ValueError):
    """An upload that cannot be read; the message is meant for the person who uploaded it."""
