"""Two registrations of one work at the same moment: exactly one wins, the log holds one leaf."""

import threading

import pytest
from django.db import connections

from certificates.models import Certificate, LogNode, TreeHead
from certificates.services import RegistrationRefused
from certificates.verification import log_verify
from tests.certificates.conftest import register
from tests.certificates.samples import edits, encode, picture, png


def _race(world, payloads):
    barrier = threading.Barrier(len(payloads))
    results: list = [None] * len(payloads)

    def run(i, brand, user, data):
        try:
            barrier.wait(timeout=10)
            results[i] = register(world, data, brand=brand, by=user, title=f"Racer {i}")
        except RegistrationRefused as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, *p)) for i, p in enumerate(payloads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("copy", ["same_bytes", "near_copy"])
def test_exactly_one_of_two_concurrent_registrations_wins(require_postgres, world, copy):
    original = png(11)
    other = original if copy == "same_bytes" else encode(edits(picture(11))["resized_50"], "JPEG", quality=85)
    results = _race(world, [(world.brand_a, world.alice, original), (world.brand_b, world.bob, other)])
    won = [r for r in results if isinstance(r, Certificate)]
    lost = [r for r in results if isinstance(r, RegistrationRefused)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].match.certificate.pk == won[0].pk
    assert Certificate.objects.count() == 1 and TreeHead.objects.count() == 1
    assert LogNode.objects.filter(level=0).count() == 1
    assert log_verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_different_works_get_consecutive_leaves(require_postgres, world):
    results = _race(world, [(world.brand_a, world.alice, png(20 + i)) for i in range(4)])
    assert sorted(r.leaf_index for r in results) == [0, 1, 2, 3]
    assert log_verify().ok
