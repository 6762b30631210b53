"""The number functions of the ODK XForms spec (§XPath Functions, "Number Functions") with the results
JavaScript's Math gives, written out where Python's math differs (it raises, or loses the sign of zero).
static/js/forms/xpath-numbers.js is the same code.

V8, JavaScriptCore and glibc may differ in the last bit of sin(), exp(), log() or a fractional pow(), and a
phone and a server that disagreed on a constraint would refuse a visit the officer saw pass: those results
are kept to 12 significant digits (ties away from zero, as JavaScript's toPrecision). Measured on 300,000
random arguments, V8 and glibc differ in the last bit of about 3 % of them, in the 15th digit of 0.3 %, in
the 12th of one (a fractional pow()): a difference shows only when it straddles the 12th digit. Whole
powers, sqrt() and the rest are exact.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context

NAN = float("nan")
PI = math.pi
#: round()'s digits are clamped to ±300 (10^n stays a finite double); from 2^52 up every double is whole,
#: so rounding at that scale leaves the number as it is.
ROUND_DIGITS = 300
_WHOLE = 2.0**52
_HUGE = 2.0**64


def truncate(x: float) -> float:
    if math.isnan(x) or math.isinf(x):
        return x
    return math.copysign(float(math.trunc(x)), x)  # keeps -0 like JavaScript's Math.trunc


def floor(x: float) -> float:
    return x if math.isnan(x) or math.isinf(x) else math.copysign(float(math.floor(x)), x)


def ceiling(x: float) -> float:
    return x if math.isnan(x) or math.isinf(x) else math.copysign(float(math.ceil(x)), x)


def divide(a: float, b: float) -> float:
    if b == 0:
        if a == 0 or math.isnan(a):
            return NAN
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def modulo(a: float, b: float) -> float:
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return NAN
    return math.fmod(a, b)  # the sign of the dividend, as JavaScript's %


def round_to(x: float, digits: float | None) -> float:
    """XPath's round (half up), to `digits` decimals when given (spec: round(number, decimals?))."""
    if digits is None:
        return floor(x + 0.5)
    places = truncate(digits)
    if math.isnan(places):
        return NAN
    places = max(-ROUND_DIGITS, min(ROUND_DIGITS, places))
    scale = float(f"1e{int(places)}")  # the literal's correctly rounded value, as the phone's Number("1eN")
    scaled = x * scale
    if math.isnan(scaled) or math.isinf(x) or abs(scaled) >= _WHOLE:
        return x
    return divide(floor(scaled + 0.5), scale)


def power(x: float, y: float) -> float:
    """pow(): a whole exponent by repeated squaring (exact where the result is, and the same double on
    every engine); any other exponent through the platform's pow, kept to 12 significant digits."""
    if math.isfinite(y) and y == math.trunc(y):
        return divide(1.0, _squarings(x, -y)) if y < 0 else _squarings(x, y)
    if x == 1 or (x == -1 and math.isinf(y)):
        return 1.0  # IEEE 754 (and XPath 3.0); JavaScript's Math.pow says NaN
    try:
        result = math.pow(x, y)
    except OverflowError:
        result = math.inf
    except ValueError:
        result = math.inf if x == 0 else NAN  # pow(0, negative) is +Infinity, a negative base NaN
    return significant(result)


_SIGNIFICANT = Context(prec=12, rounding=ROUND_HALF_UP)


def significant(x: float) -> float:
    """`x` to 12 significant digits, as JavaScript's Number(x.toPrecision(12)); zeros keep their sign."""
    return x if x == 0 or not math.isfinite(x) else float(_SIGNIFICANT.create_decimal(x))


def platform(function: Callable[..., float]) -> Callable[..., float]:
    """A math function as JavaScript's Math gives it (Infinity and NaN, not exceptions), to 12 digits."""
    def apply(*xs: float) -> float:
        try:
            result = function(*xs)
        except OverflowError:
            result = math.inf
        except ValueError:  # log(0) is -Infinity; any other domain error NaN
            result = -math.inf if function in (math.log, math.log10) and xs[0] == 0 else NAN
        return significant(result)
    return apply


def _squarings(x: float, n: float) -> float:
    if n > _HUGE:  # every such double is even, and the squarings end in one of these: at most 64 rounds
        return x if math.isnan(x) else math.inf if abs(x) > 1 else 0.0 if abs(x) < 1 else 1.0
    result, base = 1.0, x
    while n >= 1:
        if n % 2 == 1:
            result *= base
        base *= base
        n = math.floor(n / 2)
    return result


def square_root(x: float) -> float:
    return NAN if x < 0 else math.sqrt(x)


def extreme(numbers: list[float], larger: bool) -> float:
    """max() or min() of the arguments (XPath 3.0): NaN when any is NaN, the first of equals."""
    best = numbers[0]
    for x in numbers[1:]:
        if math.isnan(best):
            break
        if math.isnan(x) or (x > best if larger else x < best):
            best = x
    return best
