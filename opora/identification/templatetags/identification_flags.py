"""The flags of a school as badges, from the one registry (``opora.identification.flags``)."""

from __future__ import annotations

from django import template

from opora.identification.flags import FLAGS, category_text, flags_of

register = template.Library()


@register.filter
def category(row: object) -> str:
    """A listed school's category with its qualifiers: «ШНОР и ШНСУ (резильентная)»; «—» otherwise."""
    return category_text(flags_of(row)) or "—"


@register.inclusion_tag("identification/_flag_badges.html")
def flag_badges(row: object, *, unknown: bool = False, cause: bool = True, empty_badge: str = "") -> dict:
    """Badges of the flags a school has; with ``unknown`` also those that are not known.

    A school with none gets a dash, or a neutral badge saying ``empty_badge``.
    """
    values = flags_of(row)
    badges = [
        {
            "flag": flag,
            "known": True,
            "cause": getattr(row, flag.cause_field, "") if cause and flag.cause_field else "",
        }
        for flag in FLAGS.values()
        if values[flag.key]
    ]
    if unknown:
        reasons = (row.get("unknown_reasons") if isinstance(row, dict) else getattr(row, "unknown_reasons", None)) or {}
        badges += [
            {"flag": flag, "known": False, "reason": reasons.get(flag.key, "")}
            for flag in FLAGS.values()
            if values[flag.key] is None
        ]
    return {"badges": badges, "empty_badge": empty_badge}
