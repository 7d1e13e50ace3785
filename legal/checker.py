"""The shipped checker (tools/verify_package.py) loaded as a module: one implementation for the
recipient's script, `manage.py package_verify` and the tests. It stays a standalone script (no
Django, only `cryptography`) because it travels inside every package."""

import importlib.util
from functools import cache

from .packages import CHECKER


@cache
def checker():
    spec = importlib.util.spec_from_file_location("verify_package", CHECKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def package_verify(path: str, public_key: str | None = None) -> tuple[list[str], dict]:
    return checker().verify(path, public_key)
