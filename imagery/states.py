from .models import ImageStatus

# A failed fetch is retried (backoff, imagery.services.images_retry_due): failed -> ready when it works.
IMAGE_TRANSITIONS = {
    ImageStatus.PENDING: frozenset({ImageStatus.READY, ImageStatus.FAILED}),
    ImageStatus.FAILED: frozenset({ImageStatus.READY}),
    ImageStatus.READY: frozenset(),
}
