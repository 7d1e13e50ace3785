from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    """Statements of reasons in the DSA Transparency Database format, their submission, and the
    public transparency report. Sits on top: it reads restrictions, decisions, appeals,
    counter-notices, sanctions and suspensions, and nothing below imports it."""

    name = "transparency"

    def ready(self) -> None:
        from actions.events import actions_applied
        from suspensions.signals import seller_standing_changed

        from .receivers import on_actions_applied, on_seller_standing_changed

        actions_applied.connect(on_actions_applied, dispatch_uid="transparency.statement_records")
        seller_standing_changed.connect(on_seller_standing_changed, dispatch_uid="transparency.suspension_records")
