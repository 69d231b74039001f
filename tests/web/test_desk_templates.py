"""The desk's Jinja2 templates: shipped in the package, autoescaped, strict, CSP-compatible."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from bot.web.templating import TEMPLATE_DIR, templates

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path.relative_to(TEMPLATE_DIR).as_posix() for path in TEMPLATE_DIR.rglob("*.html")
)


def test_the_templates_live_inside_a_shipped_package_and_jinja2_is_a_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert TEMPLATE_DIR.relative_to(ROOT).parts[0] in packages
    assert any(re.fullmatch(r"jinja2>=[\d.]+", dep) for dep in project["project"]["dependencies"])
    assert "[jinja2: bot/web/templates/**.html]" in (ROOT / "babel.cfg").read_text()


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_compiles_and_has_no_inline_script(name: str) -> None:
    templates.get_template(name)
    source = (TEMPLATE_DIR / name).read_text(encoding="utf-8")
    # The desk's CSP allows scripts from /static only: no inline code, no event handlers.
    assert not re.search(r"<script(?![^>]*\bsrc=)", source), name
    assert not re.search(r"\son[a-z]+\s*=", source), name
    assert "javascript:" not in source


def test_values_are_escaped_and_a_missing_value_is_an_error() -> None:
    page = templates.env.from_string("<p title='{{ v }}'>{{ v }}</p>").render(v="<b>'x'</b>")
    assert "<b>" not in page and "&lt;b&gt;" in page and "'x'" not in page
    with pytest.raises(UndefinedError):
        templates.env.from_string("{{ missing }}").render()
