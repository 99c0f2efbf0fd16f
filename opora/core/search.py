"""Search in Russian: words reduced to their stems, so «математике» finds «математика».

Texts are folded (case, «ё» as «е»), split into words and stemmed by the Snowball Russian
stemmer; a record keeps its stems in a text column, and a query matches when every stem of the
query is among them. This works the same on SQLite and PostgreSQL.

>>> stems("Уроки математики")
'урок математик'
>>> matches("математике", stems("Математика в 5 классе"))
True
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[0-9a-zа-я]+")
_STEMMER = snowballstemmer.stemmer("russian")


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return _STEMMER.stemWord(word)


def words(text: str) -> list[str]:
    """The folded words of a text."""
    return _WORD.findall(text.casefold().replace("ё", "е"))


def stems(text: str) -> str:
    """The stems of a text's words, space-separated (what a record keeps for search)."""
    return " ".join(_stem(word) for word in words(text))


def query_stems(query: str) -> list[str]:
    """The distinct stems of a query, in order."""
    return list(dict.fromkeys(_stem(word) for word in words(query)))


def matches(query: str, stored: str) -> bool:
    """Whether every stem of the query is among the stored stems."""
    have = set(stored.split())
    return all(stem in have for stem in query_stems(query))
