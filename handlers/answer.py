"""Knowledge answers: the retriever's best topic with its source, or an honest 'not sure'."""

from __future__ import annotations

import re

from bot.i18n import Translations
from bot.messages import Button, Inbound, Outbound
from handlers.base import HandlerContext, Reply, command_of, menu_button, officer_button
from knowledge.base import KnowledgeBase
from knowledge.model import Topic
from knowledge.ranking import Ranking

TOPIC_PREFIX = "topic:"
MORE_PREFIX = "more:"
# Topics after which the cost & debt calculator is offered (and every debt topic).
COST_TOPICS = frozenset({"prosedur.biaya", "negara.taiwan"})
# A phone shows about five buttons without scrolling: "Selengkapnya", related topics and the
# officer make at most four, then the menu.
MAX_TOPIC_BUTTONS = 4
# "UU No. 18 Tahun 2017 tentang Pelindungan PMI, Pasal 5 huruf a" -> "UU 18/2017 Pasal 5 huruf a"
_LAW = re.compile(
    r"^(?P<kind>(?:UU|PP|Perpres|Permenaker|Kepmenaker|Perban|Kepka|Permen\w*|Peraturan \w+)"
    r"(?:\s+[A-Z][A-Z0-9]{2,})?)\s+"
    r"(?:No\.?|Nomor)\s*(?P<number>[\w.-]+)\s+Tahun\s+(?P<year>\d{4})",
    re.IGNORECASE,
)
_ARTICLE = re.compile(
    r"\bPasal\s+\d+[\w-]*(?:\s+(?:ayat|huruf|angka)\s+\(?\w+\)?)*"
    r"(?:\s*(?:dan|,)\s*(?:Pasal\s+)?\d+[\w-]*(?:\s+(?:ayat|huruf)\s+\(?\w+\)?)*)*"
)
_ASIDE = re.compile(r"\s*\([^)]*\)?\s*$")  # a trailing "(publisher, date)" aside
MAX_SHORT_SOURCE = 60


def short_source(title: str) -> str:
    """Shorten a source title for the compact line under an answer."""
    law = _LAW.match(title)
    if law:
        short = f"{law['kind']} {law['number']}/{law['year']}"
        article = _ARTICLE.search(title, law.end())
        return f"{short} {article.group(0)}" if article else short
    title = _ASIDE.sub("", title) or title
    if len(title) <= MAX_SHORT_SOURCE:
        return title
    return title[:MAX_SHORT_SOURCE].rsplit(" ", 1)[0].rstrip(",;:(") + "…"


def source_line(topic: Topic, i18n: Translations) -> str:
    """Return the compact source line: the first source and the review date."""
    locale = i18n.locale
    first = short_source(topic.sources[0].title_for(locale)) if topic.sources else "-"
    return i18n._("Sumber: {source} · diperiksa {date}").format(
        source=first, date=i18n.short_date(topic.reviewed)
    )


def _buttons(i18n: Translations, *pairs: tuple[str, str]) -> tuple[Button, ...]:
    """Build buttons from (label, payload) pairs."""
    return tuple(Button(label, payload) for label, payload in pairs)


def _has_more(topic: Topic) -> bool:
    """Tell whether "Selengkapnya" has anything the first message left out."""
    if topic.more or len(topic.sources) > 1:
        return True
    return bool(topic.sources) and short_source(topic.sources[0].title) != topic.sources[0].title


def topic_message(
    topic: Topic, knowledge: KnowledgeBase, i18n: Translations, also: Topic | None = None
) -> Outbound:
    """Render a topic's answer for a phone: the answer, one compact source line, few buttons.

    `also` is a second concern found in the same message: it is offered as the first button.
    """
    locale = i18n.locale
    text = "\n\n".join(
        [
            f"*{topic.title_for(locale)}*",
            topic.answer_with_note(locale),
            source_line(topic, i18n),
        ]
    )
    if topic.red_flag:
        text += "\n\n" + i18n._(
            "Jika ini sedang Anda alami, petugas Pusat Layanan Migrasi bisa membantu: "
            "tekan *Tanya petugas*."
        )
    options: list[Button] = []
    if also is not None:
        options.append(Button(also.title_for(locale), f"{TOPIC_PREFIX}{also.id}"))
    if _has_more(topic):
        options.append(Button(i18n._("Selengkapnya"), f"{MORE_PREFIX}{topic.id}"))
    if topic.id in COST_TOPICS or topic.category == "utang":
        options.append(Button(i18n._("Hitung biaya & utang"), "hitung"))
    room = MAX_TOPIC_BUTTONS - len(options) - 1  # the officer keeps the last place
    for related_id in topic.related:
        related = knowledge.topic(related_id)
        if related is not None and related is not also and room > 0:
            options.append(Button(related.title_for(locale), f"{TOPIC_PREFIX}{related.id}"))
            room -= 1
    options += [Button(i18n._("Tanya petugas"), "petugas"), Button(i18n._("Menu utama"), "menu")]
    return Outbound(text, options=tuple(options), options_title=i18n._("Pilihan"))


