"""Highlighted search snippets that are safe to put in a page, the same on every database.

A word is marked when one of its search terms is among the query's (``search.marks``: "labor"
marks "labour", "non-punishment" marks "Non-punishment"); the text is HTML-escaped piece by
piece, and only the ``<mark>`` tags added here are markup.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .search import marks


def excerpt_with_highlights(text, query_terms, size=40, whole=False):
    """About ``size`` words of ``text`` around the first word that matches ``query_terms``,
    escaped, with every matching word wrapped in <mark> (``whole``: all the text)."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        return ""
    if not whole:
        tokens = text.split(" ")
        spans = marks(text, query_terms)
        first = 0
        if spans:
            first = len(text[: spans[0][0]].split(" ")) - 1
        start = max(0, first - size // 3)
        text = truncate(tokens, start, size)
    pieces, position = [], 0
    for begin, end in marks(text, query_terms):
        pieces.append(escape(text[position:begin]))
        pieces.append(f"<mark>{escape(text[begin:end])}</mark>")
        position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))


def truncate(tokens, start, size):
    chunk = " ".join(tokens[start : start + size])
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + size < len(tokens) else ""
    return f"{prefix}{chunk}{suffix}"
