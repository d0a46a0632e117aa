"""Telegram handlers: one module per feature, each exposing ``register(app)``."""
