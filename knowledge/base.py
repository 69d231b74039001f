"""The loaded knowledge base: topics by id and category, and the retriever over them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from knowledge import safety
from knowledge.learned import load_labelled
from knowledge.loader import CONTENT_DIR, SPEC_PATH, load_topics
from knowledge.model import CATEGORIES, Category, Topic, topic_names
from knowledge.retriever import DEFAULT_THRESHOLD, Ranking, Retriever


@dataclass
class KnowledgeBase:
    """Every topic, loaded and validated once at start-up."""

    topics: dict[str, Topic]
    retriever: Retriever = field(repr=False)
    # Every id a topic answers to (its own and the old ids of pages folded into it) -> its id.
    names: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        """Every live id names itself, whatever aliases were given."""
        self.names = {**self.names, **{topic_id: topic_id for topic_id in self.topics}}

    @classmethod
    def load(
        cls,
        content_dir: Path = CONTENT_DIR,
        threshold: float | None = None,
        spec_path: Path | None = SPEC_PATH,
    ) -> KnowledgeBase:
        """Load and validate the content files and build the retriever."""
        topics = load_topics(content_dir, spec_path)
        names = topic_names(topics)
        learned = load_labelled(names)
        topics = learned.merge(topics)
        everyday = learned.everyday()
        retriever = Retriever(
            topics, DEFAULT_THRESHOLD if threshold is None else threshold, out_of_scope=everyday
        )
        safety.configure(topics, learned.triage, everyday)
        return cls({topic.id: topic for topic in topics}, retriever, names)

    def live_id(self, topic_id: str) -> str | None:
        """Return the live id for a topic id or the old id of a page folded into one."""
        return self.names.get(topic_id)

    def topic(self, topic_id: str) -> Topic | None:
        """Return a topic by id; an old id (a stored button, link or label) finds its page."""
        live = self.live_id(topic_id)
        return self.topics.get(live) if live else None

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
