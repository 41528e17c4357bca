"""One parameter grammar on every endpoint: lists by commas or repetition ("any of"), an empty
value is no filter, ``_after``/``_before`` for every date, detail addresses take no list filter,
``fields``/``omit`` choose the fields; identifiers carry no query; CSV files are named by what
they hold."""

import datetime

import pytest

from tests.factories import (
    ParticipantFactory,
    PillarFactory,
    ProvisionFactory,
    RatificationFactory,
    StatementFactory,
    TreatyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    untoc = TreatyFactory(slug="untoc", position=1, adopted_on=datetime.date(2000, 11, 15))
    protocol = TreatyFactory(
        slug="palermo-protocol", position=2, adopted_on=datetime.date(2000, 11, 15)
    )
    actip = TreatyFactory(slug="asean-actip", position=4, adopted_on=datetime.date(2015, 11, 21))
    fr = ParticipantFactory(code="FR", name="France", coe_member=True)
    ci = ParticipantFactory(code="CI", name="Côte d'Ivoire")
    th = ParticipantFactory(code="TH", name="Thailand", asean_member=True)
    RatificationFactory(treaty=untoc, participant=fr, signature_on=datetime.date(2000, 12, 12))
    RatificationFactory(treaty=protocol, participant=fr, signature_on=datetime.date(2002, 1, 1))
    RatificationFactory(
        treaty=untoc,
        participant=ci,
        consent_kind="",
        consent_on=None,
        signature_on=datetime.date(2000, 12, 15),
    )
    RatificationFactory(
        treaty=actip,
        participant=th,
        signature_on=datetime.date(2015, 11, 21),
        consent_on=datetime.date(2017, 1, 1),
    )
    StatementFactory(
        ratification=fr.ratifications.get(treaty=untoc), made_on=datetime.date(2002, 10, 29)
    )
    protection = PillarFactory(slug="protection", position=2)
    prevention = PillarFactory(slug="prevention", position=1)
    ProvisionFactory(treaty=untoc, number="5", pillars=[prevention])
    ProvisionFactory(treaty=untoc, number="6", pillars=[protection])
    ProvisionFactory(treaty=untoc, number="7")


def ids(client, url, params, key="id"):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return sorted(str(row[key]) for row in response.json()["results"])


# --- lists: commas and repetition alike, any of ------------------------------------------------


@pytest.mark.parametrize(
    "url, name, values, expected",
    [
        (
            "/api/v1/ratifications/",
            "treaty",
            ["untoc", "palermo-protocol"],
            ["palermo-protocol/FR", "untoc/CI", "untoc/FR"],
        ),
        (
            "/api/v1/ratifications/",
            "status",
            ["party", "signatory"],
            ["asean-actip/TH", "palermo-protocol/FR", "untoc/CI", "untoc/FR"],
        ),
        (
            "/api/v1/ratifications/",
            "participant",
            ["FR", "th"],
            ["asean-actip/TH", "palermo-protocol/FR", "untoc/FR"],
        ),
        (
            "/api/v1/ratifications/",
            "membership",
            ["coe", "asean"],
            ["asean-actip/TH", "palermo-protocol/FR", "untoc/FR"],
        ),
        ("/api/v1/provisions/", "pillar", ["protection", "prevention"], ["untoc/5", "untoc/6"]),
        ("/api/v1/participants/", "party_to", ["palermo-protocol", "asean-actip"], ["FR", "TH"]),
        ("/api/v1/statements/", "treaty", ["untoc", "asean-actip"], None),
    ],
)
def test_a_list_parameter_takes_commas_and_repetition_alike(
    client, world, url, name, values, expected
):
    key = "code" if "participants" in url else "id"
    repeated = ids(client, url, {name: values}, key)
    commas = ids(client, url, {name: ",".join(values)}, key)
    spaced = ids(client, url, {name: " , ".join(values)}, key)
    assert repeated == commas == spaced
    if expected is not None:
        assert repeated == expected
    # Any of them: the union of each alone.
    alone = sorted({row for value in values for row in ids(client, url, {name: value}, key)})
    assert repeated == alone


def test_an_unknown_value_in_a_list_is_named(client, world):
    response = client.get("/api/v1/ratifications/", {"treaty": "untoc,untok"})
    assert response.status_code == 400
    assert response.json()["errors"]["treaty"][0].startswith("Unknown treaty 'untok'.")
    response = client.get("/api/v1/ratifications/", {"status": ["party", "partie"]})
    assert response.json()["errors"]["status"][0].startswith(
        "Unknown value 'partie'. Use one or more of: party"
    )


# --- an empty value is no filter, for every parameter -------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/treaties/",
        "/api/v1/participants/",
        "/api/v1/ratifications/",
        "/api/v1/statements/",
        "/api/v1/provisions/",
        "/api/v1/pillars/",
    ],
)
def test_an_empty_value_means_no_filter_for_every_parameter(client, world, url):
    everything = client.get(url).json()
    accepted = client.get(url, {"tretay": "x"}).json()["errors"]["tretay"][0].split(": ", 1)[1]
    names = [name.strip(" .") for name in accepted.split(",")]
    assert "ordering" in names and "page" in names and "fields" in names
    response = client.get(url, {name: "" for name in names})
    assert response.status_code == 200, response.content
    assert response.json() == everything


