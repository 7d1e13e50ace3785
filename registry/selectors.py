from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Brand, BrandMember, IPRight


def brands_for_user(*, user) -> QuerySet[Brand]:
    """Brands the user may act for: admin members, and agents whose authorization has not ended."""
    today = timezone.localdate()
    return Brand.objects.filter(
        Q(members__user=user)
        & (Q(members__authorized_until__isnull=True) | Q(members__authorized_until__gte=today))
    ).distinct()


def rights_for_user(*, user) -> QuerySet[IPRight]:
    return IPRight.objects.filter(brand__in=brands_for_user(user=user)).select_related("brand")


def membership(*, user, brand: Brand) -> BrandMember | None:
    return BrandMember.objects.filter(user=user, brand=brand).first()
