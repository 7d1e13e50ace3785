from .models import DeliveryStatus as D
from .models import EndpointStatus as E

# Webhook deliveries: an attempt that fails but may be retried leaves the row pending (attempts
# are counters on the row, see webhooks/services.py); 2xx delivers; 410, giving up after
# the retry window, or a disabled endpoint fails; a person may redeliver either end state.
DELIVERY_TRANSITIONS: dict[str, frozenset[str]] = {
    D.PENDING: frozenset({D.DELIVERED, D.FAILED}),
    D.DELIVERED: frozenset({D.PENDING}),
    D.FAILED: frozenset({D.PENDING}),
}


# Webhook endpoints: the marketplace disables and re-enables; a 410 Gone answer disables.
ENDPOINT_TRANSITIONS: dict[str, frozenset[str]] = {
    E.ENABLED: frozenset({E.DISABLED}),
    E.DISABLED: frozenset({E.ENABLED}),
}
