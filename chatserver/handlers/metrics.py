"""GET /metrics: Prometheus text exposition for operators."""

from __future__ import annotations

from chatserver.handlers.base import ApiHandler


class MetricsHandler(ApiHandler):
    async def get(self) -> None:
        services = self.services
        metrics = [
            ("chatserver_held_polls", "gauge", "Long polls held open now.", services.broker.held_polls),
            ("chatserver_open_streams", "gauge", "Streaming connections open now.", services.open_streams),
            ("chatserver_transcript_downloads", "gauge", "Transcript downloads in progress.", services.downloads.taken),
            ("chatserver_items_total", "counter", "Items appended since start.", services.store.items_appended),
        ]
        lines = []
        for name, kind, help_text, value in metrics:
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}", f"{name} {value}"]
        self.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.finish("\n".join(lines) + "\n")
