"""Greeting, main menu, help, and the way back to the menu from anywhere."""

from __future__ import annotations

from bot.messages import Button, Inbound, Outbound
from handlers.base import HandlerContext, Reply, command_of, menu_button, officer_button
from knowledge.normalize import fold

GREETINGS = frozenset(
    """
        halo hallo helo hello hai hay hi hy hey p pagi siang sore malam selamat
        assalamualaikum assalamu alaikum salam permisi punten sugeng spada test tes
        mulai start
    """.split()
)
MENU_WORDS = frozenset({"menu", "kembali", "balik", "menu utama", "main menu", "back", "home"})
HELP_WORDS = frozenset({"bantuan", "help", "tolong bantu cara pakai", "cara pakai", "petunjuk"})
START_COMMANDS = frozenset({"/start", "/mulai"})
MENU_COMMANDS = frozenset({"/menu", "menu"})
HELP_COMMANDS = frozenset({"/bantuan", "/help", "bantuan"})
# WhatsApp lists hold 10 rows: 8 topics, "more" and "menu".
PAGE_SIZE = 8
MAX_ROWS = 10


def is_greeting(text: str) -> bool:
    """Return True for a message that is only a greeting ("halo", "P", "assalamualaikum kak")."""
    words = fold(text).split()
    return (
        0 < len(words) <= 4
        and words[0] in GREETINGS
        and all(
            word in GREETINGS
            or word in {"kak", "min", "admin", "bot", "pak", "bu", "mas", "mbak", "wr", "wb"}
            for word in words
        )
    )


def language_button(ctx: HandlerContext) -> Button:
    """Return the switch to the other language, labelled in that language."""
    if ctx.locale == "en":
        return Button("Bahasa Indonesia", "lang:id")
    return Button("English", "lang:en")


def main_menu(ctx: HandlerContext, text: str | None = None) -> Outbound:
    """Return the main menu: the knowledge categories, a human to talk to, and the language."""
    options = [
        Button(category.title(ctx.locale), f"cat:{category.id}")
        for category in ctx.knowledge.categories()
    ]
    # A WhatsApp list holds ten rows: the offer check and the officer always keep theirs.
    options = [
        *options[: MAX_ROWS - 2],
        Button(ctx._("Cek tawaran kerja"), "tawaran"),
        officer_button(ctx),
    ]
    body = text or ctx._("Silakan pilih topik, atau langsung tulis pertanyaan Anda.")
    language = language_button(ctx)
    if len(options) < MAX_ROWS:
        options.append(language)
    else:
        # A WhatsApp list holds ten rows: the language is offered in words instead.
        body += "\n\n" + ctx._("{language}: ketik /bahasa").format(language=language.label)
    return Outbound(body, options=tuple(options[:MAX_ROWS]), options_title=ctx._("Pilih topik"))


def welcome(ctx: HandlerContext) -> list[Outbound]:
    """Return the greeting and the main menu."""
    intro = ctx._(
        "Halo! Saya asisten *Migrasi Aman* dari Pusat Layanan Migrasi desa. "
        "Saya menjawab pertanyaan tentang bekerja ke luar negeri secara aman dan resmi, "
        "dan bisa menghubungkan Anda dengan petugas."
    )
    emergency = ctx._(
        "Jika Anda atau keluarga dalam bahaya sekarang, telepon Polisi 110, "
        "atau WhatsApp KP2MI 0811-8080-141."
    )
    return [Outbound(intro + "\n\n" + emergency), main_menu(ctx)]


class NavigationHandler:
    """Start, menu and help; also the escape hatch that closes any open dialog."""

    name = "navigation"

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Answer greetings, /start, /menu, /bantuan and category buttons."""
        command = command_of(message)
        text = fold(message.text)
        if command in START_COMMANDS or (command is None and is_greeting(message.text)):
            return Reply(welcome(ctx), state=None)
        if command in MENU_COMMANDS or (command is None and text in MENU_WORDS):
            # /menu also takes the bot back from an officer's handover.
            slots = {**ctx.conversation.slots, "handover_off_at": ctx.clock().isoformat()}
            return Reply([main_menu(ctx)], state=None, slots=slots)
        if command in HELP_COMMANDS or (command is None and text in HELP_WORDS):
            return Reply([self._help(ctx)], state=None)
        if command and command.startswith("cat:"):
            return self._category(command.removeprefix("cat:"), ctx)
        return None

    @staticmethod
    def _help(ctx: HandlerContext) -> Outbound:
        """Return how to use the bot."""
        text = ctx._(
            "Cara memakai layanan ini:\n"
            "- Tulis pertanyaan Anda dengan kata-kata sendiri, misalnya: "
            '"berapa umur minimal jadi PMI?"\n'
            "- Atau pilih topik dari menu.\n"
            "- Ketik *petugas* untuk bicara dengan petugas Pusat Layanan Migrasi.\n\n"
            "Perintah:\n"
            "/menu - menu utama\n"
            "/bahasa - ganti bahasa (Indonesia / English)\n"
            "/privasi - data apa yang kami simpan\n"
            "/dataku - lihat data Anda\n"
            "/hapus - hapus data Anda\n\n"
            "Dalam bahaya sekarang? Telepon Polisi 110 atau 112."
        )
        return Outbound(text, buttons=(menu_button(ctx), officer_button(ctx)))

    @staticmethod
    def _category(argument: str, ctx: HandlerContext) -> Reply:
        """List a page of a category's topics as options, with the menu as the last row."""
        category_id, _, page_text = argument.partition(":")
        page = int(page_text) if page_text.isdigit() else 0
        topics = ctx.knowledge.topics_in(category_id)
        start = page * PAGE_SIZE
        if not topics or start >= len(topics):
            return Reply([main_menu(ctx, ctx._("Maaf, pilihan itu tidak tersedia."))], state=None)
        options = [
            Button(topic.title_for(ctx.locale), f"topic:{topic.id}")
            for topic in topics[start : start + PAGE_SIZE]
        ]
        if start + PAGE_SIZE < len(topics):
            options.append(Button(ctx._("Topik lainnya"), f"cat:{category_id}:{page + 1}"))
        options.append(menu_button(ctx))
        return Reply(
            [
                Outbound(
                    ctx._("Pilih topik yang ingin Anda ketahui:"),
                    options=tuple(options),
                    options_title=ctx._("Topik"),
                )
            ],
            state=None,
        )
