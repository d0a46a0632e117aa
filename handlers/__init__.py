"""Telegram handlers: one module per feature, thin; all registered in ``handlers.registry``."""
