"""Existing strikes (one per removal decision) grouped into decision events: the decisions of one
report-wide decision (the reviewer's own case, decided in the request, and the cases its report
decision job decided) become one strike per seller, keyed by the report; any other decision keeps
its strike, keyed by the decision. The earliest strike of a group stays (its dates, its audit
history) and covers the group's decisions, each reversed if its strike had been removed; the
strike is removed only if all were. The suspensions that counted a merged strike count the one
that stays. Reversible: each covered decision gets its own strike back."""

from django.db import migrations

BATCH = 1000


def _event_of_decisions(apps) -> dict[int, str]:
    """Decision id -> event key, for the decisions taken by a report-wide decision."""
    BulkJob = apps.get_model("actions", "BulkJob")
    EnforcementAction = apps.get_model("actions", "EnforcementAction")
    Decision = apps.get_model("complaints", "Decision")
    event = {}
    for job in BulkJob.objects.filter(kind="report_decision").order_by("id").iterator():
        key = f"report:{job.report_id}"
        for decision_id in (EnforcementAction.objects.filter(bulk_job_id=job.pk, decision_id__isnull=False)
                            .values_list("decision_id", flat=True).iterator()):
            event[decision_id] = key
        # The reviewer's own case was decided in the request, just before the job was created, by
        # the same reviewer for the same reason; its action is not one of the job's.
        first = (Decision.objects.filter(case_id=job.source_case_id, decided_by_id=job.created_by_id,
                                         reason_code=job.reason_code, created_at__lte=job.created_at)
                 .order_by("-id").values_list("id", flat=True).first())
        if first is not None:
            event[first] = key
    return event


def strikes_group(apps, schema_editor):
    Strike = apps.get_model("suspensions", "Strike")
    StrikeDecision = apps.get_model("suspensions", "StrikeDecision")
    Through = apps.get_model("suspensions", "Suspension").strikes.through
    event = _event_of_decisions(apps)
    groups: dict[tuple[int, str], list] = {}
    for strike in Strike.objects.order_by("created_at", "id").iterator():
        key = event.get(strike.decision_id) or f"decision:{strike.decision_id}"
        groups.setdefault((strike.seller_id, key), []).append(strike)
    links = []
    for (_seller_id, key), strikes in groups.items():
        keep, merged = strikes[0], [s.pk for s in strikes[1:]]
        links += [StrikeDecision(strike_id=keep.pk, decision_id=s.decision_id, added_at=s.created_at,
                                 reversed_at=s.removed_at, reversed_reason=s.removed_reason) for s in strikes]
        if merged:
            counted = set(Through.objects.filter(strike_id=keep.pk).values_list("suspension_id", flat=True))
            others = set(Through.objects.filter(strike_id__in=merged).values_list("suspension_id", flat=True))
            Through.objects.bulk_create([Through(suspension_id=pk, strike_id=keep.pk) for pk in others - counted])
            Through.objects.filter(strike_id__in=merged).delete()
            Strike.objects.filter(pk__in=merged).delete()
        removed = [s for s in strikes if s.removed_at is not None]
        last = max(removed, key=lambda s: s.removed_at) if len(removed) == len(strikes) else None
        Strike.objects.filter(pk=keep.pk).update(
            event_key=key, decision=None, removed_at=last.removed_at if last else None,
            removed_reason=last.removed_reason if last else "")
        if len(links) >= BATCH:
            StrikeDecision.objects.bulk_create(links)
            links = []
    StrikeDecision.objects.bulk_create(links)


def strikes_split(apps, schema_editor):
    """Back to one strike per decision: the strike keeps its first decision; each other decision
    gets a strike of its own, counted by the same suspensions."""
    Strike = apps.get_model("suspensions", "Strike")
    StrikeDecision = apps.get_model("suspensions", "StrikeDecision")
    Through = apps.get_model("suspensions", "Suspension").strikes.through
    for strike in Strike.objects.order_by("id").iterator():
        links = list(StrikeDecision.objects.filter(strike_id=strike.pk).order_by("decision_id"))
        if not links:
            continue
        first, rest = links[0], links[1:]
        Strike.objects.filter(pk=strike.pk).update(
            decision_id=first.decision_id, event_key=f"decision:{first.decision_id}",
            removed_at=first.reversed_at, removed_reason=first.reversed_reason)
        suspensions = list(Through.objects.filter(strike_id=strike.pk).values_list("suspension_id", flat=True))
        lasts = strike.expires_at - strike.created_at
        for link in rest:
            split = Strike.objects.create(
                seller_id=strike.seller_id, decision_id=link.decision_id, event_key=f"decision:{link.decision_id}",
                created_at=link.added_at, expires_at=link.added_at + lasts, removed_at=link.reversed_at,
                removed_reason=link.reversed_reason)
            Through.objects.bulk_create([Through(suspension_id=pk, strike_id=split.pk) for pk in suspensions])
    StrikeDecision.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('actions', '0004_action_names_decision_or_suspension'),
        ('suspensions', '0002_strike_events'),
    ]

    operations = [
        migrations.RunPython(strikes_group, strikes_split),
    ]
