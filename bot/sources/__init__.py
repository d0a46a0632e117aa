"""Input readers, one module per format (today: Telegram Desktop chat exports)."""
