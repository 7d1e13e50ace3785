from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    """Holds only the migrations that created the tables of actions, appeals, counter_notices,
    suspensions, webhooks and notifications, which own them now (each model keeps its table's
    name). Installed databases have these migrations applied; fresh ones run them before the
    apps' own. A release that squashes the migrations can drop this app."""

    name = "enforcement"
    verbose_name = "Enforcement (migrations only)"
