"""Russian formatting of numbers, shares and counts in pages (the rules are ``opora.core.formatting``)."""

from __future__ import annotations

from django import template

from opora.core import formatting

register = template.Library()

EMPTY = formatting.EMPTY


@register.filter
def num(value: object, decimals: int = 0) -> str:
    """A number in Russian form: «1 234,5»; an unknown value as a dash."""
    return formatting.num(value, int(decimals))


@register.filter
def percent(value: object, decimals: int = 1) -> str:
    """A share 0–1 as per cent: «12,5 %»."""
    return formatting.percent(value, int(decimals))


@register.filter
def cell(value: object) -> str:
    """Any table value: whole numbers grouped, fractions with up to two decimals, text as is."""
    return formatting.cell(value)


@register.filter
def plural(count: int, forms: str) -> str:
    """The noun agreeing with a count: ``{{ n|plural:"строка,строки,строк" }}``."""
    one, few, many = forms.split(",")
    return formatting.plural(count, one, few, many)


@register.filter
def quantity(count: int, forms: str) -> str:
    """A count with its noun: ``{{ n|quantity:"школа,школы,школ" }}`` → «4 школы»."""
    one, few, many = forms.split(",")
    return formatting.quantity(count, one, few, many)


@register.filter
def school_year(end_year: int) -> str:
    """``{{ 2026|school_year }}`` → «2025/2026»."""
    return formatting.school_year_label(int(end_year)) if end_year not in (None, "") else EMPTY


@register.filter
def get_item(mapping: dict, key: str) -> object:
    """A dictionary's value by a key held in a variable."""
    return mapping.get(key)


@register.filter
def get_field(form, name: str):
    """A form's bound field by a name held in a variable."""
    return form[name]
