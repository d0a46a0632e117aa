"""Conversation context: labels decided as a member of the group reads a message.

:func:`decide` turns a message's own classification into its labels in context, using a bounded
:class:`ConversationState`; :func:`advance` moves the state on. Both are pure, so the live bot
(state in the store) and ``fingertip audit`` (state in memory, file order) decide alike.
"""

from __future__ import annotations

from bot.core.context.conversation import Conversation
from bot.core.context.decide import decide
from bot.core.context.model import (
    Attachment,
    ContextMessage,
    ConversationState,
    Demand,
    InContext,
    Seen,
    SenderHistory,
)
from bot.core.context.state import advance, state_from_dict

__all__ = [
    "Attachment",
    "ContextMessage",
    "Conversation",
    "ConversationState",
    "Demand",
    "InContext",
    "Seen",
    "SenderHistory",
    "advance",
    "decide",
    "state_from_dict",
]
