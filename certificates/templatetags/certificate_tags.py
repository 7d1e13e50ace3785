"""The certificate a case relies on, for pages of higher apps (the reviewer's case page, the
seller's notice): `{% load certificate_tags %}{% case_certificate case audience="reviewer" %}`."""

from django import template

from ..selectors import certificate_for_case
from ..verification import certificate_check

register = template.Library()


@register.inclusion_tag("certificates/_case_certificate.html")
def case_certificate(case, audience: str = "reviewer"):
    cert = certificate_for_case(case)
    state = certificate_check(cert) if cert is not None and audience == "reviewer" else None
    return {"cert": cert, "state": state, "audience": audience,
            "held_by_reporter": cert is not None and cert.brand_id == case.right.brand_id}
