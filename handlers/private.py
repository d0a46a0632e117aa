"""Private chat entry points: ``/start`` (with deep-link payloads) and ``/help``."""

from __future__ import annotations

from telegram import Update

from bot.usecases.subscriptions import LinkOutcome, redeem_group_link, unsubscribe_everywhere
from handlers import flags, rollup
from handlers.common import (
    administers_check,
    command_name,
    group_translator,
    private_translator,
    refused_link_text,
)
from handlers.context import BotContext

SUBSCRIBE_PAYLOAD = "sub_"
PRIVATE_COMMANDS = ("overview", "unsubscribe")
"""The commands about the sender's own subscriptions (``in_group`` answers them in a group)."""


def help_text(context: BotContext, update: Update) -> str:
    """What Fingertip does and how to use it, in the user's language."""
    _ = private_translator(context, update.effective_user)
    return _(
        "Fingertip measures the digital workload that work groups push onto their members: "
        "after-hours tasks, screenshot and photo proof, forms and data, acknowledgement chains, "
        "app check-ins and urgent deadlines. It keeps weekly counts, not chat logs.\n"
        "/flag: flag a burden anonymously (in a private chat).\n"
        "Admins: /settings, /set, /subscribe, /digest, /erase.\n"
        "Leaders: /overview shows last week across the groups whose digest you receive."
    )


async def help_command(update: Update, context: BotContext) -> None:
    """/help."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(help_text(context, update))


async def start(update: Update, context: BotContext) -> None:
    """/start, /start sub_<token>, and a broken /start flag_… link."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    payload = context.args[0] if context.args else ""
    _ = private_translator(context, user)
    if payload.startswith(flags.FLAG_PAYLOAD):
        # A well-formed flag link starts the flag dialogue (``handlers.flags``) before this.
        await message.reply_text(_("This link is broken; send /flag in your group again."))
    elif payload.startswith(rollup.UNIT_PAYLOAD):
        await rollup.redeem(update, context, payload.removeprefix(rollup.UNIT_PAYLOAD))
    elif payload.startswith(SUBSCRIBE_PAYLOAD):
        token, check = payload.removeprefix(SUBSCRIBE_PAYLOAD), administers_check(context)
        done = await redeem_group_link(context.services, token, user.id, check)
        if done.outcome is LinkOutcome.SUBSCRIBED:
            await message.reply_text(
                _("You will receive the weekly digest of {group}.", group=done.name)
            )
        else:
            await message.reply_text(refused_link_text(_, done.outcome))
    else:
        await message.reply_text(help_text(context, update))


async def unsubscribe(update: Update, context: BotContext) -> None:
    """/unsubscribe: stop receiving every digest this user subscribed to."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    stopped = await unsubscribe_everywhere(context.services, user.id)
    _ = private_translator(context, user)
    if stopped == 0:
        await message.reply_text(
            _(
                "You were not subscribed to any digest. To receive one, ask an admin of the "
                "work group to send /subscribe there and open the link it gives."
            )
        )
        return
    if stopped == 1:
        await message.reply_text(_("You will no longer receive the digest you subscribed to."))
        return
    await message.reply_text(_("You will no longer receive {count} digests.", count=stopped))


async def in_group(update: Update, context: BotContext) -> None:
    """A private command sent in a group: say where it works (not silence)."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    _ = await group_translator(context, chat)
    await message.reply_text(
        _(
            "{command} works in a private chat with me: open @{bot} and send it there.",
            command=command_name(message),
            bot=context.bot.username,
        )
    )
