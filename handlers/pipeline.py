"""The ordered handler pipeline. Order matters: the first handler that answers wins."""

from __future__ import annotations

from handlers.answer import AnswerHandler
from handlers.base import Handler
from handlers.fallback import FallbackHandler
from handlers.language import LanguageHandler
from handlers.navigation import NavigationHandler
from handlers.officer import OfficerRequestHandler
from handlers.privacy import PrivacyHandler
from handlers.triage import TriageHandler


def build_pipeline() -> list[Handler]:
    """Return the handlers in the order the engine tries them."""
    return [
        TriageHandler(),  # 1. danger now: before anything else, even inside a dialog
        NavigationHandler(),  # start, /menu and "kembali" always work, closing any dialog
        PrivacyHandler(),  # 2. active dialog: delete confirmation; /privasi /dataku /hapus
        LanguageHandler(),  # 3. commands and buttons
        OfficerRequestHandler(),
        AnswerHandler(),  # 4. knowledge answer or "not sure" with suggestions
        FallbackHandler(),  # always answers
    ]
