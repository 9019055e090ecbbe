from django import forms

from reattune.domain.safety.screen import load_screen


class ScreenForm(forms.Form):
    """One radio group per item of data/safety/screen.yaml, each with 'Prefer not to say'."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        screen = load_screen()
        skip = screen.skip_label or "Prefer not to say"
        for item in screen.items:
            if item.scale.type == "yes_no":
                choices = [("yes" if o.value else "no", o.label) for o in item.scale.options]
            else:
                choices = [(str(o.value), o.label) for o in item.scale.options]
            self.fields[item.id] = forms.ChoiceField(
                label=item.text,
                choices=[*choices, ("", skip)],
                required=False,
                widget=forms.RadioSelect,
                initial="",
            )
