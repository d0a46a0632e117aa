"""The demo, the end-to-end playground and the local Telegram Bot API sandbox they run against."""
