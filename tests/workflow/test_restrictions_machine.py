"""The whole workflow as a state machine (Hypothesis): random sequences of what people and the portal
do — reports of every IP type, automatic hits, rule changes, decisions (one case or a whole report),
appeals granted and denied, counter-notices and their deadline, withdrawals, suspensions proposed,
approved and lifted, new listings for suspended sellers — with the invariants checked after every
step against a model written from the domain rules, not from the code:

1. each listing's status is what the model's active restrictions say (removed while any removal
   stands, suppressed while any suppression does), and the restriction rows are the model's;
2. every standing restriction from a decision has a statement of reasons whose reason fits the
   right's kind;
3. the marketplace was told exactly the changes of status, in order, one event per change;
4. no page of a role involved in the step answers 5xx;
5. the audit chain verifies (at the end of each sequence);
6. each removal counts in exactly one strike, which stands while one of its removals does.

Bounded for CI (PostgreSQL there; smaller on SQLite). A longer run by hand:

    HYPOTHESIS_PROFILE=long DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        .venv/bin/python -m pytest tests/workflow -q -s

(`HYPOTHESIS_PROFILE=medium`: 60 sequences of up to 25 steps, some minutes.)
"""

import os
from collections import defaultdict
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import Client, TestCase
from django.urls import reverse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from accounts.models import Role
from actions.models import Restriction
from appeals.services import AppealError, appeal_decide, appeal_file
from audit.selectors import audit_chain_verify
from audit.services import audit_chain_pending
from complaints.models import Case, CaseSource, CaseState, Decision, Outcome
from complaints.reasons import REASONS
from counter_notices.services import CounterNoticeError, Statements, counter_notice_file, counter_notices_reinstate_due
from decisions.report_jobs import report_cases_decide
from decisions.services import case_decide
from listings.models import Listing, status_for
from listings.services import listing_upsert
from registry.services import protection_rules_set
from reporters.services import WithdrawalError, report_withdraw
from review.claims import case_claim
from suspensions.models import StrikeDecision, Suspension, SuspensionStatus
from suspensions.services import SuspensionAlreadyOpen, suspension_approve, suspension_lift, suspension_propose
from webhooks.models import WebhookEvent

from ..conftest import file_report
from ..factories import BrandMemberFactory, SellerMemberFactory, TrademarkFactory, UserFactory, WebhookEndpointFactory

STATUS_OF_EVENT = {"listing.removed": "removed", "listing.suppressed": "suppressed", "listing.reinstated": "active",
                   "listing.restored": "active"}
REMOVE = {"trademark": "tm_counterfeit", "copyright": "cr_unauthorized_copy", "patent": "pt_product_infringes",
          "design": "ds_copied_design"}
SUPPRESS = {"trademark": "tm_suppress_unclear", "copyright": "cr_suppress_unclear", "patent": "pt_suppress_unclear",
            "design": "ds_suppress_unclear"}
REJECT = {"trademark": "no_infringement", "copyright": "cr_no_infringement", "patent": "pt_no_infringement",
          "design": "ds_no_infringement"}
MARK_TITLE = "ACME studio headphones"  # matches Acme's mark; from CN it is outside Acme's countries

PROFILES = {
    "ci": {"max_examples": 12, "stateful_step_count": 14},
    "medium": {"max_examples": 60, "stateful_step_count": 25},
    "long": {"max_examples": 300, "stateful_step_count": 40},
}
PROFILE = PROFILES[os.environ.get("HYPOTHESIS_PROFILE", "ci")]
RUNS = {"sequences": 0, "steps": 0}


