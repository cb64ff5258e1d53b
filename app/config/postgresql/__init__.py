"""Django's PostgreSQL backend, retrying new connections for a while (``ENGINE`` of the default
database when ``DATABASE_URL`` is a PostgreSQL URL)."""
