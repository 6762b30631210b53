"""The system query options a request may carry, read and checked before any query runs.

`$filter` is parsed by odata-query's grammar (OData's ABNF; an LALR parser, so nesting cannot exhaust the
stack) and its tree is turned into SQLAlchemy here: comparisons (`eq ne gt ge lt le`) between a plain
column of the set and a literal, joined by `and`/`or`, in parentheses as deep as MAX_DEPTH. Anything else
the grammar knows (functions, arithmetic, `not`, `in`, lambdas) is answered 501; never SQL from text.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from odata_query import ast
from odata_query.exceptions import ODataException
from odata_query.grammar import ODataLexer, ODataParser
from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement

from fieldwork.odata.entities import Column, EntitySet
from fieldwork.odata.errors import ODataError, bad_request, not_supported

MAX_FILTER_LENGTH = 2000
MAX_DEPTH = 20
MAX_ORDER_BY = 5
MAX_NUMBER = 10**15
#: Options that are ours to read; any other `$` option is one the feed does not implement.
KNOWN = {"$filter", "$select", "$orderby", "$top", "$skip", "$count", "$format", "$skiptoken"}
_NUMERIC = {"Edm.Int32", "Edm.Int64", "Edm.Double"}
_OPERATORS = {ast.Eq: "__eq__", ast.NotEq: "__ne__", ast.Gt: "__gt__", ast.GtE: "__ge__", ast.Lt: "__lt__",
              ast.LtE: "__le__"}
_MIRRORED = {ast.Gt: ast.Lt(), ast.GtE: ast.LtE(), ast.Lt: ast.Gt(), ast.LtE: ast.GtE()}


@dataclass
class Options:
    top: int | None = None
    skip: int = 0
    count: bool = False
    select: list[str] | None = None
    order_by: list[tuple[Column, bool]] | None = None  # (column, descending)
    filter: ast._Node | None = None
    skiptoken: str | None = None


def read_options(entity_set: EntitySet, args: dict[str, str]) -> Options:
    """The options of a request to `entity_set`, or ODataError (400 malformed, 501 unsupported)."""
    for name in args:
        if name.startswith("$") and name not in KNOWN:
            raise not_supported(_("La opción %(name)s no está disponible en este feed.", name=name))
    if args.get("$format", "json").split(";")[0].strip().lower() not in ("json", "application/json"):
        raise ODataError(406, "NotAcceptable", _("Este feed solo responde en JSON."))
    options = Options(top=_whole(args, "$top"), skip=_whole(args, "$skip") or 0, skiptoken=args.get("$skiptoken"))
    count = args.get("$count", "false").lower()
    if count not in ("true", "false"):
        raise bad_request(_("$count admite true o false."))
    options.count = count == "true"
    if args.get("$select", "").strip() not in ("", "*"):
        options.select = [_column(entity_set, name.strip(), "$select").name for name in args["$select"].split(",")]
    if args.get("$orderby", "").strip():
        options.order_by = [_order_item(entity_set, item) for item in args["$orderby"].split(",")[:MAX_ORDER_BY + 1]]
        if len(options.order_by) > MAX_ORDER_BY:
            raise bad_request(_("$orderby admite hasta %(n)d columnas.", n=MAX_ORDER_BY))
    if args.get("$filter", "").strip():
        options.filter = parse_filter(args["$filter"])
    return options


def _whole(args: dict[str, str], name: str) -> int | None:
    text = args.get(name)
    if text is None:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise bad_request(_("%(name)s debe ser un número entero desde 0.", name=name))
    return int(text)


def _column(entity_set: EntitySet, name: str, option: str) -> Column:
    column = entity_set.by_name.get(name)
    if column is None:
        raise bad_request(_("%(option)s: %(set)s no tiene la columna «%(name)s».", option=option,
                            set=entity_set.name, name=name[:128]))
    return column


def _order_item(entity_set: EntitySet, item: str) -> tuple[Column, bool]:
    parts = item.split()
    if not parts or len(parts) > 2 or (len(parts) == 2 and parts[1] not in ("asc", "desc")):
        raise bad_request(_("$orderby se escribe «columna» o «columna desc», separadas por comas."))
    column = _column(entity_set, parts[0], "$orderby")
    if not column.filterable:
        raise not_supported(_("No se puede ordenar por «%(name)s»: solo por las columnas propias del conjunto.",
                              name=column.name))
    return column, len(parts) == 2 and parts[1] == "desc"


def parse_filter(text: str) -> ast._Node:
    """The tree of a `$filter`, bounded in length and in nesting."""
    if len(text) > MAX_FILTER_LENGTH:
        raise bad_request(_("$filter admite hasta %(n)d caracteres.", n=MAX_FILTER_LENGTH))
    try:
        tree = ODataParser().parse(ODataLexer().tokenize(text))
    except ODataException:
        raise bad_request(_("$filter no se entiende: revise comillas, paréntesis y operadores.")) from None
    _check_depth(tree)
    return tree


def _check_depth(tree: ast._Node) -> None:
    """Nesting beyond MAX_DEPTH is refused before the recursive conversion sees it. A chain of one
    operator (`a eq 1 or a eq 2 or ...`) is one level, however long: only a change of operator nests."""
    pending = [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise bad_request(_("$filter anida demasiado (hasta %(n)d niveles).", n=MAX_DEPTH))
        if isinstance(node, ast.BoolOp):
            pending += [(operand, depth + 1) for operand in _chain(node)]


def _chain(node: ast.BoolOp) -> list[ast._Node]:
    """The operands of a run of the same operator (`a or b or c` -> [a, b, c]), without recursion."""
    operands, pending = [], [node]
    while pending:
        current = pending.pop()
        if isinstance(current, ast.BoolOp) and type(current.op) is type(node.op):
            pending += [current.right, current.left]
        else:
            operands.append(current)
    return operands


def where_clause(entity_set: EntitySet, tree: ast._Node) -> ColumnElement[bool]:
    """A checked `$filter` tree as a SQLAlchemy condition on the set's whitelisted columns."""
    if isinstance(tree, ast.BoolOp):
        parts = [where_clause(entity_set, operand) for operand in _chain(tree)]
        return and_(*parts) if isinstance(tree.op, ast.And) else or_(*parts)
    if not isinstance(tree, ast.Compare) or type(tree.comparator) not in _OPERATORS:
        raise not_supported(_("$filter admite eq, ne, gt, ge, lt, le entre una columna y un valor, con and, or "
                              "y paréntesis."))
    comparator, left, right = tree.comparator, tree.left, tree.right
    if isinstance(right, ast.Identifier) and not isinstance(left, ast.Identifier):
        left, right = right, left
        comparator = _MIRRORED.get(type(comparator), comparator)
    if not isinstance(left, ast.Identifier) or left.namespace or not isinstance(right, ast._Literal):
        raise not_supported(_("$filter compara una columna con un valor (por ejemplo «sector eq 'alimentos'»)."))
    column = _column(entity_set, left.name, "$filter")
    if not column.filterable:
        raise not_supported(_("No se puede filtrar por «%(name)s»: solo por las columnas propias del conjunto.",
                              name=column.name))
    return _compare(column, type(comparator), right)


