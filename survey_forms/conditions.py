"""Skip logic: whether a question or page is shown, given the answers so far.

Conditions are data (`{q: A5, eq: "yes"}`, `{all: [...]}`), never code: nothing in a definition is
evaluated as an expression.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["is_shown"]


def _values(answer: Any) -> list[str]:
    if answer is None or answer == "":
        return []
    if isinstance(answer, list | tuple | set):
        return [str(v) for v in answer]
    return [str(answer)]


def is_shown(condition: dict | None, answers: Mapping[str, Any]) -> bool:
    """True when there is no condition or the answers meet it."""
    if condition is None:
        return True
    if "all" in condition:
        return all(is_shown(part, answers) for part in condition["all"])
    if "any" in condition:
        return any(is_shown(part, answers) for part in condition["any"])
    values = _values(answers.get(condition["q"]))
    if "answered" in condition:
        return bool(values) == bool(condition["answered"])
    if "eq" in condition:
        return str(condition["eq"]) in values and len(values) == 1
    if "ne" in condition:
        return str(condition["ne"]) not in values
    if "in" in condition:
        return any(v in {str(x) for x in condition["in"]} for v in values)
    if "not_in" in condition:
        return not any(v in {str(x) for x in condition["not_in"]} for v in values)
    return True
