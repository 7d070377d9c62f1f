"""Request handlers: thin, they parse, call the store or the broker, and write."""
