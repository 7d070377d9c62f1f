"""The command line: `chatserver serve | create | export | backup | erase | purge | admin-key` (also
`python -m chatserver`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from tornado.netutil import bind_sockets

from chatserver import __version__, transcript
from chatserver.admin_key import add_arguments as add_admin_key_arguments
from chatserver.admin_key import admin_key
from chatserver.app import (
    DEFAULT_EVENT_LIMIT,
    DEFAULT_JOIN_LIMIT,
    DEFAULT_MAX_WAIT,
    DEFAULT_RATE_LIMIT,
    REACTION_LIMIT,
    SEARCH_LIMIT,
    SIGNAL_LIMIT,
    VOTE_LIMIT,
)
from chatserver.backup import backup
from chatserver.calls import DEFAULT_RING_S, RING_S_MAX, RING_S_MIN
from chatserver.clients import DEFAULT_IPV6_PREFIX
from chatserver.connections import DEFAULT_MAX_PER_CLIENT
from chatserver.create import add_arguments as add_create_arguments
from chatserver.create import create
from chatserver.database import SYNC_MODES
from chatserver.errors import ChatError
from chatserver.file_settings import UPLOAD_LIMIT
from chatserver.i18n import Languages
from chatserver.ice import DEFAULT_TURN_TTL_S, TURN_TTL_MAX_S, IceServer, IceSettings, parse_ice_server
from chatserver.logbudget import DEFAULT_LOG_BUDGET, LogBudget
from chatserver.migrations import DatabaseRefused
from chatserver.models import PUBLIC_VIEW, Viewer
from chatserver.pg import is_postgres_url
from chatserver.purge import add_arguments as add_purge_arguments
from chatserver.purge import erase, purge
from chatserver.recent import DEFAULT_TAIL_BYTES
from chatserver.server import (
    DEFAULT_HEADER_TIMEOUT,
    DEFAULT_MAX_HELD,
    DEFAULT_MAX_HELD_PER_CLIENT,
    LISTEN_BACKLOG,
    ServeOptions,
    announce,
    serve,
)
from chatserver.store import Store
from chatserver.uploads import DEFAULT_EVENT_QUOTA_MB, DEFAULT_MAX_UPLOAD_MB
from chatserver.validation import public_url
from chatserver.workers import fork_workers

LOG_LEVELS = ("debug", "info", "warning", "error")


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None


def _whole_number_in(low: int, high: int | None, says: str) -> Callable[[str], int]:
    """An argparse type: a whole number from low to high (no bound when None), else 'must be <says>'."""

    def parse(text: str) -> int:
        value = _whole_number(text)
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be {says}, not {text!r}")
        return value

    return parse


_port = _whole_number_in(0, 65535, "a port number from 0 to 65535")


def _ice_server(value: str) -> IceServer:
    try:
        return parse_ice_server(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def ice_settings(args: argparse.Namespace) -> IceSettings:
    """--ice-server, --turn-secret and --turn-ttl together (a TURN server needs the secret)."""
    try:
        return IceSettings(tuple(args.ice_servers), args.turn_secret, args.turn_ttl)
    except ValueError as exc:
        raise ChatError(f"{exc}.") from None


_non_negative_int = _whole_number_in(0, None, "a whole number, 0 or more")
_positive_int = _whole_number_in(1, None, "1 or more")
_ipv6_prefix = _whole_number_in(1, 128, "an IPv6 prefix length from 1 to 128")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 3600:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0 and at most 3600, not {text!r}")
    return value


def _public_url(text: str) -> str:
    try:
        return public_url(text)
    except ChatError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


PUBLIC_URL_HELP = (
    "the server's public origin, e.g. https://chat.example.org, for the absolute links it prints and serves"
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chatserver", description="Scheduled chat events over long polling.")
    parser.add_argument("--version", action="version", version=f"chatserver {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_db(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--db",
            default="./chat.db",
            help="SQLite database file (default ./chat.db), or a postgresql://user@host/dbname URL",
        )

    def with_printed_links(sub: argparse.ArgumentParser, *old_names: str) -> None:
        sub.add_argument(
            "--public-url",
            *old_names,
            dest="public_url",
            type=_public_url,
            default="http://127.0.0.1:8888",
            help=PUBLIC_URL_HELP + " (default http://127.0.0.1:8888)",
        )

    run = commands.add_parser("serve", help="run the server until SIGINT/SIGTERM")
    run.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    run.add_argument("--port", type=_port, default=8888, help="port to listen on (default 8888)")
    with_db(run)
    run.add_argument(
        "--rate-limit",
        type=_non_negative_int,
        default=DEFAULT_RATE_LIMIT,
        help="messages a participant may post per 10 s; 0 turns the limit off (default 20)",
    )
    run.add_argument(
        "--reaction-limit",
        type=_non_negative_int,
        default=REACTION_LIMIT,
        help=f"reactions a participant may add or take back per 10 s; 0 turns the limit off (default {REACTION_LIMIT})",
    )
    run.add_argument(
        "--vote-limit",
        type=_non_negative_int,
        default=VOTE_LIMIT,
        help=f"votes a participant may cast or take back per 10 s; 0 turns the limit off (default {VOTE_LIMIT})",
    )
    run.add_argument(
        "--search-limit",
        type=_non_negative_int,
        default=SEARCH_LIMIT,
        help=f"searches one client address may make per 10 s; 0 turns the limit off (default {SEARCH_LIMIT})",
    )
    run.add_argument(
        "--signal-limit",
        type=_non_negative_int,
        default=SIGNAL_LIMIT,
        help=f"call signals a participant (or a host's or moderator's key) may send per 10 s; 0 turns the limit "
        f"off (default {SIGNAL_LIMIT})",
    )
    run.add_argument(
        "--ring-timeout",
        type=_whole_number_in(RING_S_MIN, RING_S_MAX, f"a number of seconds from {RING_S_MIN} to {RING_S_MAX}"),
        default=DEFAULT_RING_S,
        metavar="SECONDS",
        help=f"how long a call rings before it ends as missed (default {DEFAULT_RING_S})",
    )
    run.add_argument(
        "--ice-server",
        dest="ice_servers",
        action="append",
        type=_ice_server,
        default=[],
        metavar="URL[,URL...]",
        help="a STUN or TURN server for calls (stun:host:3478, turn:host:3478?transport=udp; several URLs of "
        "one server separated by commas); repeat for more servers",
    )
    run.add_argument(
        "--turn-secret",
        default=os.environ.get("CHATSERVER_TURN_SECRET") or None,
        help="the TURN server's shared secret (coturn's static-auth-secret with use-auth-secret): each "
        "caller gets a time-limited TURN credential; default $CHATSERVER_TURN_SECRET",
    )
    run.add_argument(
        "--turn-ttl",
        type=_whole_number_in(60, TURN_TTL_MAX_S, f"a number of seconds from 60 to {TURN_TTL_MAX_S}"),
        default=DEFAULT_TURN_TTL_S,
        help=f"how long a TURN credential lasts, in seconds (default {DEFAULT_TURN_TTL_S})",
    )
    run.add_argument(
        "--max-upload-mb",
        type=_whole_number_in(1, 1024, "a whole number of megabytes from 1 to 1024"),
        default=DEFAULT_MAX_UPLOAD_MB,
        help=f"the largest file one upload may carry, in MB (default {DEFAULT_MAX_UPLOAD_MB})",
    )
    run.add_argument(
        "--event-quota-mb",
        type=_non_negative_int,
        default=DEFAULT_EVENT_QUOTA_MB,
        help=f"the files one event may hold in all, in MB; 0: no quota (default {DEFAULT_EVENT_QUOTA_MB})",
    )
    run.add_argument(
        "--upload-limit",
        type=_non_negative_int,
        default=UPLOAD_LIMIT,
        help=f"files a participant may send per minute; 0 turns the limit off (default {UPLOAD_LIMIT})",
    )
    run.add_argument(
        "--link-previews",
        choices=("on", "off"),
        default="on",
        help="fetch the title, description and image of the first link in a message (default on)",
    )
    run.add_argument(
        "--unsafe-preview-allow",
        action="append",
        default=[],
        metavar="HOST:PORT",
        help=argparse.SUPPRESS,  # for tests only: lets link previews reach this host and port, even on loopback
    )
    run.add_argument(
        "--max-wait",
        type=_seconds,
        default=DEFAULT_MAX_WAIT,
        help="longest hold of a long poll in seconds (default 55)",
    )
    run.add_argument(
        "--sync",
        choices=SYNC_MODES,
        default="normal",
        help="normal: no acknowledged message lost if the process dies; "
        "full: none lost on power loss either (default normal)",
    )
    run.add_argument("--log-level", choices=LOG_LEVELS, default="info")
    run.add_argument(
        "--processes",
        type=_positive_int,
        default=1,
        help="server processes sharing the port (needs --db postgresql://...; default 1)",
    )
    run.add_argument(
        "--event-limit",
        type=_non_negative_int,
        default=DEFAULT_EVENT_LIMIT,
        help=f"events one client address may schedule per hour; 0 = no limit (default {DEFAULT_EVENT_LIMIT})",
    )
    run.add_argument(
        "--join-limit",
        type=_non_negative_int,
        default=DEFAULT_JOIN_LIMIT,
        help=f"joins from one client address per minute; 0 = no limit (default {DEFAULT_JOIN_LIMIT})",
    )
    run.add_argument(
        "--max-held",
        type=_non_negative_int,
        default=DEFAULT_MAX_HELD,
        help=f"polls and streams held open at once; beyond it polls answer at once (default {DEFAULT_MAX_HELD})",
    )
    run.add_argument(
        "--max-held-per-client",
        type=_non_negative_int,
        default=DEFAULT_MAX_HELD_PER_CLIENT,
        help=f"the same per client address; 0 = no cap (default {DEFAULT_MAX_HELD_PER_CLIENT})",
    )
    run.add_argument(
        "--max-connections",
        type=_non_negative_int,
        default=None,
        help="open connections at once, idle ones included; 0 = no cap (default: the open-files "
        "limit, raised to its hard limit, less a reserve)",
    )
    run.add_argument(
        "--max-connections-per-client",
        type=_non_negative_int,
        default=None,
        help=f"the same per client address; 0 = no cap (default {DEFAULT_MAX_PER_CLIENT}, "
        "at most a quarter of --max-connections)",
    )
    run.add_argument(
        "--header-timeout",
        type=_seconds,
        default=DEFAULT_HEADER_TIMEOUT,
        help="seconds a connection may take to send a request's headers, and stay idle between "
        f"requests (default {DEFAULT_HEADER_TIMEOUT:g})",
    )
    run.add_argument(
        "--ipv6-prefix",
        type=_ipv6_prefix,
        default=DEFAULT_IPV6_PREFIX,
        help=f"IPv6 clients are counted per network of this prefix length (default {DEFAULT_IPV6_PREFIX})",
    )
    run.add_argument(
        "--tail-mb",
        type=_positive_int,
        default=DEFAULT_TAIL_BYTES // 2**20,
        help=f"MiB of newest items kept in memory, all events together (default {DEFAULT_TAIL_BYTES // 2**20})",
    )
    run.add_argument(
        "--log-budget",
        type=_non_negative_int,
        default=DEFAULT_LOG_BUDGET,
        help="log lines per second from each source before the rest are counted, not written; "
        f"0 = no limit (default {DEFAULT_LOG_BUDGET})",
    )
    run.add_argument(
        "--xheaders",
        action="store_true",
        help="trust X-Real-IP/X-Forwarded-For (only behind a proxy such as nginx); "
        "connections are then not counted per client (the proxy's job)",
    )
    run.add_argument(
        "--public-url",
        type=_public_url,
        default=None,
        help=PUBLIC_URL_HELP + " (default: each browser's own address for the page)",
    )

    create = commands.add_parser("create", help="schedule an event (or a series, with --rrule) and print its links")
    add_create_arguments(create)
    with_printed_links(create, "--base-url")  # --base-url: the old name, kept so that existing scripts work
    with_db(create)

    export = commands.add_parser("export", help="write an event's transcript to standard output")
    export.add_argument("slug")
    export.add_argument("--format", choices=transcript.FORMATS, default="txt")
    export.add_argument(
        "--include-private",
        action="store_true",
        help="the hosts' transcript: with the private lines to and from the hosts and the notices, marked",
    )
    with_db(export)

    for command in add_purge_arguments(commands):
        with_db(command)

    operator_key = add_admin_key_arguments(commands)
    with_printed_links(operator_key)
    with_db(operator_key)

    copy = commands.add_parser("backup", help="copy the database to a new file, safely while the server runs")
    copy.add_argument("out", help="the new file to write (it must not exist yet)")
    with_db(copy)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        _check_db_file(args.db, must_exist=args.command in ("export", "backup", "erase", "purge"))
        if args.command == "serve":
            logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
            logging.getLogger("aiosqlite").setLevel(logging.WARNING)  # it logs every statement at DEBUG
            if args.log_budget:
                budget = LogBudget(args.log_budget)
                for handler in logging.getLogger().handlers:
                    handler.addFilter(budget)
            options = ServeOptions(
                host=args.host,
                port=args.port,
                db=args.db,
                sync=args.sync,
                rate_limit=args.rate_limit,
                reaction_limit=args.reaction_limit,
                vote_limit=args.vote_limit,
                search_limit=args.search_limit,
                signal_limit=args.signal_limit,
                ring_timeout=args.ring_timeout,
                ice=ice_settings(args),
                max_upload_mb=args.max_upload_mb,
                event_quota_mb=args.event_quota_mb,
                upload_limit=args.upload_limit,
                link_previews=args.link_previews == "on",
                unsafe_preview_allow=tuple(args.unsafe_preview_allow),
                max_wait=args.max_wait,
                xheaders=args.xheaders,
                event_limit=args.event_limit,
                join_limit=args.join_limit,
                max_held=args.max_held,
                max_held_per_client=args.max_held_per_client,
                public_url=args.public_url,
                max_connections=args.max_connections,
                max_connections_per_client=args.max_connections_per_client,
                header_timeout=args.header_timeout,
                ipv6_prefix=args.ipv6_prefix,
                tail_bytes=args.tail_mb * 2**20,
            )
            if args.processes > 1:
                if not is_postgres_url(args.db):
                    print(
                        "chatserver: --processes needs a shared database: --db postgresql://...; an SQLite "
                        "file has one writing process.",
                        file=sys.stderr,
                    )
                    return 2
                # Bind first, then fork: every process accepts on the same listening socket.
                sockets = bind_sockets(args.port, args.host, backlog=LISTEN_BACKLOG)
                announce(options)
                fork_workers(args.processes)  # returns in each worker
                asyncio.run(serve(options, sockets=sockets))
            else:
                asyncio.run(serve(options))
        elif args.command == "create":
            asyncio.run(create(args, sys.stdout))
        elif args.command == "erase":
            asyncio.run(erase(args, sys.stdout))
        elif args.command == "purge":
            asyncio.run(purge(args, sys.stdout))
        elif args.command == "admin-key":
            return asyncio.run(admin_key(args, sys.stdout))
        elif args.command == "backup" and is_postgres_url(args.db):
            print(
                "chatserver: backup copies an SQLite file; back up a PostgreSQL database with pg_dump "
                "(docs/deploying.md).",
                file=sys.stderr,
            )
            return 2
        elif args.command == "backup":
            report = backup(args.db, args.out)
            print(
                f"Backed up {report.events} events, {report.items} items and {report.files} files to {report.path} "
                f"({report.size_bytes / 2**20:.1f} MiB)."
            )
        else:
            asyncio.run(_export(args, sys.stdout))
    except DatabaseRefused as exc:
        print(f"chatserver: {exc}", file=sys.stderr)
        return 1
    except ChatError as exc:
        print(f"chatserver: {exc.message}", file=sys.stderr)
        return 2 if exc.status == 400 else 1
    except OSError as exc:
        print(f"chatserver: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


SQLITE_HEADER = b"SQLite format 3\x00"


def _check_db_file(path: str, must_exist: bool) -> None:
    """Refuse a --db that cannot be chatserver's before SQLite touches it (or creates it)."""
    if is_postgres_url(path):
        return  # a PostgreSQL database: checked when connecting
    file = Path(path)
    if not file.exists():
        if must_exist:
            raise DatabaseRefused(f"there is no database at {path}; pass the --db file the server uses.")
        return
    if file.is_dir():
        raise DatabaseRefused(f"{path} is a directory; pass a database file with --db.")
    try:
        with file.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseRefused(f"{path} cannot be read: {exc.strerror or exc}.") from None
    # An empty file is an empty database to SQLite; anything else must start with its header.
    if header and header != SQLITE_HEADER:
        raise DatabaseRefused(f"{path} is not an SQLite database; pass a new file or a chatserver database with --db.")


async def _export(args: argparse.Namespace, out: TextIO) -> None:
    store = await Store.open(args.db)
    try:
        event = await store.get_event(args.slug)
        viewer = Viewer(staff=True) if args.include_private else PUBLIC_VIEW
        async for chunk in transcript.chunks(store, event, args.format, Languages(), viewer):
            out.write(chunk)
    finally:
        await store.close()
    out.flush()
