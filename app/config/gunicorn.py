"""gunicorn settings (`gunicorn --config python:config.gunicorn config.wsgi`) from the environment.

PORT (or GUNICORN_BIND), GUNICORN_WORKERS and GUNICORN_THREADS place and size the server
(.env.example); the image sets 8000, 2 and 4. Logs go to stderr, where engines collect them.
"""

import os

# All interfaces of the container by default; GUNICORN_BIND narrows it (host networking).
bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# docker stop sends SIGTERM, then SIGKILL after the grace period (10 s by default, 30 s in
# compose). gthread workers take all of this on SIGTERM (measured), so it is the usual stop time:
# enough for requests in flight, and an exit 0 well inside docker's default 10.
graceful_timeout = 5
timeout = 30
accesslog = "-"
errorlog = "-"
