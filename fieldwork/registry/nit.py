"""Colombian NIT (tax id) check digit, as DIAN computes it."""
from __future__ import annotations

# DIAN's weights, applied from the rightmost digit of the base number.
_WEIGHTS = (3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71)


def check_digit(base: str) -> int:
    """The verification digit of a NIT's base number (digits only)."""
    # A short NIT uses only the first weights.
    total = sum(int(d) * w for d, w in zip(reversed(base), _WEIGHTS, strict=False))
    remainder = total % 11
    return remainder if remainder in (0, 1) else 11 - remainder


def normalise_nit(raw: str) -> str | None:
    """`"900.123.456-7"` -> `"900123456-7"` when the check digit is right, else None.

    The digit after the dash (or the last digit when there is no dash) is the check digit.
    """
    text = raw.strip().replace(".", "").replace(" ", "")
    if "-" in text:
        base, _, digit = text.partition("-")
    else:
        base, digit = text[:-1], text[-1:]
    if not (base.isdigit() and digit.isdigit() and len(digit) == 1 and 6 <= len(base) <= 15):
        return None
    if check_digit(base) != int(digit):
        return None
    return f"{base}-{digit}"
