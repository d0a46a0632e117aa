"""Shared test helpers: the local Bot API double's fixtures, update builders, Redis fixtures."""
