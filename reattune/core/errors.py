"""The one error an action raises when it cannot do what was asked.

`ActionError(message, status, code)`: the message is fit to show the person (pages show it as
it is); `status` is what the API answers with (one handler in api/base.py turns it into
`{"detail": message}`), `code` a short word for the kind of refusal ("invalid", "conflict").
Each app's own error (CheckupError, EntryError, RitualError, ...) subclasses it and may set its
usual status as a class attribute.
"""


class ActionError(ValueError):
    status: int = 422
    code: str = "invalid"

    def __init__(self, message: str, status: int | None = None, code: str | None = None):
        super().__init__(message)
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
