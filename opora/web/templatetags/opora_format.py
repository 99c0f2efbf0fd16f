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


@register.filter
def cell(value: object) -> str:
    """Any table value: whole numbers grouped, fractions with up to two decimals, text as is."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, int):
        return num(value)
    if isinstance(value, (float, Decimal)):
        decimals = 0 if float(value).is_integer() else 2
        return num(value, decimals)
    return str(value)


@register.filter
def get_item(mapping: dict, key: str) -> object:
    """A dictionary's value by a key held in a variable."""
    return mapping.get(key)
