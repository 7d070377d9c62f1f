"""Fixtures: every test gets its own server on a temporary SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import tornado.web
from tornado.ioloop import IOLoop

from chatserver.app import make_app
from chatserver.broker import Broker
from chatserver.handlers.base import Services
from chatserver.scheduler import Scheduler
from chatserver.store import Store
from tests.helpers import Api


@dataclass
class Chat:
    """The objects behind the app under test, for assertions on server state."""

    store: Store
    broker: Broker
    scheduler: Scheduler
    services: Services
    db_path: Path


@pytest.fixture
def settings() -> dict[str, object]:
    """make_app settings; override in a module to change limits. Every test client is 127.0.0.1, so
    the per-address limits are off here; tests/test_abuse_limits.py turns them on."""
    return {"max_wait": 5.0, "rate_limit": 20, "event_limit": 0, "join_limit": 0}


@pytest.fixture
def chat(io_loop: IOLoop, tmp_path: Path, settings: dict[str, object]) -> Iterator[Chat]:
    db_path = tmp_path / "chat.db"
    store = io_loop.run_sync(lambda: Store.open(str(db_path)))
    broker = Broker()
    scheduler = Scheduler(store)
    app = make_app(store, broker, **settings)  # type: ignore[arg-type]
    io_loop.run_sync(scheduler.start)
    chat = Chat(store, broker, scheduler, app.settings["services"], db_path)
    chat.app = app  # type: ignore[attr-defined]
    yield chat
    io_loop.run_sync(scheduler.stop)
    io_loop.run_sync(store.close)


@pytest.fixture
def app(chat: Chat) -> tornado.web.Application:
    return chat.app  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
def api(http_server: object, http_server_port: tuple[object, int]) -> Api:
    return Api(f"http://127.0.0.1:{http_server_port[1]}")
