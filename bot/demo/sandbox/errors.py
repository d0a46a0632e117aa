"""Errors of the Bot API double: API errors sent to the bot, usage errors raised to tests."""

from __future__ import annotations

from typing import Any


class SandboxUsageError(ValueError):
    """A test or demo script drove the sandbox in a way the real Telegram would not allow."""


class BotApiError(Exception):
    """An error answer of the Bot API: becomes ``{"ok": false, "error_code": ..., ...}``."""

    def __init__(
        self, error_code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def to_json(self) -> dict[str, Any]:
        """Return the JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str, parameters: dict[str, Any] | None = None) -> BotApiError:
    """Return a 400 error whose description reads ``Bad Request: <reason>``."""
    return BotApiError(400, f"Bad Request: {reason}", parameters)


def forbidden(reason: str) -> BotApiError:
    """Return a 403 error whose description reads ``Forbidden: <reason>``."""
    return BotApiError(403, f"Forbidden: {reason}")


def unauthorized() -> BotApiError:
    """Return the 401 error Telegram sends for a well-formed but unknown token."""
    return BotApiError(401, "Unauthorized")


def not_found() -> BotApiError:
    """Return the 404 error Telegram sends for an unknown method."""
    return BotApiError(404, "Not Found")


def conflict(reason: str) -> BotApiError:
    """Return a 409 error whose description reads ``Conflict: <reason>``."""
    return BotApiError(409, f"Conflict: {reason}")


def too_many_requests(retry_after: int) -> BotApiError:
    """Return the 429 error with ``parameters.retry_after`` that PTB turns into RetryAfter."""
    return BotApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def missing_parameter(name: str) -> BotApiError:
    """Return the 400 error Telegram sends when a required parameter is absent."""
    return bad_request("message text is empty" if name == "text" else f"{name} is empty")
