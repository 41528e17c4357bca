"""Edits are all or nothing: a failure midway through an admin save, a CSV import, the data
loader or an API write leaves nothing half-written. Each test injects a failure after some
rows have been written (and checks, at the moment of failure, that they had been), then checks
that none of them stayed. The tests are transactional: the edit's own transaction is the real,
outermost one, as in production, not a savepoint inside the test's."""

import datetime
import itertools
from contextlib import contextmanager
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from common.history import TrackedHistory
from provisions.models import Pillar, Provision
from provisions.services import import_provision_tags
from tests.factories import (
    ParticipantFactory,
    PillarFactory,
    ProvisionFactory,
    RatificationFactory,
    StatementFactory,
    TreatyFactory,
)
from treaties.models import Participant, Ratification, Statement, Treaty
from treaties.services import import_ratifications

pytestmark = pytest.mark.django_db(
    transaction=True, databases=["default", "replica"], serialized_rollback=True
)

SOURCE = "https://treaties.un.org/Pages/ViewDetails.aspx"


class InjectedFailure(Exception):
    pass


@contextmanager
def failing(model_or_class, method, on_call=1, before_failing=None):
    """Make ``model_or_class.method`` raise on its ``on_call``-th call (the earlier calls run
    normally); ``before_failing()`` runs just before, to observe what had been written."""
    real = getattr(model_or_class, method)
    calls = itertools.count(1)
    seen = {}

    def wrapper(self, *args, **kwargs):
        if next(calls) == on_call:
            if before_failing:
                seen.update(before_failing())
            raise InjectedFailure(f"{model_or_class.__name__}.{method} failed")
        return real(self, *args, **kwargs)

    with mock.patch.object(model_or_class, method, wrapper):
        yield seen


def history_count():
    return sum(
        model.history.count() for model in (Treaty, Participant, Ratification, Statement, Provision)
    )


@pytest.fixture
def untoc():
    return TreatyFactory(slug="untoc", short_title="UNTOC", position=1)


# -- the admin ---------------------------------------------------------------------------------


def change_form_data(record, statement, new_text):
    return {
        "treaty": record.treaty.pk,
        "participant": record.participant.pk,
        "recorded_name": record.recorded_name,
        "signature_on": "2000-12-12",
        "consent_kind": "ratification",
        "consent_on": "2004-06-01",
        "entry_into_force_on": "",
        "entry_into_force_basis": "",
        "withdrawal_notified_on": "",
        "withdrawal_effective_on": "",
        "source_url": SOURCE,
        "source_kind": "depositary",
        "statements_flagged": "on",
        "note": "Checked against the depositary's page.",
        "statements-TOTAL_FORMS": "2",
        "statements-INITIAL_FORMS": "1",
        "statements-MIN_NUM_FORMS": "0",
        "statements-MAX_NUM_FORMS": "1000",
        "statements-0-id": statement.pk,
        "statements-0-ratification": record.pk,
        "statements-0-kind": "declaration",
        "statements-0-article_reference": "",
        "statements-0-occasion": "",
        "statements-0-made_on": "",
        "statements-0-withdrawn_on": "",
        "statements-0-text": "An amended declaration.",
        "statements-0-source_url": "",
        "statements-1-kind": "reservation",
        "statements-1-article_reference": "",
        "statements-1-occasion": "",
        "statements-1-made_on": "",
        "statements-1-withdrawn_on": "",
        "statements-1-text": new_text,
        "statements-1-source_url": "",
    }


def test_a_failing_inline_save_in_the_admin_rolls_back_the_record_it_belongs_to(client, untoc):
    admin = User.objects.create_superuser("admin", password="an-admin-password-1")
    record = RatificationFactory(
        treaty=untoc,
        participant=ParticipantFactory(code="KE", name="Kenya"),
        signature_on=datetime.date(2000, 12, 12),
        consent_kind="",
        consent_on=None,
        note="",
    )
    statement = StatementFactory(ratification=record, kind="declaration", text="A declaration.")
    history_before = history_count()
    client.force_login(admin)
    url = reverse("admin:treaties_ratification_change", args=[record.pk])
    data = change_form_data(record, statement, new_text="A new reservation.")

    # The record is saved first, then its inline statements: the second statement fails.
    def written():
        return {"note": Ratification.objects.get(pk=record.pk).note}

    with (
        failing(Statement, "save", on_call=2, before_failing=written) as seen,
        pytest.raises(InjectedFailure),
    ):
        client.post(url, data)

    assert seen == {"note": "Checked against the depositary's page."}  # written, then...
    record.refresh_from_db()
    assert record.note == ""  # ...rolled back
    assert record.consent_on is None
    assert list(record.statements.values_list("text", flat=True)) == ["A declaration."]
    assert history_count() == history_before

    # Without the failure, the same form saves everything.
    response = client.post(url, data)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.consent_on == datetime.date(2004, 6, 1)
    assert sorted(record.statements.values_list("text", flat=True)) == [
        "A new reservation.",
        "An amended declaration.",
    ]


# -- CSV imports -------------------------------------------------------------------------------


