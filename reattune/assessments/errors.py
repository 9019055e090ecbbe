"""Why a check-up step cannot be done, in words fit to show the person."""

from reattune.core.errors import ActionError


class CheckupError(ActionError):
    pass
