"""The admin, the API and the data loader write through the same services: the same input gives
the same rows, whichever way it comes in (treaties/services.py)."""

import json

from django.urls import reverse

from tests.admin.test_editing import ratification_data
from tests.factories import ParticipantFactory, ProvisionFactory, RatificationFactory
from treaties.models import Ratification, Statement

RECORD_FIELDS = [
    "signature_on",
    "consent_kind",
    "consent_on",
    "entry_into_force_on",
    "entry_into_force_basis",
    "source_url",
    "source_kind",
]
STATEMENT_FIELDS = ["kind", "article_reference", "made_on", "occasion", "text", "source_url"]


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def record_row(record):
    return {name: getattr(record, name) for name in RECORD_FIELDS}


def statement_row(statement):
    row = {name: getattr(statement, name) for name in STATEMENT_FIELDS}
    row["articles"] = sorted(p.number for p in statement.provisions.all())
    return row


def test_a_record_saved_in_the_admin_and_posted_to_the_api_gives_the_same_row(editor_client, untoc):
    by_admin, by_api = ParticipantFactory(code="AA"), ParticipantFactory(code="BB")
    values = {
        "signature_on": "2001-02-03",
        "consent_kind": "ratification",
        "consent_on": "2004-05-06",
        "source_url": "https://treaties.un.org/",
    }
    response = editor_client.post(
        reverse("admin:treaties_ratification_add"),
        ratification_data(untoc, by_admin, **values, source_kind=""),
    )
    assert response.status_code == 302, response.context["errors"]
    response = post_json(
        editor_client,
        "/api/v1/ratifications/",
        {"treaty": "untoc", "participant": "BB", **values},
    )
    assert response.status_code == 201, response.content
    admin_row = record_row(Ratification.objects.get(participant=by_admin))
    api_row = record_row(Ratification.objects.get(participant=by_api))
    assert admin_row == api_row
    assert admin_row["entry_into_force_basis"] == "computed"  # the treaty's rule, both ways
    assert admin_row["source_kind"] == "depositary"  # found from the address, both ways


def test_a_statement_saved_in_the_admin_and_posted_to_the_api_is_linked_to_the_same_articles(
    editor_client, untoc
):
    ProvisionFactory(treaty=untoc, number="15")
    ProvisionFactory(treaty=untoc, number="16")
    ProvisionFactory(treaty=untoc, number="35")
    first = RatificationFactory(treaty=untoc, participant=ParticipantFactory(code="AA"))
    second = RatificationFactory(treaty=untoc, participant=ParticipantFactory(code="BB"))
    values = {
        "kind": "reservation",
        "article_reference": "35(2);16",
        "made_on": "2004-05-06",
        "occasion": "ratification",
        "text": "Does not consider itself bound by article 35, paragraph 2.",
        "source_url": "https://treaties.un.org/",
    }
    response = editor_client.post(
        reverse("admin:treaties_statement_add"),
        {"ratification": first.pk, "withdrawn_on": "", **values},
    )
    assert response.status_code == 302, response.context["errors"]
    response = post_json(
        editor_client, "/api/v1/statements/", {"treaty": "untoc", "participant": "BB", **values}
    )
    assert response.status_code == 201, response.content
    admin_row = statement_row(Statement.objects.get(ratification=first))
    api_row = statement_row(Statement.objects.get(ratification=second))
    assert admin_row == api_row
    assert api_row["articles"] == ["16", "35"]  # named by the reference, linked either way
    assert response.json()["provisions"] == ["untoc/16", "untoc/35"]


def test_articles_chosen_through_the_api_are_kept(editor_client, untoc):
    ProvisionFactory(treaty=untoc, number="15")
    ProvisionFactory(treaty=untoc, number="16")
    RatificationFactory(treaty=untoc, participant=ParticipantFactory(code="AA"))
    response = post_json(
        editor_client,
        "/api/v1/statements/",
        {
            "treaty": "untoc",
            "participant": "AA",
            "kind": "declaration",
            "article_reference": "15",
            "provisions": ["untoc/16"],
            "text": "A declaration.",
        },
    )
    assert response.status_code == 201, response.content
    assert [p.number for p in Statement.objects.get().provisions.all()] == ["16"]
