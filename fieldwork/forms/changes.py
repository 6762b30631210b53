"""What a version changes from the current one (API.md, "Forms"): shown before a publish is confirmed.

Questions are matched by name wherever they sit (a group or a repeat may move them: their answers stay the
same series). A question "changed" when something that decides its answers or how they are read differs;
its label, hint or messages do not count (a reworded question keeps its series). Choices are compared by
their names, as a set: a relabelled or reordered list stores the same answers.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

#: What makes a question's answers different from one version to the next, in the order the page says them.
COMPARED = ("type", "choices", "relevant", "constraint", "calculation", "required", "indicator")
_MARKERS = {"begin_group", "end_group", "group"}  # a group is no question: its relevance reaches its questions


def changes(current: dict[str, Any] | None, candidate: dict[str, Any]) -> dict[str, Any]:
    """`{"added", "removed", "changed"}` (names, in each version's order) and `reasons` (per changed name, the
    `COMPARED` keys that differ). Against no current version, every question is added."""
    before = dict(_questions(current["questions"])) if current else {}
    after = dict(_questions(candidate["questions"]))
    reasons = {name: differing for name, question in after.items() if name in before
               and (differing := [key for key in COMPARED if _compared(before[name], key) != _compared(question, key)])}
    return {"added": [name for name in after if name not in before],
            "removed": [name for name in before if name not in after],
            "changed": list(reasons), "reasons": reasons}


def _questions(items: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every question by name, nested ones (a group's or a repeat's `children`) included."""
    for item in items:
        if item.get("type") not in _MARKERS:
            yield item["name"], item
        yield from _questions(item.get("children", []))


def _compared(question: dict[str, Any], key: str) -> Any:
    if key == "choices":
        return frozenset(choice["name"] for choice in question.get("choices", []))
    if key == "required":
        return bool(question.get("required"))
    return question.get(key)
