"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live_server.

Playwright's own browser download cannot work on the project's machines, so the tests launch
/usr/bin/chromium. Without it they skip with the reason (and fail when CI=true).
"""

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connections

from ..conftest import require_service

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"


@pytest.fixture
def _async_unsafe(monkeypatch):
    # Playwright's sync API keeps an asyncio loop in this thread, so Django would refuse the ORM
    # calls the test makes (seeding, checks, the database flush). Only these tests opt out.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser(_async_unsafe, transactional_db, live_server) -> Iterator:
    """One Chromium per test; set up after the database, so it closes before the flush."""
    require_service(shutil.which(CHROMIUM) is not None,
                    f"needs Debian's Chromium at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
            # The test's ORM calls made while Playwright runs hold their own connection, which
            # pytest-django never closes; left open, PostgreSQL refuses to drop the test database.
            connections.close_all()


@pytest.fixture
def shot() -> Callable:
    """Save a full-page screenshot of a step into test-artifacts/e2e/ (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()

    def save(page, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return save
