from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    """Statements of reasons in the DSA Transparency Database format, their submission, and the
    public transparency report. Sits on top: it reads restrictions, decisions, appeals,
    counter-notices, sanctions and suspensions, and nothing below imports it."""

    name = "transparency"
