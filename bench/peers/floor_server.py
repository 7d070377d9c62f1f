"""The floor of SSE fan-out from Python: one `socket.send` per reader per message, and nothing else.

A selectors loop on non-blocking sockets. `GET /sse` answers an event-stream head (no chunking,
the body runs until the connection closes) and keeps the socket; `POST /pub` sends
`data: <body>\\n\\n` to every kept socket, one send() each, then answers 201; `GET /metrics` says
how many streams are open (`floor_streams N`). A send that does not take the whole frame is
counted (`floor_short_sends`) and that stream dropped: the floor has no queues. No ids, no resume,
no keepalives, no HTTP framework: what is left is the cost every Python server pays at least.

    python bench/peers/floor_server.py --port 8899
"""

from __future__ import annotations

import argparse
import selectors
import signal
import socket
import sys

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\r\n"
CREATED = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"


class Floor:
    """The listening socket, the open streams and the requests being read."""

    def __init__(self, port: int) -> None:
        self.selector = selectors.DefaultSelector()
        self.listener = socket.create_server(("127.0.0.1", port), backlog=1024)
        self.listener.setblocking(False)
        self.selector.register(self.listener, selectors.EVENT_READ)
        self.streams: list[socket.socket] = []
        self.buffers: dict[socket.socket, bytes] = {}
        self.short_sends = 0

    def serve(self) -> None:
        while True:
            for key, _ in self.selector.select():
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                if sock is self.listener:
                    self.accept()
                else:
                    self.read(sock)

    def accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except BlockingIOError:
                return
            conn.setblocking(False)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.buffers[conn] = b""
            self.selector.register(conn, selectors.EVENT_READ)

    def read(self, conn: socket.socket) -> None:
        try:
            data = conn.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self.drop(conn)
            return
        buffer = self.buffers[conn] + data
        while True:  # every complete request in the buffer (one at a time in practice)
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            head = buffer[:end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if len(buffer) < end + 4 + length:
                break
            body, buffer = buffer[end + 4 : end + 4 + length], buffer[end + 4 + length :]
            self.answer(conn, head.split(" ", 2)[:2], body)
        if conn in self.buffers:
            self.buffers[conn] = buffer

    def answer(self, conn: socket.socket, request: list[str], body: bytes) -> None:
        method, path = request if len(request) == 2 else ("", "")
        if method == "GET" and path.startswith("/sse"):
            conn.sendall(HEAD)
            self.streams.append(conn)
        elif method == "POST" and path.startswith("/pub"):
            self.publish(b"data: " + body + b"\n\n")
            conn.sendall(CREATED)
        elif method == "GET" and path.startswith("/metrics"):
            text = f"floor_streams {len(self.streams)}\nfloor_short_sends {self.short_sends}\n".encode()
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(text), text))
        else:
            conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")

    def publish(self, frame: bytes) -> None:
        """The loop this server exists for."""
        size, short = len(frame), []
        for sock in self.streams:
            try:
                if sock.send(frame) != size:
                    short.append(sock)
            except OSError:
                short.append(sock)
        for sock in short:
            self.short_sends += 1
            self.drop(sock)

    def drop(self, conn: socket.socket) -> None:
        if conn in self.buffers:
            del self.buffers[conn]
            self.selector.unregister(conn)
        if conn in self.streams:
            self.streams.remove(conn)
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    Floor(args.port).serve()


if __name__ == "__main__":
    main()
