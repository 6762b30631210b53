"""The XLSForm expression subset: parsed once, here, into the JSON AST that both evaluators run.

The grammar (lark, LALR) accepts exactly what API.md lists. Parsing happens at upload; the AST ships
to the phone with the form definition, so the browser never parses and both sides read the same tree.
AST nodes are JSON arrays: ["num", 3.5], ["str", "a"], ["ref", "name"], ["self"], [op, left, right],
["neg", x], ["call", "fname", arg, ...], ["parent"] (`..`, only as position(..)'s argument) and, in a
choice_filter (`parse(text, columns=True)`), ["col", "name"] for a bare name: a column of the choice being
filtered. `evaluate` (in fieldwork.forms.xpath) gives them meaning.

    python -m fieldwork.forms.expressions '${age} >= 18'   # prints the AST as JSON
"""
from __future__ import annotations

import json
import re
import sys
from decimal import Decimal

from flask_babel import gettext as _
from lark import Lark, Token, Transformer
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from fieldwork.forms import expression_rules as rules
from fieldwork.forms.expression_rules import ExpressionError, nodes
from fieldwork.forms.xpath import evaluate  # noqa: F401  (re-exported: parse and evaluate travel together)
from fieldwork.forms.xpath_library import ARITY

GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr | or_expr OR and_expr -> binary
?and_expr: eq_expr | and_expr AND eq_expr -> binary
?eq_expr: rel_expr | eq_expr EQ_OP rel_expr -> binary
?rel_expr: add_expr | rel_expr REL_OP add_expr -> binary
?add_expr: mul_expr | add_expr (PLUS | MINUS) mul_expr -> binary
?mul_expr: unary | mul_expr (TIMES | DIV | MOD) unary -> binary
?unary: primary | MINUS unary -> neg
?primary: NUMBER -> number
    | STRING -> string
    | REF -> ref
    | DOT -> self_value
    | DOTDOT -> parent
    | NAME -> column
    | NAME "(" [or_expr ("," or_expr)*] ")" -> call
    | "(" or_expr ")"

OR: "or"
AND: "and"
DIV: "div"
MOD: "mod"
EQ_OP: "=" | "!="
REL_OP: "<=" | ">=" | "<" | ">"
PLUS: "+"
MINUS: "-"
TIMES: "*"
NUMBER.2: /[0-9]+(\.[0-9]*)?|\.[0-9]+/
DOT: "."
DOTDOT: ".."
STRING: /'[^']*'|"[^"]*"/
REF: /\$\{[^\W\d][\w.-]*\}/
NAME: /([^\W\d][\w-]*:)?[^\W\d][\w-]*/
%ignore /\s+/
"""

#: name → (fewest, most) arguments; None means any number (the spec's library, xpath_library.py).
FUNCTIONS = ARITY
#: API.md's limits: parentheses and function calls nested deeper than 50, or more than 4,000 characters.
MAX_NESTING = 50
MAX_LENGTH = 4000
#: The tree's depth once or/and chains are balanced: both evaluators recurse, and JSON encoders stop
#: near 1,000 levels, so a chain of some hundreds of `+` (or of unary minuses) is refused, not stored.
MAX_TREE_DEPTH = 200
#: Numbers are bounded as everywhere else in API.md: a longer literal would turn into Infinity, which
#: is not JSON (the phone drops the form, PostgreSQL refuses it).
MAX_NUMBER = 10**15
_QUOTED_OR_REF = re.compile(r"'[^']*'|\"[^\"]*\"|\$\{[^}]*\}")
_PARENTHESES = re.compile(r"'[^']*'|\"[^\"]*\"|\$\{[^}]*\}|[()]")
#: A word that is no function call nor part of one's prefixed name (`jr:choice-name(`).
_OTHER_INSTANCE = re.compile(r"(?<![\w.:-])instance\s*\([^)]*\)\s*/")
_BARE_WORD = re.compile(r"(?<![\w.:-])([^\W\d][\w-]*)(?![\w:-])(?!\s*\()")
_KEYWORDS = {"and", "or", "div", "mod"}


class _Chain:
    """A run of one associative operator (`or`, `and`) while the parser reduces it, made a balanced tree
    when something uses it: `a or b or … or z` nests log2(n) deep instead of n, and evaluates the same
    operands in the same order with the same short-circuit."""

    def __init__(self, operator: str, operands: list) -> None:
        self.operator, self.operands = operator, operands

    def tree(self, low: int = 0, high: int | None = None) -> list:
        high = len(self.operands) if high is None else high
        if high - low == 1:
            return self.operands[low]
        middle = (low + high) // 2
        return [self.operator, self.tree(low, middle), self.tree(middle, high)]


def _tree(node: list | _Chain) -> list:
    return node.tree() if isinstance(node, _Chain) else node


class _ToAst(Transformer):
    """Builds the AST while the LALR parser reduces (no tree, so no recursion on deep input)."""

    def number(self, items):
        literal = Decimal(str(items[0]))
        if literal > MAX_NUMBER:
            raise ExpressionError(_("El número %(number)s pasa de 10^15 (1.000.000.000.000.000), el mayor que "
                                    "admiten las respuestas.", number=_shortened(str(items[0]))))
        value = float(literal)
        return ["num", int(value) if value.is_integer() else value]

    def string(self, items):
        return ["str", items[0][1:-1]]

    def ref(self, items):
        return ["ref", items[0][2:-1]]

    def self_value(self, items):
        return ["self"]

    def parent(self, items):
        return ["parent"]

    def column(self, items):
        if ":" in items[0]:
            raise ExpressionError(_("«%(word)s» no es una columna de la lista de opciones.", word=str(items[0])))
        return ["col", str(items[0])]

    def neg(self, items):
        return ["neg", _tree(items[1])]

    def binary(self, items):
        left, operator, right = items
        if operator in ("or", "and"):
            if isinstance(left, _Chain) and left.operator == operator:
                left.operands.append(_tree(right))
                return left
            return _Chain(str(operator), [_tree(left), _tree(right)])
        return [str(operator), _tree(left), _tree(right)]

    def call(self, items):
        name, *arguments = items
        arguments = [_tree(a) for a in arguments if a is not None]
        if name not in FUNCTIONS:
            raise ExpressionError(_("Fieldwork no admite todavía la función %(name)s().", name=name))
        fewest, most = FUNCTIONS[name]
        if len(arguments) < fewest or (most is not None and len(arguments) > most):
            raise ExpressionError(_("La función %(name)s() no admite %(count)d argumentos.",
                                    name=name, count=len(arguments)))
        return ["call", str(name), *rules.checked_arguments(str(name), arguments)]


_parser = Lark(GRAMMAR, parser="lalr", transformer=_ToAst(), maybe_placeholders=True)


def parse(text: str, columns: bool = False) -> list:
    """The AST of one expression, or ExpressionError with a Spanish reason. With `columns` (a choice_filter)
    a bare name is a column of the choice being filtered, ["col", name]; elsewhere it is refused."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError(_("La expresión está vacía."))
    if len(text) > MAX_LENGTH:
        raise ExpressionError(_("La expresión tiene %(length)s caracteres; el máximo es 4.000. Divídala en "
                                "varias preguntas calculate.", length=f"{len(text):,}".replace(",", ".")))
    if _nesting(text) > MAX_NESTING:
        raise ExpressionError(_("La expresión anida paréntesis o funciones a más de 50 niveles; divídala en "
                                "varias preguntas calculate."))
    if not columns:
        _refuse_bare_names(text)
    try:
        ast = _tree(_parser.parse(text))
    except UnexpectedEOF:
        raise ExpressionError(_("La expresión termina antes de tiempo.")) from None
    except UnexpectedCharacters as error:
        raise ExpressionError(_("Carácter inesperado «%(char)s» en la posición %(pos)d.",
                                char=text[error.pos_in_stream], pos=error.column)) from None
    except UnexpectedInput as error:
        token = getattr(error, "token", None)
        if isinstance(token, Token) and token.type == "$END":
            raise ExpressionError(_("La expresión termina antes de tiempo.")) from None
        raise ExpressionError(_("«%(token)s» no se esperaba en la posición %(pos)d.",
                                token=token, pos=getattr(error, "column", 0))) from None
    except LarkError as error:
        inner = getattr(error, "orig_exc", None)
        if isinstance(inner, ExpressionError):
            raise inner from None
        raise ExpressionError(_("La expresión no se puede leer.")) from None
    if _depth(ast) > MAX_TREE_DEPTH:
        raise ExpressionError(_("La expresión encadena demasiadas operaciones (más de %(limit)d niveles); "
                                "divídala en varias preguntas calculate.", limit=MAX_TREE_DEPTH))
    rules.check_placement(ast, columns)
    return ast


