"""Why a check-up step cannot be done, in words fit to show the person."""


class CheckupError(ValueError):
    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status
