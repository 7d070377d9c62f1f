"""The PostgreSQL database layer: the schema and its version mark, refusals, and SQL translation."""

from __future__ import annotations

import pytest

from chatserver.migrations import DatabaseRefused, schema_version
from chatserver.pg import PgDatabase, translate
from chatserver.store import Store
from tests.pgcluster import PostgresCluster
from tests.test_cli import run_cli


async def test_an_empty_database_gets_the_schema_marked_with_its_version(postgres_cluster: PostgresCluster) -> None:
    dsn = postgres_cluster.new_database()
    for _ in range(2):  # and opening it again finds it as it left it
        store = await Store.open(dsn)
        await store.close()
    name = dsn.rsplit("/", 1)[1]
    mark = postgres_cluster.psql("SELECT obj_description('events'::regclass, 'pg_class')", database=name)
    assert mark.strip() == f"chatserver schema {schema_version()}"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("CREATE TABLE events (x int)", "not chatserver's"),
        (
            "CREATE TABLE events (x int); COMMENT ON TABLE events IS 'chatserver schema 99'",
            "newer than this chatserver",
        ),
    ],
)
async def test_a_foreign_or_newer_database_is_refused_and_left_alone(
    postgres_cluster: PostgresCluster, setup: str, message: str
) -> None:
    dsn = postgres_cluster.new_database()
    name = dsn.rsplit("/", 1)[1]
    postgres_cluster.psql(setup, database=name)
    with pytest.raises(DatabaseRefused, match=message):
        await Store.open(dsn)
    tables = postgres_cluster.psql(
        "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'", database=name
    )
    assert tables.strip() == "events"


def test_serve_says_why_it_cannot_use_a_database() -> None:
    result = run_cli("serve", "--port", "0", "--db", "postgresql://nobody@127.0.0.1:1/nothing", timeout=30)
    assert result.returncode == 1
    assert "cannot use the PostgreSQL database postgresql://nobody@127.0.0.1:1/nothing" in result.stderr
    assert "Traceback" not in result.stderr


def test_passwords_stay_out_of_messages() -> None:
    assert (
        PgDatabase("postgresql://chat:s3cret@db.example:5432/chat").path == "postgresql://chat:***@db.example:5432/chat"
    )


@pytest.mark.parametrize(
    ("sqlite", "postgres"),
    [
        ("SELECT a FROM t WHERE x = ? AND y = ?", "SELECT a FROM t WHERE x = $1 AND y = $2"),
        (
            "SELECT a FROM t WHERE x = :now AND y < :now LIMIT :limit",
            "SELECT a FROM t WHERE x = $1 AND y < $1 LIMIT $2",
        ),
        ("SELECT '?' , ':x', a FROM t WHERE b = ?", "SELECT '?' , ':x', a FROM t WHERE b = $1"),
        ("SELECT a FROM t INDEXED BY t_b WHERE b = ?", "SELECT a FROM t  WHERE b = $1"),
        ("SELECT a FROM t WHERE title LIKE :title ESCAPE '\\'", "SELECT a FROM t WHERE title ILIKE $1 ESCAPE '\\'"),
    ],
)
def test_sqlite_dialect_becomes_postgresql(sqlite: str, postgres: str) -> None:
    assert translate(sqlite)[0] == postgres


def test_named_parameters_are_bound_in_order_of_first_use() -> None:
    assert translate("SELECT 1 WHERE a = :b AND c = :a AND d = :b") == (
        "SELECT 1 WHERE a = $1 AND c = $2 AND d = $1",
        ("b", "a"),
    )
