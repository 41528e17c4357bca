"""The OpenAPI schema is generated from the code, valid, complete (every filter described) and
public; the interactive documentation is served without any CDN."""

import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_generates_without_warnings_and_validates():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_every_query_parameter_is_described(schema):
    undocumented = [
        f"{method.upper()} {path} ?{parameter['name']}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if not parameter.get("description")
    ]
    assert undocumented == []


def test_every_filter_of_the_issue_is_in_the_schema(schema):
    def names(path):
        return {p["name"] for p in schema["paths"][path]["get"]["parameters"]}

    assert {
        "treaty",
        "pillar",
        "division",
        "q",
        "has_related",
        "related_to",
        "ordering",
        "modified_since",
        "page",
        "page_size",
        "format",
    } <= names("/api/v1/provisions/")
    assert {
        "region",
        "subregion",
        "membership",
        "kind",
        "party_to",
        "not_party_to",
        "signatory_to",
        "as_of",
        "modified_since",
    } <= names("/api/v1/participants/")
    assert {
        "treaty",
        "participant",
        "region",
        "membership",
        "status",
        "consent_kind",
        "consented_after",
        "consented_before",
        "has_reservations",
        "as_of",
        "modified_since",
    } <= names("/api/v1/ratifications/")
    assert {"modified_since", "ordering", "page", "page_size", "format"} <= names(
        "/api/v1/pillars/"
    )
    for path in ("/api/v1/treaties/", "/api/v1/statements/"):
        assert {"modified_since", "ordering", "page", "page_size", "format"} <= names(path)


def test_every_field_is_described(schema):
    """Every field of every component (pages, nested records, the download's document),
    identifiers and links included; a field that is another component is described there."""
    missing = [
        f"{name}.{field}"
        for name, component in schema["components"]["schemas"].items()
        for field, spec in component.get("properties", {}).items()
        if not (spec.get("description") or "$ref" in spec or "allOf" in spec)
    ]
    assert missing == []
    assert "PaginatedPillarList" in schema["components"]["schemas"]
    assert "DataSetDocument" in schema["components"]["schemas"]


def test_the_download_is_described_with_its_formats_and_files(schema):
    operation = schema["paths"]["/api/v1/download/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert set(parameters) == {"format", "date"}
    format_parameter = parameters["format"]
    assert sorted(format_parameter["schema"]["enum"]) == ["json", "zip"]
    assert format_parameter["schema"]["default"] == "zip"
    ok = operation["responses"]["200"]
    assert set(ok["content"]) == {"application/zip", "application/json"}
    assert "treatykb-YYYY-MM-DD" in ok["description"] and "ratifications.csv" in ok["description"]
    document = schema["components"]["schemas"]["DataSetDocument"]["properties"]
    assert {"exported_on", "licence", "status_as_at", "treaties", "ratifications", "topics"} <= set(
        document
    )
    assert "treaty_status_as_at" in document["ratifications"]["description"]
    assert {"304", "400", "404"} <= set(operation["responses"])
    assert parameters["date"]["schema"] == {"type": "string", "format": "date"}
    assert "byte for byte" in parameters["date"]["description"]


def test_the_schema_names_the_licence_of_the_data(schema):
    assert schema["info"]["license"] == {
        "name": "CC-BY-4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert "the software under the MIT licence" in schema["info"]["description"]


def test_interactive_documentation_without_cdn_or_inline_script(client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert not re.search(r"<script>(?!\s*</script>)", html)