def references(ast: list) -> set[str]:
    """Every question name the expression reads through ${name}."""
    return {node[1] for node in nodes(ast) if node[0] == "ref"}


def column_names(ast: list) -> set[str]:
    """Every column of the choices a choice_filter reads through a bare name."""
    return {node[1] for node in nodes(ast) if node[0] == "col"}


def size(ast: list) -> int:
    """How many nodes the tree has: the most budget steps one evaluation of it can take (each node costs one)."""
    return sum(1 for _node in nodes(ast))



def _depth(ast: list) -> int:
    deepest, stack = 0, [(ast, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node[1:] if isinstance(child, list))
    return deepest


def _nesting(text: str) -> int:
    """How deep parentheses (a call's or a grouping's) nest, outside quotes and ${…}: counted before
    parsing, so no parser or evaluator ever sees deeper input."""
    deepest = depth = 0
    for piece in _PARENTHESES.findall(text):
        if piece == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif piece == ")":
            depth -= 1
    return deepest


def _refuse_bare_names(text: str) -> None:
    """XPath paths such as `age` or `/data/age` are outside the subset; say how to write a reference."""
    outside_quotes = _QUOTED_OR_REF.sub(" ", text)
    if _OTHER_INSTANCE.search(outside_quotes):
        # A Kobo form reads a list's labels as instance('list')/root/item[…]/label: naming `root` as a
        # question the author forgot to wrap in ${} would send them the wrong way.
        raise ExpressionError(_("instance() lee otra lista del formulario con una ruta XPath, que Fieldwork no "
                                "admite: para la etiqueta de una opción use jr:choice-name(), para listas en "
                                "cascada la columna choice_filter y para un dato de un CSV pulldata()."))
    for match in _BARE_WORD.finditer(outside_quotes):
        word = match.group(1)
        if word.split("-")[0] not in _KEYWORDS:  # `3 div-1` is an operator and a minus
            raise ExpressionError(
                _("«%(word)s» no es una función ni una pregunta; una pregunta se escribe ${%(word)s}.", word=word))


def _shortened(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:20]}…"


if __name__ == "__main__":  # pragma: no cover - a developer's tool
    try:
        print(json.dumps(parse(sys.argv[1]), ensure_ascii=False))
    except ExpressionError as problem:
        sys.exit(str(problem))
