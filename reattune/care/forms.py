from django import forms

from reattune.domain.safety.screen import SKIP_VALUE, load_screen


class ScreenForm(forms.Form):
    """One radio group per item of data/safety/screen.yaml, each with 'Prefer not to say'.

    Used to draw the form (and redraw it with the person's choices); what is stored is parsed
    by reattune.domain.safety.screen.parse_submission from every submitted value, so a blank,
    half-answered or tampered form is refused with a clear message and stores nothing.
    """

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
                choices=[*choices, (SKIP_VALUE, skip)],
                required=False,
                widget=forms.RadioSelect,
                initial=SKIP_VALUE,  # every question is sent; a missing one is refused
            )
