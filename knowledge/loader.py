"""Load knowledge files and validate them, reporting every problem as `file: field: problem`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.content_rules import (
    Glossary,
    acronym_problems,
    informal_pronoun,
    is_official_host,
    is_staging_url,
    load_glossary,
)
from knowledge.model import (
    ANSWER_MAX_CHARS,
    CATEGORY_BY_ID,
    LANGUAGES,
    MIN_EXAMPLES,
    MORE_MAX_CHARS,
    Fact,
    Source,
    Topic,
)

CONTENT_DIR = Path(__file__).parent / "content"
SPEC_PATH = Path(__file__).parent / "spec" / "topics.yaml"
OUT_OF_SCOPE_PATH = Path(__file__).parent / "out_of_scope.yaml"
GLOSSARY_PATH = Path(__file__).parent / "glossary.yaml"
# libyaml's loader when the wheel has it: ten times faster, and load time is a target.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
REQUIRED_FIELDS = ("id", "category", "title", "answer", "examples", "sources", "reviewed")
# A topic id: "category.name" in lower case ("negara.timur_tengah"); aliases have the same shape.
TOPIC_ID = re.compile(r"[a-z]+\.[a-z0-9_]+")

# Content rules being rolled out while the files are rewritten for them: `kb check` reports
# their problems, but they do not stop the bot from loading its knowledge. Empty: every
# rule blocks (issue 12's rules, "length", "acronym", "anda", "source-title",
# "official-source" and "staging-url", all block since every file passes them).
TRANSITIONAL_RULES: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation failure; `rule` names the content rule it breaks, if any."""

    file: str
    field: str
    problem: str
    rule: str = ""

    @property
    def blocking(self) -> bool:
        """Whether this problem stops the knowledge base from loading."""
        return self.rule not in TRANSITIONAL_RULES

    def __str__(self) -> str:
        marker = "" if self.blocking else f" [{self.rule}, transition]"
        return f"{self.file}: {self.field}: {self.problem}{marker}"


class KnowledgeError(Exception):
    """The knowledge files are invalid; carries every blocking problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def spec_topic_ids(spec_path: Path = SPEC_PATH) -> list[str]:
    """Return the topic ids the spec requires, in spec order."""
    spec = yaml.load(spec_path.read_text(encoding="utf-8"), Loader=YAML_LOADER) or {}  # noqa: S506
    return [topic_id for topics in spec.values() for topic_id in (topics or {})]


def _localised(
    raw: Any, name: str, file: str, limit: int | None, problems: list[Problem]
) -> dict[str, str]:
    """Validate an {id, en} text field."""
    if not isinstance(raw, dict):
        problems.append(Problem(file, name, "must map language codes id and en to text"))
        return {}
    result: dict[str, str] = {}
    for language in LANGUAGES:
        value = raw.get(language)
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(file, f"{name}.{language}", "missing or empty"))
            continue
        value = value.strip()
        if limit is not None and len(value) > limit:
            problems.append(
                Problem(
                    file,
                    f"{name}.{language}",
                    f"{len(value)} characters, limit is {limit}",
                    "length" if name in ("answer", "more") else "",
                )
            )
        result[language] = value
    return result


def _strings(raw: Any, name: str, file: str, problems: list[Problem]) -> tuple[str, ...]:
    """Validate a list of non-empty strings."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(item, str) and item.strip() for item in raw):
        problems.append(Problem(file, name, "must be a list of non-empty strings"))
        return ()
    return tuple(item.strip() for item in raw)


def _source_title(
    raw: Any, index: int, file: str, problems: list[Problem]
) -> tuple[str, str | None] | None:
    """Validate a source title: a map {id, en}; a bare string is the old form."""
    if isinstance(raw, str) and raw.strip():
        problems.append(
            Problem(file, f"sources[{index}].title", "must map id and en", "source-title")
        )
        return raw.strip(), None
    if isinstance(raw, dict):
        titles = {
            language: raw[language].strip()
            for language in LANGUAGES
            if isinstance(raw.get(language), str) and raw[language].strip()
        }
        if len(titles) == len(LANGUAGES):
            return titles["id"], titles["en"]
    problems.append(Problem(file, f"sources[{index}].title", "needs id and en titles"))
    return None


