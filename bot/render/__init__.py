"""Renderings of a weekly digest: JSON for machines, a terminal report, Telegram HTML."""
