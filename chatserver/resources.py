"""Where schema.sql, templates/ and static/ are: beside the package in a checkout, under share/ when installed."""

from __future__ import annotations

import site
import sys
from functools import cache
from pathlib import Path


@cache
def resource_root() -> Path:
    """The directory holding schema.sql, templates/ and static/."""
    checkout = Path(__file__).resolve().parent.parent
    candidates = [
        checkout,
        Path(sys.prefix) / "share" / "chatserver",
        Path(site.getuserbase()) / "share" / "chatserver",
        Path(sys.base_prefix) / "share" / "chatserver",
    ]
    for root in candidates:
        if (root / "schema.sql").is_file() and (root / "templates").is_dir():
            return root
    raise RuntimeError("chatserver cannot find its schema.sql and templates; reinstall it with `pip install .`")


def schema_sql() -> str:
    return (resource_root() / "schema.sql").read_text(encoding="utf-8")


def schema_pg_path() -> str:
    """The PostgreSQL schema, kept beside schema.sql."""
    return str(resource_root() / "schema_pg.sql")


def template_path() -> str:
    return str(resource_root() / "templates")


def static_path() -> str:
    return str(resource_root() / "static")