def test_pillar_empty_answers_200(client, world):
    assert client.get("/api/v1/provisions/?pillar=").status_code == 200


# --- date ranges ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, params, expected",
    [
        (
            "/api/v1/ratifications/",
            {"signature_after": "2001-01-01"},
            ["asean-actip/TH", "palermo-protocol/FR"],
        ),
        ("/api/v1/ratifications/", {"signature_before": "2000-12-12"}, ["untoc/FR"]),
        (
            "/api/v1/ratifications/",
            {"consent_after": "2004-03-01", "consent_before": "2004-03-01"},
            ["palermo-protocol/FR", "untoc/FR"],
        ),
        # The first names of the consent range stay, as aliases.
        (
            "/api/v1/ratifications/",
            {"consented_after": "2004-03-01"},
            ["asean-actip/TH", "palermo-protocol/FR", "untoc/FR"],
        ),
        ("/api/v1/treaties/", {"adopted_after": "2010-01-01"}, ["asean-actip"]),
        ("/api/v1/statements/", {"made_before": "2002-10-29"}, None),
    ],
)
def test_every_date_field_has_after_and_before(client, world, url, params, expected):
    key = "slug" if "treaties" in url else "id"
    found = ids(client, url, params, key)
    if expected is not None:
        assert found == expected
    else:
        assert len(found) == 1
    response = client.get(url, {next(iter(params)): "31/12/2001"})
    assert response.status_code == 400


# --- detail addresses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, params",
    [
        ("/api/v1/ratifications/untoc/FR/", {"treaty": "untoc"}),
        ("/api/v1/ratifications/untoc/FR/", {"ordering": "status"}),
        ("/api/v1/participants/FR/", {"party_to": "untoc"}),
        ("/api/v1/treaties/untoc/", {"modified_since": "2020-01-01"}),
        ("/api/v1/provisions/untoc/5/", {"pillar": "protection"}),
    ],
)
def test_a_detail_address_rejects_list_filters(client, world, url, params):
    response = client.get(url, params)
    assert response.status_code == 400
    [name] = params
    assert f"Unknown query parameter '{name}'" in response.json()["errors"][name][0]


def test_a_detail_address_takes_as_of_and_fields(client, world):
    response = client.get(
        "/api/v1/ratifications/untoc/FR/", {"as_of": "2001-01-01", "fields": "status"}
    )
    assert response.json() == {"status": "signatory"}


# --- fields and omit -----------------------------------------------------------------------------


