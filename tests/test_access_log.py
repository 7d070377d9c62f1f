"""The access log: answered reads of the stream only at DEBUG, everything else as Tornado logs it."""

from __future__ import annotations

import logging

import pytest

from tests.helpers import Api


async def test_polls_are_debug_lines_and_writes_and_errors_are_info_or_above(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    slug = (await api.create_event())["event"]["slug"]
    _, token = await api.join(slug, "alice")
    with caplog.at_level(logging.DEBUG, logger="tornado.access"):
        await api.poll(slug)
        await api.say(slug, token, "hello")
        await api.poll(slug, after=10_000)  # 409
    lines = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "tornado.access"]
    polls = [level for level, text in lines if text.startswith("200 GET") and "/messages" in text]
    assert polls == [logging.DEBUG]
    assert any(level == logging.INFO and text.startswith("201 POST") for level, text in lines)
    assert any(level == logging.WARNING and text.startswith("409 GET") for level, text in lines)
    assert all(token not in text for _, text in lines)  # credentials never reach the log


async def test_at_info_a_poll_is_not_logged_at_all(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    slug = (await api.create_event())["event"]["slug"]
    with caplog.at_level(logging.INFO, logger="tornado.access"):
        await api.poll(slug)
    assert [r for r in caplog.records if r.name == "tornado.access" and "/messages" in r.getMessage()] == []
