"""The decide form's "apply to all identical cases of this report": the reviewer's case decided in the
request, the rest by a job whose page shows the progress."""

import pytest
from django.urls import reverse

from actions.models import BulkJob, BulkJobStatus
from complaints.models import CaseState, Decision

from ..conftest import claim, report_with_cases


def _url(case):
    return reverse("decisions:case_decide", kwargs={"pk": case.pk})


ALL = {"reason_code": "tm_counterfeit", "facts": "Same fake.", "apply_to_report": "on", "confirm_apply": "on"}


def test_it_decides_the_reviewers_case_and_sends_them_to_the_jobs_progress(world, client,
                                                                           django_capture_on_commit_callbacks):
    report, cases = report_with_cases(world, 3)
    claim(cases[0], world.rev1)
    claim(cases[2], world.rev2)
    client.force_login(world.rev1)
    html = client.get(reverse("review:case_detail", kwargs={"pk": cases[0].pk})).content.decode()
    assert "Apply to all identical cases of this report: <b data-testid=\"apply-all-count\">2 more listings</b>" in html
    assert "I confirm: 2 more listings will be decided as this one" in html
    with django_capture_on_commit_callbacks(execute=False) as callbacks:  # the walk not run yet
        response = client.post(_url(cases[0]), ALL)
    job = BulkJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("actions:bulk_job", args=[job.pk])
    assert report.cases.filter(state=CaseState.ACTIONED).count() == 1  # only the reviewer's own, in the request
    page = client.get(response["Location"]).content.decode()
    assert (f"Decision on {cases[0].reference} recorded: Remove listing. The seller and the reporter are notified. "
            f"The same decision is being applied to the other 2 undecided cases of report {report.reference} in "
            "the background; cases held by another reviewer are skipped. Sellers hear of each case as usual; the "
            "reporter gets one summary of them when the job finishes. Progress below.") in page
    assert "Cases: <b>0</b> of 2 decided" in page and 'hx-trigger="every 2s"' in page
    assert f"Report {report.reference}: Counterfeit goods bearing the registered mark" in page

    with django_capture_on_commit_callbacks(execute=True):  # the worker: the walk, then its chunk
        for callback in callbacks:
            callback()
    job.refresh_from_db()
    assert (job.cases_decided, job.cases_skipped, job.done, job.status) == (1, 1, 1, BulkJobStatus.FINISHED)
    partial = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "<h1>" not in partial  # the polled block only
    assert "Cases: <b>1</b> of 2 decided, <b>1</b> skipped (1 held by another reviewer)" in partial
    assert "<b>1</b> of 1 applied" in partial and "Finished" in partial and "hx-trigger" not in partial


def test_with_no_other_undecided_case_it_is_a_single_decision(world, client):
    report, cases = report_with_cases(world, 1)
    claim(cases[0], world.rev1)
    client.force_login(world.rev1)
    response = client.post(_url(cases[0]), ALL, follow=True)
    assert response.redirect_chain[-1][0] == reverse("review:queue")
    assert f"Decision on {cases[0].reference} recorded: Remove listing." in response.content.decode()
    assert not BulkJob.objects.exists()


def test_it_refuses_when_the_reviewer_does_not_hold_the_first_case(world, client):
    report, cases = report_with_cases(world, 2)
    client.force_login(world.rev1)
    response = client.post(_url(cases[0]), ALL)
    assert response.status_code == 400
    assert "This case is open; it can no longer be decided." in response.content.decode()
    assert not Decision.objects.exists() and not BulkJob.objects.exists()
    assert report.cases.filter(state=CaseState.OPEN).count() == 2


def test_facts_missing_are_refused_with_the_form_and_no_job(world, client):
    report, cases = report_with_cases(world, 3)
    claim(cases[0], world.rev1)
    client.force_login(world.rev1)
    response = client.post(_url(cases[0]), {**ALL, "facts": "  "})
    assert response.status_code == 400
    assert "Give the facts behind the decision" in response.content.decode()
    assert not Decision.objects.exists() and not BulkJob.objects.exists()


@pytest.mark.parametrize("persona", ["alice", "sam", "outsider"])
def test_only_reviewers_decide_a_whole_report(world, client, settings, persona):
    settings.DEBUG = False
    report, cases = report_with_cases(world, 3)
    claim(cases[0], world.rev1)
    client.force_login(getattr(world, persona))
    assert client.post(_url(cases[0]), ALL).status_code == 403
    assert not Decision.objects.exists() and not BulkJob.objects.exists()


def test_the_report_decision_jobs_page_is_for_reviewers_only(world, client, django_capture_on_commit_callbacks):
    report, cases = report_with_cases(world, 3)
    claim(cases[0], world.rev1)
    client.force_login(world.rev1)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(_url(cases[0]), ALL)
    job = BulkJob.objects.get()
    client.force_login(world.rev2)  # any reviewer follows it
    assert client.get(reverse("actions:bulk_job", args=[job.pk])).status_code == 200
    client.force_login(world.alice)
    assert client.get(reverse("actions:bulk_job", args=[job.pk])).status_code == 403


def test_applying_to_all_without_the_confirmation_decides_nothing(world, client):
    report, cases = report_with_cases(world, 3)
    claim(cases[0], world.rev1)
    client.force_login(world.rev1)
    response = client.post(_url(cases[0]), {**ALL, "confirm_apply": ""})
    assert response.status_code == 400
    assert "Confirm applying the decision to the report&#x27;s other undecided cases" in response.content.decode()
    assert not BulkJob.objects.exists() and not Decision.objects.exists()


def test_the_job_page_names_the_reason_in_words_and_links_the_skipped_cases(world, client,
                                                                         django_capture_on_commit_callbacks):
    report, cases = report_with_cases(world, 3)
    claim(cases[0], world.rev1)
    claim(cases[2], world.rev2)
    client.force_login(world.rev1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(cases[0]), ALL)
    html = client.get(response["Location"]).content.decode()
    assert "(tm_counterfeit)" not in html and "“Counterfeit goods bearing the registered mark" in html
    assert 'data-testid="skipped-cases"' in html
    assert f'href="{reverse("review:case_detail", args=[cases[2].pk])}">{cases[2].reference}</a>' in html
    assert "held by rev2" in html and "every case reached" in html
