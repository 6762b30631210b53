"""OData's error body `{"error": {"code", "message"}}` and the headers every feed answer carries."""
from __future__ import annotations

from typing import Any

from flask import Response, jsonify

ODATA_HEADERS = {"OData-Version": "4.0"}
JSON_TYPE = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"


class ODataError(Exception):
    """A refused feed request: `status` (400, 401, 404, 406, 501), a stable `code`, a Spanish message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def not_supported(message: str) -> ODataError:
    return ODataError(501, "NotImplemented", message)


def bad_request(message: str) -> ODataError:
    return ODataError(400, "BadRequest", message)


def error_body(error: ODataError) -> Response:
    response = jsonify({"error": {"code": error.code, "message": error.message}})
    response.status_code = error.status
    response.headers.update(ODATA_HEADERS)
    if error.status == 401:
        # Excel and Power BI ask for the username and token when they meet this challenge.
        response.headers["WWW-Authenticate"] = 'Basic realm="Fieldwork", charset="UTF-8"'
    return response


def with_odata_headers(response: Any) -> Any:
    response.headers.update(ODATA_HEADERS)
    return response
