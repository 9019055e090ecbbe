from typing import Any

from django import forms

from reattune.core.visibility import Visibility
from reattune.journal.models import MAX_ENTRY_CHARS


class EntryForm(forms.Form):
    title = forms.CharField(label="Title (optional)", max_length=200, required=False, strip=False)
    body = forms.CharField(
        label="What is on your mind?",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "maxlength": MAX_ENTRY_CHARS}),
        error_messages={"required": "Write something before saving."},
    )
    visibility = forms.ChoiceField(
        label="Who can see this?",
        # Worded here, not in Visibility's labels (those are in migrations): "private" keeps it
        # from your partner; it is not hidden from whoever runs the server (the vault is).
        choices=[
            (Visibility.PRIVATE, "Private: kept from my partner"),
            (Visibility.SHARED, "Shared with my partner"),
        ],
        initial=Visibility.PRIVATE,
        widget=forms.RadioSelect,
    )
    submit_key = forms.UUIDField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, vault: bool = False, vault_entry: Any = None, **kwargs: Any
    ) -> None:
        """vault: a new entry from a person with a vault. Its private choice leads to the
        vault's page (nothing private is kept from this form), so the choice comes first and
        nothing is chosen for them. vault_entry: the entry a person with a vault edits; its
        private choice says where the entry would be (a shared one moves into the vault)."""
        super().__init__(*args, **kwargs)
        field = self.fields["visibility"]
        if vault_entry is not None and isinstance(field, forms.ChoiceField):
            private = (
                "Private: kept from my partner, outside my vault"
                if vault_entry.visibility == Visibility.PRIVATE
                else "Private: only me, moved into my vault"
            )
            field.choices = [
                (Visibility.PRIVATE, private),
                (Visibility.SHARED, "Shared with my partner"),
            ]
        if vault and isinstance(field, forms.ChoiceField):
            field.choices = [
                (Visibility.SHARED, "Shared with my partner"),
                (Visibility.PRIVATE, "Private: only me, written in my vault"),
            ]
            field.initial = None
            field.error_messages["required"] = "Choose who this entry is for."
            self.order_fields(["visibility", "title", "body"])
