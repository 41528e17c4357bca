"""Highlighted search snippets that are safe to put in a page, the same on every database.

A word is marked when one of its search terms is among the query's (``search.marks``: "labor"
marks "labour", "non-punishment" marks "Non-punishment"); the text is HTML-escaped piece by
piece, and only the ``<mark>`` tags added here are markup.
"""

import re
from bisect import bisect_right
from collections import Counter
from itertools import accumulate

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .search import marks, word_terms


def excerpt_with_highlights(text, query_terms, size=40, whole=False):
    """About ``size`` words of ``text`` where the most of ``query_terms`` occur (the first such
    place), escaped, with every matching word wrapped in <mark> (``whole``: all the text)."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        return ""
    if not whole:
        tokens = text.split(" ")
        text = truncate(tokens, best_start(text, tokens, query_terms, size), size)
    pieces, position = [], 0
    for begin, end in marks(text, query_terms):
        pieces.append(escape(text[position:begin]))
        pieces.append(f"<mark>{escape(text[begin:end])}</mark>")
        position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))


def best_start(text, tokens, query_terms, size):
    """The first word of the window of ``size`` words that holds the most different query
    terms, then the most matches, starting a few words before a match."""
    starts = list(accumulate((len(token) + 1 for token in tokens[:-1]), initial=0))
    wanted = set(query_terms)
    hits = [
        (bisect_right(starts, begin) - 1, wanted.intersection(word_terms(text[begin:end])))
        for begin, end in marks(text, query_terms)
    ]
    # One pass with a sliding window over the hits (in text order): the terms inside it
    # counted as it moves, so a long text with many hits costs no more than reading it.
    best, best_key = 0, (-1, -1)
    inside = Counter()
    low = high = 0
    for index, _found in hits:
        start = max(0, index - size // 3)
        while high < len(hits) and hits[high][0] < start + size:
            inside.update(hits[high][1])
            high += 1
        while low < high and hits[low][0] < start:
            inside.subtract(hits[low][1])
            low += 1
        distinct = sum(1 for count in inside.values() if count > 0)
        key = (distinct, high - low)
        if key > best_key:
            best, best_key = start, key
    return best


def truncate(tokens, start, size):
    chunk = " ".join(tokens[start : start + size])
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + size < len(tokens) else ""
    return f"{prefix}{chunk}{suffix}"
