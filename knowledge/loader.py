"""Load knowledge files and validate them, reporting every problem as `file: field: problem`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.model import (
    ANSWER_MAX_CHARS,
    CATEGORY_BY_ID,
    LANGUAGES,
    MIN_EXAMPLES,
    MORE_MAX_CHARS,
    Source,
    Topic,
)

CONTENT_DIR = Path(__file__).parent / "content"
SPEC_PATH = Path(__file__).parent / "spec" / "topics.yaml"
OUT_OF_SCOPE_PATH = Path(__file__).parent / "out_of_scope.yaml"
# libyaml's loader when the wheel has it: ten times faster, and load time is a target.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
REQUIRED_FIELDS = ("id", "category", "title", "answer", "examples", "sources", "reviewed")


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation failure."""

    file: str
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.problem}"


class KnowledgeError(Exception):
    """The knowledge files are invalid; carries every problem found."""

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
                Problem(file, f"{name}.{language}", f"{len(value)} characters, limit is {limit}")
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


def _sources(raw: Any, file: str, problems: list[Problem]) -> tuple[Source, ...]:
    """Validate the source list: each needs a title, the url is optional."""
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(file, "sources", "at least one source is required"))
        return ()
    sources = []
    for index, item in enumerate(raw):
        if isinstance(item, str) and item.strip():
            sources.append(Source(item.strip()))
        elif (
            isinstance(item, dict) and isinstance(item.get("title"), str) and item["title"].strip()
        ):
            url = item.get("url")
            sources.append(Source(item["title"].strip(), str(url) if url else None))
        else:
            problems.append(Problem(file, f"sources[{index}]", "needs a title"))
    return tuple(sources)


def parse_topic(raw: Any, file: str, problems: list[Problem]) -> Topic | None:
    """Turn one loaded YAML document into a Topic, appending any problems."""
    if not isinstance(raw, dict):
        problems.append(Problem(file, "(file)", "must be a mapping"))
        return None
    before = len(problems)
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
    reviewed = raw.get("reviewed")
    if isinstance(reviewed, str):
        try:
            reviewed = dt.date.fromisoformat(reviewed)
        except ValueError:
            reviewed = None
    if raw.get("reviewed") is not None and not isinstance(reviewed, dt.date):
        problems.append(Problem(file, "reviewed", "must be a date YYYY-MM-DD"))
    red_flag = raw.get("red_flag", False)
    if not isinstance(red_flag, bool):
        problems.append(Problem(file, "red_flag", "must be true or false"))
    sources = _sources(raw.get("sources"), file, problems)
    if len(problems) > before:
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
    example_owner: dict[str, str] = {}
    for file, topic in topics:
        for related in topic.related:
            if related not in first_file:
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
        if topic_id not in first_file:
            problems.append(Problem("(spec)", topic_id, "topic in topics.yaml has no entry"))


def load_topics(content_dir: Path = CONTENT_DIR, spec_path: Path | None = SPEC_PATH) -> list[Topic]:
    """Load and validate every content file; raise KnowledgeError listing all problems."""
    problems: list[Problem] = []
    loaded: list[tuple[str, Topic]] = []
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
        topic = parse_topic(raw, name, problems)
        if topic is not None:
            if topic.category != path.parent.name:
                problems.append(
                    Problem(name, "category", f"file is in folder {path.parent.name!r}")
                )
            loaded.append((name, topic))
    required = spec_topic_ids(spec_path) if spec_path is not None else []
    _cross_checks(loaded, required, problems)
    if problems:
        raise KnowledgeError(problems)
    return [topic for _, topic in loaded]


def load_out_of_scope(path: Path = OUT_OF_SCOPE_PATH) -> list[str]:
    """Return the known out-of-scope example messages (none when the file is absent)."""
    if not path.exists():
        return []
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER) or {}  # noqa: S506
    examples = raw.get("examples") if isinstance(raw, dict) else None
    if not isinstance(examples, list) or not all(isinstance(item, str) for item in examples):
        raise KnowledgeError([Problem(path.name, "examples", "must be a list of strings")])
    return examples
