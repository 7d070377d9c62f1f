"""Running the server: open the store, start the schedule, listen, and shut down gracefully."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import socket
from dataclasses import dataclass, field

from chatserver.app import (
    DEFAULT_EVENT_LIMIT,
    DEFAULT_JOIN_LIMIT,
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_WAIT,
    DEFAULT_RATE_LIMIT,
    REACTION_LIMIT,
    SEARCH_LIMIT,
    SIGNAL_LIMIT,
    VOTE_LIMIT,
    make_app,
)
from chatserver.broker import Broker
from chatserver.calls import DEFAULT_RING_S
from chatserver.clients import DEFAULT_IPV6_PREFIX
from chatserver.connections import (
    GatedHTTPServer,
    connection_caps,
)
from chatserver.file_settings import UPLOAD_LIMIT, FileSettings
from chatserver.ice import IceSettings
from chatserver.pg import safe_url
from chatserver.previews.service import LinkPreviews
from chatserver.recent import DEFAULT_TAIL_BYTES
from chatserver.scheduler import Scheduler
from chatserver.store import Store
from chatserver.uploads import DEFAULT_EVENT_QUOTA_MB, DEFAULT_MAX_UPLOAD_MB, MIB

log = logging.getLogger("chatserver")

SHUTDOWN_GRACE_S = 10.0
DEFAULT_MAX_HELD = 50_000  # connections held open (polls, streams) in all
DEFAULT_MAX_HELD_PER_CLIENT = 1_000  # ... and per client address
MAX_HEADER_BYTES = 16 * 1024  # request line and headers; real browsers send 1-4 KiB
DEFAULT_HEADER_TIMEOUT = 10.0
LISTEN_BACKLOG = 1024  # the kernel caps it at net.core.somaxconn


@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8888
    db: str = "./chat.db"
    sync: str = "normal"
    rate_limit: int = DEFAULT_RATE_LIMIT
    reaction_limit: int = REACTION_LIMIT
    vote_limit: int = VOTE_LIMIT
    search_limit: int = SEARCH_LIMIT
    signal_limit: int = SIGNAL_LIMIT
    ring_timeout: int = DEFAULT_RING_S  # seconds a call rings before it is missed
    ice: IceSettings = field(default_factory=IceSettings)  # STUN and TURN servers for calls
    max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB
    event_quota_mb: int = DEFAULT_EVENT_QUOTA_MB
    upload_limit: int = UPLOAD_LIMIT
    link_previews: bool = True
    unsafe_preview_allow: tuple[str, ...] = ()  # HOST:PORT pairs previews may fetch on loopback (tests)
    max_wait: float = DEFAULT_MAX_WAIT
    xheaders: bool = False
    event_limit: int = DEFAULT_EVENT_LIMIT
    join_limit: int = DEFAULT_JOIN_LIMIT
    max_held: int = DEFAULT_MAX_HELD
    max_held_per_client: int = DEFAULT_MAX_HELD_PER_CLIENT
    # Against slow clients: a request's headers must arrive within header_timeout seconds of the
    # connection or of the answer before (so an idle keep-alive connection closes then too), and
    # its body within body_timeout. A held poll is past its headers: neither cuts it.
    body_timeout: float = 30.0
    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    # Open connections in all and per client address; 0 is no cap. None: in all, the descriptor
    # limit less a reserve; per client, 1,000 but at most a quarter of that.
    max_connections: int | None = None
    max_connections_per_client: int | None = None
    ipv6_prefix: int = DEFAULT_IPV6_PREFIX  # IPv6 clients are counted per network of this length
    tail_bytes: int = DEFAULT_TAIL_BYTES  # newest items held in memory, all events together
    # The public origin (https://chat.example.org) for absolute links; None: the browser's own.
    public_url: str | None = None


def browser_url(options: ServeOptions) -> str:
    """The address to open in a browser: the public URL, else where the server listens."""
    if options.public_url:
        return options.public_url + "/"
    # Listening on every address (0.0.0.0, ::) is reachable on this machine as 127.0.0.1.
    host = "127.0.0.1" if options.host in ("", "0.0.0.0", "::") else options.host
    return f"http://[{host}]:{options.port}/" if ":" in host else f"http://{host}:{options.port}/"


def announce(options: ServeOptions) -> None:
    """One plain line on standard output for whoever started the server: where to point the browser."""
    print(f"Open {browser_url(options)} in your browser.", flush=True)


# Python collects young objects every 700 allocations, and with thousands of held connections'
# objects alive its collections took 29 % of the loop in the Q&A bench (5,000 SSE readers). What
# start-up made stays for the process's life (frozen: never scanned again), and collections come
# every 50,000 allocations: 23 % less CPU per reader update there, p99 2.2 s -> 1.3 s.
GC_THRESHOLDS = (50_000, 20, 10)


def tune_gc() -> None:
    """Freeze what start-up made and collect less often (see GC_THRESHOLDS)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