class Workflow(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        RUNS["sequences"] += 1
        # Each sequence in a savepoint, rolled back at its end: the next starts from nothing.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.alice = UserFactory(role=Role.RIGHTS_HOLDER)
        self.brand = BrandMemberFactory(user=self.alice, brand__name="Acme").brand
        self.rights = {"trademark": TrademarkFactory(brand=self.brand, name="ACME"), **{
            kind: TrademarkFactory(brand=self.brand, kind=kind, name=f"Acme {kind}",
                                   office="" if kind == "copyright" else "USPTO")
            for kind in ("copyright", "patent", "design")}}
        self.rev1, self.rev2 = UserFactory(role=Role.REVIEWER), UserFactory(role=Role.REVIEWER)
        self.senior, self.senior2 = UserFactory(role=Role.SENIOR_REVIEWER), UserFactory(role=Role.SENIOR_REVIEWER)
        self.seller_users = [UserFactory(role=Role.SELLER) for _ in range(2)]
        self.sellers = [SellerMemberFactory(user=u).seller for u in self.seller_users]
        WebhookEndpointFactory(event_types=list(STATUS_OF_EVENT) + ["seller.suspended", "seller.reinstated"])
        self.model: dict[int, set[tuple]] = defaultdict(set)  # listing -> {(source, id, kind)}
        self.told: dict[int, list[str]] = defaultdict(list)   # listing -> statuses the marketplace must hear
        self.cleared: dict[tuple[int, int], dict] = {}        # (listing, right) -> facts a person cleared
        self.rules_strict = False
        self.touched: list[Case] = []
        self.listings: list[int] = []
        self.n = 0
        for seller in self.sellers:
            for _ in range(2):
                self._ingest(seller, title="Desk lamp", ships_from="DE")

    def teardown(self):
        try:
            audit_chain_pending()
            assert audit_chain_verify()[1] is None, "the audit chain does not verify"
        finally:
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

    # --- helpers ---------------------------------------------------------------------------------

    def _run(self, fn, *args, **kwargs):
        """A step as a request or a worker does it: its own transaction, its tasks run on commit."""
        RUNS["steps"] += 1
        with TestCase.captureOnCommitCallbacks(execute=True):
            with transaction.atomic():
                return fn(*args, **kwargs)

    def _status(self, listing_id: int) -> str:
        return status_for(kind for _, _, kind in self.model[listing_id])

    def _change(self, listing_id: int, fn) -> None:
        """Apply `fn` to the model of one listing, and note the status change the marketplace hears."""
        before = self._status(listing_id)
        fn(self.model[listing_id])
        after = self._status(listing_id)
        if after != before:
            self.told[listing_id].append(after)

    def _lift_case(self, case_id: int, listing_id: int) -> None:
        self._change(listing_id, lambda rs: rs.difference_update({r for r in rs if r[:2] == ("case", case_id)}))

    def _ingest(self, seller, *, title: str, ships_from: str) -> Listing:
        self.n += 1
        last_case = Case.objects.order_by("-id").values_list("id", flat=True).first() or 0
        # A new listing: nothing holds a rule off it.
        hit = self.rules_strict and "ACME" in title and ships_from not in ("DE", "US")
        listing, _ = self._run(listing_upsert, seller=seller, external_id=f"M-{self.n}", title=title,
                               description="", brand_name="", ships_from=ships_from, price="9.99")
        self.listings.append(listing.pk)
        suspension = Suspension.objects.filter(seller=seller, status=SuspensionStatus.APPROVED).first()
        if suspension is not None:
            self._change(listing.pk, lambda rs: rs.add(("suspension", suspension.pk, "suppressed")))
        self._record_hits({listing.pk} if hit else set(), after_case=last_case)
        return listing

    def _would_hit(self, listing_id: int) -> bool:
        """The model of a protection rule's check of one listing, asked before the portal runs it."""
        listing = Listing.objects.get(pk=listing_id)
        tm = self.rights["trademark"]
        if not (self.rules_strict and "ACME" in listing.title and listing.ships_from not in ("DE", "US")):
            return False
        cases = Case.objects.filter(listing=listing, right=tm)
        if cases.filter(state__in=[CaseState.OPEN, CaseState.IN_REVIEW, CaseState.NEEDS_INFO]).exists():
            return False  # an undecided case for the listing and right: joined, not opened again
        if any(r[0] == "case" and Case.objects.get(pk=r[1]).right_id == tm.pk for r in self.model[listing_id]):
            return False  # restricted for this right already
        if self.cleared.get((listing_id, tm.pk)) == listing.rule_facts():
            return False  # a person reinstated it and it has not changed since
        rejected_by_reviewer = cases.filter(source=CaseSource.AUTOMATIC, state=CaseState.REJECTED).exclude(
            decisions__reason_code="auto_rule_no_longer_matches").exists()
        return not rejected_by_reviewer

    def _record_hits(self, predicted: set[int], *, after_case: int) -> None:
        """After the portal ran its checks: exactly the predicted listings got a new automatic case,
        each suppressing its listing."""
        new = {c.listing_id: c for c in Case.objects.filter(pk__gt=after_case, source=CaseSource.AUTOMATIC)}
        assert set(new) == predicted, f"automatic cases opened on {sorted(new)}, expected {sorted(predicted)}"
        for listing_id, case in new.items():
            self._change(listing_id, lambda rs, case=case: rs.add(("case", case.pk, "suppressed")))

    def _pick(self, items, index: int):
        return items[index % len(items)] if items else None

    def _cases(self, *states, source=None):
        cases = Case.objects.filter(listing_id__in=self.listings, state__in=states).order_by("id")
        if source:
            cases = cases.filter(source=source)
        return list(cases)

    # --- rules -----------------------------------------------------------------------------------

    @rule(kind=st.sampled_from(["trademark", "copyright", "patent", "design"]), i=st.integers(0, 99),
          two=st.booleans())
    def file_a_report(self, kind, i, two):
        ids = [self._pick(self.listings, i)] + ([self._pick(self.listings, i + 1)] if two else [])
        listings = list(Listing.objects.filter(pk__in=set(ids)))
        report = self._run(file_report, reporter=self.alice, right=self.rights[kind], listings=listings)
        self.touched = list(report.cases.all())

    @rule(seller=st.integers(0, 1), hit=st.booleans())
    def ingest_a_listing(self, seller, hit):
        listing = self._ingest(self.sellers[seller], title=MARK_TITLE if hit else "Garden chair", ships_from="CN")
        self.touched = list(Case.objects.filter(listing=listing))

    @rule(strict=st.booleans())
    def change_the_rules(self, strict):
        """Acme's rule: only DE and US may ship ACME goods (strict), or CN too (relaxed)."""
        countries = ["DE", "US"] if strict else ["DE", "US", "CN"]
        was_open = {c.pk: c.listing_id for c in self._cases(CaseState.OPEN, CaseState.IN_REVIEW,
                                                             source=CaseSource.AUTOMATIC)}
        self.rules_strict = strict
        predicted = {pk for pk in self.listings if self._would_hit(pk)}
        last_case = Case.objects.order_by("-id").values_list("id", flat=True).first() or 0
        self._run(protection_rules_set, brand=self.brand, by=self.alice, countries=countries,
                  countries_mode="suppress", sellers=[], sellers_mode="flag", extra_terms=[], misspellings=[])
        if not strict:  # a rule that no longer matches releases its open automatic cases
            for case_id, listing_id in was_open.items():
                assert Case.objects.get(pk=case_id).state == CaseState.REJECTED
                self._lift_case(case_id, listing_id)
        self._record_hits(predicted, after_case=last_case)
        self.touched = list(Case.objects.filter(pk__in=was_open))

    def _has_open(self) -> bool:
        return Case.objects.filter(listing_id__in=self.listings, state=CaseState.OPEN).exists()

    def _has_actioned(self) -> bool:
        return Case.objects.filter(listing_id__in=self.listings, state=CaseState.ACTIONED).exists()

    def _has_suspension(self) -> bool:
        return Suspension.objects.filter(seller__in=self.sellers, status=SuspensionStatus.APPROVED).exists()

    def _has_report(self) -> bool:
        return Case.objects.filter(listing_id__in=self.listings, report__isnull=False, report__withdrawn_at=None,
                                   state__in=[CaseState.OPEN, CaseState.ACTIONED]).exists()

    # Preconditions keep every step doing something (a rule with nothing to act on is not drawn).
    @precondition(_has_open)
    @rule(i=st.integers(0, 99), outcome=st.sampled_from(["remove", "suppress", "reject"]), whole=st.booleans())
    def decide(self, i, outcome, whole):
        case = self._pick(self._cases(CaseState.OPEN), i)
        if case is None:
            return
        code = {"remove": REMOVE, "suppress": SUPPRESS, "reject": REJECT}[outcome][case.kind]
        others = (list(Case.objects.filter(report_id=case.report_id, state=CaseState.OPEN).exclude(pk=case.pk))
                  if whole and case.report_id else [])
        self._run(case_claim, case=case, reviewer=self.rev1)
        if others:
            self._run(report_cases_decide, case=case, reviewer=self.rev1, reason_code=code, facts="Checked.",
                      statement=None)
        else:
            self._run(case_decide, case=case, reviewer=self.rev1, reason_code=code, facts="Checked.")
        for c in [case, *others]:
            if outcome == "reject":
                self._lift_case(c.pk, c.listing_id)
            else:
                kind = "removed" if outcome == "remove" else "suppressed"
                self._change(c.listing_id, lambda rs, c=c, kind=kind: rs.add(("case", c.pk, kind)))
        self.touched = [case, *others]

    def _restricted_case(self, i):
        return self._pick(self._cases(CaseState.ACTIONED), i)

    @precondition(_has_actioned)
    @rule(i=st.integers(0, 99), granted=st.booleans())
    def seller_appeals(self, i, granted):
        case = self._restricted_case(i)
        if case is None:
            return
        user = case.listing.seller.members.first().user
        try:
            appeal = self._run(appeal_file, case=case, user=user, statement="The goods are genuine; invoices attached.")
        except AppealError:
            return
        decided_by = case.decisions.order_by("-id").first().decided_by_id
        decider = self.senior if decided_by != self.senior.pk else self.senior2
        code = "appeal_genuine_goods" if granted else "appeal_no_new_facts"
        self._run(appeal_decide, appeal=appeal, senior=decider, reason_code=code, facts="Invoices checked.")
        if granted:
            self._lift_case(case.pk, case.listing_id)
            self.cleared[(case.listing_id, case.right_id)] = Listing.objects.get(pk=case.listing_id).rule_facts()
        self.touched = [case]

    @precondition(_has_actioned)
    @rule(i=st.integers(0, 99))
    def counter_notice_runs_out(self, i):
        case = self._restricted_case(i)
        if case is None:
            return
        user = case.listing.seller.members.first().user
        statements = Statements(material="The listing", location="The marketplace", perjury_statement=True,
                                full_name="A Seller", address="1 Road", phone="+1 555 0100",
                                consent_jurisdiction=True, consent_service=True, signature="A Seller")
        try:
            notice = self._run(counter_notice_file, case=case, user=user, statements=statements)
        except CounterNoticeError:
            return
        later = notice.created_at + timedelta(days=30)
        assert self._run(counter_notices_reinstate_due, now=later) >= 1
        self._lift_case(case.pk, case.listing_id)
        self.cleared[(case.listing_id, case.right_id)] = Listing.objects.get(pk=case.listing_id).rule_facts()
        self.touched = [case]

    @precondition(_has_report)
    @rule(i=st.integers(0, 99))
    def withdraw_a_report(self, i):
        reports = sorted({c.report_id for c in self._cases(CaseState.OPEN, CaseState.ACTIONED)
                          if c.report_id and c.report.withdrawn_at is None})
        report_id = self._pick(reports, i)
        if report_id is None:
            return
        actioned = list(Case.objects.filter(report_id=report_id, state=CaseState.ACTIONED))
        report = actioned[0].report if actioned else Case.objects.filter(report_id=report_id).first().report
        try:
            self._run(report_withdraw, report=report, user=self.alice)
        except WithdrawalError:
            return
        for case in actioned:
            self._lift_case(case.pk, case.listing_id)
            self.cleared[(case.listing_id, case.right_id)] = Listing.objects.get(pk=case.listing_id).rule_facts()
        self.touched = list(Case.objects.filter(report_id=report_id))

    @rule(seller=st.integers(0, 1))
    def suspend_a_seller(self, seller):
        seller = self.sellers[seller]
        if Suspension.objects.filter(seller=seller, status=SuspensionStatus.APPROVED).exists():
            return
        case = Case.objects.filter(listing__seller=seller).order_by("id").first()
        if case is None:
            return
        try:
            proposal = self._run(suspension_propose, case=case, reviewer=self.rev2,
                                 reason="Relists the same goods under new ids after each takedown.")
        except SuspensionAlreadyOpen as exc:
            proposal = exc.args[0]
        suspension = self._run(suspension_approve, suspension=proposal, senior=self.senior2, reason="Repeat infringer.")
        for listing_id in Listing.objects.filter(seller=seller).values_list("id", flat=True):
            self._change(listing_id, lambda rs: rs.add(("suspension", suspension.pk, "suppressed")))
        self.touched = [case]

    @precondition(_has_suspension)
    @rule(seller=st.integers(0, 1))
    def lift_a_suspension(self, seller):
        suspensions = list(Suspension.objects.filter(seller__in=self.sellers, status=SuspensionStatus.APPROVED)
                           .order_by("id"))
        suspension = self._pick(suspensions, seller)
        self._run(suspension_lift, suspension=suspension, senior=self.senior, reason="Served its time.")
        for listing_id in Listing.objects.filter(seller=suspension.seller).values_list("id", flat=True):
            self._change(listing_id, lambda rs: rs.discard(("suspension", suspension.pk, "suppressed")))

    # --- invariants ------------------------------------------------------------------------------

    @invariant()
    def each_listing_shows_what_its_restrictions_say(self):
        actual = defaultdict(set)
        for listing_id, kind, source, case_id, suspension_id in Restriction.objects.filter(
                listing_id__in=self.listings, lifted_at__isnull=True).values_list(
                "listing_id", "kind", "source", "case_id", "suspension_id"):
            actual[listing_id].add(("suspension", suspension_id, kind) if source == "suspension"
                                   else ("case", case_id, kind))
        for listing_id, status in Listing.objects.filter(pk__in=self.listings).values_list("id", "status"):
            assert actual[listing_id] == self.model[listing_id], f"listing {listing_id}: restrictions"
            assert status == self._status(listing_id), f"listing {listing_id}: {status} != {self._status(listing_id)}"

    @invariant()
    def every_standing_restriction_has_a_statement_for_its_rights_kind(self):
        for r in Restriction.objects.filter(listing_id__in=self.listings, lifted_at__isnull=True,
                                            decision__isnull=False).select_related("decision", "case"):
            assert r.decision.statement.strip()
            assert REASONS[r.decision.reason_code].fits(r.case.kind), (r.decision.reason_code, r.case.kind)

    @invariant()
    def the_marketplace_heard_exactly_the_changes(self):
        heard = defaultdict(list)
        for event_type, ext in WebhookEvent.objects.filter(type__startswith="listing.").order_by("id").values_list(
                "type", "payload__data__listing_external_id"):
            heard[ext].append(STATUS_OF_EVENT[event_type])
        for listing_id, ext in Listing.objects.filter(pk__in=self.listings).values_list("id", "external_id"):
            assert heard[ext] == self.told[listing_id], f"listing {listing_id} ({ext}): told {heard[ext]}"

    @invariant()
    def each_removal_counts_in_one_strike_that_stands_while_one_of_its_removals_does(self):
        removals = set(Decision.objects.filter(case__listing_id__in=self.listings, outcome=Outcome.REMOVE)
                       .values_list("id", flat=True))
        links = list(StrikeDecision.objects.filter(strike__seller__in=self.sellers).values_list(
            "decision_id", "strike_id", "reversed_at", "strike__removed_at"))
        assert {decision_id for decision_id, *_ in links} == removals
        standing, removed = defaultdict(bool), {}
        for _, strike_id, reversed_at, removed_at in links:
            standing[strike_id] |= reversed_at is None
            removed[strike_id] = removed_at is not None
        assert all(standing[s] != removed[s] for s in removed), "a strike stands exactly while one removal does"

    @invariant()
    def no_page_of_anyone_involved_fails(self):
        client = Client(raise_request_exception=False)
        pages = []
        for case in self.touched[:3]:
            seller_user = case.listing.seller.members.first().user
            pages += [(self.rev1, reverse("review:case_detail", args=[case.pk])),
                      (seller_user, reverse("sellers:notice_detail", args=[case.pk])),
                      (seller_user, reverse("sellers:seller_center")),
                      (self.alice, reverse("reporters:case", args=[case.pk]))]
            if case.report_id:
                pages.append((self.alice, reverse("reporters:report_detail", args=[case.report_id])))
        for user, url in pages:
            client.force_login(user)
            status = client.get(url).status_code
            assert status < 500, f"{url} as {user.username}: {status}"


@pytest.mark.django_db
@pytest.mark.timeout({"long": 3600, "medium": 1800}.get(os.environ.get("HYPOTHESIS_PROFILE", "ci"), 300))
def test_the_workflow_holds_together_whatever_the_order(capsys):
    bound = PROFILE if connection.vendor == "postgresql" else {"max_examples": 4, "stateful_step_count": 10}
    run_state_machine_as_test(Workflow, settings=settings(
        deadline=None, suppress_health_check=list(HealthCheck), derandomize=os.environ.get("CI") == "true",
        **bound))
    with capsys.disabled():
        print(f"\nworkflow machine: {RUNS['sequences']} sequences, {RUNS['steps']} steps")
    assert RUNS["sequences"] >= bound["max_examples"]
