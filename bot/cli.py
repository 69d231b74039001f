"""The `migrasi-aman` command line: chat, ask, eval, kb check and the service-centre tools."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import admin_cli, review_cli
from bot.config import Settings
from bot.evaluation import score
from bot.messages import Channel, Inbound
from handlers.base import Reply
from knowledge.loader import KnowledgeError, load_topics

if TYPE_CHECKING:
    from knowledge.learned import Learned

IN_MEMORY_DATABASE = "sqlite+aiosqlite://"


def _parser() -> argparse.ArgumentParser:
    """Build the argument parser."""
    parser = argparse.ArgumentParser(prog="migrasi-aman", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    chat = commands.add_parser(
        "chat", help="talk to the bot in the terminal (works from a pipe too)"
    )
    chat.add_argument("--user", default="console-user", help="who is typing (one id per person)")

    serve = commands.add_parser("serve", help="run the web service (web chat, webhooks, dashboard)")
    serve.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8080)")
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (more than 1 needs PostgreSQL)"
    )
    serve.add_argument(
        "--no-sender",
        dest="sender",
        action="store_false",
        help="deliver nothing here: a separate `migrasi-aman sender` does it",
    )

    commands.add_parser(
        "sender",
        help=(
            "deliver queued replies, run the turns of queued inbound messages and the "
            "periodic jobs (no web service)"
        ),
    )

    commands.add_parser("migrate", help="upgrade the database to the newest migration")

    village = commands.add_parser("village", help="resolve a typed village to a Kemendagri code")
    village.add_argument("text", nargs="?", help="what the user typed")
    village.add_argument("--json", action="store_true", help="print one JSON object")
    village.add_argument("--jsonl", action="store_true", help='read {"text": ...} lines from stdin')

    ask = commands.add_parser("ask", help="answer one question, or JSON lines from stdin")
    ask.add_argument("text", nargs="?", help="the question")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--jsonl", action="store_true", help='read {"text": ...} lines from stdin')

    evaluate = commands.add_parser("eval", help="score a labelled JSONL file")
    evaluate.add_argument("file", type=Path)
    evaluate.add_argument("--errors", action="store_true", help="list every miss")

    offer = commands.add_parser("offer-check", help="check a job offer's text for warning signs")
    offer.add_argument("text", help="the advert or the offer as told")
    offer.add_argument("--json", action="store_true", help="print one JSON object")

    cost = commands.add_parser("cost", help="lawful cost against the asked one, and a loan's price")
    cost.add_argument("--country", help="destination country")
    cost.add_argument("--job", help="job offered")
    cost.add_argument("--asked", type=int, help="rupiah the sponsor or agency asks")
    cost.add_argument("--loan", type=int, help="rupiah borrowed")
    cost.add_argument("--rate", type=float, help="quoted interest in percent (per year)")
    cost.add_argument("--per-month", action="store_true", help="the quoted rate is per month")
    cost.add_argument("--months", type=int, default=12, help="repayment months (default 12)")
    cost.add_argument("--wage", type=int, help="monthly wage in rupiah, when known")
    cost.add_argument("--json", action="store_true", help="print one JSON object")

    admin_cli.register(commands)
    review_cli.register(commands)

    kb = commands.add_parser("kb", help="knowledge-base tools")
    kb_commands = kb.add_subparsers(dest="kb_command", required=True)
    check = kb_commands.add_parser("check", help="validate every knowledge file")
    check.add_argument(
        "--due",
        nargs="?",
        const="today",
        default=None,
        metavar="DATE",
        help="only list dated claims to check again by DATE (default today); always exits 0",
    )
    return parser


def _read_jsonl(path: Path | None) -> Iterator[dict[str, Any]]:
    """Yield JSON objects from a file or stdin, skipping blank lines."""
    stream = path.open(encoding="utf-8") if path else sys.stdin
    with stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as error:
                raise SystemExit(f"line {number}: not JSON: {error}") from error


async def _answers(texts: Iterator[str]) -> Iterator[dict[str, Any]]:
    """Answer each text through the real engine, on a throw-away in-memory database."""
    from bot.composition import build_service

    settings = Settings(database_url=IN_MEMORY_DATABASE)
    service = await build_service(settings)
    answers = []
    try:
        for number, text in enumerate(texts):
            # A fresh user per question: no dialog state leaks from one to the next.
            inbound = Inbound(Channel.CONSOLE, f"ask-{number}", f"ask-{number}", text=text)
            turn = await service.engine.handle_turn(inbound)
            reply = turn.reply
            answers.append(
                {
                    "topic": reply.topic if reply else None,
                    "score": reply.score if reply else 0.0,
                    "urgent": bool(reply and reply.urgent),
                    # "urgent" is true exactly when safety is "urgent".
                    "safety": safety_of(reply),
                    "suggestions": reply.suggestions if reply else [],
                    "reply": "\n\n".join(message.text for message in turn.messages),
                }
            )
    finally:
        await service.close()
    return iter(answers)


def safety_of(reply: Reply | None) -> str:
    """Return the contract's safety outcome of a turn: urgent, check or calm."""
    if reply is None:
        return "calm"
    if reply.urgent:
        return "urgent"
    return "check" if reply.safety == "check" else "calm"


