"""A client generated from the live schema by openapi-python-client, as an NGO's data team would
make one, reads every list anonymously, in JSON and in CSV, against a live server with the
shipped data. Offline: the generator reads the schema from a file and needs no network.

Each list is an operation ``<name>_list`` (JSON: a typed page) and ``<name>_list_csv`` (its CSV
address, a string); the two agree on the rows."""

import csv
import importlib
import io
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(
    transaction=True, databases=["default", "replica"], serialized_rollback=True
)

BIN = Path(sys.executable).parent
PACKAGE = "treatykb_client"


def generate(base_url, folder):
    with urllib.request.urlopen(f"{base_url}/api/v1/schema/?format=json") as answer:
        schema = json.load(answer)
    path = folder / "schema.json"
    path.write_text(json.dumps(schema))
    run = subprocess.run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(path),
            "--output-path",
            str(folder / PACKAGE),
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        cwd=folder,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr
    return schema


@pytest.fixture
def generated(shipped_site, tmp_path, monkeypatch):
    schema = generate(shipped_site, tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        monkeypatch.delitem(sys.modules, name)
    client_module = importlib.import_module(PACKAGE)
    client = client_module.Client(base_url=shipped_site, raise_on_unexpected_status=True)
    return schema, client


def list_operations(schema):
    """operationId -> (module path) of every GET list of the schema."""
    found = {}
    for operations in schema["paths"].values():
        operation = operations.get("get")
        if operation and operation["operationId"].endswith(("_list", "_list_csv")):
            tag = operation["tags"][0].replace("-", "_").replace(".", "_")
            found[operation["operationId"]] = f"{PACKAGE}.api.{tag}.{operation['operationId']}"
    return found


def test_a_generated_client_reads_every_list_anonymously_in_json_and_csv(generated):
    schema, client = generated
    operations = list_operations(schema)
    json_lists = sorted(name for name in operations if name.endswith("_list"))
    csv_lists = sorted(name for name in operations if name.endswith("_list_csv"))
    assert {"treaties_list", "provisions_list", "pillars_list", "participants_list"} <= set(
        json_lists
    )
    assert {"ratifications_list", "statements_list"} <= set(json_lists)
    read = {}
    for name in json_lists:
        module = importlib.import_module(operations[name])
        response = module.sync_detailed(client=client)
        assert response.status_code == 200, (name, response.content[:500])
        page = response.parsed
        assert page is not None and not hasattr(page, "errors"), name
        read[name] = page
        if hasattr(page, "count"):  # a page of rows: the whole list, fetched by pages
            assert page.count == int(response.headers["X-Total-Count"]) > 0, name
            assert len(page.results) == min(page.count, 100), name
    for name in csv_lists:
        module = importlib.import_module(operations[name])
        response = module.sync_detailed(client=client, page_size=1000)
        assert response.status_code == 200, (name, response.content[:500])
        assert response.headers["Content-Type"].startswith("text/csv")
        text = response.parsed
        assert isinstance(text, str), name
        rows = list(csv.DictReader(io.StringIO(text)))
        json_page = read[name.removesuffix("_csv")]
        assert len(rows) == json_page.count == int(response.headers["X-Total-Count"]), name
    # Every list whose JSON has pages of rows has its CSV operation.
    assert {f"{name}_csv" for name, page in read.items() if hasattr(page, "count")} <= set(
        csv_lists
    )


def test_the_generated_client_gets_typed_records_and_problem_documents(generated):
    schema, client = generated
    treaties = importlib.import_module(f"{PACKAGE}.api.treaties.treaties_list")
    page = treaties.sync(client=client)
    assert sorted(t.slug for t in page.results) == [
        "asean-actip",
        "coe-convention",
        "palermo-protocol",
        "untoc",
    ]
    ratifications = importlib.import_module(f"{PACKAGE}.api.ratifications.ratifications_list")
    models = importlib.import_module(f"{PACKAGE}.models")
    treaty = models.RatificationsListTreatyItem("untoc")  # the schema lists the treaties
    untoc = ratifications.sync(client=client, treaty=[treaty], page_size=1000)
    assert untoc.count == len(untoc.results) and all(r.treaty == "untoc" for r in untoc.results)
    refused = ratifications.sync_detailed(client=client, page=999)
    assert refused.status_code == 404 and refused.parsed.status == 404
    assert refused.parsed.type_.endswith("/api/v1/problems/not-found/")
