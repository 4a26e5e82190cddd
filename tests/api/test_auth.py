"""Tokens of the writing endpoints: configuration, 401/403, the author returned."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from opora.api.auth import ENV_AUTHOR, TOKEN_ENV, load_tokens, parse_tokens, require_token
from opora.api.errors import install_error_handlers
from opora.errors import EmptyFileError, FormatError, SourceNotFoundError

TOKEN = "s3cret-token-ivanova"


def _client(tokens: dict[str, str] | None) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    app.state.opora = SimpleNamespace(tokens=tokens or {})
    calls: list[str] = []
    app.state.calls = calls

    @app.post("/write")
    def write(author: str = Depends(require_token)) -> dict[str, str]:
        calls.append(author)
        return {"author": author}

    return TestClient(app)


def test_no_token_configured_refuses_every_write():
    client = _client(None)
    for headers in ({}, {"Authorization": f"Bearer {TOKEN}"}):
        r = client.post("/write", headers=headers)
        assert r.status_code == 403
        err = r.json()["error"]
        assert err["status"] == 403
        assert err["type"] == "Forbidden"
        assert TOKEN_ENV in err["message"]
        assert "--tokens" in err["message"]
    assert client.app.state.calls == []


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        f"Basic {TOKEN}",
        f"Bearer {TOKEN[:-1]}",
        f"Bearer {TOKEN}x",
        "Bearer other-token-petrov",
    ],
)
def test_missing_or_wrong_token_is_401(header):
    client = _client({"ivanova": TOKEN, "petrov": "other-token-petrov-2"})
    headers = {} if header is None else {"Authorization": header}
    r = client.post("/write", headers=headers)
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert r.json()["error"]["type"] == "Unauthorized"
    assert TOKEN not in r.text
    assert client.app.state.calls == []


def test_valid_token_returns_its_name():
    client = _client({"ivanova": TOKEN, "petrov": "other-token-petrov-2"})
    r = client.post("/write", headers={"Authorization": "bearer other-token-petrov-2"})
    assert r.status_code == 200
    assert r.json() == {"author": "petrov"}
    r = client.post("/write", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.json() == {"author": "ivanova"}


def test_parse_tokens_file_lines():
    text = "# planners\n\nivanova:abcdefgh1\n  petrov : token:with:colons \n"
    assert parse_tokens(text) == {"ivanova": "abcdefgh1", "petrov": "token:with:colons"}


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("ivanova\n", "line 1: expected `name:token`"),
        ("ok:abcdefgh1\n:abcdefgh2\n", "line 2: expected `name:token`"),
        ("bad name:abcdefgh1\n", "line 1: user name 'bad name'"),
        ("ivanova:short\n", "shorter than 8 characters"),
        ("a:abcdefgh1\na:abcdefgh2\n", "line 2: user 'a' is listed twice"),
    ],
)
def test_parse_tokens_errors_name_the_line(text, match):
    with pytest.raises(FormatError, match=match) as exc:
        parse_tokens(text, "tokens.txt")
    assert "abcdefgh" not in str(exc.value)  # a message never shows a token


def test_load_tokens_from_env_and_file(tmp_path):
    assert load_tokens(None, environ={}) == {}
    assert load_tokens(None, environ={TOKEN_ENV: "  "}) == {}
    assert load_tokens(None, environ={TOKEN_ENV: TOKEN}) == {ENV_AUTHOR: TOKEN}
    path = tmp_path / "tokens.txt"
    path.write_text("ivanova:abcdefgh1\n", encoding="utf-8")
    assert load_tokens(path, environ={TOKEN_ENV: TOKEN}) == {
        ENV_AUTHOR: TOKEN,
        "ivanova": "abcdefgh1",
    }
    with pytest.raises(FormatError, match="shorter than 8"):
        load_tokens(None, environ={TOKEN_ENV: "abc"})
    with pytest.raises(SourceNotFoundError):
        load_tokens(tmp_path / "missing.txt", environ={})
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFileError):
        load_tokens(empty, environ={})
