"""One rounding for every number the product shows: half away from zero, never «−0».

Pages, exports, documents (``opora.core.formatting``) and the analytics' own explanations
round through :func:`rounded`, so a figure in the «почему» text and the same figure in a box
beside it never differ in the last digit.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_QUANTUM = {digits: Decimal(1).scaleb(-digits) for digits in range(7)}  # 1, 0.1, …: made once


def rounded(value: float | int | Decimal | None, decimals: int = 0) -> Decimal | None:
    """The value rounded half away from zero to ``decimals`` places; None stays None.

    A float is read by its shortest decimal form (``str``), as a person reads it: 2.675 is
    2,675 and rounds to 2,68. A value that rounds to zero is plain zero (no «−0»); NaN and
    infinities are unknown (None).

    Examples
    --------
    >>> rounded(2.675, 2), rounded(-0.004, 2), rounded(0.5), rounded(-1.325, 2)
    (Decimal('2.68'), Decimal('0.00'), Decimal('1'), Decimal('-1.33'))
    """
    if value is None:
        return None
    try:
        exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    if not exact.is_finite():
        return None
    quantum = _QUANTUM.get(decimals) or Decimal(1).scaleb(-decimals)
    result = exact.quantize(quantum, rounding=ROUND_HALF_UP)
    return result.copy_abs() if result.is_zero() else result
