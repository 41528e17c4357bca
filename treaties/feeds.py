"""Atom feeds of treaty actions (signatures, consents, withdrawals), per treaty and per
participant, so that a reader learns of a new ratification without polling the whole API.

Entries come newest-recorded first: a record added or corrected in the knowledge base moves to
the top even when the action itself is old. Each entry's id is stable (treaty, participant,
kind of action), so a feed reader shows it once and again only when it changes.
"""

import dataclasses
import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from .models import Participant, Ratification, Treaty

LIMIT = 100


@dataclasses.dataclass
class Action:
    record: Ratification
    kind: str  # signature, consent, withdrawal
    on: datetime.date | None

    @property
    def title(self):
        r = self.record
        who, what = r.participant.name, r.treaty.short_title
        if self.kind == "signature":
            return f"{who} signed the {what} on {self.on.isoformat()}"
        if self.kind == "withdrawal":
            effective = r.withdrawal_effective_on
            tail = f", effective {effective.isoformat()}" if effective else ""
            return f"{who} notified its withdrawal from the {what} on {self.on.isoformat()}{tail}"
        consent = r.get_consent_kind_display().lower()
        if self.on is None:
            return f"{who} is bound by the {what} ({consent}; date not known)"
        return f"{who}: {consent} of the {what}, deposited on {self.on.isoformat()}"

    @property
    def description(self):
        r = self.record
        parts = [self.title + "."]
        if self.kind == "consent" and r.entry_into_force_on:
            basis = r.get_entry_into_force_basis_display().lower()
            parts.append(
                f"Entry into force for {r.participant.name}: "
                f"{r.entry_into_force_on.isoformat()} ({basis})."
            )
        if r.source_url:
            parts.append(f"Source: {r.source_url}")
        return " ".join(parts)

    @property
    def guid(self):
        r = self.record
        return f"tag:treatykb,2025:{r.treaty.slug}/{r.participant.code}/{self.kind}"


def actions(records):
    found = []
    for record in records:
        if record.signature_on:
            found.append(Action(record, "signature", record.signature_on))
        if record.consent_kind:
            found.append(Action(record, "consent", record.consent_on))
        if record.withdrawal_notified_on:
            found.append(Action(record, "withdrawal", record.withdrawal_notified_on))
    found.sort(key=lambda a: (a.record.modified_at, a.on or datetime.date.min), reverse=True)
    return found[:LIMIT]


def midnight(day):
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


class ActionsFeed(Feed):
    feed_type = Atom1Feed

    def records(self, obj):
        raise NotImplementedError

    def items(self, obj):
        return actions(self.records(obj).select_related("treaty", "participant"))

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.description

    def item_link(self, item):
        return item.record.get_absolute_url()

    def item_guid(self, item):
        return item.guid

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return midnight(item.on) if item.on else None

    def item_updateddate(self, item):
        return item.record.modified_at

    def item_categories(self, item):
        return [item.kind, item.record.treaty.slug]


class TreatyActionsFeed(ActionsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Treaty, slug=slug)

    def title(self, treaty):
        return f"{treaty.short_title}: signatures, ratifications and withdrawals"

    def subtitle(self, treaty):
        return f"Treaty actions recorded in Treaty KB for the {treaty.full_title}."

    def link(self, treaty):
        return treaty.get_absolute_url()

    def records(self, treaty):
        return Ratification.objects.filter(treaty=treaty)


class ParticipantActionsFeed(ActionsFeed):
    def get_object(self, request, code):
        return get_object_or_404(Participant, code=code.upper())

    def title(self, participant):
        return f"{participant.name}: signatures, ratifications and withdrawals"

    def subtitle(self, participant):
        return f"Treaty actions of {participant.name} recorded in Treaty KB."

    def link(self, participant):
        return participant.get_absolute_url()

    def records(self, participant):
        return Ratification.objects.filter(participant=participant)
