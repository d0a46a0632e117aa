"""``fingertip classify --export``: every message of one exported chat, decided in context."""

from __future__ import annotations

import secrets
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.core.apps import AppAuditor, app_label_hit, app_names, load_catalogue
from bot.core.apps.recognise import shared_recogniser
from bot.core.apps.trail import AppTrail
from bot.core.classifier import Classifier
from bot.core.context import ContextMessage, Conversation, InContext
from bot.core.observation import IncomingMessage, SenderHasher
from bot.sources.telegram_export import ExportedMessage, read_chat
from bot.usecases.audit import to_incoming
from bot.usecases.context import exported_context_message

_UTC = ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class DecidedMessage:
    """One exported message and its labels decided in context."""

    message_id: int
    decided: InContext
    apps: tuple[str, ...]
    """The apps the message demands something in (burdens, not form platforms)."""


def classify_export(
    export: Path, chat: str | None, classifier: Classifier
) -> Iterator[DecidedMessage]:
    """Decide every ordinary message of one chat of ``export`` in file order.

    Senders become pseudonyms under a key made for this run alone and never written anywhere.
    Raises ``ExportError`` when the export or chat cannot be read.
    """
    summary, messages = read_chat(export, chat, _UTC)
    hasher = SenderHasher(secrets.token_bytes(32))
    conversation = Conversation(classifier)
    auditor = AppAuditor(shared_recogniser(load_catalogue()))
    trail = AppTrail()
    # The conversation reads ahead (decide_many classifies in batches); the messages it took
    # wait here, in order, for their decisions.
    waiting: deque[tuple[ExportedMessage, IncomingMessage]] = deque()

    def contexts() -> Iterator[ContextMessage]:
        for message in messages:
            if message.kind != "message":
                continue
            incoming = to_incoming(summary.id, message)
            waiting.append((message, incoming))
            yield exported_context_message(incoming, message, hasher)

    with messages:
        for in_context in conversation.decide_many(contexts()):
            message, incoming = waiting.popleft()
            decided = in_context
            chased = trail.chased(message.reply_to_message_id, message.sent_at)
            demands = auditor(incoming.text, decided.labels, chased)
            app_hit = app_label_hit(incoming.text, decided.labels, demands)
            if app_hit is not None:
                decided = replace(
                    decided, labels=decided.labels | {app_hit.label}, hits=(*decided.hits, app_hit)
                )
            trail.remember(message.id, message.sent_at, demands)
            if demands:
                auditor = auditor.learning(demands)
            yield DecidedMessage(message.id, decided, tuple(app_names(demands)))
