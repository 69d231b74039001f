"""`migrasi-aman review`: the learning loop's queue, most frequent first, and labelling it.

    migrasi-aman review                      list unlabelled "not sure" and `check` messages
    migrasi-aman review assign ID LABEL      label one: a topic id, out_of_scope, urgent or calm
                     [--text TEXT]           the text, when the user did not consent to storing it

A label appends the message to knowledge/learned.yaml with its provenance; the next start
retrains the models (their cache key is the content's hash) and `kb check` validates it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.review import LEARNED_PATH, append_learned, valid_label
from knowledge.learned import id_map
from knowledge.loader import load_topics
from knowledge.model import topic_names
from storage.database import create_engine, migrate
from storage.review import ReviewQueue


def register(subparsers: Any) -> None:
    """Add the `review` command."""
    review = subparsers.add_parser("review", help="label what the bot could not place")
    review.add_argument("--limit", type=int, default=50, help="how many items to list")
    actions = review.add_subparsers(dest="review_command")
    assign = actions.add_parser("assign", help="label one item")
    assign.add_argument("item", type=int, help="the item number from the list")
    assign.add_argument("label", help="a topic id, out_of_scope, urgent or calm")
    assign.add_argument("--text", help="the message text, when it was not stored")


def run(args: argparse.Namespace) -> int | None:
    """Run `review`; None for other commands."""
    if getattr(args, "command", None) != "review":
        return None
    return asyncio.run(_review(args))


async def _review(args: argparse.Namespace) -> int:
    engine = create_engine(Settings().database_url)
    try:
        await migrate(engine)
        queue = ReviewQueue(engine)
        if args.review_command == "assign":
            return await _assign(queue, args)
        return await _list(queue, args.limit)
    finally:
        await engine.dispose()


async def _list(queue: ReviewQueue, limit: int) -> int:
    items = await queue.pending(limit)
    if not items:
        print("the review queue is empty")
        return 0
    for item in items:
        best = sorted(item.scores.items(), key=lambda pair: pair[1], reverse=True)[:3]
        scores = ", ".join(f"{topic} {score:.0f}" for topic, score in best) or "-"
        text = item.text if item.text is not None else "(no consent: text not stored)"
        print(f"#{item.id}\t{item.count}x\t{item.kind}\t{text}\t[{scores}]")
    return 0


async def assign(
    queue: ReviewQueue,
    item_id: int,
    label: str,
    text: str | None,
    topic_ids: Collection[str] | Mapping[str, str],
    now: datetime,
    path: Path = LEARNED_PATH,
) -> str | None:
    """Label one review item: append its text to the learned file and mark it labelled.

    Return the problem ("item", "label" or "text") when nothing was done, else None. The CLI
    and the desk's review page both go through here. `topic_ids` may map old ids (of pages
    folded into another) to live ones: such a label is stored as the live id.
    """
    item = await queue.get(item_id)
    if item is None:
        return "item"
    names = id_map(topic_ids)
    label = names.get(label, label)
    if not valid_label(label, set(names.values())):
        return "label"
    text = (text or "").strip() or item.text
    if not text:
        return "text"
    append_learned(text, label, f"review#{item.id}", now.date(), path)
    await queue.label(item.id, label, now)
    return None


async def _assign(queue: ReviewQueue, args: argparse.Namespace) -> int:
    topic_ids = topic_names(load_topics())
    problem = await assign(
        queue, args.item, args.label, args.text, topic_ids, datetime.now(UTC), LEARNED_PATH
    )
    if problem == "item":
        print(f"error: no review item #{args.item}", file=sys.stderr)
        return 1
    if problem == "label":
        print(
            f"error: {args.label!r} is not a topic id, out_of_scope, urgent or calm",
            file=sys.stderr,
        )
        return 1
    if problem == "text":
        print("error: the text was not stored (no consent); give it with --text", file=sys.stderr)
        return 1
    print(f"#{args.item} -> {args.label}; appended to {LEARNED_PATH.name}; run `kb check`")
    return 0
