"""The documentation stays true to the code: every variable the settings (and gunicorn.conf.py)
read is set in docs/deploy.md's environment file and described in the README's Configuration
table, and the README links the deployment guide."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "deploy.md"
READ_FROM_ENVIRONMENT = re.compile(
    r"""(?:env_\w+\(|os\.environ\.get\(|os\.environ\[)\s*["']([A-Z][A-Z0-9_]+)["']"""
)
# Read by the code, deliberately absent from a production environment file.
NOT_FOR_PRODUCTION = {
    "PORT": "set by hosting platforms, not on a server with nginx (gunicorn.conf.py)",
}


def variables_read(path):
    return set(READ_FROM_ENVIRONMENT.findall(path.read_text())) if path.exists() else set()


def environment_file():
    text = DEPLOY.read_text()
    block = re.search(r"### 5\. The environment file.*?```sh\n(.*?)```", text, re.DOTALL)
    assert block, "docs/deploy.md has no environment file block"
    return {
        line.split("=", 1)[0]
        for line in block.group(1).splitlines()
        if re.match(r"[A-Z][A-Z0-9_]*=", line)
    }


def all_variables():
    variables = variables_read(ROOT / "treatykb" / "settings.py") | variables_read(
        ROOT / "gunicorn.conf.py"
    )
    assert {"DATABASE_URL", "CACHE_URL", "SECRET_KEY"} <= variables  # the scan finds them
    return variables - set(NOT_FOR_PRODUCTION)


def test_the_environment_file_in_the_deployment_guide_sets_every_variable():
    missing = all_variables() - environment_file()
    assert not missing, f"docs/deploy.md's environment file does not set {sorted(missing)}"


def test_the_readme_describes_every_variable():
    readme = (ROOT / "README.md").read_text()
    configuration = readme[readme.index("## Configuration") :]
    configuration = configuration[: configuration.index("\n## ", 1)]
    described = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", configuration))
    missing = all_variables() - described
    assert not missing, f"README's Configuration table does not describe {sorted(missing)}"


def test_the_readme_links_the_deployment_guide():
    assert "(docs/deploy.md)" in (ROOT / "README.md").read_text()
