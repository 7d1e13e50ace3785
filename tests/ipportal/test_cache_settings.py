"""The cache every process shares (the review queue's counts: written by a worker, read by the
pages): Redis when there is one, the embedded worker's folder in embedded mode, memory otherwise.
Settings are read once per process, so each case runs in a process of its own."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CODE = "import json, django; django.setup(); from django.conf import settings; print(json.dumps(settings.CACHES))"


def _caches(tmp_path, **env) -> dict:
    base = {k: v for k, v in os.environ.items()
            if k not in {"CELERY_BROKER_URL", "REDIS_URL", "EMBEDDED_WORKER", "EMBEDDED_WORKER_DIR"}}
    done = subprocess.run([sys.executable, "-c", CODE], cwd=REPO, capture_output=True, text=True, timeout=60,
                          env={**base, "DJANGO_SETTINGS_MODULE": "ipportal.settings",
                               "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                               "EMBEDDED_WORKER_DIR": str(tmp_path / "embedded"), **env})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["default"]


@pytest.mark.parametrize("env,backend,location", [
    ({"CELERY_BROKER_URL": "redis://127.0.0.1:6379/4"}, "redis.RedisCache", "redis://127.0.0.1:6379/4"),
    ({"CELERY_BROKER_URL": "redis://127.0.0.1:6379/4", "REDIS_URL": "redis://cache.internal:6379/1"},
     "redis.RedisCache", "redis://cache.internal:6379/1"),
    ({"EMBEDDED_WORKER": "1"}, "filebased.FileBasedCache", "embedded/cache"),
    ({}, "locmem.LocMemCache", None),
])
def test_the_cache_is_shared_by_every_process_that_reads_it(tmp_path, env, backend, location):
    cache = _caches(tmp_path, **env)
    assert cache["BACKEND"] == f"django.core.cache.backends.{backend}"
    if location is None:
        assert "LOCATION" not in cache
    else:
        assert cache["LOCATION"].endswith(location)