def _compare(column: Column, comparator: type, literal: ast._Literal) -> ColumnElement[bool]:
    sql = column.sql
    if isinstance(literal, ast.Null):
        if comparator is ast.Eq:
            return sql.is_(None)
        if comparator is ast.NotEq:
            return sql.is_not(None)
        raise bad_request(_("null solo se compara con eq o ne."))
    value = literal_value(column, literal)
    condition = getattr(sql, _OPERATORS[comparator])(value)
    # OData's `ne` keeps the rows whose column is null; SQL's `<>` would drop them.
    return or_(condition, sql.is_(None)) if comparator is ast.NotEq and column.nullable else condition


def literal_value(column: Column, literal: ast._Literal) -> Any:
    """The literal as the column's type, or 400 saying which type the column needs."""
    try:
        if column.edm in _NUMERIC and isinstance(literal, ast.Integer | ast.Float):
            number = int(literal.val) if isinstance(literal, ast.Integer) else float(literal.val)
            if abs(number) <= MAX_NUMBER:
                return number
        elif column.edm == "Edm.String" and isinstance(literal, ast.String):
            return literal.val
        elif column.edm == "Edm.Boolean" and isinstance(literal, ast.Boolean):
            return literal.val.lower() == "true"
        elif column.edm == "Edm.Date" and isinstance(literal, ast.Date):
            return date.fromisoformat(literal.val)
        elif column.edm == "Edm.DateTimeOffset" and isinstance(literal, ast.DateTime):
            moment = datetime.fromisoformat(literal.val.replace("Z", "+00:00"))
            if moment.tzinfo is not None:
                return moment
    except ValueError:
        pass
    raise bad_request(_("«%(name)s» es de tipo %(type)s: compárela con un valor de ese tipo (fechas AAAA-MM-DD, "
                        "momentos con zona, p. ej. 2026-01-31T00:00:00Z, textos entre comillas simples).",
                        name=column.name, type=column.edm.removeprefix("Edm.")))
