"""Words for lexical matching: lower-case, drop stopwords, strip common English endings.

A deliberately small stemmer (no new dependency): it only needs to make "walks", "walking" and "walk" meet,
and "groups"/"group"; it does not need to be linguistically right, only the same on both sides.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# A word list reads better as one block than as 200 one-word lines.
STOPWORDS: frozenset[str] = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being below between
    both but by can could did do does doing down during each every few for from further had has have having he her
    here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now
    of off on once only or other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours yourself yourselves us may might must shall
    get got one two also etc via per within without welcome welcomes come join run runs held every week weekly
    people person service services group groups session sessions local area offer offers provide provides
    support supports help helps house home
    """.split()  # noqa: SIM905
)
# "support", "help", "group", "service", "home" appear in nearly every listing: they carry no signal for BM25 and would
# otherwise let any listing match any referral.

_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("ational", "ate"),
    ("iveness", "ive"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("ization", "ize"),
    ("isation", "ise"),
    ("ements", "ement"),
    ("ments", "ment"),
    ("ingly", ""),
    ("edly", ""),
    ("iness", "y"),
    ("ness", ""),
    ("ities", "ity"),
    ("ies", "y"),
    ("ing", ""),
    ("ers", "er"),
    ("ed", ""),
    ("es", "e"),
    ("ly", ""),
    ("s", ""),
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("'s"):
        word = word[:-2]
    if word.endswith("ss"):
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + replacement
            break
    # "walking" -> "walk", but "running" -> "runn": undo a doubled final consonant left by -ing/-ed.
    if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]
    # "lonely"/"loneliness" -> "lonely"/"lonely": a final y or e is dropped so the two forms meet.
    if len(word) > 4 and word[-1] in "ye":
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lower-case word tokens, stopwords kept (phrases such as "on his own" need them)."""
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def terms(text: str) -> list[str]:
    """Stemmed content terms for BM25."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1]
