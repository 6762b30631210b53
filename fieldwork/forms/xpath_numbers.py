"""The number functions of the ODK XForms spec (§XPath Functions, "Number Functions") with the results
JavaScript's Math gives, written out where Python's math differs (it raises, or loses the sign of zero).
static/js/forms/xpath-numbers.js is the same code. Only functions both engines compute to the same double
are here: sin(), exp(), log() and the like are left out because V8, JavaScriptCore and glibc may differ in
the last bit, and a phone and a server that disagree on a constraint would refuse a visit the officer saw pass.
"""
from __future__ import annotations

import math

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
    every engine); any other exponent through the platform's pow, kept to 15 significant digits so
    that the engines' last-bit differences do not show."""
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
    return result if result == 0 or not math.isfinite(result) else float(f"{result:.15g}")


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
