# migrasi-aman web service: web chat, Telegram and WhatsApp webhooks, outbox sender.
# Any Debian-based image with Python 3.11+ and its venv module will do; CI builds on a
# debootstrapped Debian bookworm because it cannot reach a container registry
# (scripts/container_check).
ARG BASE_IMAGE=python:3.11-slim-bookworm
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/migrasi-aman/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    MIGRASI_HOST=0.0.0.0 \
    MIGRASI_PORT=8080 \
    MIGRASI_DATABASE_URL=sqlite+aiosqlite:////data/migrasi-aman.db \
    MIGRASI_MODEL_CACHE=/opt/migrasi-aman/models

RUN groupadd --gid 10001 migrasi \
    && useradd --create-home --uid 10001 --gid 10001 migrasi \
    && mkdir -p /data \
    && chown migrasi:migrasi /data

WORKDIR /src
COPY . .
# A venv, so the same steps work on Debian's own Python (which refuses system-wide pip).
# `pip install .` runs the hatch build hook, which compiles the translations into the image.
# One question trains the models into MIGRASI_MODEL_CACHE at build time (keyed by the content
# hash, read-only at run time), so a container starts in seconds instead of retraining.
RUN python3 -m venv /opt/migrasi-aman \
    && pip install . \
    && migrasi-aman ask "cara kerja ke luar negeri lewat jalur resmi" >/dev/null \
    && rm -rf /src

# Numeric, so an orchestrator can tell it is not root (Kubernetes runAsNonRoot).
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080

# The app migrates the database in its lifespan, so start-up is the only step.
# Exec form: an uncaught error exits 1, which is "unhealthy".
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('MIGRASI_PORT', '8080'), timeout=4)"]

CMD ["migrasi-aman", "serve"]
