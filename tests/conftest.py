"""Fixtures: every test gets its own server on a temporary SQLite file."""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
import tornado.web
from tornado.ioloop import IOLoop

from chatserver.app import make_app
from chatserver.broker import Broker
from chatserver.connections import GatedHTTPServer
from chatserver.handlers.services import Services
from chatserver.scheduler import Scheduler
from chatserver.store import Store
from chatserver.timefmt import Millis, now_ms
from tests.helpers import Api
from tests.pgcluster import PostgresCluster, find_postgres_bin

BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests of a module that sets `BACKENDS = conftest.BACKENDS` run against both engines (the same
    API suite on SQLite and PostgreSQL); all others, and tests marked sqlite_only, on SQLite alone."""
    if "backend" in metafunc.fixturenames:
        wanted = getattr(metafunc.module, "BACKENDS", ("sqlite",))
        if metafunc.definition.get_closest_marker("sqlite_only"):
            wanted = ("sqlite",)
        metafunc.parametrize("backend", wanted, scope="function")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: checks something only the SQLite engine has")


@dataclass
class Chat:
    """The objects behind the app under test, for assertions on server state."""

    store: Store
    broker: Broker
    scheduler: Scheduler
    services: Services
    db_path: Path  # the SQLite file; for PostgreSQL see dsn
    dsn: str | None = None
    cluster: PostgresCluster | None = None

    def count(self, table: str, where: str = "TRUE") -> int:
        """Committed rows of a table, read over a connection of its own."""
        sql = f"SELECT count(*) FROM {table} WHERE {where}"
        if self.cluster is not None and self.dsn is not None:
            return int(self.cluster.psql(sql, database=self.dsn.rsplit("/", 1)[1]).strip())
        with closing(sqlite3.connect(self.db_path)) as db:
            return int(db.execute(sql).fetchone()[0])

    def rows(self, sql: str) -> list[tuple[str, ...]]:
        """Rows of a query over a connection of its own, as text (psql's view) on both engines."""
        if self.cluster is not None and self.dsn is not None:
            out = self.cluster.psql(sql, database=self.dsn.rsplit("/", 1)[1])
            return [tuple(line.split("|")) for line in out.splitlines() if line]
        with closing(sqlite3.connect(self.db_path)) as db:
            return [tuple(str(v) for v in row) for row in db.execute(sql).fetchall()]


@pytest.fixture
def backend() -> str:
    """Overridden by pytest_generate_tests: the engine under the `chat` fixture."""
    return "sqlite"


@pytest.fixture
def settings() -> dict[str, object]:
    """make_app settings; override in a module to change limits. Every test client is 127.0.0.1, so
    the per-address limits are off here; tests/test_abuse_limits.py turns them on."""
    return {"max_wait": 5.0, "rate_limit": 20, "event_limit": 0, "join_limit": 0}


@pytest.fixture
def server_clock() -> Callable[[], Millis]:
    """The server clock of the `chat` fixture; a module overrides it to move time (tests/test_series.py)."""
    return now_ms


@pytest.fixture
def chat(
    io_loop: IOLoop,
    tmp_path: Path,
    settings: dict[str, object],
    backend: str,
    request: pytest.FixtureRequest,
    server_clock: Callable[[], Millis],
) -> Iterator[Chat]:
    db_path = tmp_path / "chat.db"
    cluster: PostgresCluster | None = None
    dsn: str | None = None
    if backend == "postgresql":
        cluster = request.getfixturevalue("postgres_cluster")
        dsn = cluster.new_database()
    store = io_loop.run_sync(lambda: Store.open(dsn or str(db_path), clock=server_clock))
    broker = Broker()
    scheduler = Scheduler(store)
    app = make_app(store, broker, **settings)  # type: ignore[arg-type]
    io_loop.run_sync(scheduler.start)
    chat = Chat(store, broker, scheduler, app.settings["services"], db_path, dsn, cluster)
    chat.app = app  # type: ignore[attr-defined]
    yield chat
    io_loop.run_sync(scheduler.stop)
    io_loop.run_sync(store.close)


@pytest.fixture
def app(chat: Chat) -> tornado.web.Application:
    return chat.app  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
def http_server(
    request: pytest.FixtureRequest, io_loop: IOLoop, http_server_port: tuple[socket.socket, int]
) -> Iterator[GatedHTTPServer]:
    """The server `chatserver serve` runs, in place of pytest-tornasync's bare HTTPServer: plain
    polls take read_path.py's loop in every test, as they do in production. No caps: every test
    client is 127.0.0.1."""
    server = GatedHTTPServer(request.getfixturevalue("app"))
    server.add_socket(http_server_port[0])
    yield server
    server.stop()
    io_loop.run_sync(server.close_all_connections, timeout=request.config.option.async_test_timeout)


@pytest.fixture
def api(app: tornado.web.Application, http_server: object, http_server_port: tuple[object, int]) -> Api:
    # `app` is named here, though http_server finds it by itself, so that a test that asks only for
    # `api` depends on `backend` too and runs on both engines where its module asks for them.
    return Api(f"http://127.0.0.1:{http_server_port[1]}")


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """One throwaway PostgreSQL server for the whole session (tests/pgcluster.py); each test takes
    its own empty database with `postgres_cluster.new_database()` (a DSN). Without the server
    binaries the tests that need it skip, except under CI=true, where they fail."""
    bindir = find_postgres_bin()
    if bindir is None:
        reason = "PostgreSQL server binaries not found (Debian package postgresql); .ci/run installs them"
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL tests must run in CI: {reason}")
        pytest.skip(reason)
    cluster = PostgresCluster(bindir)
    try:
        yield cluster
    finally:
        cluster.stop()
