"""The demo accounts ``seed_demo`` creates, defined once. Scripts that sign in as the demo user
(the API fuzzer, the abuse suite) import them too, so this module imports nothing from Django."""

DEMO_PASSWORD = "ublog-demo-password"
# Members only: the demo accounts are not staff (`make superuser` makes an admin).
DEMO_USERS = [("ada@example.com", "Ada"), ("linus@example.com", "Linus")]
DEMO_EMAIL = DEMO_USERS[0][0]
