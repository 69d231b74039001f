"""The core imports no vendor package: only channels, web, storage and the composition roots do."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENDORS = {
    "telegram",
    "fastapi",
    "httpx",
    "sqlalchemy",
    "starlette",
    "uvicorn",
    "alembic",
    "asyncpg",
}
CORE = [
    path
    for folder in ("bot", "handlers", "knowledge")
    for path in sorted((ROOT / folder).rglob("*.py"))
    if not path.relative_to(ROOT).as_posix().startswith(("bot/channels/", "bot/web/"))
    and path.relative_to(ROOT).as_posix() not in {"bot/composition.py", "bot/cli.py"}
]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_core_module_imports_no_vendor(path: Path) -> None:
    assert not (_imports(path) & VENDORS)


def test_handlers_do_not_import_storage() -> None:
    for path in (ROOT / "handlers").rglob("*.py"):
        assert "storage" not in _imports(path), path
