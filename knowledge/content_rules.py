"""Plain-language and source rules for answers: acronyms spelled out, "Anda", safe links.

An answer is read on a phone by someone who may never have heard of KP2MI or LTSA, so
each agency acronym is spelled out at its first use; the expansions live in
`knowledge/glossary.yaml`, each with the facts.md section it comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from knowledge.model import LANGUAGES

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Indonesian answers speak to the user as "Anda"; these forms are too familiar.
INFORMAL_PRONOUN = re.compile(r"(?<![\w-])(kamu|kau|lu)(?![\w-])", re.IGNORECASE)
# Staging and test copies of news sites: they vanish or change, so never cite them.
STAGING_MARKERS = ("staging", "-uat", ".uat", "uat.")
# Sites that carry the text of a law or regulation itself.
LAW_TEXT_HOSTS = frozenset({"pasal.id", "basishukum.com", "peraturan.bpk.go.id"})


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """One acronym with its accepted spelled-out forms per language."""

    acronym: str
    expansions: dict[str, tuple[str, ...]]
    source: str

    @property
    def pattern(self) -> re.Pattern[str]:
        """The acronym as a whole word, so P3MI does not match inside BP3MI or SIP3MI."""
        return re.compile(rf"(?<![A-Za-z0-9]){re.escape(self.acronym)}(?![A-Za-z0-9])")


Glossary = tuple[GlossaryEntry, ...]


def load_glossary(path: Path) -> Glossary:
    """Read the acronym glossary; raise ValueError naming the first bad entry."""
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)  # noqa: S506 - a safe loader
    if not isinstance(raw, dict) or not raw:
        raise ValueError("must map each acronym to {id, en, source}")
    entries = []
    for acronym, item in raw.items():
        if not isinstance(item, dict):
            raise ValueError(f"{acronym}: must be a mapping")
        expansions: dict[str, tuple[str, ...]] = {}
        for language in LANGUAGES:
            value = item.get(language)
            forms = [value] if isinstance(value, str) else value
            if (
                not isinstance(forms, list)
                or not forms
                or not all(isinstance(form, str) and form.strip() for form in forms)
            ):
                raise ValueError(f"{acronym}.{language}: needs an expansion")
            expansions[language] = tuple(form.strip() for form in forms)
        source = item.get("source")
        if not isinstance(source, str) or "facts.md" not in source:
            raise ValueError(f"{acronym}.source: must name the facts.md section")
        entries.append(GlossaryEntry(str(acronym), expansions, source))
    return tuple(entries)


def _spelled_out(text: str, start: int, end: int, forms: tuple[str, ...]) -> bool:
    """Whether the acronym at text[start:end] reads "ACR (expansion" or "expansion (ACR"."""
    before, after = text[:start], text[end:]
    for form in forms:
        expansion = re.escape(form)
        if re.match(rf"\*?\s*\(\s*{expansion}", after, re.IGNORECASE):
            return True
        if re.search(rf"{expansion}\s*\(\s*\*?$", before, re.IGNORECASE):
            return True
    return False


def acronym_problems(text: str, language: str, glossary: Glossary) -> list[str]:
    """Return a problem for each glossary acronym not spelled out at its first use."""
    problems = []
    for entry in glossary:
        found = entry.pattern.search(text)
        if found is None:
            continue
        forms = entry.expansions.get(language) or entry.expansions["id"]
        if not _spelled_out(text, found.start(), found.end(), forms):
            problems.append(
                f'spell out {entry.acronym} at its first use, e.g. "{entry.acronym} ({forms[0]})"'
            )
    return problems


def informal_pronoun(text: str) -> str | None:
    """Return the first familiar pronoun in an Indonesian text, or None."""
    found = INFORMAL_PRONOUN.search(text)
    return found.group(1).lower() if found else None


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def is_staging_url(url: str) -> bool:
    """Whether a link points at a staging or test copy of a site."""
    host = _host(url)
    return any(marker in host for marker in STAGING_MARKERS)


def is_official_host(url: str) -> bool:
    """Whether a link is a government site or carries the text of the law itself."""
    host = _host(url).removeprefix("www.")
    labels = host.split(".")
    return host.endswith(".go.id") or "gov" in labels[:-1] or host in LAW_TEXT_HOSTS
