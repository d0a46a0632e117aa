"""A conversation read in order: the classifier, then context, then the state moves on."""

from __future__ import annotations

from bot.core.classifier import Classifier
from bot.core.context.decide import decide
from bot.core.context.model import ContextMessage, ConversationState, InContext
from bot.core.context.state import advance


class Conversation:
    """Decides the messages of one group in order, keeping the state in memory (audit, CLI)."""

    def __init__(self, classifier: Classifier, state: ConversationState | None = None) -> None:
        self._classifier = classifier
        self.state = state or ConversationState()

    def decide(self, message: ContextMessage) -> InContext:
        """Decide ``message`` in context and remember it for the messages that follow."""
        own = self._classifier.classify(message.text)
        folded = self._classifier.normalise(message.text)
        decided = decide(message, own, self.state, folded)
        self.state = advance(self.state, message, decided)
        return decided
