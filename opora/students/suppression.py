"""Which counts of students may be shown outside the school: small groups are hidden, and so is what reveals them.

Pure Python (no Django), so that the rule can be read and tested on its own.

The rule
--------
1. *Primary suppression.* A group of 1 to ``threshold - 1`` students (4 with the default 5) is
   not shown, nor is any share computed on it. A group of 0 is shown («нет записей»): there is
   nobody to protect.
2. *Secondary suppression.* When the total of the groups is shown, the hidden groups can be
   recovered by subtraction: total − the shown groups. So hidden groups are joined by the smallest
   shown ones until what subtraction gives away is itself safe: the hidden groups together hold at
   least ``threshold`` students, there are at least two of them, and they are not all of size one
   (a reader who knows that a hidden group has at least one student would otherwise deduce each).
   Every hidden cell reads the same, so a reader cannot tell which hidden groups are small.
3. When even that is impossible (the total itself is under the threshold, or nothing is left to
   hide), the total is hidden too.

>>> result = suppress({"a": 3, "b": 12, "c": 40})
>>> sorted(result.hidden), result.total_hidden
(['a', 'b'], False)
>>> suppress({"a": 2, "b": 1}).total_hidden
True
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

THRESHOLD = 5


def is_small(size: int, threshold: int = THRESHOLD) -> bool:
    """Whether a group of ``size`` students is too small to show (0 is not: nobody is in it)."""
    return 0 < size < threshold


@dataclass(frozen=True)
class Suppressed:
    """The groups whose numbers are hidden, and whether the total over the groups is hidden too."""

    hidden: frozenset
    total_hidden: bool


def _safe(sizes: list[int], floors: list[int], threshold: int) -> bool:
    """Whether subtraction from the total gives away nothing about any one of the hidden groups.

    A reader knows the hidden groups' sum and that each holds at least its floor; when there are
    two or more and the sum exceeds the sum of the floors, no group's size follows.
    """
    if not sizes:
        return True
    hidden_total = sum(sizes)
    return len(sizes) >= 2 and hidden_total >= threshold and hidden_total > sum(floors)


def suppress(
    sizes: Mapping[Hashable, int],
    *,
    forced: frozenset = frozenset(),
    floors: Mapping[Hashable, int] | None = None,
    threshold: int = THRESHOLD,
) -> Suppressed:
    """The groups to hide among ``sizes`` (group → number of students) under one shown total.

    Parameters
    ----------
    sizes : mapping of group key to its number of students (≥ 0)
    forced : keys to hide in any case (a municipality whose own total is hidden is hidden in the
        region's table)
    floors : what a reader knows a hidden group holds at least (1 by default: a listed group is
        not empty; a municipality listing three schools with records holds at least 3)
    threshold : the smallest group shown (5)
    """
    if any(size < 0 for size in sizes.values()):
        raise ValueError("Число обучающихся в группе не может быть отрицательным.")
    hidden = {key for key, size in sizes.items() if is_small(size, threshold) or (key in forced and size > 0)}
    total = sum(sizes.values())
    if total == 0:
        return Suppressed(hidden=frozenset(hidden), total_hidden=False)
    if total < threshold:
        return Suppressed(hidden=frozenset(key for key, size in sizes.items() if size > 0), total_hidden=True)
    # Smallest first, then by key, so that the same numbers always hide the same groups.
    candidates = sorted(
        (key for key, size in sizes.items() if size > 0 and key not in hidden),
        key=lambda key: (sizes[key], str(key)),
    )

    def floor(key: Hashable) -> int:
        return max(1, (floors or {}).get(key, 1))

    while not _safe([sizes[key] for key in hidden], [floor(key) for key in hidden], threshold):
        if not candidates:
            return Suppressed(hidden=frozenset(hidden), total_hidden=True)
        hidden.add(candidates.pop(0))
    return Suppressed(hidden=frozenset(hidden), total_hidden=False)
