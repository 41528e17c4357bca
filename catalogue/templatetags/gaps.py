from django import template

from catalogue.gaps import core_gaps

register = template.Library()


@register.simple_tag(takes_context=True)
def gap_counts(context):
    """The gaps in the data of the core instruments, counted, for the admin's index; nothing
    for a user who may not see the records."""
    user = context["request"].user
    if not (
        user.has_perm("treaties.view_ratification") and user.has_perm("provisions.view_provision")
    ):
        return []
    return [gap for gap in core_gaps().worklist() if gap.count]