def test_fields_and_omit_choose_the_fields(client, world):
    rows = client.get("/api/v1/provisions/", {"fields": "id,heading"}).json()["results"]
    assert rows[0].keys() == {"id", "heading"}
    rows = client.get("/api/v1/provisions/", {"omit": ["text", "related_provisions"]}).json()[
        "results"
    ]
    assert "text" not in rows[0] and "related_provisions" not in rows[0] and "heading" in rows[0]
    detail = client.get("/api/v1/treaties/untoc/", {"omit": "preamble"}).json()
    assert "preamble" not in detail and "slug" in detail


def test_fields_choose_the_csv_columns_too(client, world):
    response = client.get(
        "/api/v1/ratifications/",
        {"format": "csv", "fields": "id,participant_name", "treaty": "untoc"},
    )
    assert response.content.decode().splitlines() == [
        "id,participant_name",
        "untoc/CI,Côte d'Ivoire",
        "untoc/FR,France",
    ]


def test_an_unknown_field_is_a_400_naming_the_accepted_ones(client, world):
    response = client.get("/api/v1/statements/", {"fields": "id,txt"})
    assert response.status_code == 400
    message = response.json()["errors"]["fields"][0]
    assert message.startswith("Unknown field(s): txt. Use any of: id, url, treaty, participant")


# --- identifiers and names -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "api"])
def test_url_never_carries_the_query(client, world, fmt):
    for endpoint in (
        "treaties",
        "participants",
        "ratifications",
        "statements",
        "provisions",
        "pillars",
    ):
        response = client.get(f"/api/v1/{endpoint}/", {"format": "json", "page_size": 1000})
        for row in response.json()["results"]:
            assert "?" not in row["url"], row["url"]
            for statement in row.get("statements", []):
                assert "?" not in statement["url"]


@pytest.mark.parametrize(
    "url, name",
    [
        (
            "/api/v1/ratifications/?treaty=untoc&format=csv",
            "treatykb-ratifications-untoc-{today}.csv",
        ),
        (
            "/api/v1/ratifications/?treaty=untoc&as_of=2010-01-01&format=csv",
            "treatykb-ratifications-untoc-2010-01-01.csv",
        ),
        (
            "/api/v1/ratifications/untoc/FR/?format=csv",
            "treatykb-ratifications-untoc-fr-{today}.csv",
        ),
        (
            "/api/v1/provisions/?format=csv&pillar=protection,prevention&page_size=1&page=2",
            "treatykb-provisions-protection-prevention-page-2-{today}.csv",
        ),
        ("/api/v1/participants/?format=csv", "treatykb-participants-{today}.csv"),
        ("/treaties/untoc/participants.csv", "treatykb-ratifications-untoc-{today}.csv"),
    ],
)
def test_csv_files_are_named_by_what_they_hold(client, world, url, name):
    response = client.get(url)
    assert response.status_code == 200
    today = datetime.date.today().isoformat()
    assert response["Content-Disposition"].endswith(f'filename="{name.format(today=today)}"')


def test_the_shipped_data_answers_378_records_for_untoc_and_the_protocol(client, real_data):
    repeated = client.get("/api/v1/ratifications/?treaty=untoc&treaty=palermo-protocol")
    commas = client.get("/api/v1/ratifications/?treaty=untoc,palermo-protocol")
    assert repeated.json()["count"] == commas.json()["count"] == 378
    assert client.get("/api/v1/provisions/?pillar=").status_code == 200


@pytest.mark.parametrize("query", ["cote", "COTE D'IVOIRE", "Côte d’Ivoire", "ivoire", "ci"])
def test_name_search_ignores_accents_and_case(client, world, query):
    assert ids(client, "/api/v1/participants/", {"q": query}, "code") == ["CI"]


def test_a_renamed_participant_is_found_by_its_new_name(client, world):
    participant = ParticipantFactory(code="TR", name="Turkey")
    participant.name = "Türkiye"
    participant.save(update_fields=["name"])
    assert ids(client, "/api/v1/participants/", {"q": "turkiye"}, "code") == ["TR"]
