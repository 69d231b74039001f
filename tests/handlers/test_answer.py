"""Answers sized for a phone: one compact source line, full sources under "Selengkapnya"."""

from __future__ import annotations

from bot.i18n import Translator
from handlers.answer import MORE_PREFIX, more_message, short_source, topic_message
from knowledge.base import KnowledgeBase


def test_short_source_keeps_law_number_year_and_article() -> None:
    title = "UU No. 18 Tahun 2017 tentang Pelindungan PMI, Pasal 30"
    assert short_source(title) == "UU 18/2017 Pasal 30"
    assert short_source("KP2MI, kanal pengaduan (Wamen P2MI, 10/4/2025)") == (
        "KP2MI, kanal pengaduan"
    )


def test_first_message_has_one_compact_source_line(knowledge: KnowledgeBase) -> None:
    i18n = Translator().for_locale("id")
    for category in knowledge.categories():
        for topic in knowledge.topics_in(category.id):
            message = topic_message(topic, knowledge, i18n)
            [line] = [row for row in message.text.splitlines() if row.startswith("Sumber:")]
            assert " · diperiksa " in line and len(line) <= 120, line
            assert topic.reviewed.strftime("%Y") in line
            labels = [choice.label for choice in message.choices]
            assert labels[-1] == "Menu utama" and len(labels) <= 5, labels


def test_full_sources_sit_under_more(knowledge: KnowledgeBase) -> None:
    i18n = Translator().for_locale("id")
    topic = next(
        topic
        for category in knowledge.categories()
        for topic in knowledge.topics_in(category.id)
        if len(topic.sources) > 1
    )
    first = topic_message(topic, knowledge, i18n)
    assert f"{MORE_PREFIX}{topic.id}" in [choice.payload for choice in first.choices]
    assert topic.sources[1].title not in first.text
    assert topic.sources[1].title in more_message(topic, i18n).text


def test_english_source_line_uses_english_date() -> None:
    i18n = Translator().for_locale("en")
    knowledge = KnowledgeBase.load()
    topic = knowledge.topics_in(knowledge.categories()[0].id)[0]
    assert "Source: " in topic_message(topic, knowledge, i18n).text
    assert "reviewed" in topic_message(topic, knowledge, i18n).text
