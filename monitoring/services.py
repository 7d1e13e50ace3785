"""Writes for automatic protection: cases the portal opens itself, and re-checks after rule changes."""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from actions.models import Restriction, RestrictionKind
from audit.models import AuditEntry
from audit.services import audit_append, audit_label
from audit.transitions import transition
from common.dispatch import enqueue
from complaints.lanes import case_priority
from complaints.models import AUTO_RULE_NO_LONGER_MATCHES, UNDECIDED_STATES, Case, CaseSource, CaseState
from complaints.sla import case_due_at
from decisions.automated import case_release_automated, case_suppress_automated
from imagery.matching import image_matches, near_owners_many, title_simhashes
from imagery.models import ListingImage, TitleFingerprint
from imagery.selectors import images_snapshot, linked_seller_ids
from imagery.services import title_fingerprints_store
from listings.models import Listing, ListingStatus
from registry.models import Brand, IPRight, ProtectionRule, RuleMode

from .matcher import Hit, ImageHit, ListingFacts, RelistingHit, current_matcher
from .models import ProtectionVersion, RecheckJob, RecheckStatus
from .states import RECHECK_TRANSITIONS


def protection_version_bump() -> None:
    """Every process rebuilds its automaton at its next check."""
    if not ProtectionVersion.objects.filter(pk=1).update(version=F("version") + 1):
        try:
            with transaction.atomic():
                ProtectionVersion.objects.create(pk=1, version=1)
        except IntegrityError:  # race: another process created it first
            ProtectionVersion.objects.filter(pk=1).update(version=F("version") + 1)


def listings_check(*, listing_ids: list[int], brand_ids: set[int] | None = None) -> int:
    """Check listings against the verified rights' rules: open a case (and suppress, in suppress
    mode) for each hit; close each open automatic case whose rule no longer matches its listing
    (case_release_automated: its suppression lifts). `brand_ids` limits it to those brands (a
    re-check). Returns cases opened."""
    matcher = current_matcher()
    open_automatic: dict[int, list[tuple[int, int]]] = defaultdict(list)
    automatic = Case.objects.filter(listing_id__any=listing_ids, source=CaseSource.AUTOMATIC,
                                    state__in=UNDECIDED_STATES)
    if brand_ids is not None:
        automatic = automatic.filter(right__brand_id__in=brand_ids)
    for listing_id, case_id, right_id in automatic.values_list("listing_id", "pk", "right_id"):
        open_automatic[listing_id].append((case_id, right_id))
    # Beside the text automaton: listing pictures near a reference picture of a verified right,
    # and copies of listings removed for IP infringement (not in a brand's re-check).
    pictures = image_matches(listing_ids=listing_ids, brand_ids=brand_ids) if matcher.rules else {}
    rows = list(Listing.objects.filter(pk__in=listing_ids)
                .values_list("pk", "title", "description", "brand_name", "ships_from", "seller_id"))
    relistings = relistings_find(rows=rows) if brand_ids is None else {}
    if not matcher.term_count and not open_automatic and not pictures and not relistings:
        return 0
    opened = 0
    for pk, title, description, brand_name, ships_from, seller_id in rows:
        facts = ListingFacts(title=title, description=description, brand_name=brand_name,
                             ships_from=ships_from, seller_id=seller_id)
        hits = list(matcher.match(facts, brand_ids)) if matcher.term_count else []
        hits += _image_hits(matcher, facts, pictures.get(pk, ()))
        hits += relistings.get(pk, [])
        matched = {hit.right_id for hit in hits}
        for case_id, right_id in open_automatic.get(pk, ()):
            if right_id not in matched:
                case_release_automated(case_id=case_id)
        for hit in hits:
            text = getattr(facts, hit.field) if isinstance(hit, Hit) else ""
            opened += case_open_automatic(listing_id=pk, hit=hit, text=text) is not None
    return opened


def removed_titles_fingerprint(*, listing_ids: list[int]) -> None:
    """Requires the transaction that removes these listings for IP infringement. Stores their
    titles' fingerprints, the ones re-listings are searched among (relistings_find): a listing is
    fingerprinted when it is removed, as it read then, not at every change of every listing."""
    if listing_ids:
        title_fingerprints_store(titles=dict(Listing.objects.filter(pk__any=listing_ids).values_list("pk", "title")))


