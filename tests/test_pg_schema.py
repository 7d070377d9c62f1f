"""schema_pg.sql says what schema.sql says: the same tables, columns, keys and indexes.

schema.sql (SQLite) is the source; schema_pg.sql is its PostgreSQL translation. Each is applied to
an empty database and the two are compared through the databases' own catalogues, not the text.
sqlite_catalogue and pg_catalogue also serve tests/test_migrations.py, which holds an upgraded
database to a new one of the same engine.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from tests.pgcluster import PostgresCluster

ROOT = Path(__file__).resolve().parent.parent
SQLITE_SCHEMA = ROOT / "schema.sql"
PG_SCHEMA = ROOT / "schema_pg.sql"

# SQLite declared type -> the PostgreSQL types that hold every value it may hold. SMALLINT is only
# allowed where SQLite bounds the column with a CHECK (column IN (...)) list (flags, phases).
COMPATIBLE = {"INTEGER": {"bigint"}, "TEXT": {"text"}, "BLOB": {"bytea"}}
NARROW_INTEGER = {"smallint", "integer"}
ON_DELETE = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


@dataclass
class Column:
    name: str
    type: str  # SQLite: the declared type, upper case; PostgreSQL: information_schema's data_type
    not_null: bool
    default: str | None
    auto_id: bool = False  # filled in on insert without a value (SQLite rowid alias, PG serial/identity)
    enum_checked: bool = False  # SQLite only: a CHECK (column IN (...)) bounds it


@dataclass
class Schema:
    columns: dict[str, list[Column]] = field(default_factory=dict)
    primary_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unique_constraints: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    # Indexes created by name (CREATE INDEX), not those behind PRIMARY KEY or UNIQUE:
    # name -> (table, columns, unique, partial).
    indexes: dict[str, tuple[str, tuple[str, ...], bool, bool]] = field(default_factory=dict)
    foreign_keys: dict[str, set[tuple[tuple[str, ...], str, tuple[str, ...], str]]] = field(default_factory=dict)
    # Each engine's own rendering of every named index (and on PostgreSQL every constraint, CHECKs
    # too): comparable between two databases of one engine only.
    definitions: set[str] = field(default_factory=set)


def _normal_default(value: str | None) -> str | None:
    """'0', '1', "''" the same on both sides: PostgreSQL writes "''::text", SQLite "''"."""
    if value is None:
        return None
    return re.sub(r"::[a-z ]+$", "", value.strip())


def sqlite_schema() -> Schema:
    db = sqlite3.connect(":memory:")
    try:
        db.executescript(SQLITE_SCHEMA.read_text())
        return sqlite_catalogue(db)
    finally:
        db.close()


def sqlite_catalogue(db: sqlite3.Connection) -> Schema:
    """The schema of an SQLite database, as its catalogue (sqlite_schema and the PRAGMAs) says."""
    schema = Schema()
    tables = db.execute(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    for table, sql in tables:
        without_rowid = re.search(r"WITHOUT\s+ROWID\s*;?\s*$", sql, re.IGNORECASE) is not None
        info = db.execute(f"PRAGMA table_info({table})").fetchall()  # cid, name, type, notnull, dflt, pk
        pk = tuple(row[1] for row in sorted((row for row in info if row[5]), key=lambda row: row[5]))
        if pk:  # as in pg_constraint: a table without a primary key has no entry
            schema.primary_keys[table] = pk
        columns = []
        for _, name, decl, notnull, default, in_pk in info:
            rowid_alias = not without_rowid and pk == (name,) and decl.upper() == "INTEGER"
            checked = re.search(rf"CHECK\s*\(\s*{re.escape(name)}\s+IN\s*\(", sql, re.IGNORECASE) is not None
            # A rowid alias and every key column of a WITHOUT ROWID table can never be NULL.
            not_null = bool(notnull) or rowid_alias or (bool(in_pk) and without_rowid)
            columns.append(
                Column(
                    name, decl.upper(), not_null, _normal_default(default), auto_id=rowid_alias, enum_checked=checked
                )
            )
        schema.columns[table] = columns
        schema.unique_constraints[table] = set()
        for _, index, unique, origin, partial in db.execute(f"PRAGMA index_list({table})").fetchall():
            cols = tuple(row[2] for row in db.execute(f"PRAGMA index_info({index})").fetchall())
            if origin == "c":
                schema.indexes[index] = (table, cols, bool(unique), bool(partial))
            elif origin == "u":
                schema.unique_constraints[table].add(cols)
        keys: dict[int, list[Any]] = {}
        for fk_id, _, ref, src, dst, _, on_delete, _ in db.execute(f"PRAGMA foreign_key_list({table})"):
            keys.setdefault(fk_id, []).append((ref, src, dst, on_delete))
        schema.foreign_keys[table] = set()
        for parts in keys.values():
            ref = parts[0][0]
            dst = tuple(p[2] for p in parts) if parts[0][2] is not None else schema.primary_keys[ref]
            schema.foreign_keys[table].add((tuple(p[1] for p in parts), ref, dst, parts[0][3]))
    for (sql,) in db.execute("SELECT sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"):
        schema.definitions.add(" ".join(sql.split()))
    return schema


# Column names of an int2vector/array of attribute numbers, in order.
_ATTNAMES = """(SELECT array_agg(a.attname ORDER BY k.ord)
                FROM unnest({keys}::int2[]) WITH ORDINALITY AS k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = {rel} AND a.attnum = k.attnum)"""


async def pg_schema(dsn: str) -> Schema:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(PG_SCHEMA.read_text())
        return await pg_catalogue(conn)
    finally:
        await conn.close()


async def pg_catalogue(conn: asyncpg.Connection) -> Schema:
    """The schema of a PostgreSQL database (its public schema), as its catalogue says."""
    schema = Schema()
    rows = await conn.fetch(
        """SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity
           FROM information_schema.columns c
           WHERE table_schema = 'public'
             AND table_name IN (SELECT table_name FROM information_schema.tables
                                WHERE table_schema = 'public' AND table_type = 'BASE TABLE')
           ORDER BY table_name, ordinal_position"""
    )
    for row in rows:
        default = row["column_default"]
        auto_id = row["is_identity"] == "YES" or (default or "").startswith("nextval(")
        schema.columns.setdefault(row["table_name"], []).append(
            Column(
                row["column_name"],
                row["data_type"],
                row["is_nullable"] == "NO",
                None if auto_id else _normal_default(default),
                auto_id=auto_id,
            )
        )
    for table in schema.columns:
        schema.unique_constraints[table] = set()
        schema.foreign_keys[table] = set()
    constraints = await conn.fetch(
        f"""SELECT c.contype::text AS contype, c.conrelid::regclass::text AS tbl,
                   c.confrelid::regclass::text AS ref,
                   {_ATTNAMES.format(keys="c.conkey", rel="c.conrelid")} AS cols,
                   {_ATTNAMES.format(keys="c.confkey", rel="c.confrelid")} AS ref_cols,
                   c.confdeltype::text AS confdeltype
            FROM pg_constraint c
            WHERE c.connamespace = 'public'::regnamespace AND c.contype IN ('p', 'u', 'f')"""
    )
    for con in constraints:
        cols = tuple(con["cols"])
        if con["contype"] == "p":
            schema.primary_keys[con["tbl"]] = cols
        elif con["contype"] == "u":
            schema.unique_constraints[con["tbl"]].add(cols)
        else:
            schema.foreign_keys[con["tbl"]].add(
                (cols, con["ref"], tuple(con["ref_cols"]), ON_DELETE[con["confdeltype"]])
            )
    indexes = await conn.fetch(
        f"""SELECT x.indexname, x.tablename, i.indisunique, i.indpred IS NOT NULL AS partial,
                   {_ATTNAMES.format(keys="i.indkey", rel="i.indrelid")} AS cols
            FROM pg_indexes x
            JOIN pg_class ic ON ic.relname = x.indexname AND ic.relnamespace = 'public'::regnamespace
            JOIN pg_index i ON i.indexrelid = ic.oid
            WHERE x.schemaname = 'public'
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"""
    )
    for index in indexes:
        schema.indexes[index["indexname"]] = (
            index["tablename"],
            tuple(index["cols"]),
            index["indisunique"],
            index["partial"],
        )
    definitions = await conn.fetch(
        """SELECT indexdef AS def FROM pg_indexes WHERE schemaname = 'public'
           UNION ALL
           SELECT c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid)
           FROM pg_constraint c WHERE c.connamespace = 'public'::regnamespace"""
    )
    schema.definitions.update(row["def"] for row in definitions)
    return schema


# Full-text search is each engine's own: SQLite's FTS5 table items_fts (with the shadow tables FTS5
# makes for it) stands for PostgreSQL's items.search column and its GIN index items_search.
SQLITE_SEARCH_TABLES = (
    "items_fts",
    "items_fts_data",
    "items_fts_idx",
    "items_fts_content",
    "items_fts_docsize",
    "items_fts_config",
)


def without_search(lite: Schema, pg: Schema) -> tuple[Schema, Schema]:
    """Both schemas less their own search structures, which are checked apart (they must exist)."""
    for table in SQLITE_SEARCH_TABLES:
        for part in (lite.columns, lite.primary_keys, lite.unique_constraints, lite.foreign_keys):
            part.pop(table, None)  # type: ignore[attr-defined]
    pg.columns["items"] = [column for column in pg.columns["items"] if column.name != "search"]
    pg.indexes.pop("items_search")
    return lite, pg


@pytest.fixture(scope="module")
def both(postgres_cluster: PostgresCluster) -> tuple[Schema, Schema]:
    return sqlite_schema(), asyncio.run(pg_schema(postgres_cluster.new_database()))


@pytest.fixture(scope="module")
def schemas(both: tuple[Schema, Schema]) -> tuple[Schema, Schema]:
    lite, pg = both
    return without_search(
        Schema(dict(lite.columns), dict(lite.primary_keys), dict(lite.unique_constraints), dict(lite.indexes),
               dict(lite.foreign_keys), set(lite.definitions)),
        Schema(dict(pg.columns), dict(pg.primary_keys), dict(pg.unique_constraints), dict(pg.indexes),
               dict(pg.foreign_keys), set(pg.definitions)),
    )  # fmt: skip


def test_each_engine_has_its_own_search_index(both: tuple[Schema, Schema]) -> None:
    lite, pg = both
    assert set(SQLITE_SEARCH_TABLES) <= set(lite.columns)
    assert [c.name for c in lite.columns["items_fts"]] == ["words"]
    assert [(c.name, c.type) for c in pg.columns["items"] if c.name == "search"] == [("search", "tsvector")]
    assert pg.indexes["items_search"] == ("items", ("search",), False, True)


def test_the_same_tables_and_columns_in_the_same_order(schemas: tuple[Schema, Schema]) -> None:
    lite, pg = schemas
    assert sorted(pg.columns) == sorted(lite.columns)
    for table, columns in lite.columns.items():
        assert [c.name for c in pg.columns[table]] == [c.name for c in columns], table


def test_every_column_has_a_compatible_type_and_the_same_nullness_and_default(schemas: tuple[Schema, Schema]) -> None:
    lite, pg = schemas
    for table, columns in lite.columns.items():
        for mine, theirs in zip(columns, pg.columns[table], strict=True):
            where = f"{table}.{mine.name}"
            allowed = set(COMPATIBLE[mine.type])
            if mine.type == "INTEGER" and mine.enum_checked:
                allowed |= NARROW_INTEGER
            assert theirs.type in allowed, f"{where}: SQLite {mine.type}, PostgreSQL {theirs.type}"
            assert theirs.not_null == mine.not_null, f"{where}: NOT NULL differs"
            assert theirs.auto_id == mine.auto_id, f"{where}: only a SQLite rowid alias is a serial/identity"
            assert theirs.default == mine.default, f"{where}: DEFAULT differs"


def test_the_same_keys(schemas: tuple[Schema, Schema]) -> None:
    lite, pg = schemas
    assert pg.primary_keys == lite.primary_keys
    assert pg.unique_constraints == lite.unique_constraints
    assert pg.foreign_keys == lite.foreign_keys


def test_the_same_named_indexes_on_the_same_columns(schemas: tuple[Schema, Schema]) -> None:
    lite, pg = schemas
    assert sorted(pg.indexes) == sorted(lite.indexes)
    assert pg.indexes == lite.indexes


async def test_the_cluster_gives_each_caller_a_new_empty_database(postgres_cluster: PostgresCluster) -> None:
    first, second = postgres_cluster.new_database(), postgres_cluster.new_database()
    assert first != second
    a, b = await asyncpg.connect(first), await asyncpg.connect(second)
    try:
        assert await a.fetchval("SELECT 1") == 1
        assert await a.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0
        assert await a.fetchval("SHOW server_encoding") == "UTF8"
        await a.execute("CREATE TABLE only_in_first (x int)")
        assert await a.fetchval("SELECT to_regclass('only_in_first') IS NOT NULL")
        assert await b.fetchval("SELECT to_regclass('only_in_first') IS NULL")
        assert await a.fetchval("SELECT current_database()") != await b.fetchval("SELECT current_database()")
    finally:
        await a.close()
        await b.close()