async def serve(
    options: ServeOptions, ready: asyncio.Event | None = None, sockets: list[socket.socket] | None = None
) -> None:
    """Serve until SIGINT or SIGTERM, then answer held polls and close the database cleanly."""
    # From the first moment: a stop asked while the database opens is honoured once it has, not
    # the default action's death (a worker of --processes blocks both signals until here).
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    store = await Store.open(options.db, sync=options.sync, tail_bytes=options.tail_bytes)
    broker = Broker(max_held=options.max_held, max_held_per_client=options.max_held_per_client)
    scheduler = Scheduler(store)
    app = make_app(
        store,
        broker,
        max_wait=options.max_wait,
        rate_limit=options.rate_limit,
        reaction_limit=options.reaction_limit,
        vote_limit=options.vote_limit,
        search_limit=options.search_limit,
        signal_limit=options.signal_limit,
        ring_timeout=options.ring_timeout,
        ice=options.ice,
        event_limit=options.event_limit,
        join_limit=options.join_limit,
        public_url=options.public_url,
        ipv6_prefix=options.ipv6_prefix,
        files=FileSettings(
            max_bytes=options.max_upload_mb * MIB,
            quota_bytes=options.event_quota_mb * MIB,
            upload_limit=options.upload_limit,
        ),
        previews=LinkPreviews(allow=options.unsafe_preview_allow) if options.link_previews else None,
    )
    services = app.settings["services"]
    tune_gc()
    max_connections, per_client = connection_caps(options.max_connections, options.max_connections_per_client)
    server = GatedHTTPServer(
        app,
        xheaders=options.xheaders,
        # Our handlers answer an oversized body with a JSON 413 before reading it; this is a backstop.
        max_body_size=DEFAULT_MAX_BODY * 4,
        max_header_size=MAX_HEADER_BYTES,
        idle_connection_timeout=options.header_timeout,  # Tornado's deadline for a request's headers
        body_timeout=options.body_timeout,
        max_total=max_connections,
        max_per_client=per_client,
        # Behind a proxy every connection is the proxy's: count clients there (nginx limit_conn).
        clients=None if options.xheaders else services.clients,
    )
    try:
        await scheduler.start()
        # A deep accept queue: a crowd reconnecting at once (after a restart) is not dropped into SYN retries.
        if sockets is not None:
            server.add_sockets(sockets)  # bound before the processes forked (--processes)
        else:
            server.listen(options.port, options.host, backlog=LISTEN_BACKLOG)
        log.info("chatserver serving on http://%s:%d with %s", options.host, options.port, safe_url(options.db))
        if sockets is None:  # with several processes, the parent has said it once (cli.py)
            announce(options)
        if ready is not None:
            ready.set()
        await stopping.wait()
        log.info("shutting down: answering held polls and closing the database")
    finally:
        # Also on a failed start (the port in use): the store's threads must not outlive us.
        server.stop()
        services.closing = True  # requests on open connections now get 503 shutting_down
        broker.shutdown()
        services.calls.close()
        try:
            await asyncio.wait_for(services.drained(), SHUTDOWN_GRACE_S)
        except TimeoutError:
            log.warning("%d requests were still running after %.0f s", services.in_flight, SHUTDOWN_GRACE_S)
        await scheduler.stop()
        if services.previews is not None:
            await services.previews.close()
        await store.close()
        try:
            await asyncio.wait_for(server.close_all_connections(), SHUTDOWN_GRACE_S)
        except TimeoutError:
            log.warning("some connections were still open after %.0f s", SHUTDOWN_GRACE_S)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        log.info("stopped")
