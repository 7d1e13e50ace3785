"""Demo data for `make run`: personas, two brands, two sellers, 300 listings, reports in several
states. Idempotent: a second run resets the demo passwords and adds nothing twice."""

import random
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from appeals.services import appeal_decide, appeal_file
from complaints.models import Case, InfringementType, Report, ReporterCapacity
from complaints.services import report_submit
from complaints.sla import case_due_at
from decisions.services import case_decide
from listings.models import Listing, Seller, SellerMember
from listings.services import listing_upsert
from registry.models import (
    Brand,
    BrandMember,
    BrandRole,
    IPRight,
    MarkType,
    ProtectionRule,
    RightKind,
    RightStatus,
    RuleKind,
    RuleMode,
    TermKind,
    WatchedTerm,
)
from registry.normalize import normalize_term
from registry.signals import protection_changed_on_commit
from review.claims import case_claim

DEMO_PASSWORD = "demo-pass-2026"

PERSONAS = [
    # username, role, first, last
    ("rights1", Role.RIGHTS_HOLDER, "Rita", "Holt"),
    ("rights2", Role.RIGHTS_HOLDER, "Rafael", "Ortiz"),
    ("agent1", Role.RIGHTS_HOLDER, "Aiko", "Tanaka"),
    ("reviewer1", Role.REVIEWER, "Ravi", "Iyer"),
    ("reviewer2", Role.REVIEWER, "Rosa", "Weber"),
    ("senior1", Role.SENIOR_REVIEWER, "Sam", "Okafor"),
    ("seller1", Role.SELLER, "Sofia", "Lind"),
    ("seller2", Role.SELLER, "Omar", "Haddad"),
    ("marketplace", Role.MARKETPLACE, "Marketplace", "Integration"),
]

PRODUCTS = ["wireless headphones", "bluetooth speaker", "hiking backpack", "rain jacket", "phone case",
            "smart watch band", "water bottle", "camping lantern", "running cap", "travel adapter"]
COUNTRIES = ["US", "DE", "FR", "GB", "CN", "VN", "IN", "TR", "PL", "JP"]
N_LISTINGS = 300


def listing_id(i: int) -> str:
    return f"L-{i:06d}"