def relistings_find(*, rows: list[tuple]) -> dict[int, list[RelistingHit]]:
    """Listings among `rows` (pk, title, …, seller_id) that copy a listing removed for IP
    infringement: a title within
    IMAGERY_TITLE_BITS of its SimHash or a picture within IMAGERY_SEARCH_BITS, from the same seller
    or a linked one (imagery.selectors.linked_sellers). One hit per removed case, nearest first;
    suppressed at once when the brand chose automatic suppression in any of its rules.

    A few statements for the batch, whatever its size: the titles' and the current pictures'
    hashes, one band-index search each among the removed listings (imagery.matching.near_owners_many),
    their restrictions; then per seller its links and per brand its rule mode, only where a copy
    was found."""
    found: dict[int, list[RelistingHit]] = {}
    removals = Restriction.objects.filter(kind=RestrictionKind.REMOVED, lifted_at__isnull=True, case__isnull=False)
    if not removals.exists():
        return found  # nothing removed for infringement: nothing to re-list
    removed_now = set(Listing.objects.filter(pk__any=[r[0] for r in rows], status=ListingStatus.REMOVED)
                      .values_list("pk", flat=True))
    candidates = [r for r in rows if r[0] not in removed_now]
    pks = [r[0] for r in candidates]
    removed_ids = removals.values_list("listing_id", flat=True)
    # The batch's titles are hashed here and searched among the stored fingerprints, which are the
    # removed listings' (on_actions_applied): only what is searched for is indexed.
    by_title = near_owners_many(
        table=TitleFingerprint._meta.db_table, column="simhash", max_distance=settings.IMAGERY_TITLE_BITS,
        values=list(zip(pks, title_simhashes([r[1] for r in candidates]), strict=True)), owners_in=removed_ids)
    by_picture = near_owners_many(
        table=ListingImage._meta.db_table, column="phash", max_distance=settings.IMAGERY_SEARCH_BITS,
        values=list(ListingImage.objects.filter(listing_id__any=pks, current=True, phash__isnull=False)
                    .values_list("listing_id", "phash")),
        extra_where="AND phash IS NOT NULL", owners_in=removed_ids)
    if not by_title and not by_picture:
        return found
    restrictions: dict[int, list[Restriction]] = defaultdict(list)
    for restriction in (removals.filter(listing_id__in={o for near in (*by_title.values(), *by_picture.values())
                                                        for o in near})
                        .select_related("case__right__brand", "listing", "decision").order_by("-id")):
        restrictions[restriction.listing_id].append(restriction)
    linked: dict[int, set[int]] = {}
    suppressing: dict[int, bool] = {}
    for pk, *_, seller_id in rows:
        near: dict[int, str] = {}
        for other, d in sorted(by_title.get(pk, {}).items(), key=lambda t: (t[1], t[0])):
            near[other] = f"its title is {d} of 64 fingerprint bits from the removed listing's"
        for other, d in sorted(by_picture.get(pk, {}).items(), key=lambda t: (t[1], t[0])):
            near.setdefault(other, f"a picture is {d} of 64 bits from the removed listing's")
        for restriction in sorted((r for other in near for r in restrictions.get(other, ())), key=lambda r: -r.pk):
            other_seller = restriction.listing.seller_id
            if other_seller != seller_id:
                if seller_id not in linked:
                    linked[seller_id] = linked_seller_ids(seller_id=seller_id)
                if other_seller not in linked[seller_id]:
                    continue
            case = restriction.case
            brand_id = case.right.brand_id
            who = "the same seller" if other_seller == seller_id else "a linked seller"
            if brand_id not in suppressing:
                suppressing[brand_id] = ProtectionRule.objects.filter(brand_id=brand_id,
                                                                      mode=RuleMode.SUPPRESS).exists()
            decision = restriction.decision
            found.setdefault(pk, []).append(RelistingHit(
                brand_id=brand_id, right_id=case.right_id,
                mode=RuleMode.SUPPRESS if suppressing[brand_id] else RuleMode.FLAG, removed_case_id=case.pk,
                removed_reference=case.reference, why=f"{near[restriction.listing_id]}, sold by {who}",
                decision=f"{decision.get_outcome_display()} ({decision.reason_code})" if decision else "removed"))
    return found


def _image_hits(matcher, facts: ListingFacts, pictures) -> list[ImageHit]:
    """Image matches that break their brand's rules (exemptions as for text: authorized sellers
    and countries), nearest first."""
    hits = []
    for match in sorted(pictures, key=lambda m: m.distance):
        judged = matcher.rules_fired(facts, match.brand_id)
        if judged is not None:
            hits.append(ImageHit(brand_id=match.brand_id, right_id=match.right_id, rules=judged[0], mode=judged[1],
                                 pair=match.detection()))
    return hits


