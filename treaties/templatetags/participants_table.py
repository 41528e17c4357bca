"""The rows of the treaty page's participants table and of the matrix, written in Python.

A treaty page holds up to ``TABLE_PAGE_SIZE`` rows of nine cells each; through the template
engine (an include per row, a ``date`` filter per date) they were a third of the page's
uncached render. This tag writes the same markup directly: every value escaped, every date as
``<time datetime="YYYY-MM-DD">D Mon YYYY</time>``. ``tests/web/test_treaty_page.py`` and the
browser tests read the rows it writes.
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

register = template.Library()

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_date(day):
    """``D Mon YYYY`` (the ``date:"j M Y"`` filter's output, without the locale machinery)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def time_element(day):
    return f'<time datetime="{day.isoformat()}">{short_date(day)}</time>'


NOT_KNOWN = '<span class="not-known">date not known</span>'


@register.simple_tag
def participant_row(r, treaty):
    """One ``<tr>``: ``r`` a record with ``status``, ``status_label``, ``status_rank`` and
    ``source_number``, of ``treaty``; map.js finds a row's participant code in its first link."""
    e = conditional_escape
    participant = r.participant
    profile = participant.get_absolute_url()
    if not treaty.core:
        profile += f"?treaty={treaty.slug}"
    slug = e(treaty.slug)
    cells = []

    name = f'<a href="{e(profile)}#{slug}">{e(participant.name)}</a>'
    if r.recorded_name and r.recorded_name != participant.name:
        name += f"<br><small>recorded as {e(r.recorded_name)}</small>"
    cells.append(f'<th scope="row">{name}</th>')

    region = e(participant.region or "–")
    if participant.subregion:
        region += f"<br><small>{e(participant.subregion)}</small>"
    cells.append(f"<td>{region}</td>")

    cells.append(
        f'<td data-sort-value="{e(r.status_rank)}"><span class="status-badge '
        f'status-badge--{e(r.status)}">{e(r.status_label)}</span></td>'
    )

    cells.append(f"<td>{time_element(r.signature_on) if r.signature_on else '–'}</td>")

    if r.consent_kind:
        consent = time_element(r.consent_on) if r.consent_on else NOT_KNOWN
        consent += f"<br><small>{e(r.get_consent_kind_display())}</small>"
    else:
        consent = "–"
    cells.append(f"<td>{consent}</td>")

    if r.entry_into_force_on:
        basis = "computed" if r.entry_into_force_basis == "computed" else "stated"
        in_force = f"{time_element(r.entry_into_force_on)}<br><small>{basis}</small>"
    elif r.consent_kind:
        in_force = NOT_KNOWN
    else:
        in_force = "–"
    cells.append(f"<td>{in_force}</td>")

    texts = len(r.statements.all())
    if texts:
        plural = "" if texts == 1 else "s"
        statements = f'<a href="{e(profile)}#{slug}-statements">{texts} text{plural}</a>'
    elif r.statements_flagged:
        statements = "yes <small>(texts not in the knowledge base)</small>"
    elif r.statements_known == "none":
        statements = f"none <small>(as at {short_date(treaty.statements_complete_as_at)})</small>"
    else:
        statements = '<span class="not-known">not known</span>'
    cells.append(f"<td>{statements}</td>")

    if r.withdrawal_effective_on:
        withdrawal = f"effective {time_element(r.withdrawal_effective_on)}"
    elif r.withdrawal_notified_on:
        withdrawal = f"notified {time_element(r.withdrawal_notified_on)}"
    else:
        withdrawal = "–"
    cells.append(f"<td>{withdrawal}</td>")

    if r.source_number:
        source = f'<a href="#src-{r.source_number}">{r.source_number}</a>'
        if r.source_kind == "news":
            source += " <small>news report only</small>"
    else:
        source = "–"
    if r.depositary_confirmed_as_at:
        source += (
            '<br><small class="confirmed">confirmed by the depositary\'s record as at '
            f"{short_date(r.depositary_confirmed_as_at)}</small>"
        )
    if r.note:
        shortened = Truncator(r.note).words(12, truncate=" …")
        source += (
            f'<br><small class="note" title="{e(r.note)}">sources disagree: {e(shortened)}</small>'
        )
    cells.append(f"<td>{source}</td>")
    return mark_safe("<tr>" + "".join(cells) + "</tr>")


@register.simple_tag
def matrix_row(participant):
    """One row of the participants × instruments matrix: ``participant`` with ``cells``
    (``treaties.participation.Cell``), written directly for the same reason as the rows
    above (the matrix shows up to 200 participants × 12 instruments)."""
    e = conditional_escape
    cells = []
    for cell in participant.cells:
        status = e(cell.status)
        html = (
            f'<td class="matrix__cell matrix__cell--{status}">'
            f'<span class="status-badge status-badge--{status}">{e(cell.label)}</span>'
        )
        if cell.date:
            html += f"<br>{time_element(cell.date)}"
        elif cell.date_not_known:
            html += f"<br>{NOT_KNOWN}"
        if kind := cell.consent_kind_label:
            html += f"<br><small>{e(kind)}</small>"
        cells.append(html + "</td>")
    name = f'<a href="{e(participant.get_absolute_url())}">{e(participant.name)}</a>'
    return mark_safe(f'<tr><th scope="row">{name}</th>{"".join(cells)}</tr>')
