"""The demo as its users meet it: seed_demo, then every demo account walks the pages its navigation
and the seeded objects lead to (and the APIs with its token); no page answers 5xx. The seed makes
what the demo promises, and demo_clock makes the counter-notice's deadline pass.

transactional_db: the seed's steps commit and their after-commit work (takedowns, the rule
re-check, the suspension's bulk job) runs, as in `make run`.
"""

import io
import re
from collections import deque
from html.parser import HTMLParser

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tokens import api_token_create
from appeals.models import Appeal, AppealStatus
from complaints.models import Case, CaseSource, Decision, Report
from counter_notices.models import CounterNotice, CounterNoticeStatus
from listings.models import Listing, ListingStatus
from registry.models import IPRight, RightKind, RightStatus
from suspensions.models import Suspension, SuspensionStatus
from transparency.models import ReportSnapshot

ACCOUNTS = ["rights1", "rights2", "rights3", "agent1", "reviewer1", "reviewer2", "senior1", "seller1", "seller2",
            "seller3", "marketplace", "admin"]
# A page shape (its path with numbers as N) is visited this often: the crawl covers every kind of
# page without walking 300 case pages. The seeded objects below are visited whatever their shape.
PER_SHAPE = 2
PER_ACCOUNT = 150
SKIP = re.compile(r"^/(accounts/logout|static/|media/)|/(download|inline|image)/?$")
UNDECIDED = ["open", "in_review", "needs_info"]


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "hx-get") and value and value.startswith("/") and not value.startswith("//"):
                self.found.append(value.split("#")[0])


def links(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.found


def shape(url: str) -> str:
    return re.sub(r"\d+", "N", url.split("?")[0]) + ("?" if "?" in url else "")


def crawl(client: Client, seeds: list[str]) -> dict[str, int]:
    """Breadth-first from `/` and `seeds` (always visited); same-site links and hx-get partials."""
    seen: dict[str, int] = {}
    shapes: dict[str, int] = {}
    queue = deque(["/", *seeds])
    must = set(seeds)
    while queue and len(seen) < PER_ACCOUNT + len(must):
        url = queue.popleft()
        if url in seen or SKIP.search(url.split("?")[0]):
            continue
        if url not in must:
            if shapes.get(shape(url), 0) >= PER_SHAPE or url.startswith("/admin/") and url.count("/") > 4:
                continue
            shapes[shape(url)] = shapes.get(shape(url), 0) + 1
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            queue.extend(link for link in links(response.content.decode()) if link not in seen)
    return seen


def objects_for(username: str) -> list[str]:
    """The seeded objects each account should reach: its cases, notices, counter-notice forms,
    appeals, suspensions."""
    user = User.objects.get(username=username)
    urls = []
    showcase = Case.objects.filter(listing__external_id__gte="L-000301").order_by("id")
    if username.startswith(("rights", "agent")):
        mine = Case.objects.filter(brand__members__user=user).order_by("id")
        urls += [reverse("reporters:case", args=[c.pk]) for c in mine.filter(listing__external_id__gte="L-000301")]
        urls += [reverse("reporters:case", args=[c.pk]) for c in mine.filter(source=CaseSource.AUTOMATIC)]
        urls += [reverse("reporters:report_detail", args=[r.pk]) for r in Report.objects.filter(reporter=user)[:5]]
    elif username.startswith(("reviewer", "senior")):
        urls += [reverse("review:case_detail", args=[c.pk]) for c in showcase]
        if username.startswith("senior"):
            urls += [reverse("appeals:appeal_detail", args=[a.pk]) for a in Appeal.objects.all()]
            urls += [reverse("suspensions:suspension_detail", args=[s.pk]) for s in Suspension.objects.all()]
        urls += [reverse("review:queue") + f"?lane={lane}" for lane in range(4)]
    elif username.startswith("seller"):
        # Their restricted showcase listings: a takedown, an automatic case confirmed, a counter-notice.
        for case in showcase.filter(listing__seller__members__user=user, decisions__isnull=False).distinct():
            urls += [reverse("sellers:notice_detail", args=[case.pk]),
                     reverse("sellers:counter_notice_new", args=[case.pk])]
    return urls


def api_calls(username: str) -> list[tuple[str, int]]:
    user = User.objects.get(username=username)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user).key}")
    if username == "marketplace":
        urls = ["/api/v1/webhooks/endpoints/"]
    else:
        reports = Report.objects.filter(brand__members__user=user)
        urls = ["/api/v1/reports/"] + [f"/api/v1/reports/{r.pk}/" for r in reports]
    return [(url, client.get(url).status_code) for url in urls]


