# μblog's image: one file, two targets (docs/docker.md).
#   docker build -t ublog .                 production (the last stage, the default): gunicorn
#   docker build --target dev -t ublog-dev . development: dev dependencies, runserver, source mounted
# Builds with BuildKit and with the classic builder (no RUN --mount, no `# syntax=` line).
# The same image runs the four processes: web (the default command), the Celery worker and beat,
# and migrations; docker-compose.yml shows each command.

# Any Debian bookworm image with Python 3.11 (.python-version) and python3 -m venv will do; CI on
# a machine without a registry passes one made by debootstrap (tools/docker_engine.py).
ARG BASE_IMAGE=python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH
# The repo lives at /app; manage.py and the config package at /app/app.
WORKDIR /app/app

# --- dependencies: only the requirements files, so a code change reuses this layer ---------------
FROM base AS deps
COPY requirements.txt /tmp/requirements.txt
RUN python3 -m venv /opt/venv \
    && pip install --no-cache-dir -r /tmp/requirements.txt

# --- dev: the compose dev loop mounts the repo on /app and runs runserver with reload -------------
FROM deps AS dev
COPY requirements_dev.txt /tmp/requirements_dev.txt
RUN pip install --no-cache-dir -r /tmp/requirements_dev.txt
# The user's uid/gid match the host's (compose passes them), so files written on the mounted
# source belong to the developer.
ARG UID=1000
ARG GID=1000
RUN groupadd --gid "${GID}" ublog \
    && useradd --uid "${UID}" --gid ublog --create-home --shell /bin/bash ublog \
    && mkdir -p /app/media \
    && chown ublog:ublog /app/media
COPY --chown=ublog:ublog . /app
USER ${UID}:${GID}
ENV DJANGO_SETTINGS_MODULE=config.settings.local
EXPOSE 8000
CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]

# --- production: the last stage, so a plain `docker build` makes it ------------------------------
FROM base AS production
RUN groupadd --gid 10001 ublog \
    && useradd --uid 10001 --gid ublog --home-dir /app --no-create-home --shell /usr/sbin/nologin ublog \
    && mkdir -p /app/media \
    && chown ublog:ublog /app/media
COPY --from=deps /opt/venv /opt/venv
# The code belongs to root: the server can read it, never rewrite it. Uploads go to /app/media
# (a volume in compose; S3 in a real deployment).
COPY app /app/app
COPY docker/healthcheck.py /app/docker/healthcheck.py
ENV DJANGO_SETTINGS_MODULE=config.settings.production \
    PORT=8000 \
    GUNICORN_WORKERS=2 \
    GUNICORN_THREADS=4
# Static files are gathered and compressed once, here; whitenoise serves them. Production
# settings demand a real SECRET_KEY, so the build passes a throwaway one for this command only.
RUN SECRET_KEY="collectstatic-at-build-time-only-$(python3 -c 'import secrets; print(secrets.token_hex(32))')" \
    python manage.py collectstatic --noinput --verbosity 0
USER 10001:10001
EXPOSE 8000
# /healthz answers for any Host header (engines and load balancers call it by IP address).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["python", "/app/docker/healthcheck.py"]
# gunicorn is PID 1 and stops gracefully on SIGTERM (docker stop): in-flight requests finish
# within graceful_timeout, then it exits 0. Settings: app/config/gunicorn.py.
STOPSIGNAL SIGTERM
CMD ["gunicorn", "--config", "python:config.gunicorn", "config.wsgi"]