def _ask(args: argparse.Namespace) -> int:
    """Run `ask`."""
    if args.jsonl:
        texts = [str(item.get("text", "")) for item in _read_jsonl(None)]
    elif args.text is not None:
        texts = [args.text]
    else:
        print("ask needs TEXT or --jsonl", file=sys.stderr)
        return 2
    for answer in asyncio.run(_answers(iter(texts))):
        if args.json or args.jsonl:
            print(json.dumps(answer, ensure_ascii=False))
        else:
            print(answer["reply"])
    return 0


def _eval(args: argparse.Namespace) -> int:
    """Run `eval`."""
    labels = list(_read_jsonl(args.file))
    answers = list(asyncio.run(_answers(iter(str(item.get("text", "")) for item in labels))))
    report = score(zip(labels, answers, strict=True))
    for line in report.lines():
        print(line)
    if args.errors:
        for error in report.errors:
            print(json.dumps(error, ensure_ascii=False), file=sys.stderr)
    return 0


def _offer_check(args: argparse.Namespace) -> int:
    """Run `offer-check`."""
    from bot.i18n import Translator
    from knowledge.offer_check import check_offer

    check = check_offer(args.text)
    if args.json:
        print(json.dumps(check.to_json(), ensure_ascii=False))
        return 0
    from handlers.offer_check import VERDICT_TITLES

    i18n = Translator().for_locale("id")
    print(i18n._(VERDICT_TITLES[check.verdict]))
    for flag in check.flags:
        print(f"- [{flag.code}] {i18n._(flag.text)} ({flag.source})")
    return 0


def _cost(args: argparse.Namespace) -> int:
    """Run `cost`."""
    from bot.i18n import Translator
    from handlers.cost import render
    from knowledge.cost_calculator import calculate

    result = calculate(
        country=args.country,
        job=args.job,
        asked=args.asked,
        loan=args.loan,
        rate=args.rate,
        months=args.months,
        rate_per_month=args.per_month,
        wage_rupiah=args.wage,
    )
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print(render(result, Translator().for_locale("id")))
    return 0


def _kb_due(when: str) -> int:
    """Run `kb check --due`: list the dated claims to check again; never fails."""
    import datetime as dt

    from knowledge.loader import check_topics, due_facts

    try:
        by = dt.date.today() if when == "today" else dt.date.fromisoformat(when)
    except ValueError:
        raise SystemExit(f"--due: not a date YYYY-MM-DD: {when}") from None
    topics, _ = check_topics()
    due = due_facts(topics, by)
    for topic, fact in due:
        print(
            f"{topic.id}: review_by {fact.review_by.isoformat()}: {fact.claim} "
            f"(check with {fact.check_with['id']})"
        )
    print(f"{len(due)} claim(s) due for review by {by.isoformat()}")
    return 0


def _labelled_count(labelled: Learned) -> int:
    """Count the review queue's and the writers' labelled lines."""
    topic_lines = sum(len(texts) for texts in labelled.topics.values())
    triage_lines = sum(len(texts) for texts in labelled.triage.values())
    return topic_lines + len(labelled.out_of_scope) + triage_lines