def case_open_automatic(*, listing_id: int, hit: Hit | ImageHit | RelistingHit, text: str) -> Case | None:
    """Open a system case for a rule hit; in suppress mode also suppress the listing (automated
    decision, applied after commit). None when the listing already has an undecided case or an
    active restriction for that right, a reviewer already rejected the same detection, or a
    person reinstated the listing for that right and it has not changed since (held_by_person)."""
    detection = hit.detection(text)
    with transaction.atomic():
        # Race: two workers checking the same listing; the lock makes the second see the first's case.
        listing = Listing.objects.select_for_update().filter(pk=listing_id).first()
        if listing is None:
            return None
        right = IPRight.objects.select_related("brand").get(pk=hit.right_id)
        if Case.objects.filter(listing=listing, right=right, state__in=UNDECIDED_STATES).exists():
            return None
        if Restriction.objects.filter(listing=listing, case__right=right, lifted_at__isnull=True).exists():
            return None  # already restricted for this right (a decision stands): nothing to add
        if _reviewer_reversed(listing=listing, right=right, detection=detection):
            return None
        if held_by_person(listing=listing, right=right, detection=detection):
            return None
        priority = case_priority(brand=right.brand, right=right)
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    report=None, listing=listing, right=right, source=CaseSource.AUTOMATIC, priority=priority,
                    due_at=case_due_at(priority=priority, created_at=timezone.now()),
                    listing_snapshot={**listing.snapshot(), "images": images_snapshot(listing_id=listing.pk)},
                    detection=detection,
                )
        except IntegrityError:  # race: a report opened a case for this listing and right a moment ago
            return None
        audit_append(actor=None, action="case.open", target=case, data={"automatic": detection})
        if hit.mode == RuleMode.SUPPRESS:
            case_suppress_automated(case=case, facts=_automatic_facts(detection, right))
    return case


def _automatic_facts(detection: dict, right: IPRight) -> str:
    if detection.get("relisting_of"):
        return (f"The listing is a re-listing of {detection['relisting_of']}, removed for infringing {right}: "
                f"{detection['relisting_why']}. Detected automatically; {right.brand} chose automatic "
                "suppression.")
    if detection.get("by_image"):
        return (f"A picture of the listing matches a reference picture of {right} ({detection['distance']} of "
                f"{detection['bits']} perceptual-hash bits differ), detected automatically by image, and "
                f"{detection['rule_label']} set by {right.brand}.")
    return (f"The listing uses the watched term “{detection['matched']}” ({detection['term_source']}) "
            f"in its {detection['field']} and {detection['rule_label']} set by {right.brand}.")


def flagged_cases_suppress(*, brand_id: int, rule_kind: str) -> int:
    """A reviewer approved a rule's suppress mode (registry.rule_claims): the automatic cases it
    flagged while waiting, still undecided and not restricted, are suppressed now, each naming the
    rule and term. Returns how many."""
    cases = (Case.objects.filter(source=CaseSource.AUTOMATIC, state__in=UNDECIDED_STATES, right__brand_id=brand_id)
             .exclude(restrictions__lifted_at__isnull=True, restrictions__isnull=False)
             .select_related("right__brand"))
    done = 0
    for case in cases:
        if rule_kind not in (case.detection or {}).get("rules", []):
            continue
        with transaction.atomic():
            case_suppress_automated(case=case, facts=_automatic_facts(case.detection, case.right))
        done += 1
    return done


def held_by_person(*, listing: Listing, right: IPRight, detection: dict) -> bool:
    """A person's decision outranks automation: the listing was reinstated for this right (on
    appeal, after a counter-notice, on rejection or withdrawal) and shows the same facts the rules
    read as then. The hit is recorded once on that case's timeline, so the reviewer sees why the
    rule did not act."""
    cleared = (Restriction.objects.filter(listing=listing, case__right=right, cleared_facts__isnull=False)
               .select_related("lifted_by__decision").order_by("-lifted_at", "-id").first())
    if cleared is None or cleared.cleared_facts != listing.rule_facts():
        return False
    if not AuditEntry.objects.filter(target_type=audit_label(Case), target_id=cleared.case_id,
                                     action="case.automation_held", created_at__gte=cleared.lifted_at).exists():
        decision = cleared.lifted_by.decision
        audit_append(actor=None, action="case.automation_held", target=Case.objects.get(pk=cleared.case_id),
                     data={"rule": detection.get("rule_label", ""), "matched": detection.get("matched", ""),
                           "held_by_decision": decision.pk if decision else None,
                           "why": "Reinstated by a person's decision; the listing has not changed since in "
                                  "what the rule reads, so the rule does not restrict it again."})
    return True


