"""A visit's answers as XPath reads them, repeats included (forms-v3 §3): the value at each path and the number
of instances of each repeat, and the scope an expression of one instance evaluates in.

Paths are the walk's: a top-level item's is its name, inside repeats `products[2].units`, nested
`products[2].sizes[1].qty` (1-based, as XPath predicates). An expression runs in a context, the instance path
of the item it belongs to: [("products", 2), ("sizes", 1)]. For ${x} inside repeats R1..Rk, the levels the
context shares use its index and the deeper ones take every instance, so ${x} is one value when all are shared
and a Nodeset otherwise (getodk/xforms-spec §Repeats: a reference inside a repeat is relative to its instance;
outside, the absolute path reaches every instance). static/js/forms/xpath-document.js is the same.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from fieldwork.forms.xpath_values import Nodeset, Value, to_string

Context = tuple[tuple[str, int], ...]


class Node:
    """An item of the form; a repeat holds its items (a group's markers stay items of the level they open)."""

    __slots__ = ("children", "item", "kind")

    def __init__(self, item: dict[str, Any], kind: str):
        self.item, self.kind, self.children = item, kind, []


def outline(items: list[dict[str, Any]]) -> list[Node]:
    """The flat list with each repeat made one node holding its items, from begin_repeat/end_repeat markers (the
    stored definition) or from a repeat item's `children` (the API's, which the phone and the sync read). Group
    markers stay as they are: a group only gathers, relevance is all it passes on."""
    root: list[Node] = []
    pending = [(items, root)]
    while pending:
        source, into = pending.pop()
        levels = [into]
        for item in source:
            kind = item.get("type")
            if kind == "end_repeat":
                if len(levels) > 1:
                    levels.pop()
                continue
            node = Node(item, "repeat" if kind == "begin_repeat" else kind)
            levels[-1].append(node)
            if kind == "begin_repeat":
                levels.append(node.children)
            elif kind == "repeat":
                pending.append((item.get("children") or [], node.children))
    return root


def in_order(nodes: list[Node]) -> Iterator[tuple[Node, tuple[str, ...]]]:
    """Every node in form order (depth first) with the names of the repeats that hold it; no recursion."""
    stack = [(iter(nodes), ())]
    while stack:
        nodes_left, repeats = stack[-1]
        node = next(nodes_left, None)
        if node is None:
            stack.pop()
            continue
        yield node, repeats
        if node.children:
            stack.append((iter(node.children), (*repeats, node.item.get("name")) if node.kind == "repeat" else repeats))


def prefix(context: Iterable[tuple[str, int]]) -> str:
    """The path prefix of an instance: 'products[2].sizes[1].' ('' at the top)."""
    return "".join(f"{repeat}[{index}]." for repeat, index in context)


class Document:
    """The values (path → XPath value; absent is '') and instance counts (repeat path → n) of one visit."""

    def __init__(self, items: list[dict[str, Any]], tables: Mapping[str, Any] | None = None):
        self.ancestors: dict[str, tuple[str, ...]] = {}
        self.children: dict[str, list[str]] = {}  # a repeat's direct items (through its groups), in form order
        for node, repeats in in_order(outline(items)):
            name = node.item.get("name")
            if node.kind in ("begin_group", "end_group"):
                continue
            self.ancestors[name] = repeats
            if repeats:
                self.children[repeats[-1]].append(name)
            if node.kind == "repeat":
                self.children[name] = []
        self.values: dict[str, Value] = {}
        self.counts: dict[str, int] = {}
        self.tables = tables if isinstance(tables, Mapping) else {}
        self.lookups: dict[Any, Any] = {}  # pulldata()'s indexes, built once per visit

    def scope(self, context: Context) -> Scope:
        return Scope(self, context)

    def resolve(self, name: str, context: Context) -> Value:
        """${name} read from an item of instance `context`."""
        ancestors = self.ancestors.get(name)
        if ancestors is None:
            return ""  # a name the form does not have (a hand-edited definition): unanswered
        prefixes, shared = [""], True
        for level, repeat in enumerate(ancestors):
            if shared and level < len(context) and context[level][0] == repeat:
                prefixes = [f"{p}{repeat}[{context[level][1]}]." for p in prefixes]
            else:
                shared = False
                prefixes = [instance for p in prefixes for instance in self.instances(p, repeat)]
        if name in self.children:  # ${repeat}: its instances, each read as the text of its nodes (XPath's string-value)
            return Nodeset(self._text(instance, name) for p in prefixes for instance in self.instances(p, name))
        if shared:
            return self.values.get(prefixes[0] + name, "")
        return Nodeset(self.values.get(p + name, "") for p in prefixes)

    def instances(self, at: str, repeat: str) -> list[str]:
        """The prefixes of the instances of `repeat` under the prefix `at`."""
        return [f"{at}{repeat}[{i}]." for i in range(1, self.counts.get(at + repeat, 0) + 1)]

    def _text(self, instance: str, repeat: str) -> str:
        parts = []
        for child in self.children[repeat]:
            if child in self.children:
                parts.extend(self._text(nested, child) for nested in self.instances(instance, child))
            else:
                parts.append(to_string(self.values.get(instance + child, "")))
        return "".join(parts)

    def indexed(self, name: str, pairs: list[tuple[str, float]]) -> Value:
        """indexed-repeat(): ${name} in the instance the (repeat, index) pairs name from the top; '' when an index
        is not one of an existing instance, or a repeat is not one holding the question."""
        if [repeat for repeat, _index in pairs] != list(self.ancestors.get(name, ()))[:len(pairs)]:
            return ""
        context: list[tuple[str, int]] = []
        for repeat, index in pairs:
            count = self.counts.get(prefix(context) + repeat, 0)
            if not (math.isfinite(index) and index.is_integer() and 1 <= index <= count):
                return ""
            context.append((repeat, int(index)))
        value = self.resolve(name, tuple(context))
        if isinstance(value, Nodeset):  # a single node value (spec §Repeat Functions): the first
            return value[0] if value else ""
        return value


class Scope:
    """What an expression of one instance reads: references, position(..), indexed-repeat(), pulldata()."""

    def __init__(self, document: Document, context: Context):
        self.document, self.context = document, context
        self.tables, self.lookups = document.tables, document.lookups

    def reference(self, name: str) -> Value:
        return self.document.resolve(name, self.context)

    def position(self) -> float:
        """position(..): the index of the innermost instance holding the item (the root's 1 outside repeats)."""
        return float(self.context[-1][1]) if self.context else 1.0

    def indexed(self, name: str, pairs: list[tuple[str, float]]) -> Value:
        return self.document.indexed(name, pairs)
