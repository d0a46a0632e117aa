"""Configuration: deployment settings, per-group settings and the secrets kept outside Redis."""
