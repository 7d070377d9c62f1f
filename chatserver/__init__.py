"""chatserver: scheduled chat events over long polling, on Tornado, with SQLite or PostgreSQL."""

__version__ = "0.1.0"
