"""Numeric bounds as the criteria state them (grading and staging alike): a lower and an upper
bound, either absent, each inclusive or not. One place decides membership and writes the bounds
in words, so a grade and a T category read the same threshold the same way."""

from __future__ import annotations

from decimal import Decimal


def number_text(d: Decimal) -> str:
    """A threshold as people write it: 20, not 2E+1 or 20.0; 2.5 as given."""
    return format(d.normalize(), "f") if d == d.to_integral() else str(d)


def within(value, lower: Decimal | None, lower_incl: bool, upper: Decimal | None, upper_incl: bool) -> bool:
    """Whether ``value`` lies between the bounds, each bound inclusive or not."""
    v = Decimal(str(value))
    if lower is not None and (v < lower or (v == lower and not lower_incl)):
        return False
    return upper is None or v < upper or (v == upper and upper_incl)


def bounds_text(lower: Decimal | None, lower_incl: bool, upper: Decimal | None, upper_incl: bool) -> str:
    """The bounds in words: '>= 3 and <= 20', '< 2', '' when there is none."""
    parts = []
    if lower is not None:
        parts.append(f"{'>=' if lower_incl else '>'} {number_text(lower)}")
    if upper is not None:
        parts.append(f"{'<=' if upper_incl else '<'} {number_text(upper)}")
    return " and ".join(parts)
