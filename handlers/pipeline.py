"""The ordered handler pipeline. Order matters: the first handler that answers wins."""

from __future__ import annotations

from handlers.answer import AnswerHandler
from handlers.base import Handler
from handlers.case_status import CaseStatusHandler
from handlers.consent import ConsentHandler
from handlers.cost import CostHandler
from handlers.fallback import FallbackHandler
from handlers.handover import HandoverHandler
from handlers.intake import IntakeHandler, continue_intake
from handlers.language import LanguageHandler
from handlers.navigation import NavigationHandler
from handlers.offer_check import OfferCheckHandler
from handlers.officer import OfficerRequestHandler
from handlers.officer_desk import OfficerDeskHandler
from handlers.privacy import PrivacyHandler
from handlers.script_help import ScriptHelpHandler
from handlers.small_talk import SmallTalkHandler
from handlers.triage import TriageHandler
from handlers.urgent_case import UrgentCaseHandler, continue_urgent


def build_pipeline() -> list[Handler]:
    """Return the handlers in the order the engine tries them."""
    answering: list[Handler] = [
        OfficerRequestHandler(),
        CostHandler(),  # the cost & debt calculator (button and its questions)
        OfferCheckHandler(),  # "cek tawaran": menu, its questions, or a forwarded advert
        SmallTalkHandler(),  # thanks, goodbye, distress in a few words or emoji
        ScriptHelpHandler(),  # Arabic or Chinese text: say which languages the bot reads
        AnswerHandler(),  # 4. knowledge answer or "not sure" with suggestions
        FallbackHandler(),  # always answers
    ]
    return [
        TriageHandler(),  # 1. danger now: before anything else, even inside a dialog
        OfficerDeskHandler(),  # officers' commands (only for registered officers)
        NavigationHandler(),  # start, /menu and "kembali" always work, closing any dialog
        CaseStatusHandler(),  # "status MA-00012" works anywhere, even while an officer holds it
        UrgentCaseHandler(),  # 2. active dialogs: the urgent case's questions (and its place
        # named while consent is pending, so it goes before the consent question),
        ConsentHandler(continue_intake, continue_urgent),  # the consent question,
        IntakeHandler(),  # the intake form,
        PrivacyHandler(),  # the delete confirmation (and /privasi /dataku /hapus)
        HandoverHandler(),  # a user's free text while an officer holds their inquiry
        # 3. commands and buttons; a first English question is answered by the rest in English
        LanguageHandler(after=answering),
        *answering,
    ]
