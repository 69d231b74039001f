"""Jinja2 templates of the officer desk: autoescaped, shipped inside the package.

Every page extends desk/base.html (the desk's header and navigation, the one stylesheet, no
inline script: the desk's CSP allows scripts from /static only). Strings are translated in the
template with `_()`, which Babel extracts (babel.cfg).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.responses import HTMLResponse

from bot.i18n import Translations

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

templates = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,  # every value is escaped unless a template says otherwise
        undefined=StrictUndefined,  # a missing value is a bug, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
    )
)


def render(
    request: Request,
    name: str,
    i18n: Translations,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render a desk page."""
    return templates.TemplateResponse(
        request, name, {"_": i18n._, **context}, status_code=status_code
    )
