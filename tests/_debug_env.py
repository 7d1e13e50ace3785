"""Loaded by pytest before Django's settings (`-p tests._debug_env` in pyproject.toml): the tests run
the development configuration, as before DEBUG became off by default. pytest-django still turns
settings.DEBUG off while each test runs; what this keeps are the values derived from DEBUG at start
(plain-http webhooks, no https redirect or secure-only cookies for the test client's http requests).
Subprocesses started by tests inherit it."""

import os

os.environ.setdefault("DEBUG", "1")
