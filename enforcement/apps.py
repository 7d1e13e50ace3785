from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "enforcement"

    def ready(self):
        # complaints cannot import enforcement; it announces a new report with a signal and the
        # notifications module (here, downstream) sends the "report received" e-mails.
        from complaints.signals import report_submitted

        from .notifications import on_report_submitted

        report_submitted.connect(on_report_submitted, dispatch_uid="enforcement.notify_report_received")
