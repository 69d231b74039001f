"""Privacy: what is stored (/privasi), the user's own data (/dataku), and deletion (/hapus)."""

from __future__ import annotations

from bot.messages import Button, Inbound, Outbound
from handlers.base import HandlerContext, Reply, command_of, menu_button
from handlers.navigation import main_menu
from knowledge.normalize import fold

CONFIRM_DELETE = "privacy.confirm_delete"
PRIVACY_TOPIC = "layanan.privasi"
DELETE_WORDS = frozenset({"hapus data saya", "hapus data", "hapus dataku", "delete my data"})


class PrivacyHandler:
    """Explains, shows and deletes the user's stored data."""

    name = "privacy"

    async def handle(self, message: Inbound, ctx: HandlerContext) -> Reply | None:
        """Answer the privacy commands and the delete confirmation."""
        command = command_of(message)
        text = fold(message.text)
        if ctx.conversation.state == CONFIRM_DELETE:
            return await self._confirm(command, text, ctx)
        if command in {"/privasi", "/privacy"}:
            policy = self._policy(ctx)
            return Reply([policy], state=None) if policy else None
        if command in {"/dataku", "/mydata"} or (
            command is None and text in {"dataku", "data saya"}
        ):
            return Reply([await self._show(ctx)], state=None)
        if command in {"/hapus", "/delete"} or (command is None and text in DELETE_WORDS):
            return Reply([self._ask_delete(ctx)], state=CONFIRM_DELETE)
        return None

    @staticmethod
    def _policy(ctx: HandlerContext) -> Outbound | None:
        """Return what the service stores, who sees it and for how long.

        The text is the knowledge topic itself, so /privasi and the answer to "data saya
        disimpan?" make the same promises, kept in one reviewed place.
        """
        topic = ctx.knowledge.topic(PRIVACY_TOPIC)
        if topic is None:  # the spec requires the topic; only a test knowledge base lacks it
            return None
        return Outbound(
            topic.text(topic.answer, ctx.i18n.locale),
            buttons=(Button(ctx._("Selengkapnya"), f"more:{PRIVACY_TOPIC}"), menu_button(ctx)),
        )

    @staticmethod
    async def _show(ctx: HandlerContext) -> Outbound:
        """Return the user's stored data in plain words."""
        data = await ctx.store.personal_data(ctx.contact.id)
        lines = [ctx._("Data Anda yang tersimpan:")]
        lines.append(ctx._("- Saluran: {channel}").format(channel=data["channel"]))
        lines.append(ctx._("- Bahasa: {locale}").format(locale=data["locale"]))
        consent = data.get("consent_at")
        lines.append(
            ctx._("- Persetujuan: diberikan {when}").format(when=ctx.i18n.datetime(consent))
            if consent
            else ctx._("- Persetujuan: belum diberikan (pesan Anda tidak disimpan)")
        )
        if data.get("display_name"):
            lines.append(ctx._("- Nama: {name}").format(name=data["display_name"]))
        lines.append(
            ctx._("- Pesan tersimpan: {count}").format(count=data.get("messages_with_text", 0))
        )
        for label, value in data.get("extra", []):
            lines.append(f"- {label}: {value}")
        views = data.get("views", [])
        if views:
            lines.append(ctx._("Petugas yang membuka data kasus Anda:"))
            lines.extend(
                ctx._("- {reference}: {officer}, {centre}, {when}").format(
                    reference=reference,
                    officer=officer,
                    centre=centre,
                    when=ctx.i18n.datetime(at),
                )
                for reference, officer, centre, at in views[:20]
            )
        return Outbound(
            "\n".join(lines), buttons=(Button(ctx._("Hapus data saya"), "/hapus"), menu_button(ctx))
        )

    @staticmethod
    def _ask_delete(ctx: HandlerContext) -> Outbound:
        """Ask for confirmation before deleting."""
        return Outbound(
            ctx._(
                "Yakin ingin menghapus semua data Anda? Riwayat percakapan dan data pertanyaan "
                "Anda akan dihapus dan tidak bisa dikembalikan."
            ),
            buttons=(
                Button(ctx._("Ya, hapus"), "hapus:ya"),
                Button(ctx._("Batal"), "hapus:batal"),
            ),
        )

    async def _confirm(self, command: str | None, text: str, ctx: HandlerContext) -> Reply | None:
        """Delete on 'yes', keep on 'no'; anything else repeats the question once."""
        if command == "hapus:ya" or (
            command is None and text in {"ya", "iya", "y", "yes", "ya hapus"}
        ):
            await ctx.store.erase_contact(ctx.contact.id)
            done = Outbound(
                ctx._("Data Anda sudah dihapus. Anda tetap bisa bertanya kapan saja."),
                buttons=(menu_button(ctx),),
            )
            return Reply([done], state=None, slots={}, forget_contact=True)
        if command == "hapus:batal" or (
            command is None and text in {"tidak", "batal", "no", "gak", "ga"}
        ):
            return Reply([main_menu(ctx, ctx._("Baik, data Anda tidak dihapus."))], state=None)
        if (command and command.startswith("/")) or command == "menu":
            return None  # another command: let the rest of the pipeline take it
        return Reply([self._ask_delete(ctx)], state=CONFIRM_DELETE)