def _kb_check(args: argparse.Namespace) -> int:
    """Run `kb check`: every problem as `file: field: problem`; exit 1 on a blocking one."""
    from knowledge.contacts import check_contacts
    from knowledge.learned import load_labelled
    from knowledge.loader import check_topics
    from knowledge.model import topic_names
    from knowledge.regional_words import check_regional_words

    if args.due is not None:
        return _kb_due(args.due)
    topics, problems = check_topics()
    problems = problems + check_contacts() + check_regional_words()[1]
    for problem in problems:
        print(problem)
    blocking = sum(problem.blocking for problem in problems)
    if blocking:
        print(f"{blocking} problem(s)", file=sys.stderr)
        return 1
    learned: list[str] = []
    labelled = load_labelled(topic_names(topics), problems=learned)
    if learned:
        print("\n".join(learned))
        print(f"{len(learned)} problem(s)", file=sys.stderr)
        return 1
    examples = sum(len(topic.examples) for topic in topics)
    transition = f", {len(problems)} transition problem(s)" if problems else ""
    print(
        f"ok: {len(topics)} topics, {examples} example questions, "
        f"{_labelled_count(labelled)} labelled training lines, "
        f"contacts abroad checked{transition}"
    )
    return 0


def _migrate() -> int:
    """Run `migrate`."""
    from storage.database import create_engine, migrate

    async def main() -> None:
        engine = create_engine(Settings().database_url)
        try:
            await migrate(engine)
        finally:
            await engine.dispose()

    asyncio.run(main())
    print("database is at the newest migration")
    return 0


def _village(args: argparse.Namespace) -> int:
    """Run `village`: resolve typed villages to Kemendagri codes."""
    from knowledge.regions import RegionIndex

    if args.jsonl:
        texts = [str(item.get("text", "")) for item in _read_jsonl(None)]
    elif args.text is not None:
        texts = [args.text]
    else:
        print("village needs TEXT or --jsonl", file=sys.stderr)
        return 2
    index = RegionIndex.load()
    for text in texts:
        resolution = index.resolve(text)
        if args.json or args.jsonl:
            print(json.dumps(resolution.to_json(), ensure_ascii=False))
        elif resolution.resolved is not None:
            print(f"{resolution.resolved.code}  {resolution.resolved.path}")
        else:
            for candidate in resolution.candidates:
                print(f"? {candidate.code}  {candidate.path}")
            if not resolution.candidates:
                print("not found")
    return 0


def _chat(args: argparse.Namespace) -> int:
    """Run `chat`."""
    from bot.channels.console import run_console
    from bot.composition import build_service
    from bot.messages import Recipient
    from storage.outbox import take_pending

    async def main() -> None:
        service = await build_service(Settings())
        me = Recipient(Channel.CONSOLE, args.user)

        async def inbox() -> list:  # type: ignore[type-arg]
            return await take_pending(service.database, me, service.storage.clock())

        try:
            await run_console(service.engine, user_id=args.user, inbox=inbox)
        finally:
            await service.close()

    asyncio.run(main())
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return _run_command(args)
    except KnowledgeError as error:
        # Broken content is the maintainer's to mend: name each problem, not a traceback.
        print("error: the knowledge files do not load:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        print("fix them (`migrasi-aman kb check` lists every problem)", file=sys.stderr)
        return 1


def _run_command(args: argparse.Namespace) -> int:
    """Run the parsed command."""
    handled = admin_cli.run(args)
    if handled is None:
        handled = review_cli.run(args)
    if handled is not None:
        return handled
    if args.command == "chat":
        return _chat(args)
    if args.command == "serve":
        from bot.web.app import serve

        if args.workers < 1:
            print("--workers must be at least 1", file=sys.stderr)
            return 2
        # Each worker loads the knowledge inside uvicorn's start-up, which logs a traceback
        # and exits 3 when it does not load: read the content here first (about 50 ms), so
        # a broken file is named once, as every other command names it, and nothing starts.
        load_topics()
        serve(Settings(), host=args.host, port=args.port, workers=args.workers, sender=args.sender)
        return 0
    if args.command == "sender":
        from bot.channels.delivery import run_sender_process
        from bot.eventloop import run_on_uvloop

        run_on_uvloop(run_sender_process(Settings()))
        return 0
    if args.command == "village":
        return _village(args)
    if args.command == "migrate":
        return _migrate()
    if args.command == "ask":
        return _ask(args)
    if args.command == "eval":
        return _eval(args)
    if args.command == "offer-check":
        return _offer_check(args)
    if args.command == "cost":
        return _cost(args)
    if args.command == "kb":
        return _kb_check(args)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
