"""A stored one-time link reads back with its creator; one stored before creators were recorded
reads back without one (and the bot then refuses it)."""

from __future__ import annotations

from storage.base import Invite
from storage.invites import decode_invite, encode_invite


def test_links_round_trip_with_their_creator() -> None:
    for invite, as_group in ((Invite(-1002, 7), True), (Invite("城南区/a|b", 7), False)):
        assert decode_invite(encode_invite(invite), as_group=as_group) == invite


def test_a_link_stored_before_creators_were_recorded_has_none() -> None:
    assert decode_invite("-1002", as_group=True) == Invite(-1002, None)
    assert decode_invite("城南区", as_group=False) == Invite("城南区", None)
    assert decode_invite("123", as_group=False) == Invite("123", None)


def test_a_value_of_the_wrong_shape_is_no_link() -> None:
    assert decode_invite('{"s": "城南区", "i": 7}', as_group=True) is None
    assert decode_invite('{"s": -1002, "i": true}', as_group=True) is None
    assert decode_invite("not a group", as_group=True) is None
