"""The team activity page: every change by everyone (saves, approvals, rejections, imports,
bulk actions, loader runs, restores), filtered by user, dates, kind of record and treaty,
exported as CSV, open to every editorial role; a user's name in the history links to it."""

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from common.history import grouped_history
from provisions import services as provision_services
from provisions.models import Pillar, Provision
from review import services
from tests.factories import ProvisionFactory, RatificationFactory, TreatyFactory
from tests.queries import count_queries
from treaties import services as treaty_services
from treaties.models import Ratification, Treaty

from .conftest import member

pytestmark = pytest.mark.django_db
ACTIVITY = reverse("admin_activity")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def kinds(response):
    assert response.status_code == 200
    return [event.kind for event in response.context["events"]]


IMPORT = (
    "treaty_slug,participant,iso3166_alpha2,signature_date,consent_date,consent_type,"
    "entry_into_force_date,reservations_or_declarations,source_url\n"
    "asean-actip,Brunei Darussalam,BN,,2016-06-01,ratification,,,https://asean.org/\n"
)


def test_the_page_lists_a_loader_run_an_import_an_approval_and_a_bulk_action(
    real_data, django_user_model
):
    editor = member(django_user_model, "editor", "Editors")
    trusted = member(django_user_model, "trusted", "Trusted editors")
    reviewer = member(django_user_model, "reviewer", "Reviewers")
    actip = Treaty.objects.get(slug="asean-actip")
    # An import (by a trusted editor), a bulk action, a proposal and its approval.
    report = treaty_services.import_ratifications(
        IMPORT, apply=True, user=trusted, reason="Imported from brunei.csv"
    )
    assert report.applied
    article = Provision.objects.get(treaty=actip, number="18")
    pillar = Pillar.objects.exclude(provisions=article).first()
    provision_services.add_pillar([article], pillar, user=trusted, reason=f"Bulk add: {pillar}")
    proposal, _ = services.propose(
        target=article, changes={"heading": "Test heading"}, author=editor
    )
    services.approve(proposal, reviewer=reviewer)

    client = client_for(editor)  # an editor, not a superuser: no 403
    listed = kinds(client.get(ACTIVITY))
    for kind in ("import", "bulk action", "proposal", "approval", "published approval"):
        assert kind in listed, kind
    # The loader's run, by the data loader, is there too (its rows are older: filtered here).
    loaded = client.get(ACTIVITY, {"model": "treaties.treaty"})
    assert "loader run" in kinds(loaded)
    assert "the data loader" in loaded.content.decode()

    # By user, treaty, kind of record and dates.
    by_reviewer = client.get(ACTIVITY, {"user": reviewer.pk})
    assert set(kinds(by_reviewer)) == {"approval", "published approval"}
    by_treaty = client.get(ACTIVITY, {"treaty": "asean-actip", "model": "provisions.provision"})
    assert {e.treaty.slug for e in by_treaty.context["events"]} == {"asean-actip"}
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert kinds(client.get(ACTIVITY, {"since": tomorrow.isoformat()})) == []

    # As CSV, the same events.
    exported = client.get(ACTIVITY, {"user": reviewer.pk, "format": "csv"})
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert {row["kind"] for row in rows} == {"approval", "published approval"}
    assert {row["user"] for row in rows} == {"reviewer"}


def test_bad_filters_are_form_errors(django_user_model):
    client = client_for(member(django_user_model, "editor", "Editors"))
    response = client.get(ACTIVITY, {"since": "yesterday"})
    assert response.status_code == 400
    assert "since" in response.context["form"].errors
    reversed_range = client.get(ACTIVITY, {"since": "2026-02-01", "until": "2026-01-01"})
    assert "until" in reversed_range.context["form"].errors
    assert client.get(ACTIVITY, {"since": "x", "format": "csv"}).status_code == 400


def test_rejections_withdrawals_and_restores_are_listed(django_user_model):
    editor = member(django_user_model, "editor", "Editors")
    reviewer = member(django_user_model, "reviewer", "Reviewers")
    article = ProvisionFactory(treaty=TreatyFactory(slug="actip"), number="7", text="A.")
    first, _ = services.propose(target=article, changes={"text": "B."}, author=editor)
    second, _ = services.propose(target=article, changes={"text": "C."}, author=editor)
    services.reject(first, reviewer=reviewer, comment="No.")
    services.withdraw(second, user=editor)
    with grouped_history(user=reviewer, reason="Restored the version of 2026-01-01 10:00"):
        Provision.objects.get(pk=article.pk).save()
    listed = kinds(client_for(reviewer).get(ACTIVITY))
    assert {"rejection", "withdrawal", "restore"} <= set(listed)


def test_staff_without_a_role_get_no_activity(django_user_model):
    assert client_for(member(django_user_model, "staff")).get(ACTIVITY).status_code == 403


def test_a_users_name_in_the_history_links_to_their_activity(django_user_model):
    editor = member(django_user_model, "trusted", "Trusted editors")
    record = RatificationFactory()
    with grouped_history(user=editor, reason="Checked"):
        record.note = "Checked."
        record.save()
    client = client_for(member(django_user_model, "editor", "Editors"))
    history = client.get(reverse("admin:treaties_ratification_history", args=[record.pk]))
    link = f'href="{ACTIVITY}?user={editor.pk}"'
    assert link in history.content.decode()
    assert client.get(f"{ACTIVITY}?user={editor.pk}").status_code == 200


def test_the_page_costs_the_same_queries_as_activity_grows(django_user_model):
    editor = member(django_user_model, "editor", "Editors")
    reviewer = member(django_user_model, "reviewer", "Reviewers")
    treaty = TreatyFactory(slug="actip")

    def grow(n):
        for _ in range(n):
            record = RatificationFactory(treaty=treaty)
            with grouped_history(user=editor, reason="Checked"):
                Ratification.objects.get(pk=record.pk).save()
            article = ProvisionFactory(treaty=treaty)
            proposal, _ = services.propose(target=article, changes={"text": "N."}, author=editor)
            services.approve(proposal, reviewer=reviewer)

    client = client_for(reviewer)
    grow(2)
    queries = count_queries(client, ACTIVITY, warm=True)
    grow(6)
    assert count_queries(client, ACTIVITY) == queries
