"""The one error the reports services raise when they refuse a request."""


class ReportError(Exception):
    """A refused report request: `code` for programs, `message` (translated) for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
