"""The stored definition's flat list read as levels: what one level of answers holds, and its repeats.

A version stores its items flat, repeats between `begin_repeat` … `end_repeat` markers (forms-v3 §1), while
the answers nest: a repeat's answer is a list of objects, one per instance (§2). Everything that shows or
exports answers (pages, CSV/XLSX, OData, charts) needs the same reading, so it lives here once: `level`
splits a list of items into the items answered at that level and `Repeat`s holding their own items.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

#: Items that hold no answer of their own (markers and notes).
MARKERS = ("begin_group", "end_group", "begin_repeat", "end_repeat")
#: Metadata the phone fills without a label; `deviceid` and `audit` answers are dropped on sync.
METADATA = ("start", "end", "today", "username", "deviceid", "audit")
DROPPED = ("deviceid", "audit")


@dataclass
class Repeat:
    """A repeat: its marker (name, label, …) and the items between its markers, nested repeats included."""

    marker: dict[str, Any]
    items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.marker.get("name", ""))

    def level(self) -> list[dict[str, Any] | Repeat]:
        return level(self.items)


def level(items: list[dict[str, Any]]) -> list[dict[str, Any] | Repeat]:
    """The items of one level in form order, each repeat of that level as one `Repeat` in its place.
    A marker left open or closed twice (a definition stored by older code) never raises: an unclosed repeat
    keeps what follows it, a stray `end_repeat` is skipped."""
    out: list[dict[str, Any] | Repeat] = []
    current: Repeat | None = None
    depth = 0
    for item in items:
        kind = item.get("type")
        if current is None:
            if kind == "begin_repeat":
                current, depth = Repeat(item), 1
                out.append(current)
            elif kind != "end_repeat":
                out.append(item)
            continue
        if kind == "begin_repeat":
            depth += 1
        elif kind == "end_repeat":
            depth -= 1
            if depth == 0:
                current = None
                continue
        current.items.append(item)
    return out


def answered(items: list[dict[str, Any] | Repeat]) -> list[dict[str, Any]]:
    """The items of a level that hold an answer (questions, calculates, metadata kept), groups flattened."""
    return [item for item in items if isinstance(item, dict) and item.get("type") not in MARKERS
            and item.get("type") != "note" and item.get("type") not in DROPPED and item.get("name")]


def repeats(items: list[dict[str, Any]], parents: tuple[Repeat, ...] = ()
            ) -> Iterator[tuple[Repeat, tuple[Repeat, ...]]]:
    """Every repeat of a definition's items, outer before inner, with the repeats that enclose it."""
    for item in level(items):
        if isinstance(item, Repeat):
            yield item, parents
            yield from repeats(item.items, (*parents, item))


def instances(answers: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[int, ...], dict[str, Any]]]:
    """The instances of the repeat at `path` (names from the outermost) in a visit's answers, depth first,
    each with its 1-based index path; what is not a list of objects (stored by older code) is skipped."""
    if not path:
        return
    listed = answers.get(path[0]) if isinstance(answers, dict) else None
    if not isinstance(listed, list):
        return
    for index, instance in enumerate(listed, start=1):
        if not isinstance(instance, dict):
            continue
        if len(path) == 1:
            yield (index,), instance
        else:
            for inner, found in instances(instance, path[1:]):
                yield (index, *inner), found
