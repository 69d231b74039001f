"""The regional-word lexicon: Javanese, Sundanese, Madurese words and loanwords in Indonesian.

Read from knowledge/regional_words.yaml (its header says what belongs there and where the
words come from). The topic classifier adds each listed word's Indonesian meaning beside
it (knowledge/normalize.py, `add_regional_words`), so a question in a regional language
shares words with the knowledge base's Indonesian examples.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge.loader import YAML_LOADER, Problem
from knowledge.normalize import SLANG, fold

REGIONAL_WORDS_PATH = Path(__file__).parent / "regional_words.yaml"
_MEANING = re.compile(r"[a-z0-9]+( [a-z0-9]+)*")


def check_regional_words(path: Path = REGIONAL_WORDS_PATH) -> tuple[dict[str, str], list[Problem]]:
    """Return the folded word -> Indonesian mapping and every problem found in the file."""
    name = path.name
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER) or {}  # noqa: S506
    if not isinstance(raw, dict):
        return {}, [Problem(name, "(file)", "must map a language to its words")]
    words: dict[str, str] = {}
    problems: list[Problem] = []
    for language, entries in raw.items():
        if not isinstance(entries, dict) or not entries:
            problems.append(Problem(name, str(language), "must map words to Indonesian"))
            continue
        for word, meaning in entries.items():
            field = f"{language}.{word}"
            key = fold(str(word))
            if not isinstance(meaning, str) or not _MEANING.fullmatch(meaning):
                problems.append(Problem(name, field, "meaning must be plain lower-case words"))
            elif " " in key or not key:
                problems.append(Problem(name, field, "must fold to exactly one word"))
            elif key in SLANG:
                problems.append(Problem(name, field, "the slang table already reads it"))
            elif key == meaning:
                problems.append(Problem(name, field, "means itself"))
            elif words.get(key, meaning) != meaning:
                problems.append(Problem(name, field, f"already means {words[key]!r}"))
            else:
                words[key] = meaning
    return words, problems


@lru_cache(maxsize=1)
def regional_words() -> dict[str, str]:
    """Return the lexicon, loaded once; raise when the file has a problem (kb check says which)."""
    words, problems = check_regional_words()
    if problems:
        raise ValueError("; ".join(str(problem) for problem in problems))
    return words
