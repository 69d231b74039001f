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
from datetime import UTC, datetime
from typing import Any

from bot.config import Settings
from bot.review import LEARNED_PATH, append_learned, valid_label
from knowledge.loader import load_topics
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


async def _assign(queue: ReviewQueue, args: argparse.Namespace) -> int:
    item = await queue.get(args.item)
    if item is None:
        print(f"error: no review item #{args.item}", file=sys.stderr)
        return 1
    topic_ids = {topic.id for topic in load_topics()}
    if not valid_label(args.label, topic_ids):
        print(
            f"error: {args.label!r} is not a topic id, out_of_scope, urgent or calm",
            file=sys.stderr,
        )
        return 1
    text = args.text or item.text
    if not text:
        print("error: the text was not stored (no consent); give it with --text", file=sys.stderr)
        return 1
    now = datetime.now(UTC)
    append_learned(text, args.label, f"review#{item.id}", now.date(), LEARNED_PATH)
    await queue.label(item.id, args.label, now)
    print(f"#{item.id} -> {args.label}; appended to {LEARNED_PATH.name}; run `kb check`")
    return 0
