"""Count group messages into the store; hold them during a store outage (see ``outage``)."""

from __future__ import annotations

from bot.core.context import ContextMessage
from bot.core.observation import IncomingMessage
from bot.usecases.ingest import ingest_message
from bot.usecases.outage import HeldMessage, Ping
from bot.usecases.services import Services
from storage.base import IngestResult, StoreError


async def count_message(
    services: Services, message: IncomingMessage, context: ContextMessage
) -> None:
    """Count one group message in its conversation, or hold it while the store is unreachable."""
    outage = services.outage
    held = HeldMessage(message, context)
    if outage.active:  # keep arrival order: nothing overtakes the queue
        outage.hold(held, services.metrics)
        return
    try:
        await _count(services, held)
    except StoreError as error:
        outage.begin(
            error, lambda queued: _count(services, queued), _pinger(services), services.metrics
        )
        outage.hold(held, services.metrics)


def _pinger(services: Services) -> Ping:
    """Ask whichever store the services hold at the time (tests swap it)."""

    async def ping() -> bool:
        try:
            return await services.store.ping()
        except StoreError:
            return False

    return ping


async def _count(services: Services, held: HeldMessage) -> None:
    message = held.incoming
    group = await services.group(message.group_id)
    if not group.active:
        return
    working_time = await services.working_time(message.group_id)
    apps = await services.app_auditor(message.group_id)
    observation, result = await ingest_message(
        services.store,
        message,
        held.context,
        services.reader,
        working_time,
        services.hasher,
        apps,
    )
    if result is IngestResult.NEW:
        services.learn_apps(message.group_id, observation.apps)
    metrics = services.metrics
    metrics.message_ingested(result.name.lower())
    if result is not IngestResult.DUPLICATE:
        for label in observation.labels:
            metrics.label_given(label.value, observation.exempt)
