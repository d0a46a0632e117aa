# Fingertip: the live bot (long polling by default; pass `run --webhook URL --listen 0.0.0.0`).
# With no FINGERTIP_REDIS_URL, the embedded Valkey server persists in the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    FINGERTIP_DATA_DIR=/data

# A CJK font so the digest charts can draw Chinese (the bot warns and falls back to English
# chart labels without one).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The locked dependencies first (exact versions and hashes, a cached layer), then the project
# itself without resolving anything.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN pip install --no-deps . \
    && pip check \
    && useradd --system --create-home --uid 10001 fingertip \
    && mkdir -p /data \
    && chown fingertip /data

USER fingertip
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["fingertip"]
CMD ["run"]
