"""Running the server: open the store, start the schedule, listen, and shut down gracefully."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
from dataclasses import dataclass

from tornado.httpserver import HTTPServer

from chatserver.app import (
    DEFAULT_EVENT_LIMIT,
    DEFAULT_JOIN_LIMIT,
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_WAIT,
    DEFAULT_RATE_LIMIT,
    make_app,
)
from chatserver.broker import Broker
from chatserver.pg import safe_url
from chatserver.scheduler import Scheduler
from chatserver.store import Store

log = logging.getLogger("chatserver")

SHUTDOWN_GRACE_S = 10.0
DEFAULT_MAX_HELD = 50_000  # connections held open (polls, streams) in all
DEFAULT_MAX_HELD_PER_CLIENT = 1_000  # ... and per client address
MAX_HEADER_BYTES = 16 * 1024  # request line and headers; real browsers send 1-4 KiB
LISTEN_BACKLOG = 1024  # the kernel caps it at net.core.somaxconn


@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8888
    db: str = "./chat.db"
    sync: str = "normal"
    rate_limit: int = DEFAULT_RATE_LIMIT
    max_wait: float = DEFAULT_MAX_WAIT
    xheaders: bool = False
    event_limit: int = DEFAULT_EVENT_LIMIT
    join_limit: int = DEFAULT_JOIN_LIMIT
    max_held: int = DEFAULT_MAX_HELD
    max_held_per_client: int = DEFAULT_MAX_HELD_PER_CLIENT
    # Against slow clients: a request's body must arrive within body_timeout seconds, and a
    # connection that sends nothing (between requests, or mid-headers) for idle_timeout is closed.
    # None: --max-wait + 30, so that a held poll's keep-alive connection is never cut.
    body_timeout: float = 30.0
    idle_timeout: float | None = None
    # The public origin (https://chat.example.org) for absolute links; None: the browser's own.
    public_url: str | None = None


async def serve(options: ServeOptions, ready: asyncio.Event | None = None,
                sockets: list[socket.socket] | None = None) -> None:
    """Serve until SIGINT or SIGTERM, then answer held polls and close the database cleanly."""
    store = await Store.open(options.db, sync=options.sync)
    broker = Broker(max_held=options.max_held, max_held_per_client=options.max_held_per_client)
    scheduler = Scheduler(store)
    app = make_app(store, broker, max_wait=options.max_wait, rate_limit=options.rate_limit,
                   event_limit=options.event_limit, join_limit=options.join_limit,
                   public_url=options.public_url)
    server = HTTPServer(
        app,
        xheaders=options.xheaders,
        # Our handlers answer an oversized body with a JSON 413 before reading it; this is a backstop.
        max_body_size=DEFAULT_MAX_BODY * 4,
        max_header_size=MAX_HEADER_BYTES,
        idle_connection_timeout=options.idle_timeout or options.max_wait + 30,
        body_timeout=options.body_timeout,
    )
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    try:
        await scheduler.start()
        # A deep accept queue: a crowd reconnecting at once (after a restart) is not dropped into SYN retries.
        if sockets is not None:
            server.add_sockets(sockets)  # bound before the processes forked (--processes)
        else:
            server.listen(options.port, options.host, backlog=LISTEN_BACKLOG)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stopping.set)
        log.info("chatserver serving on http://%s:%d with %s", options.host, options.port, safe_url(options.db))
        if ready is not None:
            ready.set()
        await stopping.wait()
        log.info("shutting down: answering held polls and closing the database")
    finally:
        # Also on a failed start (the port in use): the store's threads must not outlive us.
        server.stop()
        broker.shutdown()
        services = app.settings["services"]
        try:
            await asyncio.wait_for(services.drained(), SHUTDOWN_GRACE_S)
        except TimeoutError:
            log.warning("%d requests were still running after %.0f s", services.in_flight, SHUTDOWN_GRACE_S)
        await scheduler.stop()
        await store.close()
        try:
            await asyncio.wait_for(server.close_all_connections(), SHUTDOWN_GRACE_S)
        except TimeoutError:
            log.warning("some connections were still open after %.0f s", SHUTDOWN_GRACE_S)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        log.info("stopped")
