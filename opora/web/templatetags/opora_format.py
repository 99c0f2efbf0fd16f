"""Russian formatting of numbers and shares in pages."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()

EMPTY = "—"


@register.filter
def num(value: object, decimals: int = 0) -> str:
    """A number in Russian form: «1 234,5»; an unknown value as a dash."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, (int, float, Decimal)):
        return number_format(value, decimal_pos=int(decimals), use_l10n=True, force_grouping=True)
    return str(value)


@register.filter
def percent(value: object, decimals: int = 1) -> str:
    """A share 0–1 as per cent: «12,5 %»."""
    if value is None or value == "":
        return EMPTY
    return f"{num(float(value) * 100, decimals)}\u00a0%"
