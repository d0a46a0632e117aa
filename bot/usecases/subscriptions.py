"""A leader's subscriptions: redeem a one-time link, stop every digest and roll-up received.

A link carries the authority of the administrator who created it, and only while they hold it:
when it is opened, the bot must still be in the group (followed to its supergroup after an
upgrade) and its creator must still administer it, or, for a unit's roll-up, every group of the
unit as it is then. Otherwise a demoted admin, or anyone they passed the link to, could still
subscribe to the digests (which carry the anonymous flags) within the link's 24 hours.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from bot.usecases.rollup import RollupMember, unit_members
from bot.usecases.services import Services
from storage.base import Invite

Administers = Callable[[int, int], Awaitable[bool]]
"""Asks Telegram (or a fresh cache of it) whether a user administers a group:
``administers(group_id, user_id)``."""

MIGRATION_HOPS = 3
"""Upgrades followed from a link's group to the chat that carries its data now."""


class LinkOutcome(Enum):
    """What opening a one-time subscription link did."""

    SUBSCRIBED = "subscribed"
    USED_OR_EXPIRED = "used_or_expired"
    WITHDRAWN = "withdrawn"
    """The link exists but its creator's authority is gone (or the bot left the group)."""


@dataclass(frozen=True, slots=True)
class Redemption:
    """The outcome of a link and, when it subscribed, what to: a group's title or a unit."""

    outcome: LinkOutcome
    name: str = ""


async def first_not_administered(
    members: Sequence[RollupMember], user_id: int, administers: Administers
) -> RollupMember | None:
    """The first group of ``members`` that ``user_id`` does not administer; None when they
    administer all of them."""
    for member in members:
        if not await administers(member.request.group_id, user_id):
            return member
    return None


async def redeem_group_link(
    found: Services, token: str, user_id: int, administers: Administers
) -> Redemption:
    """Subscribe ``user_id`` to the digest of the group behind the one-time ``token``, if its
    creator still administers the group and the bot is still in it."""
    invite = await found.store.redeem_invite(token)
    if invite is None or not isinstance(invite.subject, int):
        return Redemption(LinkOutcome.USED_OR_EXPIRED)
    group_id = await _current_chat(found, invite.subject)
    group = await found.group(group_id)
    if (
        not group.active
        or not await found.joined(group_id)
        or not await _still_entitled(invite, group_id, administers)
    ):
        return Redemption(LinkOutcome.WITHDRAWN)
    if user_id not in group.digest_recipients:
        recipients = [*group.digest_recipients, user_id]
        subscribed = group.model_copy(update={"digest_recipients": recipients})
        await found.save_group(group_id, subscribed)
    return Redemption(LinkOutcome.SUBSCRIBED, group.title or str(group_id))


async def redeem_unit_link(
    found: Services, token: str, user_id: int, administers: Administers
) -> Redemption:
    """Subscribe ``user_id`` to the roll-up of the unit behind the one-time ``token``, if its
    creator still administers every group the unit holds now."""
    invite = await found.store.redeem_unit_invite(token)
    if invite is None or not isinstance(invite.subject, str):
        return Redemption(LinkOutcome.USED_OR_EXPIRED)
    unit, issuer = invite.subject, invite.issuer
    members = await unit_members(found.store, found.settings, unit)
    if (
        issuer is None
        or not members
        or await first_not_administered(members, issuer, administers) is not None
    ):
        return Redemption(LinkOutcome.WITHDRAWN)
    await found.store.subscribe_unit(user_id, unit)
    return Redemption(LinkOutcome.SUBSCRIBED, unit)


async def _current_chat(found: Services, group_id: int) -> int:
    """``group_id``, or the supergroup it was upgraded to (and so on, a few times)."""
    for _ in range(MIGRATION_HOPS):
        successor = (await found.group(group_id)).migrated_to
        if successor is None:
            break
        group_id = successor
    return group_id


async def _still_entitled(invite: Invite, group_id: int, administers: Administers) -> bool:
    return invite.issuer is not None and await administers(group_id, invite.issuer)


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
