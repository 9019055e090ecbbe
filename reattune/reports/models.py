"""Each partner's choice whether their own section goes into the couple's report.

One row per person and couple space: a choice made in one space never carries over to a
new one. No row means "not included": a partner's section appears only after they said yes
(docs/privacy.md, "The report").
"""

from django.db import models
from django.utils import timezone


class ReportChoice(models.Model):
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey("couples.Space", on_delete=models.CASCADE, related_name="+")
    include = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "space"], name="reports_one_choice")]
