"""Demo data for `make run`: personas, three brands, three sellers, 300 listings and a showcase,
reports in several states. Idempotent: a second run resets the demo passwords and adds nothing twice.

Every brand's protection rules are re-checked against the listings once its reports are in, as when
its admin presses Save rules: the demo opens with automatic cases for Acme, Borealis and Kestrel.
Northwind Trading ships its ACME and Borealis copies from the brands' own countries (US, SE), which
the rules allow: only a report catches those, and the browser tests report them by hand.

The showcase (`_showcase`) gives every page something real: open cases of all four kinds of right,
automatic cases found by a rule re-check (one confirmed by a reviewer), a suspended seller, a
counter-notice and a question to the reporter waiting on their deadlines, a right about to expire.
`manage.py demo_clock` moves those deadlines. Everything goes through the services."""

import random
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from appeals.services import appeal_decide, appeal_file
from complaints.models import Case, CaseSource, Decision, InfringementType, Report, ReporterCapacity
from complaints.services import report_submit
from complaints.sla import case_due_at
from counter_notices.models import CounterNotice
from counter_notices.services import Statements, counter_notice_file
from decisions.services import case_decide
from listings.models import Listing, Seller, SellerMember
from listings.services import listing_upsert
from monitoring.models import RecheckJob
from monitoring.services import protection_version_bump, recheck_chunk_run, recheck_start
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
    WorkType,
)
from registry.normalize import normalize_term
from registry.services import protection_rules_set
from registry.signals import protection_changed_on_commit
from review.claims import case_claim
from review.info_requests import case_request_info
from suspensions.models import Strike, SuspensionStatus
from suspensions.services import suspension_approve, suspension_open_for, suspension_propose
from transparency.report import snapshots_compute

from .demo_clock import shift_back

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
    ("rights3", Role.RIGHTS_HOLDER, "Karin", "Berg"),
    ("seller3", Role.SELLER, "Lei", "Zhao"),
    ("marketplace", Role.MARKETPLACE, "Marketplace", "Integration"),
]

PRODUCTS = ["wireless headphones", "bluetooth speaker", "hiking backpack", "rain jacket", "phone case",
            "smart watch band", "water bottle", "camping lantern", "running cap", "travel adapter"]
