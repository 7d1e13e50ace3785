"""Every main page of every role, on the demo data (`seed_demo`), for the layout and axe checks.

`main_pages(role)` answers (name, path) pairs read from the seeded rows, so the list follows the
demo instead of hard-coded ids. `measure(page)` and `axe_violations(page)` do the checks.
"""

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

# seller2 has the counter-notice, seller3 the suspension; seller1's pages are the same pages.
ROLES = ["anonymous", "rights1", "rights3", "reviewer1", "senior1", "seller2", "seller3", "marketplace"]


def _anonymous() -> list[tuple[str, str]]:
    return [("login", "/accounts/login/"), ("help", "/help/"), ("help-page", "/help/after-filing/"),
            ("help-sellers", "/help/sellers/"), ("help-counter-notice", "/help/sellers/counter-notice/"),
            ("help-counter-notices", "/help/counter-notices/"),
            ("transparency", "/transparency/"), ("verify-certificate", "/certificates/verify/"),
            ("not-found", "/no-such-page/")]


LONG_URL = "https://evidence.example/" + "/".join(["a-very-long-path-segment-of-the-evidence"] * 8) + "?id=1"
HOSTILE = (f"See {LONG_URL} and <script>window.__xss = 1</script> "
           + "Supercalifragilisticexpialidocious" * 6 + " <a href=javascript:alert(1)>x</a>")


def hostile_report(username: str):
    """A report whose explanation has a 330-character URL, a 200-character word and markup."""
    from accounts.models import User
    from complaints.models import InfringementType, ReporterCapacity
    from complaints.services import report_submit
    from listings.models import Listing
    from registry.models import Brand, RightKind, RightStatus

    user = User.objects.get(username=username)
    brand = Brand.objects.filter(members__user=user).order_by("pk").first()
    right = brand.rights.filter(kind=RightKind.TRADEMARK, status=RightStatus.VERIFIED).order_by("pk").first()
    listing = Listing.objects.exclude(cases__right=right).order_by("pk").first()
    return report_submit(
        reporter=user, brand=brand, right=right, capacity=ReporterCapacity.OWNER,
        infringement_type=InfringementType.COUNTERFEIT, details={"where_on_listing": ["title"]},
        explanation=HOSTILE, contact_email=user.email, signature=user.get_full_name() or username,
        listings=[listing], declarations={"good_faith": True, "accurate": True, "authority": True})


def _rights_holder(username: str) -> list[tuple[str, str]]:
    from complaints.models import Case, Report
    from registry.models import Brand, IPRight

    brand = Brand.objects.filter(members__user__username=username).order_by("pk").first()
    hostile = hostile_report(username)
    report = Report.objects.filter(brand=brand).order_by("-cases__appeals__pk", "pk").first()
    case = Case.objects.filter(report__brand=brand).order_by("-decisions__pk").first()
    right = IPRight.objects.filter(brand=brand).order_by("pk").first()
    pages = [("home", "/"), ("reports", "/reports/"), ("new-report", "/reports/new/"),
             ("report-trademark", "/reports/new/trademark/"), ("report-copyright", "/reports/new/copyright/"),
             ("report-patent", "/reports/new/patent/"), ("report-design", "/reports/new/design/"),
             ("report", f"/reports/{report.pk}/"), ("long-text-report", f"/reports/{hostile.pk}/"),
             ("long-text-case", f"/reports/cases/{hostile.cases.get().pk}/"), ("case", f"/reports/cases/{case.pk}/"),
             ("brands", "/registry/brands/"), ("brand", f"/registry/brands/{brand.pk}/"),
             ("rules", f"/registry/brands/{brand.pk}/rules/"), ("impact", f"/registry/brands/{brand.pk}/impact/"),
             ("right", f"/registry/rights/{right.pk}/"), ("standing", "/reports/standing/"),
             ("certificates", "/certificates/"), ("api-docs", "/api/docs/")]
    return pages


