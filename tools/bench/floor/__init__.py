"""The floor of a list on this stack: what the bench serves beside μblog's endpoints (urls.py)."""
