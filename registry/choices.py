"""The kinds of right and of copyrighted work: choices the models and the unregistered-right
specs (registry.unregistered) share."""

from django.db import models


class RightKind(models.TextChoices):
    TRADEMARK = "trademark", "Trademark"
    PATENT = "patent", "Patent"
    DESIGN = "design", "Design"
    COPYRIGHT = "copyright", "Copyright"


class WorkType(models.TextChoices):
    IMAGE = "image", "Image"
    TEXT = "text", "Text"
    SOFTWARE = "software", "Software"
    AUDIO = "audio", "Audio"
    VIDEO = "video", "Video"
    OTHER = "other", "Other"
