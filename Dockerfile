# Fingertip: the live bot. Long polling by default; behind a reverse proxy or load balancer run
#   fingertip run --webhook https://bot.example.org/telegram --listen 0.0.0.0 --port 8080
# (--listen 0.0.0.0: the proxy reaches the container from outside it). With no
# FINGERTIP_REDIS_URL the embedded Redis persists in the /data volume; the pseudonym and flag keys
# live there too, so N workers must share them (mount the same /data, or the same *.key files).

# ---- build: wheels for the package and its dependencies (no compiler needed at run time)
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# Dependencies first, in their own layer: a source change does not rebuild them.
COPY pyproject.toml README.md ./
RUN mkdir -p bot handlers storage \
    && pip wheel --wheel-dir /wheels .
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN pip wheel --no-deps --wheel-dir /wheels .

# ---- run: slim, non-root, only the installed wheels
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FINGERTIP_DATA_DIR=/data
# The CJK font renders Chinese labels in the digest chart.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /wheels /wheels
RUN pip install --no-index --find-links=/wheels fingertip-audit \
    && rm -rf /wheels \
    && useradd --system --create-home --uid 10001 fingertip \
    && mkdir -p /data \
    && chown fingertip /data
USER 10001
WORKDIR /home/fingertip
VOLUME ["/data"]
EXPOSE 8080
# /healthz answers in webhook mode (and with --metrics-port 8080 when polling).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status != 200)"]
ENTRYPOINT ["fingertip"]
CMD ["run", "--metrics-port", "8080", "--listen", "0.0.0.0"]
