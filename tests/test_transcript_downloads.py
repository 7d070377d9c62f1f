"""Transcript downloads: multi-line bodies keep their lines, and the files are named after the event."""

from __future__ import annotations

import dataclasses
import re
from typing import Any
from urllib.parse import unquote

import pytest

from chatserver.models import Event
from chatserver.transcript import NAME_CHARS, content_disposition
from tests.helpers import Api, iso_in

_DISPOSITION = re.compile(r"""inline; filename="([^"\\]*)"; filename\*=UTF-8''([A-Za-z0-9!#$&+\-.^_`|~%]+)""")


def names(header: str) -> tuple[str, str]:
    """The ASCII fallback and the decoded UTF-8 name of a Content-Disposition header."""
    match = _DISPOSITION.fullmatch(header)
    assert match, header
    assert all(" " <= c <= "~" for c in header), header
    return match.group(1), unquote(match.group(2), errors="strict")


async def test_a_multi_line_body_keeps_its_lines_indented_under_the_item(api: Api) -> None:
    created = await api.create_event()
    slug = created["event"]["slug"]
    _, token = await api.join(slug, "alice")
    assert (await api.say(slug, token, "first line\nsecond line\n\n[not an item]\n  indented")).status == 201
    assert (await api.say(slug, token, "after")).status == 201

    text = (await api.get(f"/e/{slug}/transcript.txt")).body
    lines = text.partition("\n\n")[2].splitlines()
    start = next(i for i, line in enumerate(lines) if line.endswith("alice: first line"))
    assert lines[start].startswith("[") and " UTC] alice: first line" in lines[start]
    assert lines[start + 1 : start + 5] == ["    second line", "    ", "    [not an item]", "      indented"]
    assert lines[start + 5].startswith("[") and lines[start + 5].endswith("] alice: after")
    assert "↵" not in text
    # Every line is an item (it starts with "[") or the continuation of one (it starts with four spaces).
    assert all(line.startswith(("[", "    ")) for line in lines)


@pytest.mark.parametrize(
    ("title", "ascii_name", "full_name"),
    [
        ("Weekly Tornado meeting", "Weekly-Tornado-meeting", "Weekly Tornado meeting"),
        ('The "quoted" talk', "The-quoted-talk", "The -quoted- talk"),
        ("a/b\\c: d?", "a-b-c-d", "a-b-c- d"),
        ("Café au lait", "Cafe-au-lait", "Café au lait"),
        ("Встреча команды", None, "Встреча команды"),
        ("会議", None, "会議"),
        ("اجتماع الفريق", None, "اجتماع الفريق"),
        ("🎉👩‍💻 party", "party", "🎉👩‍💻 party"),
        ("🎉", None, "🎉"),
        ("...", None, None),
        ("'; rm -rf / %0d%0a", "rm-rf-0d-0a", "'; rm -rf - %0d%0a"),
    ],
)
async def test_downloads_are_named_after_the_title_and_date(
    api: Api, title: str, ascii_name: str | None, full_name: str | None
) -> None:
    created = await api.create_event(title=title)
    starts = created["event"]["starts_at"][:10]
    slug = created["event"]["slug"]
    for fmt in ("txt", "json"):
        reply = await api.get(f"/e/{slug}/transcript.{fmt}")
        assert reply.status == 200
        fallback, full = names(reply.headers["Content-Disposition"])
        assert fallback == f"{ascii_name or slug}-{starts}.{fmt}"
        assert full == f"{full_name or slug}-{starts}.{fmt}"


async def test_the_name_carries_the_start_date(api: Api) -> None:
    created = await api.create_event(starts_in=3 * 86400)
    starts = created["event"]["starts_at"][:10]
    reply = await api.get(f"/e/{created['event']['slug']}/transcript.txt")
    assert names(reply.headers["Content-Disposition"])[0] == f"Weekly-Tornado-meeting-{starts}.txt"
    assert starts != iso_in(0)[:10]


def _event(**fields: Any) -> Event:
    base = Event(
        id=1,
        slug="be6bixefva",
        title="t",
        description="",
        starts_at=1_795_292_100_000,  # 2026-11-21 20:15:00 UTC
        ends_at=1_795_295_700_000,
        host_key_hash=b"",
        listed=False,
        created_at=0,
        closed_early_at=None,
        phase=0,
        last_item_id=0,
    )
    return dataclasses.replace(base, **fields)


@pytest.mark.parametrize(
    ("title", "ascii_name", "full_name"),
    [
        ("line one\r\nline two", "line-one-line-two", "line one line two"),
        ("bad\x00\x1b[31mname", "bad-31mname", "bad-[31mname"),
        ("evil\u202etxt.exe", "eviltxt.exe", "evil-txt.exe"),
        ("", "be6bixefva", "be6bixefva"),
    ],
)
def test_titles_from_older_data_never_break_the_header(title: str, ascii_name: str, full_name: str) -> None:
    header = content_disposition(_event(title=title), "txt")
    assert names(header) == (f"{ascii_name}-2026-11-21.txt", f"{full_name}-2026-11-21.txt")


def test_names_are_bounded() -> None:
    for title in ("x" * 200, "界" * 200, "👩‍💻" * 100):
        fallback, full = names(content_disposition(_event(title=title), "json"))
        assert len(fallback) <= NAME_CHARS + len("-2026-11-21.json")
        assert len(full) <= NAME_CHARS + len("-2026-11-21.json")
