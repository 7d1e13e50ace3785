import pytest


@pytest.fixture(autouse=True)
def _fresh_matcher():
    """Each test's database is rolled back under the process's cached automaton: forget it."""
    from monitoring.matcher import matcher_forget

    matcher_forget()
    yield
    matcher_forget()
