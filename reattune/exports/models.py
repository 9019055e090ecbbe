from django.db import models


class ImportedId(models.Model):
    """Which local row an imported row became, so importing the same file again adds nothing.

    Only for rows without a stable id of their own (journal entries have their submit_key).
    `source_id` is the row's id in the export; `object_id` the local primary key of `model`.
    Carries no content; deleted with the user.
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    source_id = models.CharField(max_length=64)
    model = models.CharField(max_length=100)
    object_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "source_id"], name="imported_id_once_per_user"
            )
        ]
        indexes = [models.Index(fields=["model", "object_id"])]