COUNTRIES = ["US", "DE", "FR", "GB", "CN", "VN", "IN", "TR", "PL", "JP"]
N_LISTINGS = 300
KESTREL = "Kestrel Optics"
# The showcase's listings: (number, seller, title, ships from, price). 301-310 keep the parity of the
# first 300 (odd: Northwind, even: Bazaar Outlet); 341-344 are Quickship Deals', suspended by the seed.
SHOWCASE_LISTINGS = [
    (301, "S-1001", "KESTREL 10x50 binoculars", "DE", "349.00"),  # authorized: no rule fires
    (302, "S-1002", "KESTREL 8x32 compact binoculars, unboxed", "CN", "39.90"),  # automatic, suppressed
    (303, "S-1001", "Roof prism binoculars 10x42 with twin focus wheels", "CN", "59.00"),  # patent
    (304, "S-1002", "KESTREL spotting scope 20-60x80, ex-display", "GB", "189.00"),  # automatic, flagged
    (305, "S-1001", "Night-sky binoculars 15x56 with twin focus wheels", "CN", "79.00"),  # patent
    (306, "S-1002", "Binocular harness, fits Kestrel and most others", "TR", "14.50"),  # automatic, suppressed
    (307, "S-1001", "Falcon-shape birding binoculars, magnesium body", "CN", "45.00"),  # design
    (308, "S-1002", "Wildlife binoculars 10x42 - pro photos", "CN", "49.00"),  # copyright, counter-noticed
    (310, "S-1002", "Birding binoculars 8x42 bundle", "CN", "52.00"),  # copyright
    (341, "S-1003", "KESTREL 10x42 binoculars - OEM copy", "CN", "29.99"),  # automatic, confirmed, appealed
    (342, "S-1003", "Premium 8x42 binoculars with studio photos", "CN", "34.99"),  # copyright, removed
    (343, "S-1003", "Compact travel binoculars 8x21", "CN", "12.99"),
    (344, "S-1003", "Binocular lens cleaning kit", "CN", "4.99"),
]


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
        for brand in (acme, borealis):
            if not RecheckJob.objects.filter(brand=brand).exists():
                _recheck(brand)  # after the reports: the listings they cover are not opened twice
        self._showcase(users)
        # The public transparency report's figures, as the nightly task would compute them.
        snapshots_compute()
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
            # Odd ids are Northwind's: it ships its copies from the brands' own countries, where the
            # rules cannot tell them from the real thing (the browser tests report them by hand).
            # Bazaar Outlet's copies ship from Asia: the rules re-check finds them.
            if i % 10 in (0, 5):  # clearly infringing: the ACME mark on cheap replicas
                title, brand, desc = (f"ACME Pro {product} - replica 1:1 copy", "ACME",
                                      "Same as original ACME, factory copy, no box. Ships fast.")
                ships, price = "US" if i % 2 else "CN", Decimal("9.99")
            elif i % 10 in (3, 8):  # clearly infringing: BOREALIS knock-offs
                title, brand, desc = (f"Borealis style {product} (AAA quality copy)", "BOREALIS",
                                      "Looks exactly like Borealis. Unbranded packaging.")
                ships, price = "SE" if i % 2 else "VN", Decimal("12.50")
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
            # New rules reach running processes' automata; the demo's listings are re-checked once
            # the reports are in (handle), so the listings they cover are not opened twice.
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

    # --- the showcase: every kind of right, automation, a suspension, deadlines running ------------

    def _showcase(self, users) -> None:
        """Kestrel Optics (rights3) holds a right of each kind; Quickship Deals (seller3) sells
        KESTREL copies. Cases of every kind open; a rule re-check finds automatic cases; seller3 is
        suspended; a counter-notice, a question and a right's expiry wait on their deadlines."""
        kestrel, rights = self._kestrel(users)
        self._showcase_listings()
        if Report.objects.filter(brand=kestrel).exists():
            return
        self._kestrel_rules(users, kestrel)
        self._showcase_cases(users, kestrel, rights)

    def _kestrel(self, users) -> tuple[Brand, dict[str, IPRight]]:
        kestrel, _ = Brand.objects.get_or_create(name=KESTREL, defaults={
            "website": "https://kestrel-optics.example", "owner_company": "Kestrel Optics Ltd", "country": "GB"})
        BrandMember.objects.get_or_create(brand=kestrel, user=users["rights3"], defaults={"role": BrandRole.ADMIN})
        today = timezone.localdate()
        common = {"status": RightStatus.VERIFIED, "verified_by": users["senior1"], "verified_at": timezone.now(),
                  "correspondent_email": "ip@kestrel-optics.example"}
        rights = {}
        for key, kind, office, number, fields in [
            ("tm", RightKind.TRADEMARK, "USPTO", "6234567", {
                "name": "KESTREL", "mark_type": MarkType.WORD, "nice_classes": [9],
                "registered_on": today.replace(year=today.year - 3), "expires_on": today.replace(year=today.year + 7)}),
            # Expires in nine days: `demo_clock --advance 15d` lets the daily expiry task take it.
            ("tm_expiring", RightKind.TRADEMARK, "EUIPO", "018900001", {
                "name": "KESTREL VISTA", "mark_type": MarkType.WORD, "nice_classes": [9],
                "registered_on": today - timedelta(days=3650), "expires_on": today + timedelta(days=9)}),
            ("patent", RightKind.PATENT, "USPTO", "11482907", {
                "name": "Twin-wheel focusing mechanism for binoculars",
                "claims": "1. A binocular focusing mechanism comprising two coaxial focus wheels, the first moving "
                          "both eyepieces and the second only the right eyepiece.",
                "registered_on": today.replace(year=today.year - 4),
                "expires_on": today.replace(year=today.year + 16)}),
            ("design", RightKind.DESIGN, "EUIPO", "015012345-0001", {
                "name": "Falcon binoculars", "product": "binoculars",
                "registered_on": today.replace(year=today.year - 2), "expires_on": today.replace(year=today.year + 3)}),
            ("copyright", RightKind.COPYRIGHT, "", "", {
                "name": "Falcon binoculars product photographs", "work_type": WorkType.IMAGE,
                "author": "Kestrel Optics Ltd", "first_published_on": today.replace(year=today.year - 1)}),
        ]:
            rights[key], _ = IPRight.objects.get_or_create(brand=kestrel, kind=kind, name=fields["name"],
                                                           defaults={"office": office, "registration_number": number,
                                                                     **fields, **common})
        return kestrel, rights

    def _showcase_listings(self) -> None:
        seller3, _ = Seller.objects.get_or_create(external_id="S-1003", defaults={"name": "Quickship Deals",
                                                                                  "country": "CN"})
        SellerMember.objects.get_or_create(seller=seller3, user=User.objects.get(username="seller3"))
        sellers = {s.external_id: s for s in Seller.objects.filter(external_id__in=["S-1001", "S-1002", "S-1003"])}
        existing = set(Listing.objects.values_list("external_id", flat=True))
        for i, seller, title, ships, price in SHOWCASE_LISTINGS:
            if listing_id(i) not in existing:
                listing_upsert(seller=sellers[seller], external_id=listing_id(i), title=title,
                               description=f"{title}. Fast shipping.", brand_name="", ships_from=ships,
                               price=Decimal(price), url=f"https://market.example/listing/{listing_id(i)}")

    def _kestrel_rules(self, users, kestrel) -> None:
        """Kestrel ships only from DE/GB (suppress) and sells only through Northwind (flag). Saving the
        rules re-checks every listing, as when a brand saves them in the portal."""
        protection_rules_set(brand=kestrel, by=users["rights3"], countries=["DE", "GB"],
                             countries_mode=RuleMode.SUPPRESS, sellers=[Seller.objects.get(external_id="S-1001")],
                             sellers_mode=RuleMode.FLAG,
                             extra_terms=["Kestrel Optics"], misspellings=["KESTRAL"])
        _recheck(kestrel)

    def _showcase_cases(self, users, kestrel, rights) -> None:
        def report(right, ids, details, explanation):
            return report_submit(
                reporter=users["rights3"], brand=kestrel, right=right, capacity=ReporterCapacity.OWNER,
                details=details, explanation=explanation, contact_email=users["rights3"].email,
                signature=users["rights3"].get_full_name(),
                listings=[Listing.objects.get(external_id=listing_id(i)) for i in ids],
                declarations={"good_faith": True, "accurate": True, "authority": True},
            )

        def case_of(report_, i):
            return report_.cases.get(listing__external_id=listing_id(i))

        # Patent: one case waits for the reporter's answer (its deadline passes with demo_clock), one is open.
        r = report(rights["patent"], [303, 305], {
            "claims": "1", "claim_reading": "Both listings show two coaxial focus wheels: the large one moves both "
                                            "eyepieces, the small one the right eyepiece only (photo 3)."},
            "The binoculars practise claim 1 of our US patent 11482907.")
        case = case_of(r, 303)
        with transaction.atomic():
            case_claim(case=case, reviewer=users["reviewer1"])
        case_request_info(case=case, reviewer=users["reviewer1"], deadline=timezone.now() + timedelta(days=5),
                          question="Photo 3 shows one focus wheel only. Which photo shows the second wheel?")
        # Design: open.
        report(rights["design"], [307], {"copied_features": "The falcon-head eyecup shape and the ribbed "
                                                            "magnesium bridge, visible in the main photo."},
               "The binoculars copy our registered Falcon design.")
        # Copyright: one case open; one suppressed, and the seller answers with a counter-notice. A
        # suppression gives no strike: Bazaar Outlet stays below the threshold the browser tests count on.
        r = report(rights["copyright"], [308, 310], {
            "original_work": "Our studio photographs of the Falcon binoculars, 2025",
            "original_location": "https://kestrel-optics.example/falcon/photos",
            "copied_material": "The main image and the two detail images are our photographs."},
            "The listings use our product photographs.")
        case = case_of(r, 308)
        _decide(case, users["reviewer2"], "cr_suppress_unclear",
                "The three images look like Kestrel's studio photographs, cropped.")
        counter_notice_file(case=case, user=users["seller2"], statements=Statements(
            material="The product photos of listing L-000308.", location=case.listing.url,
            perjury_statement=True, full_name="Omar Haddad", address="12 Souk Street, Dubai",
            phone="+971 4 555 0100", consent_jurisdiction=True, consent_service=True, signature="Omar Haddad",
            email=users["seller2"].email))
        # Filed a week ago (demo only, like the backlog's ages): the listing comes back in about ten
        # days, so `demo_clock --advance 11d` shows the reinstatement.
        week = timedelta(days=7)
        shift_back(CounterNotice.objects.filter(case=case), week)
        shift_back(Decision.objects.filter(case=case), week)
        shift_back(Strike.objects.filter(decisions__case=case), week)
        shift_back(Case.objects.filter(pk=case.pk), week)
        shift_back(Report.objects.filter(pk=r.pk), week)
        self._suspended_seller(users, rights, report)

    def _suspended_seller(self, users, rights, report) -> None:
        """seller3: an automatic case a reviewer confirms (and the seller appeals) and a copyright removal
        give strikes; a reviewer proposes the suspension (unless the strikes already did) and the senior
        approves it, which suppresses all of Quickship's listings."""
        automatic = Case.objects.get(listing__external_id=listing_id(341), source=CaseSource.AUTOMATIC)
        _decide(automatic, users["reviewer1"], "tm_counterfeit",
                "The title offers an 'OEM copy' of KESTREL binoculars, shipped from CN, by a seller Kestrel "
                "has not authorized.")
        appeal_file(case=automatic, user=users["seller3"],
                    statement="These are genuine KESTREL binoculars bought from a distributor in Shenzhen.")
        case = report(rights["copyright"], [342], {
            "original_work": "Our studio photographs of the Falcon binoculars, 2025",
            "original_location": "https://kestrel-optics.example/falcon/photos",
            "copied_material": "All four images."}, "The listing uses our product photographs.").cases.get()
        _decide(case, users["reviewer2"], "cr_unauthorized_copy", "All four images are Kestrel's photographs.")
        seller = case.listing.seller
        proposal = suspension_open_for(seller=seller) or suspension_propose(
            case=case, reviewer=users["reviewer2"],
            reason="Sells KESTREL copies with stolen photos and relists them under new ids.")
        if proposal.status == SuspensionStatus.PROPOSED:
            suspension_approve(suspension=proposal, senior=users["senior1"],
                               reason="Repeated counterfeits and copied photographs: suspended.")


def _recheck(brand: Brand) -> None:
    """Re-check every listing against the brand's rules (the re-check that saving them starts, or a
    new one), running its chunks here too: a worker may have taken some already, and a chunk it ran
    is skipped. The rules' version moves first: the rules just saved reach this process's matcher
    even while their after-commit signal waits for an outer transaction (a test's)."""
    protection_version_bump()
    job = (RecheckJob.objects.filter(brand=brand).order_by("-id").first()
           or recheck_start(brand_id=brand.pk))
    cursor = RecheckJob.objects.get(pk=job.pk).cursor
    while (cursor := recheck_chunk_run(job_id=job.pk, cursor=cursor)) is not None:
        pass


def _decide(case, reviewer, code, facts) -> None:
    with transaction.atomic():
        case_claim(case=case, reviewer=reviewer)
    case_decide(case=case, reviewer=reviewer, reason_code=code, facts=facts)
