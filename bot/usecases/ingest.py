"""Ingest one live group message: decided in the group's conversation context, then counted."""

from __future__ import annotations

from datetime import timedelta

from bot.core.apps import NO_CHASE, AppAuditor, app_names
from bot.core.apps.trail import chased_in_state
from bot.core.context import ContextMessage, advance, decide
from bot.core.observation import IncomingMessage, Observation, SenderHasher, observe
from bot.core.worktime import WorkingTime
from bot.usecases.read_together import ReadTogether
from storage.base import IngestResult, Store

# A group silent this long starts afresh: its context is about demands no longer open.
CONTEXT_EXPIRY = timedelta(days=30)


async def ingest_message(
    store: Store,
    incoming: IncomingMessage,
    context: ContextMessage,
    reader: ReadTogether,
    working_time: WorkingTime,
    hasher: SenderHasher,
    apps: AppAuditor | None = None,
) -> tuple[Observation, IngestResult]:
    """Decide ``incoming`` in its group's context, count it and move the context on; with
    ``apps``, its app demands are found too, and a demand naming no app that replies to or
    follows an app demand remembered in the context is about that demand's apps. ``reader``
    classifies the message's own words together with the other messages being handled.

    Only a message counted for the first time moves the context: a redelivery or an edit is
    decided against the same state but leaves it as it was, so nothing is counted twice.
    """
    decided = None
    state = None
    chased = NO_CHASE
    if not incoming.is_command:
        state = await store.conversation(incoming.group_id)
        own, folded = await reader.classify_folded(incoming.text)
        decided = decide(context, own, state, folded)
        chased = chased_in_state(state.demands, context.reply_to, context.sent_at)
    observation = observe(
        incoming, reader.classifier, working_time, hasher, decided, apps=apps, chased=chased
    )
    if decided is None or state is None:
        return observation, await store.ingest(observation)
    # The next state goes with the counts in one call, and is kept only if the message is new.
    following = advance(state, context, decided, app_names(observation.apps))
    result = await store.ingest_in_context(
        observation, following, int(CONTEXT_EXPIRY.total_seconds())
    )
    return observation, result
