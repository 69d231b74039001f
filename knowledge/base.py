"""The loaded knowledge base: topics by id and category, and the retriever over them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from knowledge import safety
from knowledge.learned import load_labelled
from knowledge.loader import CONTENT_DIR, SPEC_PATH, load_out_of_scope, load_topics
from knowledge.model import CATEGORIES, Category, Topic
from knowledge.retriever import DEFAULT_THRESHOLD, Ranking, Retriever


@dataclass
class KnowledgeBase:
    """Every topic, loaded and validated once at start-up."""

    topics: dict[str, Topic]
    retriever: Retriever = field(repr=False)

    @classmethod
    def load(
        cls,
        content_dir: Path = CONTENT_DIR,
        threshold: float | None = None,
        spec_path: Path | None = SPEC_PATH,
    ) -> KnowledgeBase:
        """Load and validate the content files and build the retriever."""
        topics = load_topics(content_dir, spec_path)
        learned = load_labelled({topic.id for topic in topics})
        topics = learned.merge(topics)
        retriever = Retriever(
            topics,
            DEFAULT_THRESHOLD if threshold is None else threshold,
            out_of_scope=[*load_out_of_scope(), *learned.out_of_scope],
        )
        safety.configure(topics, learned.triage)
        return cls({topic.id: topic for topic in topics}, retriever)

    def topic(self, topic_id: str) -> Topic | None:
        """Return a topic by id."""
        return self.topics.get(topic_id)

    def categories(self) -> list[Category]:
        """Return the categories that have topics, in menu order."""
        used = {topic.category for topic in self.topics.values()}
        return [category for category in CATEGORIES if category.id in used]

    def topics_in(self, category_id: str) -> list[Topic]:
        """Return the topics of a category, in file order."""
        return [topic for topic in self.topics.values() if topic.category == category_id]

    def rank(self, text: str) -> Ranking:
        """Rank the topics for a message."""
        return self.retriever.rank(text)
