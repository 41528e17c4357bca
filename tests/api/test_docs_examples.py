"""Every request in docs/api.md is real: run on the shipped data, it answers what the site's
own query sets (the ones its pages use) give."""

import csv
import datetime
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from provisions.models import Provision
from tests.api.conftest import token_client
from tests.api.test_changes import assert_same, edit_everything_on_real_data
from treaties.filters import ParticipantFilterSet
from treaties.models import Participant, Ratification, Treaty

pytestmark = pytest.mark.django_db
DOC = Path(settings.BASE_DIR) / "docs" / "api.md"
HOST = "http://localhost:8000"


def documented_requests():
    """Every API URL in the document's shell (curl) examples."""
    blocks = re.findall(r"```sh\n(.*?)```", DOC.read_text(), flags=re.S)
    urls = re.findall(re.escape(HOST) + r"(/api/v1/[^\s'\"]+)", "\n".join(blocks))
    return sorted(set(urls))


def codes(data):
    return sorted(row["code"] for row in data["results"])


def provision_ids(data):
    return [row["id"] for row in data["results"]]


def ids_of(provisions):
    return [f"{p.treaty.slug}/{p.number}" for p in provisions]


def web_participants(**params):
    filterset = ParticipantFilterSet(data=params, queryset=Participant.objects.all())
    assert filterset.is_valid(), filterset.errors
    return sorted(filterset.qs.values_list("code", flat=True))


def expected_palermo_not_coe(response):
    assert codes(response.json()) == web_participants(
        membership="coe", party_to="palermo-protocol", not_party_to="coe-convention"
    )


def expected_palermo_not_coe_2010(response):
    expected = web_participants(
        membership="coe",
        party_to="palermo-protocol",
        not_party_to="coe-convention",
        as_of="2010-01-01",
    )
    assert codes(response.json()) == expected and expected  # in 2010 the answer was not empty


def expected_actip_protection(response):
    expected = Provision.objects.filter(treaty__slug="asean-actip").tagged("protection")
    assert provision_ids(response.json()) == ids_of(expected.in_treaty_order())
    assert provision_ids(response.json())


def expected_untoc_since_2015(response):
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    expected = Ratification.objects.filter(
        treaty__slug="untoc", consent_on__gte=datetime.date(2015, 1, 1)
    )
    assert sorted(r["participant"] for r in rows) == sorted(
        expected.values_list("participant__code", flat=True)
    )
    assert rows and all(r["consent_on"] >= "2015-01-01" for r in rows)


def expected_related_to_article_6(response):
    six = Provision.objects.get(treaty__slug="palermo-protocol", number="6")
    expected = ids_of(six.related.select_related("treaty").in_treaty_order())
    assert provision_ids(response.json()) == expected and expected


def expected_article_6(response):
    six = Provision.objects.get(treaty__slug="palermo-protocol", number="6")
    data = response.json()
    assert data["related"] == ids_of(six.related.select_related("treaty").in_treaty_order())
    assert data["text"] == six.text


def expected_modified_since(response):
    moment = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    assert response.json()["count"] == (
        Ratification.objects.filter(modified_at__gte=moment).count()
    )


def shipped_status_as_at():
    return {
        t.slug: t.status_as_at.isoformat() if t.status_as_at else None for t in Treaty.objects.all()
    }


def expected_download_zip(response):
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="treatykb-{today}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    with archive.open(f"treatykb-{today}/treaties.csv") as member:
        rows = list(csv.DictReader(io.TextIOWrapper(member, encoding="utf-8")))
    assert {r["slug"]: r["status_as_at"] or None for r in rows} == shipped_status_as_at()
    with archive.open(f"treatykb-{today}/ratifications.csv") as member:
        assert sum(1 for _ in member) == Ratification.objects.count() + 1  # and the header


def expected_download_json(response):
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="treatykb-{today}.json"'
    data = json.loads(response.content)
    assert data["exported_on"] == today
    assert data["status_as_at"] == shipped_status_as_at()
    parties = [
        r for r in data["ratifications"] if r["treaty"] == "asean-actip" and r["status"] == "party"
    ]
    expected = Ratification.objects.filter(treaty__slug="asean-actip").parties()
    assert len(parties) == expected.count() and parties


