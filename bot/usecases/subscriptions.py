"""A leader's subscriptions: stop every digest and roll-up they receive."""

from __future__ import annotations

from bot.usecases.services import Services


async def unsubscribe_everywhere(found: Services, user_id: int) -> int:
    """Stop every group digest and unit roll-up ``user_id`` receives; return how many there
    were (0 when they received none, and then nothing is written)."""
    stopped = 0
    for group_id in await found.store.groups():
        group = await found.group(group_id)
        if user_id in group.digest_recipients:
            remaining = [r for r in group.digest_recipients if r != user_id]
            await found.save_group(
                group_id, group.model_copy(update={"digest_recipients": remaining})
            )
            stopped += 1
    return stopped + await found.store.unsubscribe_units(user_id)
