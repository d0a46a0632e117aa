"""Count group messages into the store; hold them during a store outage (see ``outage``)."""

from __future__ import annotations

from bot.core.observation import IncomingMessage, observe
from bot.usecases.outage import Ping
from bot.usecases.services import Services
from storage.base import IngestResult, StoreError


async def count_message(services: Services, message: IncomingMessage) -> None:
    """Count one group message, or hold it while the store is unreachable."""
    outage = services.outage
    if outage.active:  # keep arrival order: nothing overtakes the queue
        outage.hold(message, services.metrics)
        return
    try:
        await _count(services, message)
    except StoreError as error:
        outage.begin(
            error, lambda held: _count(services, held), _pinger(services), services.metrics
        )
        outage.hold(message, services.metrics)


def _pinger(services: Services) -> Ping:
    """Ask whichever store the services hold at the time (tests swap it)."""

    async def ping() -> bool:
        try:
            return await services.store.ping()
        except StoreError:
            return False

    return ping


async def _count(services: Services, message: IncomingMessage) -> None:
    group = await services.group(message.group_id)
    if not group.active:
        return
    working_time = await services.working_time(message.group_id)
    observation = observe(message, services.classifier, working_time, services.hasher)
    result = await services.store.ingest(observation)
    services.metrics.messages.labels(result.name.lower()).inc()
    if result is not IngestResult.DUPLICATE:
        for label in observation.labels:
            services.metrics.labels.labels(label.value, str(observation.exempt).lower()).inc()
