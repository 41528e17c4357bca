"""The layers read from the layout (docs/architecture.md): each package imports only the
packages below it, at the top of its modules, never from inside a function."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Bottom to top. A package may import the packages before it in this list, never after.
LAYERS = ["common", "apikeys", "treaties", "provisions", "catalogue", "review", "treatykb", "bench"]


def first_party_imports(package):
    """(module path, line, imported package, whether the import is inside a function)."""
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        nested = {
            id(node)
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
            for node in ast.walk(function)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in LAYERS and top != package:
                    yield path.relative_to(ROOT), node.lineno, top, id(node) in nested


@pytest.mark.parametrize("package", LAYERS)
def test_a_package_imports_only_the_layers_below_it(package):
    below = LAYERS[: LAYERS.index(package)]
    upward = [
        f"{path}:{line} imports {imported}"
        for path, line, imported, _nested in first_party_imports(package)
        if imported not in below
    ]
    assert upward == []


@pytest.mark.parametrize("package", LAYERS)
def test_no_package_imports_another_inside_a_function(package):
    hidden = [
        f"{path}:{line} imports {imported} inside a function"
        for path, line, imported, nested in first_party_imports(package)
        if nested
    ]
    assert hidden == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The scanner is not vacuous: an upward import in a function is found by both rules."""
    package = tmp_path / "treaties"
    package.mkdir()
    (package / "bad.py").write_text("def f():\n    from provisions.models import Provision\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert list(first_party_imports("treaties")) == [
        (Path("treaties/bad.py"), 2, "provisions", True)
    ]
