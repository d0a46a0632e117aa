"""A local double of the Telegram Bot API for end-to-end tests and demos.

``Sandbox`` simulates users, groups and messages; ``SandboxServer`` serves it over HTTP on
127.0.0.1 so the real python-telegram-bot ``Application`` can talk to it.
"""

from bot.demo.sandbox.clock import ManualClock
from bot.demo.sandbox.errors import BotApiError, SandboxUsageError
from bot.demo.sandbox.params import UploadedFile
from bot.demo.sandbox.records import (
    GROUP_ANONYMOUS_BOT_ID,
    CallbackAnswer,
    RateLimit,
    RecordedCall,
    SentMessage,
    StoredFile,
)
from bot.demo.sandbox.sandbox import Sandbox
from bot.demo.sandbox.server import SandboxServer
from bot.demo.sandbox.webhook import SECRET_HEADER

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
