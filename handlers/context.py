"""PTB's custom context types: handlers reach the services as ``context.services``, typed.

``BotData`` replaces the default ``bot_data`` dict; the application factory installs the services
into it once, before the first update (``bot.runtime.app.build_application``).
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, JobQueue

from bot.usecases.services import Services


class ServicesMissingError(RuntimeError):
    """A handler ran in an application built without ``build_application``."""


class BotData:
    """The application-wide data: the shared services and nothing else."""

    def __init__(self) -> None:
        self._services: Services | None = None

    @property
    def services(self) -> Services:
        """The services installed by the application factory."""
        if self._services is None:
            raise ServicesMissingError(
                "no services installed; build the bot with build_application"
            )
        return self._services

    def install(self, services: Services) -> None:
        """Make ``services`` the application's services (once, while building it)."""
        self._services = services


class BotContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]):
    """The context every handler and job receives."""

    @property
    def services(self) -> Services:
        """The application's shared services: settings, store, classifier, keys, clock."""
        return self.bot_data.services


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=BotData)
"""Passed to the ``ApplicationBuilder`` so PTB creates ``BotContext`` and ``BotData``."""

App = Application[
    ExtBot[Any], BotContext, dict[Any, Any], dict[Any, Any], BotData, JobQueue[BotContext]
]
"""The application type with our context types."""
