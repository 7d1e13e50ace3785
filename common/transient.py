from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

# Worth another try with backoff; anything else is recorded as a final failure at once.
# A soft time limit counts as transient: a slow moment should not need a person to press retry.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError, SoftTimeLimitExceeded)
