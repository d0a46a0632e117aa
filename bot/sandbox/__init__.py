"""A local double of the Telegram Bot API for end-to-end tests and demos.

``Sandbox`` simulates users, groups and messages; ``SandboxServer`` serves it over HTTP on
127.0.0.1 so the real python-telegram-bot ``Application`` can talk to it.
"""

from bot.sandbox.clock import ManualClock
from bot.sandbox.errors import BotApiError, SandboxUsageError
from bot.sandbox.params import UploadedFile
from bot.sandbox.records import (
    GROUP_ANONYMOUS_BOT_ID,
    CallbackAnswer,
    RateLimit,
    RecordedCall,
    SentMessage,
    StoredFile,
)
from bot.sandbox.sandbox import Sandbox
from bot.sandbox.server import SandboxServer
from bot.sandbox.webhook import SECRET_HEADER

__all__ = [
    "GROUP_ANONYMOUS_BOT_ID",
    "SECRET_HEADER",
    "BotApiError",
    "CallbackAnswer",
    "ManualClock",
    "RateLimit",
    "RecordedCall",
    "Sandbox",
    "SandboxServer",
    "SandboxUsageError",
    "SentMessage",
    "StoredFile",
    "UploadedFile",
]
