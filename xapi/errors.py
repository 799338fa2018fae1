"""The one error the learning record store raises when it refuses a request.

It lives apart from the validation, the services and the protocol because all of them raise
it; `protocol.xapi_endpoint` turns it into the HTTP answer the specification names.
"""


class XAPIError(Exception):
    """A request the LRS must refuse, with the HTTP status the specification names."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status
