
"""Every audit action a person can meet has words (audit/templatetags/audit_tags.py LABELS), one
mapping for every page and e-mail; an action missing from it still reads as words, not a code."""

import re
from pathlib import Path

from audit.templatetags.audit_tags import LABELS, audit_label

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "actions", "appeals", "audit", "certificates", "complaints", "counter_notices", "decisions",
        "imagery", "legal", "evidence", "listings", "monitoring", "notifications", "registry", "reporters", "review",
        "sellers", "suspensions", "transparency", "webhooks"]
ADMIN_ONLY = {"admin.added", "admin.changed", "admin.deleted", "api_token.created", "api_token.revoked",
              "report_draft.created", "report_draft.deleted", "certificate.registered", "certificate_dispute.opened",
              "brandinvitation.cancelled", "brandinvitation.created", "brandmember.added", "brandmember.removed",
              "action.created", "ipright.code_failed"}


def literal_actions() -> set[str]:
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            found |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', path.read_text()))
    return found



def test_every_action_written_in_the_code_has_its_words():
    actions = literal_actions()
    assert len(actions) > 30
    assert sorted(actions - set(LABELS) - ADMIN_ONLY) == []


def test_the_counter_notice_moves_have_words():
    for state in ["waiting", "filing_review", "court_action", "reinstated", "for_decision", "rejected"]:
        assert f"counternotice.{state}" in LABELS


def test_an_unknown_action_reads_as_words_not_a_code():
    assert audit_label("certificatedispute.under_review") == "Certificate dispute: under review"
    assert audit_label("counter_notice.filed") == "Counter-notice filed by the seller"
