"""What uploads and downloads are bounded by: one object, built by make_app from the options."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from chatserver.images import DEFAULT_MAX_PIXELS
from chatserver.slots import Slots
from chatserver.uploads import DEFAULT_EVENT_QUOTA_MB, DEFAULT_MAX_UPLOAD_MB, MIB

# Uploads arriving at once, in all and per client: each may hold up to max_bytes on disk meanwhile.
MAX_UPLOADS = 16
MAX_UPLOADS_PER_CLIENT = 2
UPLOAD_LIMIT = 20  # uploads a participant may start per minute
UPLOAD_LIMIT_WINDOW_S = 60.0


@dataclass
class FileSettings:
    """What uploads and downloads are bounded by (--max-upload-mb, --event-quota-mb, ...)."""

    max_bytes: int = DEFAULT_MAX_UPLOAD_MB * MIB
    quota_bytes: int = DEFAULT_EVENT_QUOTA_MB * MIB  # an event's files in all; 0: no quota
    max_pixels: int = DEFAULT_MAX_PIXELS
    upload_limit: int = UPLOAD_LIMIT
    tmp_dir: str | None = None  # where uploads are spooled while they arrive (None: the system's)
    uploads: Slots = field(default_factory=lambda: Slots(MAX_UPLOADS, MAX_UPLOADS_PER_CLIENT))
    # Decoding an image takes up to max_pixels * 4 bytes: one at a time bounds the memory it needs.
    decoding: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(1))
