"""Trained models cached on disk, keyed by a hash of everything they were trained from.

Training is deterministic, so a cache entry is valid exactly as long as its training data,
settings and code are unchanged: the key is a SHA-256 of all three. A changed example, a
new topic, a new setting or an edited normaliser gives a new key, and the stale model is
never loaded.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
# Bump when the model classes change shape, so old pickles are not loaded into new code.
CACHE_FORMAT = 1
# The code and word lists that turn text into features: editing any of them changes what a
# model would learn, so their bytes are part of every key. Content is hashed by the callers.
KNOWLEDGE_DIR = Path(__file__).resolve().parent
CODE_PATTERNS = ("*.py", "*.yaml")


def cache_dir() -> Path:
    """Return the cache folder: MIGRASI_MODEL_CACHE, else the user's cache folder."""
    configured = os.environ.get("MIGRASI_MODEL_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "migrasi-aman"


@lru_cache(maxsize=1)
def code_fingerprint(folder: Path = KNOWLEDGE_DIR) -> str:
    """Return a SHA-256 of the knowledge package's code and top-level word lists."""
    digest = hashlib.sha256()
    for pattern in CODE_PATTERNS:
        for path in sorted(folder.glob(pattern)):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def content_hash(*parts: Any) -> str:
    """Return a stable SHA-256 of JSON-serialisable training data, settings and the code."""
    digest = hashlib.sha256(f"{CACHE_FORMAT}:{code_fingerprint()}".encode())
    for part in parts:
        digest.update(json.dumps(part, ensure_ascii=False, sort_keys=True, default=str).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def cached(name: str, key: str, build: Callable[[], T], folder: Path | None = None) -> T:
    """Return the model stored under (name, key), building and storing it when absent.

    A cache that cannot be read or written (read-only disk, corrupt file) only costs a
    retrain: the model is always correct for its key.
    """
    folder = folder or cache_dir()
    path = folder / f"{name}-{key[:32]}.pickle"
    try:
        with path.open("rb") as stored:
            found = pickle.load(stored)  # noqa: S301 - our own file, named by its content hash
        if isinstance(found, dict) and found.get("key") == key:
            return found["model"]
    except FileNotFoundError:
        pass
    except Exception:  # a corrupt or foreign file: retrain and replace it
        log.warning("model cache %s unreadable; retraining", path.name)
    model = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a concurrent reader never sees half a file.
        with tempfile.NamedTemporaryFile("wb", dir=folder, delete=False, suffix=".tmp") as out:
            pickle.dump({"key": key, "model": model}, out, protocol=pickle.HIGHEST_PROTOCOL)
        # Temporary files are private (0600): the image trains as root at build time and
        # serves as another user, who must be able to read what was trained.
        Path(out.name).chmod(0o644)
        Path(out.name).replace(path)
    except OSError as error:
        log.warning("model cache not written (%s); the model is kept in memory", error)
    return model