@pytest.fixture
def demo(transactional_db, settings):
    settings.DEBUG = True  # demo_clock refuses to run otherwise
    call_command("seed_demo", stdout=io.StringIO())


def test_the_seed_makes_the_whole_product_and_demo_clock_moves_its_deadlines(demo):
    open_kinds = set(Case.objects.filter(state__in=UNDECIDED).values_list("right__kind", flat=True))
    assert open_kinds == set(RightKind.values)
    automatic = Case.objects.filter(source=CaseSource.AUTOMATIC)
    assert automatic.filter(state__in=UNDECIDED).count() >= 2  # waiting in the review queue
    assert automatic.filter(listing__status=ListingStatus.SUPPRESSED, state__in=UNDECIDED).exists()
    confirmed = automatic.exclude(state__in=UNDECIDED).get()  # a reviewer confirmed one
    assert confirmed.decisions.filter(automated=False, decided_by__username="reviewer1").exists()
    suspension = Suspension.objects.get(status=SuspensionStatus.APPROVED)
    assert suspension.seller.members.filter(user__username="seller3").exists()
    assert not Listing.objects.filter(seller=suspension.seller, status=ListingStatus.ACTIVE).exists()
    assert Appeal.objects.filter(status=AppealStatus.OPEN).count() >= 2  # one on the automatic case
    notice = CounterNotice.objects.get(status=CounterNoticeStatus.WAITING)
    assert notice.case.listing.status == ListingStatus.SUPPRESSED
    assert Decision.objects.count() >= 10 and not Decision.objects.filter(statement="").exists()
    # The public transparency report has its figures from the start, not after the first night.
    month = ReportSnapshot.objects.filter(period="month").order_by("-start").first()
    assert month is not None and sum(n for _, n in month.figures["notices_by_kind"]) >= 5
    assert "Notices received, by IP type" in Client().get("/transparency/").content.decode()
    counts = (Report.objects.count(), Case.objects.count(), Listing.objects.count(), Decision.objects.count())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    assert (Report.objects.count(), Case.objects.count(), Listing.objects.count(),
            Decision.objects.count()) == counts

    notice = CounterNotice.objects.get(status=CounterNoticeStatus.WAITING)
    expiring = IPRight.objects.get(name="KESTREL VISTA")
    out = io.StringIO()
    call_command("demo_clock", "--advance", "11d", stdout=out)
    notice.refresh_from_db()
    assert notice.status == CounterNoticeStatus.REINSTATED
    assert Listing.objects.get(pk=notice.case.listing_id).status == ListingStatus.ACTIVE
    assert f"counter-notice CN-{notice.pk} on {notice.case.reference} ({notice.case.listing.external_id}): " \
           "no court action shown, listing reinstated" in out.getvalue()
    expiring.refresh_from_db()
    assert expiring.status == RightStatus.EXPIRED
    assert "unanswered by its deadline" in out.getvalue()


def test_every_demo_account_walks_its_pages_without_a_server_error(demo):
    failures, walked, unreachable = [], {}, []
    for username in ACCOUNTS:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=username))
        seeds = objects_for(username)
        seen = crawl(client, seeds)
        walked[username] = len(seen)
        failures += [(username, url, status) for url, status in seen.items() if status >= 500]
        unreachable += [(username, url, seen[url]) for url in seeds if seen.get(url) != 200]
        if username in ("rights1", "rights3", "marketplace"):
            failures += [(username, url, status) for url, status in api_calls(username) if status >= 500]
    assert failures == []
    assert unreachable == []  # every seeded object its account should reach answers
    assert min(walked.values()) >= 3, walked  # each account got past its home page


def test_demo_clock_refuses_outside_the_demo(transactional_db, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="not the demo database"):
        call_command("demo_clock", "--advance", "11d", stdout=io.StringIO())
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("demo_clock", stdout=io.StringIO())
