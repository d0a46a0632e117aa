"""A conversation read in order: the classifier, then context, then the state moves on."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from bot.core.classifier import Classification, Classifier
from bot.core.context.decide import decide
from bot.core.context.model import ContextMessage, ConversationState, InContext
from bot.core.context.state import advance

# Messages classified together by decide_many: a message's own words do not depend on the
# state, so they can be read ahead of the decisions, which stay in order.
_READ_AHEAD = 256


class Conversation:
    """Decides the messages of one group in order, keeping the state in memory (audit, CLI)."""

    def __init__(self, classifier: Classifier, state: ConversationState | None = None) -> None:
        self._classifier = classifier
        self.state = state or ConversationState()

    def decide(self, message: ContextMessage) -> InContext:
        """Decide ``message`` in context and remember it for the messages that follow."""
        own, folded = self._classifier.classify_folded(message.text)
        return self._decide(message, own, folded)

    def decide_classified(
        self, message: ContextMessage, own: Classification, folded: str
    ) -> InContext:
        """:meth:`decide` with the message's own classification and folded text already made
        (``Classifier.classify_folded``, e.g. in another process): the same result."""
        return self._decide(message, own, folded)

    def decide_many(self, messages: Iterable[ContextMessage]) -> Iterator[InContext]:
        """:meth:`decide` every message in order (same results), classifying them in batches."""
        pending = iter(messages)
        while chunk := list(islice(pending, _READ_AHEAD)):
            read = self._classifier.classify_many([message.text for message in chunk])
            for message, (own, folded) in zip(chunk, read, strict=True):
                yield self._decide(message, own, folded)

    def _decide(self, message: ContextMessage, own: Classification, folded: str) -> InContext:
        decided = decide(message, own, self.state, folded)
        self.state = advance(self.state, message, decided)
        return decided
