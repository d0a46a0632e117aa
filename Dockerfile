# Fingertip: the live bot. Long polling by default; behind a reverse proxy or load balancer run
#   fingertip run --webhook https://bot.example.org/telegram --listen 0.0.0.0 --port 8080
# (--listen 0.0.0.0: the proxy reaches the container from outside it). With no
# FINGERTIP_REDIS_URL the embedded Valkey server persists in the /data volume. The deployment
# secret comes from FINGERTIP_SECRET or FINGERTIP_SECRET_FILE (a mounted secret), never from the
# volume; N workers share one secret and one Redis.

# ---- build: the locked dependencies (exact versions and hashes) in a virtualenv of their own
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PATH=/opt/fingertip/bin:$PATH
RUN python -m venv /opt/fingertip
WORKDIR /src
# Dependencies first, in their own layer: a source change does not reinstall them. The same
# two steps as .ci/run: the lock file, then the project itself without resolving anything.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN pip install --no-deps . \
    && pip check

# ---- run: slim, non-root, the virtualenv only
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/fingertip/bin:$PATH \
    FINGERTIP_DATA_DIR=/data
# The CJK font renders Chinese labels in the digest charts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/fingertip /opt/fingertip
RUN useradd --system --create-home --uid 10001 fingertip \
    && mkdir -p /data \
    && chown fingertip /data \
    && chmod 0700 /data
USER 10001
WORKDIR /home/fingertip
VOLUME ["/data"]
EXPOSE 8080
# /healthz answers on the --metrics-port listener (and on the webhook listener in webhook mode).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status != 200)"]
ENTRYPOINT ["fingertip"]
CMD ["run", "--metrics-port", "8080", "--listen", "0.0.0.0"]
