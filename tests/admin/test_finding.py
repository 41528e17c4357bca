"""Editors find articles by the references they write, and participants by any of their names
and codes, in the changelists and the autocompletes alike."""

import pytest
from django.urls import reverse

from tests.factories import ParticipantFactory, ProvisionFactory, RatificationFactory, TreatyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    treaties = {
        "palermo-protocol": TreatyFactory(
            slug="palermo-protocol", short_title="Palermo Protocol", full_title="Protocol ..."
        ),
        "asean-actip": TreatyFactory(slug="asean-actip", short_title="ACTIP"),
        "coe-convention": TreatyFactory(
            slug="coe-convention",
            short_title="Council of Europe Anti-Trafficking Convention",
            treaty_series="CETS No. 197",
        ),
    }
    return {
        (slug, number): ProvisionFactory(treaty=treaty, number=number, text="Words.")
        for slug, treaty in treaties.items()
        for number in ("3", "5", "12", "13")
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Palermo Protocol art. 3", ("palermo-protocol", "3")),
        ("palermo-protocol 3", ("palermo-protocol", "3")),
        ("ACTIP 5", ("asean-actip", "5")),
        ("CETS 197 art. 12", ("coe-convention", "12")),
        ("cets no. 197, article 12", ("coe-convention", "12")),
    ],
)
def test_an_article_is_found_by_its_reference(editor_client, articles, query, expected):
    changelist = editor_client.get(reverse("admin:provisions_provision_changelist"), {"q": query})
    assert [p.pk for p in changelist.context["cl"].result_list] == [articles[expected].pk]
    autocomplete = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": query,
            "app_label": "provisions",
            "model_name": "provision",
            "field_name": "related",
        },
    ).json()
    assert [int(r["id"]) for r in autocomplete["results"]] == [articles[expected].pk]


def test_words_of_the_text_still_find_articles(editor_client, articles):
    changelist = editor_client.get(reverse("admin:provisions_provision_changelist"), {"q": "words"})
    assert changelist.context["cl"].result_count == len(articles)


@pytest.mark.parametrize("query", ["VNM", "Viet Nam", "Turkey", "Swaziland", "TUR"])
def test_participants_are_found_by_iso3_codes_and_former_names(editor_client, untoc, query):
    vietnam = ParticipantFactory(
        code="VN", iso_alpha3="VNM", name="Vietnam", recorded_name="Viet Nam"
    )
    turkey = ParticipantFactory(code="TR", iso_alpha3="TUR", name="Türkiye", recorded_name="Turkey")
    eswatini = ParticipantFactory(
        code="SZ", iso_alpha3="SWZ", name="Eswatini", recorded_name="Swaziland"
    )
    wanted = {"VNM": vietnam, "Viet Nam": vietnam, "TUR": turkey, "Turkey": turkey}
    wanted["Swaziland"] = eswatini
    for participant in (vietnam, turkey, eswatini):
        RatificationFactory(treaty=untoc, participant=participant, recorded_name=participant.name)
    records = editor_client.get(reverse("admin:treaties_ratification_changelist"), {"q": query})
    assert [r.participant for r in records.context["cl"].result_list] == [wanted[query]]
    autocomplete = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": query,
            "app_label": "treaties",
            "model_name": "ratification",
            "field_name": "participant",
        },
    ).json()
    assert [int(r["id"]) for r in autocomplete["results"]] == [wanted[query].pk]
