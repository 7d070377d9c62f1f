"""`chatserver admin-key`: make, list or revoke the keys of the server's operators (the operator
console at /admin and /api/admin). A key is printed once and stored only as its hash."""

from __future__ import annotations

import argparse
from typing import TextIO

from chatserver.store import Store
from chatserver.timefmt import format_time
from chatserver.validation import NICKNAME_MAX, single_line

DEFAULT_NAME = "operator"


def add_arguments(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """The command; the caller adds --db and --public-url."""
    command = commands.add_parser(
        "admin-key", help="make a key for the operator console (/admin) and print its link; or list or revoke keys"
    )
    command.add_argument("--name", default=DEFAULT_NAME, help="who the key is for, as the audit log names them")
    what = command.add_mutually_exclusive_group()
    what.add_argument("--list", action="store_true", help="list the keys made so far (never the keys themselves)")
    what.add_argument("--revoke", type=int, metavar="ID", help="revoke the key with this id (from --list)")
    return command


async def admin_key(args: argparse.Namespace, out: TextIO) -> int:
    """Do what the arguments say; the exit status (1: no such key to revoke)."""
    store = await Store.open(args.db)
    try:
        if args.list:
            for operator in await store.operators():
                revoked = f" revoked {format_time(operator.revoked_at)}" if operator.revoked_at is not None else ""
                out.write(f"{operator.id}\t{operator.name}\tmade {format_time(operator.created_at)}{revoked}\n")
            return 0
        if args.revoke is not None:
            if not await store.revoke_operator(args.revoke):
                out.write(f"There is no live operator key with id {args.revoke}.\n")
                return 1
            out.write(f"Revoked operator key {args.revoke}: it no longer opens the console.\n")
            return 0
        operator, key = await store.create_operator(single_line({"--name": args.name}, "--name", NICKNAME_MAX) or "")
    finally:
        await store.close()
    out.write(f"Made operator key {operator.id} for {operator.name!r}. It is shown only now; keep it secret.\n")
    out.write(f"console: {args.public_url}/admin#key={key}\n")
    return 0
