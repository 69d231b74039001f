# migrasi-aman web service: web chat, Telegram and WhatsApp webhooks, outbox sender.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MIGRASI_HOST=0.0.0.0 \
    MIGRASI_PORT=8080 \
    MIGRASI_DATABASE_URL=sqlite+aiosqlite:////data/migrasi-aman.db

RUN useradd --create-home --uid 10001 migrasi \
    && mkdir -p /data \
    && chown migrasi:migrasi /data

WORKDIR /src
COPY . .
# `pip install .` runs the hatch build hook, which compiles the translations into the image.
RUN pip install . && rm -rf /src

USER migrasi
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080

# The app migrates the database in its lifespan, so start-up is the only step.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('MIGRASI_PORT', '8080'), timeout=4)" || exit 1

CMD ["migrasi-aman", "serve"]
