"""The flags of a school as badges, from the one registry (``opora.identification.flags``)."""

from __future__ import annotations

from django import template

from opora.identification.flags import FLAGS, flags_of

register = template.Library()


@register.inclusion_tag("identification/_flag_badges.html")
def flag_badges(row: object, *, unknown: bool = False, cause: bool = True, empty: str = "—") -> dict:
    """Badges of the flags a school has; with ``unknown`` also those that are not known."""
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
        badges += [{"flag": flag, "known": False} for flag in FLAGS.values() if values[flag.key] is None]
    return {"badges": badges, "empty": empty}
