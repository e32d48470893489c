"""Tests share code through helper modules (tests/helpers.py, factories.py, plans.py, queueing.py, logins.py,
browser/helpers.py), never by importing another test module: each test module can move or go alone."""

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_test_module_imports_another_test_module():
    def is_test_module(name: str) -> bool:
        return name.startswith("tests.") and name.rsplit(".", 1)[-1].startswith("test_")

    offenders = {str(path.relative_to(TESTS)): sorted(filter(is_test_module, imported_modules(path)))
                 for path in TESTS.rglob("*.py")}
    assert {path: names for path, names in offenders.items() if names} == {}
