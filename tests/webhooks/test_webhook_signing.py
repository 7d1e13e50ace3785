"""Standard Webhooks signatures: the published vector, rotation, and what a receiver rejects."""

import pytest

from webhooks.signing import SignatureError, secret_generate, sign, signature_header, verify

# The Standard Webhooks reference vector: receivers' libraries accept what reproduces it.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID, TIMESTAMP, BODY = "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def _headers(signature, msg_id=MSG_ID, timestamp=TIMESTAMP):
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp), "webhook-signature": signature}


def test_it_reproduces_the_published_test_vector():
    assert sign(secret=SECRET, msg_id=MSG_ID, timestamp=TIMESTAMP, body=BODY) == EXPECTED


def test_the_vector_verifies_and_the_prefix_is_optional():
    verify(secret=SECRET, headers=_headers(EXPECTED), body=BODY, now=TIMESTAMP)
    assert sign(secret=SECRET.removeprefix("whsec_"), msg_id=MSG_ID, timestamp=TIMESTAMP, body=BODY) == EXPECTED


def test_during_rotation_both_signatures_are_sent_and_each_secret_verifies():
    new = secret_generate()
    header = signature_header(secrets=[new, SECRET], msg_id=MSG_ID, timestamp=TIMESTAMP, body=BODY)
    first, second = header.split(" ")
    assert second == EXPECTED and first.startswith("v1,") and first != second
    verify(secret=new, headers=_headers(header), body=BODY, now=TIMESTAMP)
    verify(secret=SECRET, headers=_headers(header), body=BODY, now=TIMESTAMP)
    with pytest.raises(SignatureError):
        verify(secret=secret_generate(), headers=_headers(header), body=BODY, now=TIMESTAMP)


@pytest.mark.parametrize("body,headers,now,why", [
    (b'{"test": 2432232315}', _headers(EXPECTED), TIMESTAMP, "no matching signature"),
    (BODY, _headers(EXPECTED, msg_id="msg_other"), TIMESTAMP, "no matching signature"),
    (BODY, _headers(EXPECTED), TIMESTAMP + 301, "timestamp outside"),
    (BODY, {"webhook-id": MSG_ID, "webhook-signature": EXPECTED}, TIMESTAMP, "missing or malformed"),
], ids=["tampered-body", "other-id", "replayed-late", "no-timestamp"])
def test_a_receiver_rejects(body, headers, now, why):
    with pytest.raises(SignatureError, match=why):
        verify(secret=SECRET, headers=headers, body=body, now=now)


def test_generated_secrets_are_distinct_standard_webhooks_secrets():
    a, b = secret_generate(), secret_generate()
    assert a != b and a.startswith("whsec_") and len(a) == len("whsec_") + 44
