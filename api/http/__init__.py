"""The HTTP API (FastAPI): app factory in ``app.py``, auth and scoping in ``deps.py``."""