def _reviewer_reversed(*, listing: Listing, right: IPRight, detection: dict) -> bool:
    """A reviewer rejected an automatic case on this very listing text: do not reopen it on every
    later update that changes nothing the rule looks at."""
    rejected = (Case.objects.filter(listing=listing, right=right, source=CaseSource.AUTOMATIC,
                                    state=CaseState.REJECTED)
                .exclude(decisions__reason_code=AUTO_RULE_NO_LONGER_MATCHES)  # the rule closed it, not a reviewer
                .order_by("-id").first())
    if rejected is None:
        return False
    before = rejected.listing_snapshot
    now = listing.snapshot()
    same_listing = all(before.get(k) == now.get(k) for k in ("title", "description", "brand_name",
                                                             "ships_from", "seller_id"))
    return same_listing and rejected.detection.get("rules") == detection["rules"]


# --- re-checks after a rule change -------------------------------------------------------------

def recheck_start(*, brand_id: int) -> RecheckJob:
    """Start checking all existing listings again for one brand; a running re-check of the same
    brand is superseded (its remaining listings are covered by the new one). Chunks run after commit."""
    with transaction.atomic():
        brand = Brand.objects.select_for_update().get(pk=brand_id)  # serializes two rule saves
        for old in RecheckJob.objects.filter(brand=brand, status=RecheckStatus.RUNNING):
            transition(obj=old, to=RecheckStatus.SUPERSEDED, actor=None, table=RECHECK_TRANSITIONS, field="status",
                       changes={"finished_at": timezone.now()})
        upto = Listing.objects.aggregate(m=Max("pk"))["m"] or 0
        # Every listing, whatever its status: a restricted one may match another right's rule, and an
        # automatic case whose rule was relaxed must be released.
        total = Listing.objects.filter(pk__lte=upto).count()
        job = RecheckJob.objects.create(brand=brand, total=total, upto=upto)
        audit_append(actor=None, action="monitoring.recheck_started", target=brand,
                     data={"job": job.pk, "listings": total})
        transaction.on_commit(lambda: _enqueue_chunk(job.pk, 0), robust=True)
    return job


def _enqueue_chunk(job_id: int, cursor: int) -> None:
    enqueue("monitoring.tasks.recheck_chunk", job_id, cursor)


def recheck_chunk_run(*, job_id: int, cursor: int) -> int | None:
    """Check the next MONITORING_RECHECK_CHUNK listings after `cursor` and move the cursor. Returns the new
    cursor when listings remain (the caller queues the next chunk), else None. Idempotent: a
    message for a cursor the job has already passed (a redelivery) does nothing and returns None."""
    with transaction.atomic():
        job = RecheckJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != RecheckStatus.RUNNING or job.cursor != cursor:
            return None
        chunk = settings.MONITORING_RECHECK_CHUNK
        ids = list(Listing.objects.filter(pk__gt=cursor, pk__lte=job.upto)
                   .order_by("pk").values_list("pk", flat=True)[:chunk])
        hits = listings_check(listing_ids=ids, brand_ids={job.brand_id}) if ids else 0
        job.checked = min(job.total, job.checked + len(ids))
        job.hits += hits
        job.cursor = ids[-1] if ids else job.upto
        job.save(update_fields=["checked", "hits", "cursor", "updated_at"])
        if len(ids) < chunk:
            job = transition(obj=job, to=RecheckStatus.DONE, actor=None, table=RECHECK_TRANSITIONS, field="status",
                             changes={"finished_at": timezone.now(), "checked": job.total}, data={"hits": job.hits})
    return job.cursor if job.status == RecheckStatus.RUNNING else None


def rechecks_resume_stale(*, older_than_seconds: int = 300) -> int:
    """Beat: re-queue running re-checks that made no progress for a while (a lost message)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    jobs = list(RecheckJob.objects.filter(status=RecheckStatus.RUNNING, updated_at__lt=cutoff)
                .values_list("pk", "cursor")[:100])
    for job_id, cursor in jobs:
        _enqueue_chunk(job_id, cursor)
    return len(jobs)
