"""Atom feeds (RFC 4287) of treaty actions (signatures, consents, withdrawals), per treaty and
per participant, so that a reader learns of a new ratification without polling the whole API.

- **Dated by the act**: an entry's ``updated`` (and ``published``) is the day the act was done
  (signed, deposited, notified), never the day it was loaded. Where the date of the act is not
  known (a consent without a date), the entry says so and its ``updated`` is when the record
  was last changed in the knowledge base, the only date that can be given; it has no
  ``published``.
- **Newest act first**, in pages of 100 (RFC 5005 paged feeds: ``first``, ``previous``,
  ``next``, ``last`` links; ``?page=N``).
- **Authors**: the feed's and each entry's, Treaty KB with the site's address.
- **Ids**: stable tag URIs (treaty, participant, kind of action), so a reader shows an entry
  once, and again only when it changes.
- **Conditional**: ``ETag`` and ``Last-Modified`` (from the data version, as the API's reads:
  ``common.api.conditional``); ``If-None-Match`` or ``If-Modified-Since`` gets a 304.
- An unknown treaty or participant, or a page past the last, is a 404 problem document (JSON,
  ``common.api.problems``).
"""

import dataclasses
import datetime
import math

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date, quote_etag

from common.api.conditional import representation_digest, validators
from common.api.problems import problem_response

from .models import Participant, Ratification, Treaty

PAGE_SIZE = 100
AUTHOR = "Treaty KB"
ID_PREFIX = "tag:treatykb,2025:"


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
        if self.on is None:
            parts.append(
                "The date of this act is not known; this entry is dated by the last change "
                "to the record in Treaty KB."
            )
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
        return f"{ID_PREFIX}{r.treaty.slug}/{r.participant.code}/{self.kind}"

    @property
    def updated(self):
        """The act's day (midnight UTC), or, where it is not known, the record's last change."""
        return midnight(self.on) if self.on else self.record.modified_at


def actions(records):
    """Every action of ``records``, the newest act first (ties by id, for stable pages)."""
    found = []
    for record in records:
        if record.signature_on:
            found.append(Action(record, "signature", record.signature_on))
        if record.consent_kind:
            found.append(Action(record, "consent", record.consent_on))
        if record.withdrawal_notified_on:
            found.append(Action(record, "withdrawal", record.withdrawal_notified_on))
    found.sort(key=lambda a: a.guid)
    found.sort(key=lambda a: a.updated, reverse=True)
    return found


def midnight(day):
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


class PagedAtomFeed(Atom1Feed):
    """Atom with the RFC 5005 paging links and the feed's own author."""

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        media_type = self.content_type.split(";")[0]
        for rel, url in self.feed.get("paging", {}).items():
            handler.addQuickElement("link", "", {"rel": rel, "href": url, "type": media_type})

    def latest_post_date(self):
        """The newest entry's date; for an empty feed, its subject's last change (not now)."""
        if not self.items and self.feed.get("empty_updated"):
            return self.feed["empty_updated"]
        return super().latest_post_date()


class ActionsFeed:
    """A feed view: ``subject`` finds the treaty or participant, ``records`` its records."""

    kind = ""

    def subject(self, key):
        raise NotImplementedError

    def records(self, subject):
        raise NotImplementedError

    def __call__(self, request, **kwargs):
        key = next(iter(kwargs.values()))
        subject = self.subject(key)
        if subject is None:
            return problem_response(
                request, 404, f"There is no {self.kind} '{key}': no feed at this address."
            )
        unknown = [name for name in request.GET if name != "page"]
        if unknown:
            return problem_response(
                request,
                400,
                f"Unknown query parameter {', '.join(unknown)}: a feed takes only page.",
                errors={
                    name: ["Unknown query parameter: a feed takes only page."] for name in unknown
                },
            )
        raw = request.GET.get("page", "").strip() or "1"
        if not raw.isdigit() or int(raw) < 1:
            return problem_response(
                request,
                400,
                f"'{raw}' is not a page number.",
                errors={"page": [f"'{raw}' is not a page number: use 1 or more."]},
            )
        fingerprint, latest = validators()
        today = timezone.localdate()
        etag = quote_etag(representation_digest(request, fingerprint, today))
        stamp = int((latest or midnight(today)).timestamp())
        response = get_conditional_response(request, etag=etag, last_modified=stamp)
        if response is None:
            response = self.render(request, subject, int(raw))
        if response.status_code in (200, 304):
            response["ETag"] = etag
            response["Last-Modified"] = http_date(stamp)
            response["Cache-Control"] = "no-cache"
        return response

    def render(self, request, subject, page):
        found = actions(self.records(subject).select_related("treaty", "participant"))
        pages = max(1, math.ceil(len(found) / PAGE_SIZE))
        if page > pages:
            return problem_response(
                request, 404, f"There is no page {page}: this feed has {pages} page(s)."
            )
        shown = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        address = request.build_absolute_uri(request.path)

        def page_url(number):
            return address if number == 1 else f"{address}?page={number}"

        paging = {"first": page_url(1), "last": page_url(pages)}
        if page > 1:
            paging["previous"] = page_url(page - 1)
        if page < pages:
            paging["next"] = page_url(page + 1)
        site = settings.SITE_URL
        feed = PagedAtomFeed(
            title=self.title(subject),
            link=request.build_absolute_uri(subject.get_absolute_url()),
            description=self.subtitle(subject),
            subtitle=self.subtitle(subject),
            feed_url=page_url(page),
            feed_guid=f"{ID_PREFIX}feeds/{self.kind}/{self.key(subject)}",
            author_name=AUTHOR,
            author_link=site,
            language="en",
            paging=paging,
            empty_updated=subject.modified_at,
        )
        for action in shown:
            feed.add_item(
                title=action.title,
                link=request.build_absolute_uri(action.record.get_absolute_url()),
                description=action.description,
                unique_id=action.guid,
                unique_id_is_permalink=False,
                pubdate=midnight(action.on) if action.on else None,
                updateddate=action.updated,
                author_name=AUTHOR,
                author_link=site,
                categories=[action.kind, action.record.treaty.slug],
            )
        response = HttpResponse(content_type=f"{feed.content_type}")
        feed.write(response, "utf-8")
        return response


class TreatyActionsFeed(ActionsFeed):
    kind = "treaty"

    def subject(self, slug):
        return Treaty.objects.filter(slug=slug).first()

    def key(self, treaty):
        return treaty.slug

    def title(self, treaty):
        return f"{treaty.short_title}: signatures, ratifications and withdrawals"

    def subtitle(self, treaty):
        return f"Treaty actions recorded in Treaty KB for the {treaty.full_title}."

    def records(self, treaty):
        return Ratification.objects.filter(treaty=treaty)


class ParticipantActionsFeed(ActionsFeed):
    kind = "participant"

    def subject(self, code):
        return Participant.objects.filter(code=code.upper()).first()

    def key(self, participant):
        return participant.code

    def title(self, participant):
        return f"{participant.name}: signatures, ratifications and withdrawals"

    def subtitle(self, participant):
        return f"Treaty actions of {participant.name} recorded in Treaty KB."

    def records(self, participant):
        return Ratification.objects.filter(participant=participant)
