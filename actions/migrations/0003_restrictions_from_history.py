"""Restrictions from the history: replay every applied action in the order it was applied, as
actions.restrictions does now (an imposing action adds its restriction; a reinstatement lifts its
case's; a suspension's lift lifts the suspension's). The listings' status is not changed and the
marketplace is not told anything: where the replay disagrees with what a listing shows (an old
suspension lift restored listings that takedowns still hid), the listing's status stands and the
restrictions it contradicts are recorded as lifted by the last action applied to it. A restriction
a person's decision lifted keeps the listing's facts as it shows them now (cleared_facts), so the
protection rules keep leaving it alone."""

from collections import defaultdict

from django.db import migrations

IMPOSED = {"remove": "removed", "suppress": "suppressed"}
RULE_FACTS = ("title", "description", "brand_name", "ships_from", "seller_id")


def status_for(kinds):
    return "removed" if "removed" in kinds else "suppressed" if "suppressed" in kinds else "active"


def forwards(apps, schema_editor):
    Action = apps.get_model("actions", "EnforcementAction")
    Restriction = apps.get_model("actions", "Restriction")
    Listing = apps.get_model("listings", "Listing")
    Suspension = apps.get_model("suspensions", "Suspension")
    for suspension in Suspension.objects.all():
        for job_id in (suspension.suspend_job_id, suspension.lift_job_id):
            if job_id is not None:
                Action.objects.filter(bulk_job_id=job_id, decision__isnull=True).update(suspension_id=suspension.pk)
    active = defaultdict(list)  # listing id -> restrictions not lifted
    last_action = {}
    for a in Action.objects.filter(status="applied").select_related("decision").order_by("applied_at", "id"):
        last_action[a.listing_id] = a
        when = a.applied_at or a.updated_at
        if a.kind in IMPOSED:
            if a.suspension_id is None and a.decision_id is None:
                continue  # a suspension job no suspension names: nothing to attribute it to
            source = ("suspension" if a.suspension_id else "automatic" if a.decision.automated else "decision")
            active[a.listing_id].append(Restriction.objects.create(
                listing_id=a.listing_id, kind=IMPOSED[a.kind], source=source, imposed_by=a, started_at=when,
                case_id=None if a.suspension_id else a.case_id, decision_id=None if a.suspension_id else a.decision_id,
                suspension_id=a.suspension_id))
            continue
        for r in list(active[a.listing_id]):
            lifts = (r.case_id is not None and r.case_id == a.case_id if a.kind == "reinstate"
                     else r.suspension_id is not None and r.suspension_id == a.suspension_id)
            if lifts:
                r.lifted_at, r.lifted_by = when, a
                # A person's reinstatement (or the counter-notice procedure's) holds the rules off
                # while the listing shows what it shows now (the nearest to "then" the data knows).
                if a.kind == "reinstate" and (not a.decision.automated
                                              or a.decision.reason_code == "counter_notice_no_court_action"):
                    listing = Listing.objects.get(pk=a.listing_id)
                    r.cleared_facts = {name: getattr(listing, name) for name in RULE_FACTS}
                r.save(update_fields=["lifted_at", "lifted_by", "cleared_facts"])
                active[a.listing_id].remove(r)
    for listing in Listing.objects.filter(pk__in=list(active)).only("id", "status"):
        standing = active[listing.pk]
        if listing.status == "active" and standing:
            last = last_action[listing.pk]
            Restriction.objects.filter(pk__in=[r.pk for r in standing]).update(
                lifted_at=last.applied_at or last.updated_at, lifted_by=last)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0002_restrictions"),
        ("suspensions", "0001_initial"),
        ("listings", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
