"""Long-message splitting shared by every channel: paragraphs, then lines, words, characters."""

from __future__ import annotations

_SEPARATORS = ("\n\n", "\n", " ")


def split_text(text: str, limit: int) -> list[str]:
    """Split text into chunks of at most `limit` characters, preferring paragraph boundaries."""
    if limit < 1:
        raise ValueError("limit must be positive")
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    return [chunk for chunk in _split(text, limit, 0) if chunk]


def _split(text: str, limit: int, level: int) -> list[str]:
    """Pack pieces separated at one level into chunks; split oversized pieces one level down."""
    if len(text) <= limit:
        return [text.strip()]
    if level == len(_SEPARATORS):
        return [text[start : start + limit] for start in range(0, len(text), limit)]
    separator = _SEPARATORS[level]
    chunks: list[str] = []
    current = ""
    for piece in text.split(separator):
        candidate = f"{current}{separator}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current.strip())
        if len(piece) <= limit:
            current = piece
        else:
            parts = _split(piece, limit, level + 1)
            chunks.extend(parts[:-1])
            current = parts[-1]
    if current:
        chunks.append(current.strip())
    return chunks
