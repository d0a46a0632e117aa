"""What the bot and the command line both do: load digests, run an audit, apply settings."""
