"""The comparison: instruments side by side on the concordance, all subjects or one
(``?subject=<topic slug>``), read the same way by the compare page and its CSV.

``?treaty=`` chooses the instruments (two to ``MAX_COMPARED``; the core instruments by default).
Every (subject, instrument) cell is in one of the concordance's states (``CellState``): listed,
no_provision, text_not_available, not_reviewed; never "none" by default.
"""

from django.db.models import Prefetch

from treaties.models import Treaty

from .citations import layout
from .models import CellState, ConcordanceFinding, Provision, Topic, attach_cells
from .pillars import ordered_pillars

MAX_COMPARED = 12


class Comparison:
    """What the compare page and ``/compare.csv`` show for the query parameters ``params``.

    ``chosen``: the instruments compared; ``treaties``: the checkboxes (the core instruments
    and any other chosen); ``topics``: every subject, each with ``cells``; ``subject``: the one
    asked for with ``?subject=``, or None for all; ``messages``: what could not be used, one
    sentence each, naming the parameter's value."""

    def __init__(self, params, with_text=True):
        self.messages = []
        featured = Treaty.objects.featured()
        self.chosen = self.choose(params, featured)
        self.treaties = [*featured, *(t for t in self.chosen if t not in featured)]
        self.chosen_slugs = {treaty.slug for treaty in self.chosen}
        provisions = (
            Provision.objects.filter(treaty__in=self.chosen)
            .select_related("treaty")
            .order_by("treaty__position", "sort_key")
        )
        if with_text:
            provisions = provisions.prefetch_related(ordered_pillars())
        else:
            provisions = provisions.only("number", "sort_key", "treaty", "text_incomplete")
        topics = Topic.objects.order_by("position", "slug").prefetch_related(
            Prefetch("provisions", queryset=provisions),
            Prefetch(
                "findings", queryset=ConcordanceFinding.objects.filter(treaty__in=self.chosen)
            ),
        )
        self.topics = attach_cells(list(topics), self.chosen)
        self.subject = self.choose_subject(params)
        if with_text:
            for topic in self.shown_topics:
                for provision in topic.provisions.all():
                    provision.units = layout(provision.text)

    def choose(self, params, featured):
        requested = list(dict.fromkeys(s.strip() for s in params.getlist("treaty") if s.strip()))
        if len(requested) > MAX_COMPARED:
            self.messages.append(
                f"At most {MAX_COMPARED} instruments can be compared at once; "
                f"the first {MAX_COMPARED} named are shown."
            )
            requested = requested[:MAX_COMPARED]
        found = {
            treaty.slug: treaty
            for treaty in Treaty.objects.filter(slug__in=requested).order_by("position", "slug")
        }
        self.messages += [
            f"There is no instrument '{slug}'; use " + ", ".join(t.slug for t in featured) + "."
            for slug in requested
            if slug not in found
        ]
        chosen = list(found.values())
        if requested and len(chosen) < 2:
            self.messages.append(
                "Choose at least two instruments to compare; the core instruments are shown "
                "instead."
            )
        return chosen if len(chosen) >= 2 else featured

    def choose_subject(self, params):
        slug = params.get("subject", "").strip()
        if not slug:
            return None
        for topic in self.topics:
            if topic.slug == slug:
                return topic
        self.messages.append(
            f"There is no subject '{slug}' in the concordance; use one of its subjects "
            "(the last part of a subject's link, e.g. 'definitions')."
        )
        return None

    @property
    def shown_topics(self):
        return [self.subject] if self.subject else self.topics

    @property
    def rows(self):
        """The subjects shown with at least one article of the instruments chosen."""
        return [t for t in self.shown_topics if any(c.state == CellState.LISTED for c in t.cells)]

    @property
    def hidden_topics(self):
        """The subjects shown with no article of the instruments chosen: listed apart, with
        each instrument's state, never as a finding that there is none."""
        return [t for t in self.shown_topics if t not in self.rows]

    def neighbours(self, topic):
        """The subjects before and after ``topic`` in the concordance's order (None at the
        ends)."""
        index = self.topics.index(topic)
        before = self.topics[index - 1] if index > 0 else None
        after = self.topics[index + 1] if index + 1 < len(self.topics) else None
        return before, after

    def csv_header(self):
        header = ["subject", "subject_name"]
        for treaty in self.chosen:
            header += [f"{treaty.slug}_state", f"{treaty.slug}_provisions"]
            header += [f"{treaty.slug}_finding_by", f"{treaty.slug}_finding_recorded_on"]
        return header

    def csv_rows(self):
        """One line per subject shown (those with no article listed too: their states are
        data), per instrument its state, the articles listed ('<treaty-slug>/<number>') and,
        for a finding of no corresponding provision, who made it and when."""
        for topic in self.shown_topics:
            line = [topic.slug, topic.name]
            for cell in topic.cells:
                finding = cell.finding if cell.state == CellState.NO_PROVISION else None
                line += [
                    cell.state,
                    [f"{cell.treaty.slug}/{p.number}" for p in cell.provisions],
                    finding.by if finding else "",
                    finding.recorded_on if finding else None,
                ]
            yield line
