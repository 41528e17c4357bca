"""An outside fuzzer over the API's own OpenAPI schema, as an NGO's data team would run it:
Schemathesis, every check it has (server errors, status codes, content types, response headers
and bodies against the schema, schema-violating requests rejected, schema-valid ones accepted,
unsupported methods, authentication), every phase (examples, coverage, fuzzing, stateful), on
every read operation, against a live server with the shipped data. It must report no failure.

Run through Schemathesis's own command line (``st run``) against pytest-django's
``live_server``, deterministically (a fixed seed), with no network but the loopback.
"""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(
    transaction=True, databases=["default", "replica"], serialized_rollback=True
)

ST = Path(sys.executable).with_name("st")
EXAMPLES_PER_OPERATION = 5


def test_schemathesis_with_every_check_finds_no_failure_in_any_read(shipped_site, tmp_path):
    run = subprocess.run(
        [
            str(ST),
            "--config-file",
            str(Path(__file__).with_name("schemathesis.toml")),
            "run",
            f"{shipped_site}/api/v1/schema/?format=json",
            "--checks",
            "all",
            "--include-method",
            "GET",
            "--workers",
            "1",
            "--max-examples",
            str(EXAMPLES_PER_OPERATION),
            "--generation-deterministic",
            "--seed",
            "16",
            "--continue-on-failure",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=900,
    )
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-20000:]
    assert "Tested: 21" in report, report[-5000:]
    assert "No issues found" in report, report[-5000:]
