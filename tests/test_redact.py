"""Credentials are masked wherever they could be spelt in a URL, a form or JSON."""

from __future__ import annotations

import pytest

from cloudfn.redact import Secret, redact


@pytest.mark.parametrize(
    "text",
    [
        "https://api.weixin.qq.com/x?access_token=AbC123&b=1",
        "http://api.weixin.qq.com/x?cloudbase_access_token=AbC123",
        "GET /cgi-bin/token?grant_type=client_credential&appid=wx1&secret=AbC123",
        "appsecret=AbC123",
        "secret_key=AbC123",
        "SecretKey=AbC123",
        "TENCENTCLOUD_SECRETKEY=AbC123",
        "redirect=%2Fx%3Faccess_token%3DAbC123",
        '{"secret": "AbC123"}',
        "{'access_token': 'AbC123'}",
    ],
)
def test_credentials_are_masked(text: str) -> None:
    masked = redact(text)
    assert "AbC123" not in masked
    assert "***" in masked


def test_other_text_is_left_alone() -> None:
    text = "openid=oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw&update_type=bind"
    assert redact(text) == text


def test_secret_never_shows_itself() -> None:
    secret = Secret("AbC123")
    assert "AbC123" not in repr(secret) and "AbC123" not in str(secret) and "AbC123" not in f"{secret}"
    assert secret.reveal() == "AbC123"
