"""Logging for the live bot: our own lines, and third-party lines kept quiet where they would
leak a secret or time what members do."""

from __future__ import annotations

import logging

QUIET_LOGGERS = {
    # httpx logs every request URL, and the URL contains the bot token.
    "httpx": logging.WARNING,
    # The scheduler logs each job it adds: the flag dialogue's time-out job would time-stamp
    # every step a member takes in it.
    "apscheduler": logging.WARNING,
    # aiohttp's access log writes a line per webhook request, i.e. per group message: it would
    # time-stamp what members say (and formatting it costs more than a message's Redis work).
    "aiohttp.access": logging.WARNING,
}


def quiet_third_party() -> None:
    """Raise the level of the loggers in ``QUIET_LOGGERS``."""
    for name, level in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(level)


def configure_logging() -> None:
    """INFO lines with a time stamp to stderr, third-party loggers quieted."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    quiet_third_party()
