from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"

    def ready(self) -> None:
        from registry.signals import brand_hold_reasons

        from .sanctions import new_brand_hold_reason

        brand_hold_reasons.connect(new_brand_hold_reason, dispatch_uid="complaints.new_brand_hold")
