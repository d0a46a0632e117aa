"""The pure domain, free of Telegram and Redis: labels, working time, observations, aggregates,
thresholds, the weekly digest and the burden classifier."""