def _reviewer() -> list[tuple[str, str]]:
    from actions.models import BulkJob
    from complaints.models import Case
    from registry.models import IPRight, RightStatus

    decided = Case.objects.filter(decisions__isnull=False).order_by("pk").first()
    automatic = Case.objects.filter(source="automatic").order_by("pk").first()
    pending = IPRight.objects.filter(status=RightStatus.PENDING).order_by("pk").first()
    pages = [("home", "/"), ("queue", "/review/"), ("queue-health", "/review/health/"),
             ("case", f"/review/cases/{decided.pk}/"), ("automatic-case", f"/review/cases/{automatic.pk}/"),
             ("verification", "/registry/verification/"), ("verify-right", f"/registry/verification/{pending.pk}/"),
             ("enforcement", "/review/enforcement/"), ("disputes", "/certificates/disputes/"),
             ("statements", "/transparency/statements/"), ("counter-notices", "/review/counter-notices/")]
    job = BulkJob.objects.order_by("pk").first()
    if job:
        pages.append(("bulk-job", f"/review/enforcement/jobs/{job.pk}/"))
    return pages


def _senior() -> list[tuple[str, str]]:
    from appeals.models import Appeal
    from suspensions.models import Suspension

    pages = [("appeals", "/review/appeals/"), ("suspensions", "/review/suspensions/"),
             ("notifiers", "/review/notifiers/"), ("held-brands", "/registry/held-brands/")]
    for appeal in Appeal.objects.order_by("pk")[:2]:
        pages.append((f"appeal-{appeal.pk}", f"/review/appeals/{appeal.pk}/"))
    suspension = Suspension.objects.order_by("pk").first()
    pages.append(("suspension", f"/review/suspensions/{suspension.pk}/"))
    return pages


def _seller(username: str) -> list[tuple[str, str]]:
    from accounts.models import User
    from sellers.selectors import seller_notices

    pages = [("seller-center", "/seller/"), ("notices", "/seller/notices/"), ("help", "/help/sellers/")]
    for case in seller_notices(user=User.objects.get(username=username)).order_by("pk")[:2]:
        pages.append((f"notice-{case.pk}", f"/seller/notices/{case.pk}/"))
    return pages


def _marketplace() -> list[tuple[str, str]]:
    from accounts.models import User
    from webhooks.services import webhook_endpoint_create

    endpoint = webhook_endpoint_create(
        owner=User.objects.get(username="marketplace"),
        url="https://hooks.market.example/ip-portal/a-rather-long-path/that-should-wrap/on-a-phone-screen",
        event_types=["listing.removed", "listing.reinstated"],
        description="Listing changes for the production catalogue")
    return [("home", "/"), ("webhooks", "/marketplace/webhooks/"),
            ("webhook", f"/marketplace/webhooks/{endpoint.pk}/"), ("api-token", "/account/api-token/")]


def main_pages(role: str) -> list[tuple[str, str]]:
    if role == "anonymous":
        return _anonymous()
    if role.startswith("rights"):
        return _rights_holder(role)
    if role.startswith("reviewer"):
        return _reviewer()
    if role.startswith("senior"):
        return _senior()
    if role.startswith("seller"):
        return _seller(role)
    return _marketplace()


def overflow(page) -> dict | None:
    """The page's width beyond the viewport, with the widest offenders, or None when it fits."""
    return page.evaluate("""() => {
        const doc = document.documentElement, vw = window.innerWidth;
        if (doc.scrollWidth <= vw) return null;
        const wide = [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > vw + 1)
            .filter(e => !e.closest('.scroll-x'))
            .slice(-5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                                + ' ' + Math.round(e.getBoundingClientRect().right));
        return {scrollWidth: doc.scrollWidth, viewport: vw, wide};
    }""")


def _axe_source() -> str:
    return AXE.read_text()


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core violations, one line each with where they are."""
    # Evaluated, not added as a <script>: the pages' Content-Security-Policy (no inline scripts) stays on.
    page.evaluate(_axe_source())
    # Swagger UI (/api/docs/) is a vendored widget with its own markup: the page around it is checked.
    result = page.evaluate("() => axe.run({exclude: [['#swagger-ui']]}, {resultTypes: ['violations']})")
    found = []
    for v in result["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = [", ".join(n["target"]) for n in v["nodes"][:3]]
            found.append(f"{v['id']} ({v['impact']}): {targets}")
    return found
