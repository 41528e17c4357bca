"""Template helpers for the reading pages: site navigation and canonical URLs."""

from urllib.parse import urlencode

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_link(context, path, label, exact=False):
    """A navigation link, marked ``aria-current="page"`` on the page (or section) it leads to.
    Pages built elsewhere are linked by path so that the layout does not depend on them."""
    request = context.get("request")
    current = ""
    if request is not None:
        here = request.path
        if here == path or (not exact and path != "/" and here.startswith(path)):
            current = "page"
    if current:
        return format_html('<a href="{}" aria-current="{}">{}</a>', path, current, label)
    return format_html('<a href="{}">{}</a>', path, label)


@register.simple_tag(takes_context=True)
def canonical_url(context, *keep):
    """The absolute URL of this page, keeping only the query parameters named in ``keep``
    (the ones that change what the page shows), without empty values or ``page=1``."""
    request = context.get("request")
    if request is None:
        return ""
    pairs = []
    for name in keep:
        for value in request.GET.getlist(name):
            value = value.strip()
            if value and not (name == "page" and value == "1"):
                pairs.append((name, value))
    url = request.build_absolute_uri(request.path)
    return f"{url}?{urlencode(pairs)}" if pairs else url