def test_a_ratification_import_failing_on_row_3_applies_none_of_rows_1_and_2(untoc):
    for code, name in [("KE", "Kenya"), ("FR", "France"), ("PE", "Peru")]:
        ParticipantFactory(code=code, name=name)
    content = (
        "treaty_slug,participant,iso3166_alpha2,signature_date,consent_date,consent_type,"
        "entry_into_force_date,reservations_or_declarations,source_url\n"
        f"untoc,Kenya,KE,2000-12-13,2004-06-16,accession,,,{SOURCE}\n"
        f"untoc,France,FR,2000-12-12,2002-10-29,approval,,yes,{SOURCE}\n"
        f"untoc,Peru,PE,2000-12-14,2002-01-23,ratification,,,{SOURCE}\n"
    )
    assert import_ratifications(content).ok  # every row is valid: the failure is the database's

    with failing(
        Ratification,
        "save",
        on_call=3,
        before_failing=lambda: {"saved": Ratification.objects.count()},
    ) as seen:
        with pytest.raises(InjectedFailure):
            import_ratifications(content, apply=True)

    assert seen == {"saved": 2}
    assert Ratification.objects.count() == 0
    assert Ratification.history.count() == 0

    assert import_ratifications(content, apply=True).applied
    assert Ratification.objects.count() == 3


def test_a_tag_import_failing_on_row_3_applies_none_of_rows_1_and_2(untoc):
    pillar = PillarFactory(slug="protection", name="Protection")
    articles = [ProvisionFactory(treaty=untoc, number=str(n)) for n in (1, 2, 3)]
    content = "treaty_slug,number,pillars\n" + "".join(
        f"untoc,{article.number},protection\n" for article in articles
    )
    through = Provision.pillars.through

    with failing(
        Provision.pillars.related_manager_cls,
        "set",
        on_call=3,
        before_failing=lambda: {"tagged": through.objects.count()},
    ) as seen:
        with pytest.raises(InjectedFailure):
            import_provision_tags(content, apply=True)

    assert seen == {"tagged": 2}
    assert through.objects.count() == 0
    assert not pillar.provisions.exists()
    assert Provision.history.count() == 3  # the articles' creation only


# -- the data loader ---------------------------------------------------------------------------


def test_the_data_loader_failing_midway_leaves_the_database_as_it_was():
    """The shipped data set, loaded until its ratification records: everything before them
    (pillars, treaties, articles, concordance, participants) was written, and is rolled back."""

    def written():
        return {
            "treaties": Treaty.objects.count(),
            "articles": Provision.objects.count(),
            "participants": Participant.objects.count(),
        }

    with failing(Ratification, "save", on_call=1, before_failing=written) as seen:
        with pytest.raises(InjectedFailure):
            call_command("load_treaty_data", path=settings.TREATYKB_FIXTURES_DIR)

    assert seen["treaties"] == 4 and seen["articles"] > 100 and seen["participants"] > 100
    for model in (Treaty, Provision, Pillar, Participant, Ratification, Statement):
        assert not model.objects.exists(), model
    assert history_count() == 0


# -- the API -----------------------------------------------------------------------------------


@pytest.fixture
def api_editor():
    """An account whose writes publish at once (the permission to publish directly): these
    tests are about the published write's transaction; a proposal's is in tests/review."""
    user = User.objects.create_user("api-editor", password="an-editor-password-1")
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["change_ratification", "add_statement", "publish_directly"]
        )
    )
    api = APIClient(HTTP_HOST="localhost")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


def test_an_api_update_whose_history_record_fails_is_not_saved(untoc, api_editor):
    RatificationFactory(
        treaty=untoc, participant=ParticipantFactory(code="FR", name="France"), note=""
    )

    def written():
        return {"note": Ratification.objects.get().note}

    with failing(TrackedHistory, "create_historical_record", before_failing=written) as seen:
        with pytest.raises(InjectedFailure):
            api_editor.patch(
                "/api/v1/ratifications/untoc/FR/",
                {"note": "Checked against the depositary."},
                format="json",
            )

    assert seen == {"note": "Checked against the depositary."}
    assert Ratification.objects.get().note == ""
    assert Ratification.history.filter(history_type="~").count() == 0


def test_an_api_statement_whose_article_links_fail_is_not_created(untoc, api_editor):
    RatificationFactory(treaty=untoc, participant=ParticipantFactory(code="FR", name="France"))
    ProvisionFactory(treaty=untoc, number="15")

    def written():
        return {"statements": Statement.objects.count()}

    body = {
        "treaty": "untoc",
        "participant": "FR",
        "kind": "reservation",
        "text": "Does not consider itself bound by article 15, paragraph 2.",
        "provisions": ["untoc/15"],
    }
    # The statement is inserted, then linked to its articles: the linking fails.
    with failing(Statement.provisions.related_manager_cls, "set", before_failing=written) as seen:
        with pytest.raises(InjectedFailure):
            api_editor.post("/api/v1/statements/", body, format="json")

    assert seen == {"statements": 1}
    assert not Statement.objects.exists()
    assert not Statement.provisions.through.objects.exists()