def expected_changes(response):
    data = response.json()
    assert len(data["results"]) == 10 and data["more"] is True
    assert data["cursor"] == data["results"][-1]["cursor"]
    assert {"type", "id", "url", "action", "time", "cursor"} == set(data["results"][0])


def expected_untoc_records(response):
    data = response.json()
    assert data["count"] == Ratification.objects.filter(treaty__slug="untoc").count()
    assert {row["treaty"] for row in data["results"]} == {"untoc"}


def expected_schema(response):
    schema = response.json()
    assert schema["openapi"].startswith("3.") and "/api/v1/ratifications.csv" in schema["paths"]


EXAMPLES = {
    "/api/v1/ratifications/?treaty=untoc": expected_untoc_records,
    "/api/v1/schema/?format=json": expected_schema,
    "/api/v1/participants/?membership=coe&party_to=palermo-protocol&not_party_to=coe-convention": (
        expected_palermo_not_coe
    ),
    "/api/v1/participants/?membership=coe&party_to=palermo-protocol&not_party_to=coe-convention"
    "&as_of=2010-01-01": expected_palermo_not_coe_2010,
    "/api/v1/provisions/?treaty=asean-actip&pillar=protection": expected_actip_protection,
    "/api/v1/ratifications/?treaty=untoc&consented_after=2015-01-01&format=csv": (
        expected_untoc_since_2015
    ),
    "/api/v1/provisions/?related_to=palermo-protocol/6": expected_related_to_article_6,
    "/api/v1/provisions/palermo-protocol/6/": expected_article_6,
    "/api/v1/ratifications/?modified_since=2025-01-01T00:00:00Z": expected_modified_since,
    "/api/v1/ratifications/untoc/FR/": None,  # the write example; checked below
    "/api/v1/changes/?since=0&page_size=10": expected_changes,
    "/api/v1/download/": expected_download_zip,
    "/api/v1/download/?format=json": expected_download_json,
}


def test_every_documented_request_is_checked_here():
    assert documented_requests() == sorted(EXAMPLES)


@pytest.mark.parametrize("url", [u for u, check in EXAMPLES.items() if check])
def test_documented_request_answers_like_the_site(client, real_data, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    EXAMPLES[url](response)


def test_the_python_examples_use_the_documented_parameters():
    text = DOC.read_text()
    for params in (
        '{"membership": "coe", "party_to": "palermo-protocol", "not_party_to": "coe-convention"}',
        '{"treaty": "asean-actip", "pillar": "protection"}',
        '{"treaty": "untoc", "consented_after": "2015-01-01", "format": "csv"}',
        '{"related_to": "palermo-protocol/6"}',
        '{"format": "json"}',
    ):
        assert params in text


def test_the_documented_write_needs_a_token(client, real_data):
    response = client.patch("/api/v1/ratifications/untoc/FR/", {"note": "x"}, format="json")
    assert response.status_code == 401


def python_block(after):
    """The first Python example after the sentence ``after`` in docs/api.md."""
    text = DOC.read_text()
    return re.search(r"```python\n(.*?)```", text[text.index(after) :], flags=re.S).group(1)


class Requests:
    """What the documented code uses of ``requests``, answered by the test client."""

    def __init__(self, client):
        self.client = client

    def get(self, url, params=None):
        assert url.startswith(HOST), url
        response = self.client.get(url[len(HOST) :], params or {})
        response.raise_for_status = lambda: None if response.status_code < 400 else 1 / 0
        return response


def test_the_documented_sync_loop_keeps_a_copy_equal_to_a_full_pull(real_data, editor):
    code = python_block("A complete sync")
    first, later = code.split("copy, cursor = full_pull()")
    client = APIClient(HTTP_HOST="localhost:8000")
    namespace = {}
    exec(compile(first.replace("import requests", ""), str(DOC), "exec"), namespace)
    namespace["requests"] = Requests(client)
    copy, cursor = namespace["full_pull"]()
    edit_everything_on_real_data(token_client(editor))
    namespace["pull_changes"](copy, cursor)
    fresh, _ = namespace["full_pull"]()
    assert_same(copy, fresh)
