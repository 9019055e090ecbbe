"""Who may see a piece of content: its author alone, or the couple it was shared with."""

from django.db import models


class Visibility(models.TextChoices):
    PRIVATE = "private", "Only me"
    SHARED = "shared", "Shared with my partner"


class CoupleContent(models.Model):
    """Base for everything a person writes inside a couple space.

    `space` is the space the author was in when writing. Shared content is visible to the
    members of that space only while it is still their active space, so a new partner never
    sees what was shared with a former one (docs/privacy.md).
    """

    author = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey("couples.Space", on_delete=models.CASCADE, related_name="+")
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.PRIVATE
    )

    class Meta:
        abstract = True
