"""What every service function raises when a request cannot be carried out."""
from __future__ import annotations


class ServiceError(Exception):
    """A refused action, with Spanish messages per field (`{"field": ["message"]}`).

    Pages show the messages beside the fields; the API answers them as `errors` with `status`.
    """

    def __init__(self, errors: dict[str, list[str]], status: int = 400) -> None:
        super().__init__(errors)
        self.errors = errors
        self.status = status
