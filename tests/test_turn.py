"""Calls through a real TURN server: Debian's coturn, configured as docs/deploying.md shows it
(use-auth-secret), accepts the credentials chatserver hands a participant and relays for them, and
refuses an expired or forged one. Without coturn installed the test is skipped, except under CI."""

from __future__ import annotations

import os
import shutil
import socket
import struct
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from chatserver.ice import turn_credential
from tests.serverproc import ServerProcess, free_port

SECRET = "a-long-random-secret-shared-with-chatserver"
TURNSERVER = shutil.which("turnserver") or "/usr/bin/turnserver"
UCLIENT = shutil.which("turnutils_uclient") or "/usr/bin/turnutils_uclient"

pytestmark = pytest.mark.skipif(
    not (os.path.exists(TURNSERVER) and os.path.exists(UCLIENT)) and os.environ.get("CI") != "true",
    reason="coturn is not installed (apt install coturn); CI installs it",
)


@pytest.fixture
def coturn(tmp_path: Path) -> Iterator[int]:
    """coturn on a free loopback port with the deployment guide's settings; its port once it listens."""
    port = free_port()
    conf = tmp_path / "turnserver.conf"
    conf.write_text(
        "\n".join(
            [
                f"listening-port={port}",
                "listening-ip=127.0.0.1",
                "relay-ip=127.0.0.1",
                "min-port=49160",
                "max-port=49300",
                "fingerprint",
                "use-auth-secret",
                f"static-auth-secret={SECRET}",
                "realm=chat.example.org",
                "no-multicast-peers",
                "no-cli",
                "no-tls",
                "no-dtls",
                # The guide denies private peers; the test's peer is itself, on loopback.
                "allow-loopback-peers",
                "log-file=stdout",
                "simple-log",
                f"pidfile={tmp_path / 'turnserver.pid'}",
                f"userdb={tmp_path / 'turndb'}",
                "",
            ]
        )
    )
    proc = subprocess.Popen([TURNSERVER, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        stun_answers(port, proc)
        yield port
    finally:
        proc.kill()
        proc.wait()


def stun_answers(port: int, proc: subprocess.Popen[bytes], within: float = 15) -> None:
    """Wait until the server answers a STUN binding request on its UDP port (it logs no line for that)."""
    request = struct.pack("!HHI", 0x0001, 0, 0x2112A442) + os.urandom(12)
    deadline = time.monotonic() + within
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.2)
        while time.monotonic() < deadline:
            assert proc.poll() is None, "coturn exited"
            sock.sendto(request, ("127.0.0.1", port))
            try:
                answer = sock.recv(2048)
            except TimeoutError:
                continue  # not listening yet: ask again
            if answer[8:20] == request[8:20]:
                return
    raise AssertionError(f"coturn did not answer on port {port} within {within} s")


def relay(port: int, username: str, credential: str) -> str:
    """turnutils_uclient through the TURN server with that credential: its report."""
    run = subprocess.run(
        [
            UCLIENT,
            "-u",
            username,
            "-w",
            credential,
            "-p",
            str(port),
            "-y",
            "-n",
            "5",
            "-m",
            "1",
            "-e",
            "127.0.0.1",
            "127.0.0.1",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return run.stdout + run.stderr


def test_coturn_relays_for_chatserver_credentials_and_refuses_others(tmp_path: Path, coturn: int) -> None:
    url = f"turn:127.0.0.1:{coturn}?transport=udp"
    with ServerProcess(tmp_path / "chat.db", "--ice-server", url, "--turn-secret", SECRET) as server:
        status, created = server.request(
            "POST",
            "/api/events",
            {"title": "Calls", "starts_at": _iso(-60), "ends_at": _iso(3600)},
        )
        assert status == 201, created
        slug = created["event"]["slug"]
        status, joined = server.request("POST", f"/api/events/{slug}/participants", {"nickname": "ann"})
        assert status == 201, joined
        # Nobody without a credential gets a TURN credential.
        status, public = server.request("GET", f"/api/events/{slug}/calls/config")
        assert status == 200 and public["ice_servers"] == [], public
        status, config = server.request("GET", f"/api/events/{slug}/calls/config", token=joined["token"])
        assert status == 200, config
        [turn] = config["ice_servers"]
        assert turn["urls"] == [url]
        username, credential = turn["username"], turn["credential"]
        expiry, _, who = username.partition(":")
        assert who == str(joined["participant"]["id"]) and int(expiry) > time.time()

    report = relay(coturn, username, credential)
    assert "tot_recv_msgs=20" in report and "Total lost packets 0" in report, report
    # A credential whose time is past (rightly signed), or a forged one, gets no allocation.
    expired = f"{int(time.time()) - 60}:{who}"
    assert "Cannot complete Allocation" in relay(coturn, expired, turn_credential(SECRET, expired))
    assert "Cannot complete Allocation" in relay(coturn, username, credential[:-4] + "AAA=")


def _iso(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds))
