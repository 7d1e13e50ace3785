"""The issue's "Bad input" rules, each with its test: a field too long is cut at a word boundary
and marked; no territorial scope → the configured default; an unknown reason code fails the export
loudly, naming the case, and nothing wrong is written."""

import io

import pytest
from django.core.management import CommandError, call_command

from complaints.models import Decision
from registry.models import RightKind
from transparency import statements as st
from transparency.models import StatementRecord
from transparency.selectors import statement_build
from transparency.services import statements_record

from .helpers import decided
from .tdb_rules import validate_statement

pytestmark = pytest.mark.django_db


def test_a_too_long_field_is_cut_at_a_word_boundary_and_marked():
    truncated: list[str] = []
    text = "word " * 200  # 1,000 characters
    out = st.fit(text, 500, "illegal_content_legal_ground", truncated)
    assert len(out) <= 500
    assert out.endswith(st.TRUNCATION_MARK)
    assert out.removesuffix(st.TRUNCATION_MARK).split(" ")[-1] == "word"  # no half word
    assert truncated == ["illegal_content_legal_ground"]


def test_a_field_that_fits_is_left_alone():
    truncated: list[str] = []
    assert st.fit("Short ground.", 500, "x", truncated) == "Short ground."
    assert truncated == []


def test_a_long_ground_in_a_real_statement_is_truncated_and_still_valid(world, django_capture_on_commit_callbacks,
                                                                        monkeypatch):
    restriction = decided(world, django_capture_on_commit_callbacks, kind=RightKind.DESIGN, code="ds_copied_design")
    monkeypatch.setattr(st, "legal_ground", lambda reason, right: "Infringement of a registered design " * 40)
    statements_record()
    built = statement_build(StatementRecord.objects.get(restriction=restriction))
    assert built.truncated == ["illegal_content_legal_ground"]
    assert len(built.payload["illegal_content_legal_ground"]) <= 500
    assert validate_statement(built.payload) == {}


def test_a_decision_with_no_territorial_scope_uses_the_configured_default(world, django_capture_on_commit_callbacks,
                                                                          settings):
    restriction = decided(world, django_capture_on_commit_callbacks, kind=RightKind.TRADEMARK, code="tm_counterfeit")
    statements_record()
    record = StatementRecord.objects.get(restriction=restriction)
    assert len(statement_build(record).payload["territorial_scope"]) == 30  # unset: the whole EEA
    settings.DSA_TERRITORIAL_SCOPE = ["FR", "DE"]
    assert statement_build(record).payload["territorial_scope"] == ["DE", "FR"]


def test_a_territorial_scope_the_database_does_not_know_is_refused(settings):
    settings.DSA_TERRITORIAL_SCOPE = ["DE", "EL"]  # Greece is GR in the database
    with pytest.raises(st.StatementError, match="EL"):
        st.territorial_scope()


def test_an_unknown_reason_code_fails_the_export_loudly_naming_the_case(world, django_capture_on_commit_callbacks,
                                                                       tmp_path):
    good = decided(world, django_capture_on_commit_callbacks, kind=RightKind.TRADEMARK, code="tm_counterfeit")
    bad = decided(world, django_capture_on_commit_callbacks, kind=RightKind.PATENT, code="pt_product_infringes")
    # A code no longer (or never) in REASONS, stored by an old release: written in SQL, as decisions
    # are immutable through the model.
    Decision.objects.filter(pk=bad.decision_id).update(reason_code="pt_withdrawn_code")
    out = tmp_path / "out.jsonl"
    with pytest.raises(CommandError, match=rf"Case {bad.case.reference}.*pt_withdrawn_code"):
        call_command("sor_export", "--since", "2020-01-01", "--out", str(out))
    assert not out.exists()  # nothing half-written
    assert not (tmp_path / "out.jsonl.part").exists()
    assert good.pk  # the good one alone would have exported


def test_an_invalid_puid_prefix_is_refused(settings):
    settings.DSA_PUID_PREFIX = "ip portal/eu"
    with pytest.raises(st.StatementError, match="invalid puid"):
        st.puid_for(restriction_id=1)


def test_the_export_refuses_dates_it_cannot_read(tmp_path):
    with pytest.raises(CommandError, match="--since"):
        call_command("sor_export", "--since", "yesterday", "--out", str(tmp_path / "x"), stderr=io.StringIO())
    with pytest.raises(CommandError, match="--until must be after"):
        call_command("sor_export", "--since", "2026-02-01", "--until", "2026-01-01", "--out", str(tmp_path / "x"))


def test_a_bad_puid_setting_never_rolls_a_takedown_back_and_the_sweep_records_it_once_fixed(
        world, django_capture_on_commit_callbacks, settings):
    settings.DSA_PUID_PREFIX = "bad prefix"
    restriction = decided(world, django_capture_on_commit_callbacks, kind=RightKind.TRADEMARK, code="tm_counterfeit")
    restriction.listing.refresh_from_db()
    assert restriction.listing.status == "removed"
    assert not StatementRecord.objects.exists()
    settings.DSA_PUID_PREFIX = "acme-market"
    assert statements_record() == 1
    assert StatementRecord.objects.get().puid == f"acme-market-r{restriction.pk}"


def test_the_snapshots_command_computes_the_report(world, django_capture_on_commit_callbacks):
    decided(world, django_capture_on_commit_callbacks, kind=RightKind.TRADEMARK, code="tm_counterfeit")
    out = io.StringIO()
    call_command("transparency_snapshots", stdout=out)
    assert out.getvalue().strip() == "3 snapshot(s) computed"