class Command(BaseCommand):
    help = "Load demo data (idempotent). Password for every demo login: " + DEMO_PASSWORD

    def handle(self, *args, **options):
        users = self._users()
        acme, borealis = self._brands(users)
        self._listings()
        self._rules(users, acme, borealis)
        if not Report.objects.filter(brand__in=[acme, borealis]).exists():
            self._reports(users, acme, borealis)
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {Listing.objects.count()} listings, {Report.objects.count()} reports. "
            f"Logins (password {DEMO_PASSWORD}): " + ", ".join(u for u, *_ in PERSONAS) + ", admin"
        ))

    def _users(self) -> dict[str, User]:
        users = {}
        for username, role, first, last in PERSONAS:
            user, _ = User.objects.get_or_create(username=username)
            user.role, user.first_name, user.last_name = role, first, last
            user.email = f"{username}@demo.ipportal.local"
            user.set_password(DEMO_PASSWORD)
            user.save()
            users[username] = user
        admin, _ = User.objects.get_or_create(username="admin")
        admin.is_staff = admin.is_superuser = True
        admin.email = "admin@demo.ipportal.local"
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        users["admin"] = admin
        return users

    def _brands(self, users):
        acme, _ = Brand.objects.get_or_create(name="Acme Audio", defaults={
            "website": "https://acme-audio.example", "owner_company": "Acme Audio GmbH", "country": "DE"})
        borealis, _ = Brand.objects.get_or_create(name="Borealis Outdoor", defaults={
            "website": "https://borealis.example", "owner_company": "Borealis Outdoor AS", "country": "NO",
            "trusted_flagger": True})
        for brand, user, role in [(acme, "rights1", BrandRole.ADMIN), (acme, "agent1", BrandRole.AGENT),
                                  (borealis, "rights2", BrandRole.ADMIN)]:
            BrandMember.objects.get_or_create(brand=brand, user=users[user], defaults={"role": role})
        reviewer = users["senior1"]
        today = timezone.localdate()
        for brand, mark, office, number, classes, email in [
            (acme, "ACME", "USPTO", "5123456", [9], "trademarks@acme-audio.example"),
            (borealis, "BOREALIS", "EUIPO", "018123456", [18, 25], "ip@borealis.example"),
        ]:
            IPRight.objects.get_or_create(brand=brand, kind=RightKind.TRADEMARK, registration_number=number,
                                          defaults={"name": mark, "office": office, "nice_classes": classes,
                                                    "mark_type": MarkType.WORD, "correspondent_email": email,
                                                    "registered_on": today.replace(year=today.year - 6),
                                                    "expires_on": today.replace(year=today.year + 4),
                                                    "status": RightStatus.VERIFIED, "verified_by": reviewer,
                                                    "verified_at": timezone.now()})
        # Waits in the reviewers' verification queue (/registry/verification/).
        IPRight.objects.get_or_create(brand=acme, kind=RightKind.TRADEMARK, office="EUIPO",
                                      registration_number="018765432", defaults={
                                          "name": "ACME SOUNDWAVE", "mark_type": MarkType.WORD,
                                          "nice_classes": [9, 35], "submitted_by": users["rights1"],
                                          "correspondent_email": "trademarks@acme-audio.example",
                                          "registered_on": today.replace(year=today.year - 1),
                                          "expires_on": today.replace(year=today.year + 9)})
        return acme, borealis

    def _listings(self) -> None:
        sellers = []
        for ext, name, country, member in [("S-1001", "Northwind Trading", "US", "seller1"),
                                           ("S-1002", "Bazaar Outlet", "CN", "seller2")]:
            seller, _ = Seller.objects.get_or_create(external_id=ext, defaults={"name": name, "country": country})
            SellerMember.objects.get_or_create(seller=seller, user=User.objects.get(username=member))
            sellers.append(seller)
        existing = set(Listing.objects.values_list("external_id", flat=True))
        rng = random.Random(2026)
        for i in range(1, N_LISTINGS + 1):
            product = rng.choice(PRODUCTS)
            ships = rng.choice(COUNTRIES)
            price = Decimal(rng.randrange(500, 25000)) / 100
            if i % 10 in (0, 5):  # clearly infringing: the ACME mark on cheap replicas
                title, brand, desc = (f"ACME Pro {product} - replica 1:1 copy", "ACME",
                                      "Same as original ACME, factory copy, no box. Ships fast.")
                ships, price = "CN", Decimal("9.99")
            elif i % 10 in (3, 8):  # clearly infringing: BOREALIS knock-offs
                title, brand, desc = (f"Borealis style {product} (AAA quality copy)", "BOREALIS",
                                      "Looks exactly like Borealis. Unbranded packaging.")
                ships, price = "VN", Decimal("12.50")
            else:
                title, brand, desc = (f"{rng.choice(['Generic', 'Nordic', 'Urban', 'Trail'])} {product}", "",
                                      f"A good {product}.")
            if listing_id(i) in existing:
                continue
            listing_upsert(seller=sellers[i % 2 == 0], external_id=listing_id(i), title=title,
                           description=desc, brand_name=brand, ships_from=ships, price=price,
                           url=f"https://market.example/listing/{listing_id(i)}")

    def _rules(self, users, acme, borealis) -> None:
        """Protection rules: Acme ships only from DE/US through Northwind; Borealis from NO/SE, flagged."""
        for brand, countries, ships_mode, sellers, seller_mode, terms, admin in [
            (acme, ["DE", "US"], RuleMode.SUPPRESS, ["S-1001"], RuleMode.FLAG,
             [("ACME Pro", TermKind.EXTRA), ("AKME", TermKind.MISSPELLING), ("ACMEE", TermKind.MISSPELLING)],
             "rights1"),
            (borealis, ["NO", "SE"], RuleMode.FLAG, [], RuleMode.FLAG,
             [("Borealis style", TermKind.EXTRA), ("BOREALLIS", TermKind.MISSPELLING)], "rights2"),
        ]:
            rule, _ = ProtectionRule.objects.get_or_create(
                brand=brand, kind=RuleKind.SHIPS_FROM,
                defaults={"countries": countries, "mode": ships_mode, "updated_by": users[admin]})
            seller_rule, created = ProtectionRule.objects.get_or_create(
                brand=brand, kind=RuleKind.SELLER, defaults={"mode": seller_mode, "updated_by": users[admin]})
            if created:
                seller_rule.sellers.set(Seller.objects.filter(external_id__in=sellers))
            for term, kind in terms:
                WatchedTerm.objects.get_or_create(brand=brand, normalized=normalize_term(term),
                                                  defaults={"term": term, "kind": kind})
            # New rules reach running processes' automata; the demo's listings are not re-checked
            # (its reports and backlog are about them), only listings ingested from now on.
            protection_changed_on_commit(brand_id=brand.pk, recheck=False)

    def _reports(self, users, acme, borealis) -> None:
        acme_tm = acme.rights.get(kind=RightKind.TRADEMARK, registration_number="5123456")
        bor_tm = borealis.rights.get(kind=RightKind.TRADEMARK, registration_number="018123456")

        def report(user, brand, right, ids, explanation):
            return report_submit(
                reporter=users[user], brand=brand, right=right,
                capacity=ReporterCapacity.AGENT if user.startswith("agent") else ReporterCapacity.OWNER,
                infringement_type=InfringementType.COUNTERFEIT, details={"where_on_listing": ["title"]},
                explanation=explanation,
                contact_email=users[user].email, signature=users[user].get_full_name(),
                listings=[Listing.objects.get(external_id=listing_id(i)) for i in ids],
                declarations={"good_faith": True, "accurate": True, "authority": True},
            )

        def decide(case, reviewer, code, facts):
            with transaction.atomic():
                case_claim(case=case, reviewer=users[reviewer])
            case_decide(case=case, reviewer=users[reviewer], reason_code=code, facts=facts)

        text = "Listing sells replicas bearing our registered ACME mark; the title says 'replica 1:1 copy'."
        report("rights1", acme, acme_tm, [10, 20], text)  # open
        r = report("agent1", acme, acme_tm, [30], text)
        decide(r.cases.get(), "reviewer1", "tm_counterfeit", "Title offers a '1:1 replica' of ACME goods at 9.99.")
        r = report("rights1", acme, acme_tm, [2], "This seller uses a similar name.")
        decide(r.cases.get(), "reviewer2", "insufficient_evidence", "The listing does not use the ACME mark.")
        r = report("rights1", acme, acme_tm, [15], text)
        case = r.cases.get()
        decide(case, "reviewer1", "tm_counterfeit", "Title offers a '1:1 replica' of ACME goods.")
        appeal_file(case=case, user=users["seller1"],
                    statement="These are genuine ACME headphones from an authorized distributor; "
                              "invoice available.")
        r = report("rights1", acme, acme_tm, [25], text)
        case = r.cases.get()
        decide(case, "reviewer2", "tm_counterfeit", "Title offers a replica of ACME goods.")
        appeal_file(case=case, user=users["seller1"], statement="I had a license at the time.")
        appeal_decide(appeal=case.appeals.get(), senior=users["senior1"], reason_code="appeal_no_new_facts",
                      facts="No license was produced.")
        report("rights2", borealis, bor_tm, [13, 18, 23],
               "Knock-offs advertised as 'Borealis style' with our registered BOREALIS mark.")
        # A design never registered, described in the report: the lowest review lane.
        report_submit(
            reporter=users["rights2"], brand=borealis, capacity=ReporterCapacity.OWNER,
            unregistered_right={"kind": RightKind.DESIGN, "name": "Borealis Ridge tent shape", "product": "tent",
                                "first_published_on": (timezone.localdate() - timedelta(days=300)).isoformat(),
                                "description": "A tunnel tent whose three arched poles rise towards the back."},
            details={"copied_features": "The three rising arched poles and the stepped back panel."},
            explanation="The tent in the photos copies the shape of our Ridge tent, first shown in March.",
            contact_email=users["rights2"].email, signature=users["rights2"].get_full_name(),
            listings=[Listing.objects.get(external_id=listing_id(63))],
            declarations={"good_faith": True, "accurate": True, "authority": True},
        )
        self._backlog(report, acme, acme_tm, borealis, bor_tm, text)

    def _backlog(self, report, acme, acme_tm, borealis, bor_tm, text) -> None:
        """A backlog of varied age, so the demo queue has lanes, overdue cases and filters to use.

        Demo only: the cases are opened now and then backdated, as if filed over the last ten days.
        """
        rng = random.Random(7)
        # Listings 200 and up: the browser test reports lower ones itself.
        ids = [i for i in range(200, N_LISTINGS + 1) if i % 10 in (0, 5, 3, 8)]
        for n, i in enumerate(ids):
            acme_listing = i % 10 in (0, 5)
            brand, right = (acme, acme_tm) if acme_listing else (borealis, bor_tm)
            explanation = text if acme_listing else ("Knock-off advertised as 'Borealis style' with our "
                                                      "registered BOREALIS mark; 'AAA quality copy' in the title.")
            case = report("rights1" if acme_listing else "rights2", brand, right, [i], explanation).cases.get()
            opened = timezone.now() - timedelta(hours=rng.uniform(0.2, 240) if n % 3 else rng.uniform(0.2, 20))
            Case.objects.filter(pk=case.pk).update(
                created_at=opened, due_at=case_due_at(priority=case.priority, created_at=opened))
