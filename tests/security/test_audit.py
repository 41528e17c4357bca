"""`make audit` (scripts/audit): fails on a known vulnerability, never hangs, and says so when
the vulnerability service could not be asked. pip-audit itself is replaced here by a stand-in
that writes the report a given situation produces."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CLEAN = {"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []}], "fixes": []}
VULNERABLE = {
    "dependencies": [
        {
            "name": "django",
            "version": "5.2.1",
            "vulns": [
                {
                    "id": "PYSEC-2025-47",
                    "fix_versions": ["5.2.2"],
                    "aliases": ["CVE-2025-48432"],
                    "description": "...",
                }
            ],
        },
        {"name": "nh3", "version": "0.3.8", "vulns": []},
    ],
    "fixes": [],
}
SKIPPED = {
    "dependencies": [
        {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"}
    ],
    "fixes": [],
}


def run_audit(tmp_path, report=None, sleep=0, **env):
    """scripts/audit with a pip-audit stand-in that writes ``report`` (after ``sleep`` s)."""
    fake = tmp_path / "pip-audit"
    fake.write_text(
        f"#!{sys.executable}\n"
        "import sys, time\n"
        f"time.sleep({sleep})\n"
        "out = sys.argv[sys.argv.index('--output') + 1]\n"
        f"report = {json.dumps(json.dumps(report)) if report is not None else None}\n"
        "if report is None:\n"
        "    sys.exit('pip-audit: connection refused')\n"
        "open(out, 'w').write(report)\n"
        "sys.exit(1 if '\"vulns\": [{' in report else 0)\n"
    )
    fake.chmod(0o755)
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "audit")],
        env={**os.environ, "PIP_AUDIT": str(fake), "AUDIT_STRICT": "", **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_a_clean_audit_passes(tmp_path):
    result = run_audit(tmp_path, CLEAN)
    assert result.returncode == 0
    assert "1 of 1 pinned packages checked, 0 known vulnerabilities" in result.stdout


def test_a_known_vulnerability_fails_and_names_the_fix(tmp_path):
    result = run_audit(tmp_path, VULNERABLE)
    assert result.returncode == 1
    assert (
        "VULNERABLE django 5.2.1: PYSEC-2025-47 (CVE-2025-48432); fixed in: 5.2.2" in result.stdout
    )


@pytest.mark.parametrize(
    ("report", "sleep", "reason"),
    [
        (SKIPPED, 0, "1 packages, e.g. django: Dependency not found on PyPI"),
        (None, 0, "pip-audit failed: pip-audit: connection refused"),
        (CLEAN, 5, "no answer within 1 s"),
    ],
)
def test_an_unreachable_service_is_reported_not_hidden(tmp_path, report, sleep, reason):
    result = run_audit(tmp_path, report, sleep=sleep, AUDIT_TIMEOUT="1")
    assert result.returncode == 0
    assert "NOT CHECKED" in result.stdout
    assert reason in result.stdout
    strict = run_audit(tmp_path, report, sleep=sleep, AUDIT_TIMEOUT="1", AUDIT_STRICT="1")
    assert strict.returncode == 2
