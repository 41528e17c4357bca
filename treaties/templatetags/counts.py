"""Counts that say what the data knows: "193", or "at least 187, up to 193" where some records
have a date that is not known (their status that day may be either)."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.simple_tag
def count_range(known, unknown=0):
    """``known`` for certain, up to ``known + unknown``."""
    known, unknown = known or 0, unknown or 0
    if not unknown:
        return intcomma(known)
    return f"at least {intcomma(known)}, up to {intcomma(known + unknown)}"
