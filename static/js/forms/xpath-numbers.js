// The number functions of the ODK XForms spec, as fieldwork/forms/xpath_numbers.py computes them (read its
// docstring): pow() with a whole exponent by repeated squaring; a fractional pow(), sin(), exp(), log() and
// the like kept to 12 significant digits, so that engines' last-bit differences do not show.
const ROUND_DIGITS = 300; // clamped: 10ⁿ stays a finite double
const WHOLE = 2 ** 52; // from here up every double is whole: rounding leaves it as it is
const HUGE = 2 ** 64;

/** XPath's round (half up), to `digits` decimals when given (spec: round(number, decimals?)). */
export function roundTo(x, digits) {
  if (digits === undefined) return Math.floor(x + 0.5);
  const truncated = Math.trunc(digits);
  if (Number.isNaN(truncated)) return NaN;
  const places = Math.max(-ROUND_DIGITS, Math.min(ROUND_DIGITS, truncated));
  const scale = Number(`1e${places}`); // the literal's correctly rounded value, like the server's
  const scaled = x * scale;
  if (Number.isNaN(scaled) || !Number.isFinite(x) || Math.abs(scaled) >= WHOLE) return x;
  return Math.floor(scaled + 0.5) / scale;
}

function squarings(x, exponent) {
  if (exponent > HUGE) { // every such double is even, and the squarings end in one of these
    if (Number.isNaN(x)) return x;
    if (Math.abs(x) > 1) return Infinity;
    return Math.abs(x) < 1 ? 0 : 1;
  }
  let n = exponent;
  let result = 1;
  let base = x;
  while (n >= 1) {
    if (n % 2 === 1) result *= base;
    base *= base;
    n = Math.floor(n / 2);
  }
  return result;
}

/** pow(): the same double on every engine (see fieldwork/forms/xpath_numbers.py). */
export function power(x, y) {
  if (Number.isFinite(y) && y === Math.trunc(y)) return y < 0 ? 1 / squarings(x, -y) : squarings(x, y);
  if (x === 1 || (x === -1 && !Number.isNaN(y) && !Number.isFinite(y))) return 1; // IEEE 754, not Math.pow
  return significant(Math.pow(x, y)); // eslint-disable-line prefer-exponentiation-operator
}

/** `x` to 12 significant digits (ties away from zero, as the server's); zeros keep their sign. */
export const significant = (x) => (x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(12)));

/** max() or min() of the arguments (XPath 3.0): NaN when any is NaN, the first of equals. */
export function extreme(numbers, larger) {
  let [best] = numbers;
  for (const x of numbers.slice(1)) {
    if (Number.isNaN(best)) break;
    if (Number.isNaN(x) || (larger ? x > best : x < best)) best = x;
  }
  return best;
}

export const squareRoot = (x) => (x < 0 ? NaN : Math.sqrt(x));
