"""Tokens of the writing endpoints: who may start jobs, checked in constant time.

Reading the workspace stays open; every ``POST`` and ``DELETE`` depends on
:func:`require_token`, which returns the *author* (the token's name) recorded with the
job. Tokens come from the environment variable ``OPORA_TOKEN`` (author ``token``) and/or
a tokens file (``opora serve --tokens FILE``) holding one ``name:token`` per line
(blank lines and ``#`` comments are skipped)::

    # planners of the ministry
    ivanova:5f0c9d...
    petrov:0a77e1...

Safe by default: with no token configured, every writing endpoint answers **403** and
never runs; a missing or wrong ``Authorization: Bearer TOKEN`` header answers **401**.
The tokens are those given to :func:`opora.api.create_app` (``app.state.opora.tokens``);
:func:`load_tokens` collects them from the environment and a tokens file for
``opora serve``. Errors are :class:`ApiError` (an ``HTTPException`` whose detail names
the error type), rendered by the application as ``{"error": {"type", "message",
"status"}}``.
"""

from __future__ import annotations

import hmac
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request

from opora.errors import FormatError
from opora.io._checks import check_input_file, decode_text

__all__ = [
    "ENV_AUTHOR",
    "TOKEN_ENV",
    "ApiError",
    "load_tokens",
    "parse_tokens",
    "require_token",
]

#: Environment variable holding the token of a single user.
TOKEN_ENV = "OPORA_TOKEN"  # noqa: S105 - the name of the variable, not a token

#: Author name of the token given in :data:`TOKEN_ENV`.
ENV_AUTHOR = "token"

#: Shortest token accepted (characters): a short token is guessed quickly.
MIN_TOKEN_LENGTH = 8

_NAME = re.compile(r"^[\w.@-]{1,64}$")


class ApiError(HTTPException):
    """An HTTP error of the API with the error type named in the JSON answer.

    Parameters
    ----------
    status_code
        HTTP status.
    message
        What went wrong and how to fix it (``detail`` is ``{"type", "message"}``).
    error_type
        Name of the error (an ``OporaError`` class name or an HTTP reason).
    headers
        Extra response headers (``WWW-Authenticate`` on 401).
    """

    def __init__(
        self,
        status_code: int,
        message: str,
        error_type: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        detail = {"type": error_type, "message": message}
        super().__init__(status_code, detail, dict(headers) if headers else None)
        self.error_type = error_type
        self.message = message

    def body(self) -> dict[str, Any]:
        """Return the JSON answer of this error.

        Returns
        -------
        dict
            ``{"error": {"type", "message", "status"}}``.
        """
        return {
            "error": {"type": self.error_type, "message": self.message, "status": self.status_code}
        }


def parse_tokens(text: str, source: str = "tokens file") -> dict[str, str]:
    """Parse ``name:token`` lines.

    Parameters
    ----------
    text
        The file's text.
    source
        Where the text comes from, for messages.

    Returns
    -------
    dict of str to str
        Token by author name, in file order.

    Raises
    ------
    FormatError
        If a line is not ``name:token``, a name is not a short word, a token is shorter
        than :data:`MIN_TOKEN_LENGTH` characters or a name repeats; the message names the
        line (never the token).
    """
    out: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, token = line.partition(":")
        name, token = name.strip(), token.strip()
        if not sep or not name or not token:
            msg = f"line {number}: expected `name:token` (one user per line)"
            raise FormatError(source, msg)
        if not _NAME.match(name):
            msg = (
                f"line {number}: user name {name[:64]!r} must be 1-64 letters, digits or "
                "`._@-` (it is recorded as the author of the jobs)"
            )
            raise FormatError(source, msg)
        if len(token) < MIN_TOKEN_LENGTH:
            msg = (
                f"line {number}: the token of {name!r} is shorter than {MIN_TOKEN_LENGTH} "
                "characters; use a long random one (`python -c 'import secrets; "
                "print(secrets.token_urlsafe())'`)"
            )
            raise FormatError(source, msg)
        if name in out:
            msg = f"line {number}: user {name!r} is listed twice; keep one line per user"
            raise FormatError(source, msg)
        out[name] = token
    return out


def load_tokens(
    path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Collect the tokens of the environment and of a tokens file.

    Parameters
    ----------
    path
        Tokens file (``name:token`` per line); none when ``None``.
    environ
        Environment; :data:`os.environ` when ``None``. A non-empty :data:`TOKEN_ENV`
        adds the author :data:`ENV_AUTHOR`.

    Returns
    -------
    dict of str to str
        Token by author name; empty when nothing is configured (writing is then refused).

    Raises
    ------
    SourceNotFoundError, InputPathError, EmptyFileError
        If the tokens file is missing, a folder or empty.
    EncodingError, FormatError
        If the file is not UTF-8 or a line is not ``name:token``.
    """
    env = os.environ if environ is None else environ
    tokens: dict[str, str] = {}
    value = env.get(TOKEN_ENV, "").strip()
    if value:
        if len(value) < MIN_TOKEN_LENGTH:
            msg = (
                f"{TOKEN_ENV} is shorter than {MIN_TOKEN_LENGTH} characters; use a long "
                "random token"
            )
            raise FormatError(TOKEN_ENV, msg)
        tokens[ENV_AUTHOR] = value
    if path is not None:
        p = check_input_file(path)
        tokens.update(parse_tokens(decode_text(p, p.read_bytes()), str(p)))
    return tokens


def _tokens(request: Request) -> dict[str, str]:
    """Tokens of the application: ``app.state.opora.tokens`` (``create_app(tokens=...)``)."""
    state = getattr(request.app.state, "opora", None)
    found = getattr(state, "tokens", None)
    if found is None:
        found = getattr(request.app.state, "opora_tokens", None)
    return dict(found or {})


def _match(tokens: Mapping[str, str], given: str) -> str | None:
    """Return the author whose token is ``given``, comparing every token in constant time."""
    found = None
    probe = given.encode()
    for name, token in tokens.items():
        if hmac.compare_digest(token.encode(), probe) and found is None:
            found = name
    return found


def require_token(request: Request) -> str:
    """FastAPI dependency of the writing endpoints: check the bearer token.

    Parameters
    ----------
    request
        The request (header ``Authorization: Bearer TOKEN``).

    Returns
    -------
    str
        The author: the name of the token.

    Raises
    ------
    ApiError
        403 when no token is configured on the server, 401 when the header is missing,
        malformed or holds an unknown token.
    """
    tokens = _tokens(request)
    if not tokens:
        msg = (
            "writing is switched off on this server: no token is configured; start it "
            f"with {TOKEN_ENV}=... or `opora serve --tokens FILE` (one name:token per line)"
        )
        raise ApiError(403, msg, "Forbidden")
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="opora"'}
    if scheme.lower() != "bearer" or not value.strip():
        msg = "this endpoint needs a token: send the header `Authorization: Bearer TOKEN`"
        raise ApiError(401, msg, "Unauthorized", challenge)
    author = _match(tokens, value.strip())
    if author is None:
        msg = "the token is not valid; ask the server's administrator for yours"
        raise ApiError(401, msg, "Unauthorized", challenge)
    return author