def more_message(topic: Topic, i18n: Translations) -> Outbound:
    """Render the longer part of a topic and every source in full."""
    parts = [f"*{topic.title_for(i18n.locale)}*"]
    if topic.more:
        parts.append(topic.text(topic.more, i18n.locale))
    parts.append(
        i18n._("Sumber: {sources}. Diperiksa: {date}.").format(
            sources=topic.sources_line(i18n.locale), date=i18n.date(topic.reviewed)
        )
    )
    text = "\n\n".join(parts)
    return Outbound(
        text,
        buttons=_buttons(
            i18n, (i18n._("Tanya petugas"), "petugas"), (i18n._("Menu utama"), "menu")
        ),
    )


def not_sure_message(suggestions: list[Topic], i18n: Translations) -> Outbound:
    """Say honestly that the bot is not sure, and offer the closest topics and an officer."""
    if suggestions:
        text = i18n._(
            "Maaf, saya belum yakin maksud Anda. Mungkin salah satu topik ini? "
            "Atau tanyakan langsung ke petugas."
        )
    else:
        text = i18n._(
            "Maaf, saya belum bisa menjawab itu. Saya hanya menjawab soal kerja ke luar negeri "
            "yang aman. Coba tulis dengan kata lain, pilih menu, atau tanyakan ke petugas."
        )
    options = [
        Button(topic.title_for(i18n.locale), f"{TOPIC_PREFIX}{topic.id}") for topic in suggestions
    ]
    options += [Button(i18n._("Tanya petugas"), "petugas"), Button(i18n._("Menu utama"), "menu")]
    return Outbound(text, options=tuple(options), options_title=i18n._("Pilihan"))


def answer_text(
    text: str, knowledge: KnowledgeBase, i18n: Translations, ranking: Ranking | None = None
) -> Reply:
    """Answer a free-text question from the knowledge base, or abstain with suggestions."""
    ranking = ranking or knowledge.rank(text)
    suggestions = ranking.suggestions(3)
    best = ranking.best
    score = best.score if best else 0.0
    topic = knowledge.topic(ranking.topic_id) if ranking.topic_id else None
    if topic is not None:
        second = ranking.second_topic
        also = knowledge.topic(second) if second else None
        return Reply(
            [topic_message(topic, knowledge, i18n, also)],
            state=None,
            topic=topic.id,
            score=score,
            suggestions=suggestions,
        )
    # Suggest only candidates with some real overlap: for nonsense, offer the menu instead.
    close = [
        found
        for match in ranking.candidates[:3]
        if match.score >= ranking.threshold / 2 and (found := knowledge.topic(match.topic_id))
    ]
    return Reply([not_sure_message(close, i18n)], state=None, score=score, suggestions=suggestions)


class AnswerHandler:
    """Answers topic buttons and free text from the knowledge base."""

    name = "answer"

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Answer a topic or 'more' button, or rank free text; pass on other buttons."""
        command = command_of(message)
        if command and command.startswith(TOPIC_PREFIX):
            topic = ctx.knowledge.topic(command.removeprefix(TOPIC_PREFIX))
            if topic is None:
                return None
            return Reply(
                [topic_message(topic, ctx.knowledge, ctx.i18n)],
                state=None,
                topic=topic.id,
                score=100.0,
            )
        if command and command.startswith(MORE_PREFIX):
            topic = ctx.knowledge.topic(command.removeprefix(MORE_PREFIX))
            if topic is None:
                return None
            return Reply([more_message(topic, ctx.i18n)], state=None, topic=topic.id, score=100.0)
        if command is not None or len(message.text.strip()) < 2:
            return None
        ranking = ctx.knowledge.rank(message.text)
        if ranking.topic_id is None:
            # The learning loop: a maintainer labels what the bot could not place.
            await ctx.store.record_review(
                "not_sure",
                message.text,
                ctx.contact.consent_at is not None,
                {match.topic_id: match.score for match in ranking.candidates[:3]},
                ctx.clock(),
            )
        return answer_text(message.text, ctx.knowledge, ctx.i18n, ranking)


__all__ = ["AnswerHandler", "answer_text", "menu_button", "officer_button", "topic_message"]
