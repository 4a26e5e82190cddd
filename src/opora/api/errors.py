"""Errors of the web application as JSON: ``{"error": {"type", "message", "status"}}``.

Every :class:`~opora.errors.OporaError` keeps the message the command line prints; its
HTTP status follows its kind (:func:`status_for`). :class:`fastapi.HTTPException` and
request validation errors get the same envelope, so a client reads one shape only.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from opora.errors import (
    IncompleteRunError,
    InputFileError,
    InputPathError,
    OporaError,
    SourceNotFoundError,
    UnknownRegionError,
)

__all__ = [
    "ErrorBody",
    "ErrorDetail",
    "error_payload",
    "error_responses",
    "install_error_handlers",
    "status_for",
]

logger = logging.getLogger(__name__)

_REASONS = {
    400: "bad request",
    401: "token missing or not valid",
    403: "not allowed",
    404: "not found",
    409: "the served folder is incomplete",
    413: "upload too large",
    415: "unsupported upload type",
    422: "invalid parameter",
    500: "server error",
}


class ErrorDetail(BaseModel):
    """What went wrong."""

    type: str
    message: str
    status: int


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: ErrorDetail


def status_for(exc: BaseException) -> int:
    """Return the HTTP status of an opora error.

    Parameters
    ----------
    exc
        The error.

    Returns
    -------
    int
        409 for an incomplete folder, 404 for something missing or unknown, 400 for an
        unusable input file, 422 for other invalid values, 500 otherwise.
    """
    if isinstance(exc, IncompleteRunError):
        return 409
    if isinstance(exc, SourceNotFoundError | UnknownRegionError):
        return 404
    if isinstance(exc, InputFileError | InputPathError):
        return 400
    if isinstance(exc, ValueError):
        return 422
    return 500


def error_payload(kind: str, message: str, status: int) -> dict[str, Any]:
    """Build the JSON body of an error answer.

    Parameters
    ----------
    kind
        Error type name (``SourceNotFoundError``...).
    message
        The message, as the command line prints it.
    status
        HTTP status.

    Returns
    -------
    dict
        ``{"error": {"type", "message", "status"}}``.
    """
    return {"error": {"type": kind, "message": message, "status": status}}


def _message(exc: BaseException) -> str:
    # KeyError (UnknownRegionError) quotes its message; take the argument itself
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    return str(exc)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Document error answers of an endpoint for the OpenAPI schema.

    Parameters
    ----------
    *statuses
        HTTP statuses the endpoint may answer with.

    Returns
    -------
    dict
        ``responses=`` argument of a FastAPI route.
    """
    return {s: {"model": ErrorBody, "description": _REASONS.get(s, "error")} for s in statuses}


def _opora(_: Request, exc: Exception) -> JSONResponse:
    status = status_for(exc)
    if status >= 500:
        logger.error("error answering a request", exc_info=exc)
    return JSONResponse(error_payload(type(exc).__name__, _message(exc), status), status)


def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail
    if isinstance(detail, dict) and "message" in detail:
        kind, message = str(detail.get("type", "HTTPError")), str(detail["message"])
    else:
        kind, message = "HTTPError", str(detail)
    headers = getattr(exc, "headers", None)
    body = error_payload(kind, message, exc.status_code)
    return JSONResponse(body, exc.status_code, headers=headers)


def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    message = "; ".join(parts) or "invalid request"
    body = error_payload("RequestValidationError", message, 422)
    return JSONResponse(body, 422)


def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    logger.error("unexpected error answering a request", exc_info=exc)
    message = f"unexpected {type(exc).__name__}: {exc}; please report it with the request"
    return JSONResponse(error_payload("InternalError", message, 500), 500)


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error of ``app`` with the JSON envelope.

    Parameters
    ----------
    app
        The application.
    """
    app.add_exception_handler(OporaError, _opora)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(Exception, _unexpected)
