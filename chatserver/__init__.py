"""chatserver: scheduled chat events over long polling, on Tornado and SQLite."""

__version__ = "0.1.0"