def _sources(raw: Any, file: str, problems: list[Problem]) -> tuple[Source, ...]:
    """Validate the source list: each needs a title in both languages, the url is optional."""
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(file, "sources", "at least one source is required"))
        return ()
    sources = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            item = {"title": item}
        titles = _source_title(item.get("title"), index, file, problems)
        if titles is None:
            continue
        url = str(item["url"]).strip() if item.get("url") else None
        official = item.get("official", False)
        if not isinstance(official, bool):
            problems.append(Problem(file, f"sources[{index}].official", "must be true or false"))
            official = False
        if url and is_staging_url(url):
            problems.append(
                Problem(
                    file, f"sources[{index}].url", f"staging or test site: {url}", "staging-url"
                )
            )
        if official and not (url and is_official_host(url)):
            problems.append(
                Problem(
                    file,
                    f"sources[{index}].official",
                    "official sources need a government or law-text url",
                    "official-source",
                )
            )
        sources.append(Source(titles[0], url, titles[1], official))
    return tuple(sources)


def _date(raw: Any) -> dt.date | None:
    """Read a YYYY-MM-DD date (YAML may already have parsed it)."""
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            return None
    return None


def _facts(raw: Any, file: str, problems: list[Problem]) -> tuple[Fact, ...]:
    """Validate the dated claims: each {claim, review_by, check_with: {id, en}}."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(Problem(file, "facts", "must be a list"))
        return ()
    facts = []
    for index, item in enumerate(raw):
        name = f"facts[{index}]"
        if not isinstance(item, dict):
            problems.append(Problem(file, name, "must be a mapping"))
            continue
        claim = item.get("claim")
        if not isinstance(claim, str) or not claim.strip():
            problems.append(Problem(file, f"{name}.claim", "missing or empty"))
        review_by = _date(item.get("review_by"))
        if review_by is None:
            problems.append(Problem(file, f"{name}.review_by", "must be a date YYYY-MM-DD"))
        before = len(problems)
        check_with = _localised(item.get("check_with"), f"{name}.check_with", file, 120, problems)
        if isinstance(claim, str) and claim.strip() and review_by and len(problems) == before:
            facts.append(Fact(claim.strip(), review_by, check_with))
    return tuple(facts)


def _text_rules(
    file: str, answer: dict[str, str], more: dict[str, str], glossary: Glossary | None
) -> list[Problem]:
    """The plain-language rules: the "Anda" form and acronyms spelled out at first use."""
    problems = []
    for name, field in (("answer", answer), ("more", more)):
        word = informal_pronoun(field.get("id", ""))
        if word:
            problems.append(Problem(file, f"{name}.id", f"use 'Anda', not {word!r}", "anda"))
        if glossary is None:
            continue
        for language, text in field.items():
            for problem in acronym_problems(text, language, glossary):
                problems.append(Problem(file, f"{name}.{language}", problem, "acronym"))
    return problems


def _aliases(raw: Any, topic_id: str, file: str, problems: list[Problem]) -> tuple[str, ...]:
    """Validate the old ids of pages folded into this one: each shaped like a topic id."""
    aliases = _strings(raw, "aliases", file, problems)
    for alias in aliases:
        if not TOPIC_ID.fullmatch(alias):
            problems.append(Problem(file, "aliases", f"{alias!r} is not a topic id"))
        elif alias == topic_id:
            problems.append(Problem(file, "aliases", f"{alias!r} is this entry's own id"))
    return tuple(dict.fromkeys(aliases))


def _blocking(problems: list[Problem]) -> int:
    return sum(problem.blocking for problem in problems)


def parse_topic(
    raw: Any, file: str, problems: list[Problem], glossary: Glossary | None = None
) -> Topic | None:
    """Turn one loaded YAML document into a Topic, appending any problems."""
    if not isinstance(raw, dict):
        problems.append(Problem(file, "(file)", "must be a mapping"))
        return None
    before = _blocking(problems)
    for name in REQUIRED_FIELDS:
        if raw.get(name) in (None, "", [], {}):
            problems.append(Problem(file, name, "missing"))
    topic_id = str(raw.get("id", ""))
    category = str(raw.get("category", ""))
    if category and category not in CATEGORY_BY_ID:
        problems.append(Problem(file, "category", f"unknown category {category!r}"))
    if topic_id and category and not topic_id.startswith(category + "."):
        problems.append(Problem(file, "id", f"must start with the category {category!r}"))
    expected_name = topic_id.split(".", 1)[-1] + ".yaml"
    if topic_id and Path(file).name != expected_name:
        problems.append(Problem(file, "id", f"file should be named {expected_name}"))
    title = _localised(raw.get("title"), "title", file, 60, problems)
    answer = _localised(raw.get("answer"), "answer", file, ANSWER_MAX_CHARS, problems)
    more = (
        _localised(raw["more"], "more", file, MORE_MAX_CHARS, problems) if raw.get("more") else {}
    )
    examples = _strings(raw.get("examples"), "examples", file, problems)
    if raw.get("examples") is not None and len(examples) < MIN_EXAMPLES:
        problems.append(
            Problem(file, "examples", f"{len(examples)} examples, at least {MIN_EXAMPLES} needed")
        )
    reviewed = _date(raw.get("reviewed"))
    if raw.get("reviewed") is not None and reviewed is None:
        problems.append(Problem(file, "reviewed", "must be a date YYYY-MM-DD"))
    red_flag = raw.get("red_flag", False)
    if not isinstance(red_flag, bool):
        problems.append(Problem(file, "red_flag", "must be true or false"))
    sources = _sources(raw.get("sources"), file, problems)
    if sources and not any(source.official for source in sources):
        reason = raw.get("no_official_source")
        if not (isinstance(reason, str) and reason.strip()):
            problems.append(
                Problem(
                    file,
                    "sources",
                    "no source marked official: true (or say why in no_official_source)",
                    "official-source",
                )
            )
    facts = _facts(raw.get("facts"), file, problems)
    aliases = _aliases(raw.get("aliases"), topic_id, file, problems)
    problems.extend(_text_rules(file, answer, more, glossary))
    if _blocking(problems) > before:
        return None
    if not isinstance(reviewed, dt.date):  # reported above; this narrows the type
        return None
    return Topic(
        id=topic_id,
        category=category,
        title=title,
        answer=answer,
        more=more,
        examples=examples,
        examples_en=_strings(raw.get("examples_en"), "examples_en", file, problems),
        keywords=tuple(
            k.lower() for k in _strings(raw.get("keywords"), "keywords", file, problems)
        ),
        related=_strings(raw.get("related"), "related", file, problems),
        red_flag=bool(red_flag),
        sources=sources,
        reviewed=reviewed,
        facts=facts,
        aliases=aliases,
    )


def _cross_checks(
    topics: list[tuple[str, Topic]], required: Iterable[str], problems: list[Problem]
) -> None:
    """Check ids, related ids and examples across files, and that every spec topic exists."""
    first_file: dict[str, str] = {}
    for file, topic in topics:
        if topic.id in first_file:
            problems.append(
                Problem(file, "id", f"duplicate id {topic.id!r} (also {first_file[topic.id]})")
            )
        first_file.setdefault(topic.id, file)
    # An alias keeps an old id working, so it must name nothing else: no live entry, no
    # second entry's alias.
    alias_owner: dict[str, str] = {}
    for file, topic in topics:
        for alias in topic.aliases:
            if alias in first_file and alias != topic.id:
                problems.append(
                    Problem(file, "aliases", f"{alias!r} is a live topic id ({first_file[alias]})")
                )
            elif alias in alias_owner:
                problems.append(
                    Problem(file, "aliases", f"{alias!r} is also an alias of {alias_owner[alias]}")
                )
            else:
                alias_owner[alias] = topic.id
    example_owner: dict[str, str] = {}
    for file, topic in topics:
        for related in topic.related:
            if related in alias_owner:
                problems.append(
                    Problem(
                        file, "related", f"{related!r} is an old id: write {alias_owner[related]!r}"
                    )
                )
            elif related not in first_file:
                problems.append(Problem(file, "related", f"unknown topic id {related!r}"))
            elif related == topic.id:
                problems.append(Problem(file, "related", "a topic cannot relate to itself"))
        for example in topic.examples + topic.examples_en:
            key = " ".join(example.lower().split())
            if key in example_owner:
                owner = example_owner[key]
                problems.append(
                    Problem(file, "examples", f"duplicate example {example!r} (also in {owner})")
                )
            else:
                example_owner[key] = topic.id
    for topic_id in required:
        if topic_id in alias_owner:
            problems.append(
                Problem(
                    "(spec)",
                    topic_id,
                    f"topic in topics.yaml is only an alias of {alias_owner[topic_id]!r}",
                )
            )
        elif topic_id not in first_file:
            problems.append(Problem("(spec)", topic_id, "topic in topics.yaml has no entry"))


def check_topics(
    content_dir: Path = CONTENT_DIR,
    spec_path: Path | None = SPEC_PATH,
    glossary_path: Path | None = GLOSSARY_PATH,
) -> tuple[list[Topic], list[Problem]]:
    """Load every content file and return the topics with every problem, blocking or not."""
    problems: list[Problem] = []
    loaded: list[tuple[str, Topic]] = []
    glossary = None
    if glossary_path is not None:
        try:
            glossary = load_glossary(glossary_path)
        except ValueError as error:
            problems.append(Problem(glossary_path.name, "(glossary)", str(error)))
    files = sorted(content_dir.glob("*/*.yaml"))
    if not files:
        problems.append(Problem(str(content_dir), "(folder)", "no knowledge files found"))
    for path in files:
        name = str(path.relative_to(content_dir.parent))
        try:
            raw = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)  # noqa: S506 - a safe loader
        except yaml.YAMLError as error:
            problems.append(Problem(name, "(yaml)", str(error).replace("\n", " ")))
            continue
        topic = parse_topic(raw, name, problems, glossary)
        if topic is not None:
            if topic.category != path.parent.name:
                problems.append(
                    Problem(name, "category", f"file is in folder {path.parent.name!r}")
                )
            loaded.append((name, topic))
    required = spec_topic_ids(spec_path) if spec_path is not None else []
    _cross_checks(loaded, required, problems)
    return [topic for _, topic in loaded], problems


def load_topics(
    content_dir: Path = CONTENT_DIR,
    spec_path: Path | None = SPEC_PATH,
    glossary_path: Path | None = GLOSSARY_PATH,
) -> list[Topic]:
    """Load and validate every content file; raise KnowledgeError listing blocking problems."""
    topics, problems = check_topics(content_dir, spec_path, glossary_path)
    blocking = [problem for problem in problems if problem.blocking]
    if blocking:
        raise KnowledgeError(blocking)
    return topics


def due_facts(topics: Iterable[Topic], by: dt.date) -> list[tuple[Topic, Fact]]:
    """Return the dated claims to check again by a date, soonest first."""
    due = [(topic, fact) for topic in topics for fact in topic.facts if fact.due(by)]
    return sorted(due, key=lambda pair: (pair[1].review_by, pair[0].id))


def load_out_of_scope(path: Path = OUT_OF_SCOPE_PATH) -> list[str]:
    """Return the known out-of-scope example messages (none when the file is absent)."""
    if not path.exists():
        return []
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER) or {}  # noqa: S506
    examples = raw.get("examples") if isinstance(raw, dict) else None
    if not isinstance(examples, list) or not all(isinstance(item, str) for item in examples):
        raise KnowledgeError([Problem(path.name, "examples", "must be a list of strings")])
    return examples
