"""Highlighted search snippets that are safe to put in a page.

PostgreSQL builds the snippet (``ts_headline``) around the matched words; it is asked to mark
them with two private-use characters (``START``/``STOP``) that never occur in treaty text, so
the whole snippet can be HTML-escaped here and only then given its ``<mark>`` tags. Other
databases get an equivalent snippet built in Python (``excerpt_with_highlights``).
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

START = "\ue000"
STOP = "\ue001"


def safe_headline(headline):
    """A ``ts_headline`` result (marked with START/STOP) as escaped HTML with <mark>s."""
    if not headline:
        return ""
    html = escape(headline).replace(START, "<mark>").replace(STOP, "</mark>")
    # Balance the tags even if a marker character was somehow in the source text.
    if html.count("<mark>") != html.count("</mark>"):
        html = escape(headline.replace(START, "").replace(STOP, ""))
    return mark_safe(html)


def excerpt_with_highlights(text, words, size=40, whole=False):
    """About ``size`` words of ``text`` around the first of ``words`` it contains, escaped,
    with every word that contains a search word wrapped in <mark> (``whole``: all the text)."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        return ""
    if not words:
        return escape(text) if whole else escape(truncate(text.split(" "), 0, size))
    pattern = re.compile(
        r"\w*(?:" + "|".join(re.escape(word) for word in words) + r")\w*", re.IGNORECASE
    )
    if not whole:
        tokens = text.split(" ")
        first = next((i for i, token in enumerate(tokens) if pattern.search(token)), 0)
        start = max(0, first - size // 3)
        text = truncate(tokens, start, size)
    pieces, position = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))


def truncate(tokens, start, size):
    chunk = " ".join(tokens[start : start + size])
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + size < len(tokens) else ""
    return f"{prefix}{chunk}{suffix}"
