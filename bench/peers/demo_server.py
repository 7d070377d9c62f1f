"""Run Tornado's chat demo as it ships, with the installed Tornado, listening on 127.0.0.1 only.

The demo comes from Debian's python-tornado-doc (examples/chat: chatdemo.py, its templates and
static files), unchanged: its main() listens on every interface, so Application.listen gets the
loopback address here instead. Everything after the folder goes to the demo's own options.

    python bench/peers/demo_server.py /usr/share/doc/python-tornado-doc/examples/chat \\
        --port=8899 --debug=false --logging=warning
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from typing import Any

import tornado.web


def main() -> None:
    sys.dont_write_bytecode = True  # leave the package's folder as it was installed
    folder = sys.argv.pop(1)
    sys.path.insert(0, folder)
    demo = importlib.import_module("chatdemo")
    listen = tornado.web.Application.listen

    def on_loopback(self: tornado.web.Application, port: int, address: str = "127.0.0.1", **kwargs: Any) -> Any:
        return listen(self, port, address or "127.0.0.1", **kwargs)

    tornado.web.Application.listen = on_loopback  # type: ignore[method-assign,assignment]
    asyncio.run(demo.main())


if __name__ == "__main__":
    main()
