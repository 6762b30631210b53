"""The XLSForm expression subset: parsed once, here, into the JSON AST that both evaluators run.

The grammar (lark, LALR) accepts exactly what API.md lists. Parsing happens at upload; the AST ships
to the phone with the form definition, so the browser never parses and both sides read the same tree.
AST nodes are JSON arrays: ["num", 3.5], ["str", "a"], ["ref", "name"], ["self"], [op, left, right],
["neg", x], ["call", "fname", arg, ...]. `evaluate` (in fieldwork.forms.xpath) gives them meaning.

    python -m fieldwork.forms.expressions '${age} >= 18'   # prints the AST as JSON
"""
from __future__ import annotations

import json
import re
import sys

from flask_babel import gettext as _
from lark import Lark, Token, Transformer
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from fieldwork.forms.xpath import evaluate  # noqa: F401  (re-exported: parse and evaluate travel together)

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
STRING: /'[^']*'|"[^"]*"/
REF: /\$\{[^\W\d][\w.-]*\}/
NAME: /[a-z][a-z0-9-]*/
%ignore /\s+/
"""

#: name → (fewest, most) arguments; None means any number.
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "selected": (2, 2),
    "count-selected": (1, 1),
    "string-length": (1, 1),
    "regex": (2, 2),
    "if": (3, 3),
    "coalesce": (2, 2),
    "concat": (1, None),
    "number": (1, 1),
    "int": (1, 1),
    "round": (1, 2),
    "today": (0, 0),
    "not": (1, 1),
}
#: The phone and the server evaluate recursively; a form needs nothing this deep.
MAX_DEPTH = 60
MAX_LENGTH = 2000
_QUOTED_OR_REF = re.compile(r"'[^']*'|\"[^\"]*\"|\$\{[^}]*\}")
_BARE_WORD = re.compile(r"(?<![\w.-])([^\W\d][\w-]*)(?![\w-])(?!\s*\()")
_KEYWORDS = {"and", "or", "div", "mod"}


class ExpressionError(ValueError):
    """An expression outside the supported subset; the message is Spanish and says why."""


class _ToAst(Transformer):
    """Builds the AST while the LALR parser reduces (no tree, so no recursion on deep input)."""

    def number(self, items):
        value = float(items[0])
        return ["num", int(value) if value.is_integer() else value]

    def string(self, items):
        return ["str", items[0][1:-1]]

    def ref(self, items):
        return ["ref", items[0][2:-1]]

    def self_value(self, items):
        return ["self"]

    def neg(self, items):
        return ["neg", items[1]]

    def binary(self, items):
        left, operator, right = items
        return [str(operator), left, right]

    def call(self, items):
        name, *arguments = items
        arguments = [a for a in arguments if a is not None]
        if name not in FUNCTIONS:
            raise ExpressionError(_("La función %(name)s() no está entre las que Fieldwork admite.", name=name))
        fewest, most = FUNCTIONS[name]
        if len(arguments) < fewest or (most is not None and len(arguments) > most):
            raise ExpressionError(_("La función %(name)s() no admite %(count)d argumentos.",
                                    name=name, count=len(arguments)))
        if name == "regex" and arguments[1][0] == "str":
            _check_pattern(arguments[1][1])
        return ["call", str(name), *arguments]


_parser = Lark(GRAMMAR, parser="lalr", transformer=_ToAst(), maybe_placeholders=True)


def parse(text: str) -> list:
    """The AST of one expression, or ExpressionError with a Spanish reason."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError(_("La expresión está vacía."))
    if len(text) > MAX_LENGTH:
        raise ExpressionError(_("La expresión es demasiado larga."))
    _refuse_bare_names(text)
    try:
        ast = _parser.parse(text)
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
    if _depth(ast) > MAX_DEPTH:
        raise ExpressionError(_("La expresión está anidada demasiado."))
    return ast


def references(ast: list) -> set[str]:
    """Every question name the expression reads through ${name}."""
    if ast[0] == "ref":
        return {ast[1]}
    found: set[str] = set()
    for child in ast[1:]:
        if isinstance(child, list):
            found |= references(child)
    return found


def _depth(ast: list) -> int:
    children = [c for c in ast[1:] if isinstance(c, list)]
    return 1 + max((_depth(c) for c in children), default=0)


def _refuse_bare_names(text: str) -> None:
    """XPath paths such as `age` or `/data/age` are outside the subset; say how to write a reference."""
    outside_quotes = _QUOTED_OR_REF.sub(" ", text)
    for match in _BARE_WORD.finditer(outside_quotes):
        word = match.group(1)
        if word.split("-")[0] not in _KEYWORDS:  # `3 div-1` is an operator and a minus
            raise ExpressionError(
                _("«%(word)s» no es una función ni una pregunta; una pregunta se escribe ${%(word)s}.", word=word))


def _check_pattern(pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as error:
        raise ExpressionError(_("El patrón de regex() no es válido: %(reason)s.", reason=str(error))) from None


if __name__ == "__main__":  # pragma: no cover - a developer's tool
    try:
        print(json.dumps(parse(sys.argv[1]), ensure_ascii=False))
    except ExpressionError as problem:
        sys.exit(str(problem))
