"""A series' schedule: an RFC 5545 RRULE in an IANA time zone, expanded by python-dateutil."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import islice, pairwise
from zoneinfo import ZoneInfo, available_timezones

from dateutil.rrule import rrule as RRule
from dateutil.rrule import rrulestr

from chatserver.errors import N_, InvalidRequest
from chatserver.timefmt import Millis

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY")
# The parts a rule may have: enough for "every other Tuesday", "the 15th", "the second Tuesday",
# "weekdays". BYHOUR, BYMINUTE and the like would give several meetings a day, or none at the first's time.
PARTS = ("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYSETPOS", "WKST")
RRULE_MAX = 500  # characters: the longest sensible rule is under 100
INTERVAL_MAX = 99
COUNT_MAX = 5000  # a weekly meeting for a century; density is bounded by MAX_IN_TWO_YEARS
# A series may not hold more than this many occurrences in its first two years: a daily meeting
# runs for a year at most (and a weekday one, for seven months) before the host renews it.
MAX_IN_TWO_YEARS = 366
TWO_YEARS = timedelta(days=731)
MAX_LENGTH_MS = 31 * 24 * 3600 * 1000
FIRST_WITHIN_MS = 3652 * 24 * 3600 * 1000  # a series' first meeting is at most ten years away
# The farthest a rule's next meeting may be from the one before (MONTHLY;INTERVAL=99 is 8¼ years).
HORIZON = timedelta(days=3660)
# How many rule occurrences a top-up steps over (missed while the server was down) before giving up.
SKIP_MAX = 10_000

_PART = re.compile(r"[A-Z]+=[A-Z0-9,+:-]+")
_ORDINAL = re.compile(r"[+-]?[1-5]")
_UNTIL = re.compile(r"([0-9]{8})(?:T([0-9]{6})(Z?))?")


def invalid(message: str, **values: object) -> InvalidRequest:
    """A 400 that names the rule, as every answer about it does."""
    return InvalidRequest(message, field="rrule", **values)


# In the system's zone list but not IANA zones: "localtime" means the server's own, for one.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    names = available_timezones() - _NOT_ZONES
    return frozenset(name for name in names if not name.startswith(("posix/", "right/")))


def time_zone(name: object) -> ZoneInfo:
    """The IANA zone named, or a 400 naming `time_zone`."""
    if not isinstance(name, str) or name not in _zones():
        raise InvalidRequest(
            N_("{field} must be an IANA time zone such as Europe/Berlin or America/New_York."), field="time_zone"
        )
    return ZoneInfo(name)


@dataclass(frozen=True)
class Occurrence:
    """One meeting the rule gives: its place in the rule (RECURRENCE-ID) and its true times, all UTC."""

    recurrence_at: Millis
    starts_at: Millis
    ends_at: Millis


@dataclass(frozen=True)
class Schedule:
    """A rule, its zone and its first occurrence; every occurrence keeps the first's wall-clock
    start and length in that zone, across daylight-saving changes."""

    rrule: str  # the canonical rule: upper case, UNTIL in UTC
    zone: ZoneInfo
    starts_at: Millis
    ends_at: Millis

    def __post_init__(self) -> None:
        try:  # parsed, not expanded: dateutil checks every part's values
            rule = rrulestr(self.rrule, dtstart=self.local(self.starts_at))
        except (ValueError, TypeError, OverflowError, KeyError) as exc:
            raise invalid(N_("{field} is not a valid RFC 5545 recurrence rule.")) from exc
        if not isinstance(rule, RRule):  # an RRULE value gives one rule, never a set
            raise invalid(N_("{field} is not a valid RFC 5545 recurrence rule."))

    def local(self, ms: Millis) -> datetime:
        """A moment as the zone's wall clock shows it, to whole seconds (as RFC 5545 has them)."""
        return datetime.fromtimestamp(ms // 1000, UTC).astimezone(self.zone)

    @property
    def length(self) -> timedelta:
        """The first occurrence's length on the wall clock, which every occurrence keeps."""
        return self.local(self.ends_at).replace(tzinfo=None) - self.local(self.starts_at).replace(tzinfo=None)

    def _occurrence(self, start: datetime) -> Occurrence:
        # The first's milliseconds ride along: the rule works in whole seconds.
        extra = self.starts_at % 1000
        begins = _ms(start) + extra
        # Aware arithmetic in one zone is wall-clock arithmetic: 10:00 + 1 h is 11:00 local, DST or not.
        return Occurrence(begins, begins, _ms((start + self.length).astimezone(UTC)) + extra)

    def _starts(self, until: datetime) -> Iterator[datetime]:
        """The rule's starts up to `until` (and its own end). dateutil looks for a next match until
        the rule's UNTIL, else to the year 9999: seconds of CPU for a rule that matches rarely, so
        every expansion goes through a copy whose UNTIL is no later than `until`; COUNT is applied
        here, counted from the first occurrence as RFC 5545 counts it."""
        parts = dict(part.split("=", 1) for part in self.rrule.split(";"))
        count = int(parts.pop("COUNT")) if "COUNT" in parts else None
        cap = until.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        parts["UNTIL"] = min(parts.get("UNTIL", cap), cap)  # the same form: the earlier sorts first
        rule = rrulestr(
            ";".join(f"{name}={value}" for name, value in parts.items()), dtstart=self.local(self.starts_at)
        )
        starts: Iterator[datetime] = iter(rule)
        return islice(starts, count) if count is not None else starts

    def after(self, recurrence_at: Millis | None) -> Iterator[Occurrence]:
        """The rule's occurrences after the one at recurrence_at (all for None), in order, as far as
        HORIZON beyond it: a rule whose next meeting is further away has none left."""
        since = self.local(recurrence_at if recurrence_at is not None else self.starts_at)
        for start in self._starts(since + HORIZON):
            if recurrence_at is None or start > since:
                yield self._occurrence(start)

    def first(self, count: int, within: timedelta = HORIZON) -> list[Occurrence]:
        """The first `count` occurrences, within `within` of the first."""
        return [self._occurrence(start) for start in islice(self._starts(self.local(self.starts_at) + within), count)]


def _ms(moment: datetime) -> Millis:
    return int(moment.timestamp()) * 1000


def canonical_rule(value: object, zone: ZoneInfo) -> str:
    """The rule as stored and served: upper case, no "RRULE:" prefix, supported parts only, and
    UNTIL in UTC (RFC 5545 wants it so with a zoned DTSTART); a date alone means that whole day."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(N_("{field} is required."), field="rrule")
    if len(value) > RRULE_MAX:
        raise invalid(N_("{field} must be at most {max} characters."), max=RRULE_MAX)
    text = value.strip().upper().removeprefix("RRULE:")
    parts: dict[str, str] = {}
    for part in text.split(";"):
        if not _PART.fullmatch(part):
            raise invalid(N_("{field} is not a valid RFC 5545 recurrence rule."))
        name, rule_value = part.split("=", 1)
        if name not in PARTS:
            raise invalid(N_("{field} cannot use {part}; a rule may have {parts}."), part=name, parts=", ".join(PARTS))
        if name in parts:
            raise invalid(N_("{field} names {part} twice."), part=name)
        parts[name] = rule_value
    if parts.get("FREQ") not in FREQUENCIES:
        raise invalid(N_("{field} must have FREQ=DAILY, FREQ=WEEKLY or FREQ=MONTHLY."))
    for day in parts.get("BYDAY", "").split(",") if "BYDAY" in parts else ():
        number = day[:-2]
        if number and (parts["FREQ"] != "MONTHLY" or not _ORDINAL.fullmatch(number)):
            raise invalid(N_("{field}: a numbered weekday such as 2TU or -1FR is for FREQ=MONTHLY, from -5 to 5."))
    if "BYSETPOS" in parts and (parts["FREQ"] != "MONTHLY" or "BYDAY" not in parts):
        raise invalid(N_("{field}: BYSETPOS picks one of the weekdays of a month: use it with FREQ=MONTHLY and BYDAY."))
    if "COUNT" in parts and "UNTIL" in parts:
        raise invalid(N_("{field} may end with COUNT or with UNTIL, not both."))
    for name, low, high in (("INTERVAL", 1, INTERVAL_MAX), ("COUNT", 1, COUNT_MAX)):
        if name in parts and not (parts[name].isdigit() and low <= int(parts[name]) <= high):
            raise invalid(
                N_("{field}: {part} must be a whole number from {min} to {max}."), part=name, min=low, max=high
            )
    if "UNTIL" in parts:
        parts["UNTIL"] = _until_utc(parts["UNTIL"], zone)
    return ";".join(f"{name}={rule_value}" for name, rule_value in parts.items())


def _until_utc(value: str, zone: ZoneInfo) -> str:
    match = _UNTIL.fullmatch(value)
    try:
        if match is None:
            raise ValueError(value)
        day, clock, utc = match.groups()
        if utc:
            moment = datetime.strptime(day + clock, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        else:  # the zone's wall clock: that moment, or the end of that day
            local = datetime.strptime(day + (clock or "235959"), "%Y%m%d%H%M%S")
            moment = local.replace(tzinfo=zone).astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise invalid(N_("{field}: UNTIL must be a date (20270105) or a UTC time (20270105T230000Z).")) from exc
    return moment.strftime("%Y%m%dT%H%M%SZ")


def parse_schedule(rrule_value: object, zone_name: object, starts_at: Millis, ends_at: Millis, now: Millis) -> Schedule:
    """A new series' schedule, checked: every rule of API.md and the issue, or a 400 naming the field."""
    zone = time_zone(zone_name)
    if ends_at <= starts_at:
        raise InvalidRequest(N_("{field} must be after {other}."), field="ends_at", other="starts_at")
    if starts_at < now:
        raise InvalidRequest(N_("{field} must not be in the past: a series starts from now on."), field="starts_at")
    if starts_at > now + FIRST_WITHIN_MS:
        # Also keeps every date the rule is expanded to (ten years further at most) far from the year 9999.
        raise InvalidRequest(N_("{field} must be within {years} years from now."), field="starts_at", years=10)
    schedule = Schedule(canonical_rule(rrule_value, zone), zone, starts_at, ends_at)
    window_end = schedule.local(starts_at) + TWO_YEARS
    early = schedule.first(MAX_IN_TWO_YEARS + 2, within=TWO_YEARS)
    if not early:
        raise invalid(N_("{field} gives no occurrence at all."))
    if early[0].starts_at != starts_at:
        raise invalid(
            N_("{field} does not give starts_at itself: start the series on a day the rule gives."),
        )
    in_window = [o for o in early if o.starts_at < _ms(window_end.astimezone(UTC))]
    if len(in_window) > MAX_IN_TWO_YEARS:
        raise invalid(
            N_("{field} gives more than {max} occurrences in two years; add COUNT or UNTIL, or a longer INTERVAL."),
            max=MAX_IN_TWO_YEARS,
        )
    for occurrence in in_window:
        if occurrence.ends_at - occurrence.starts_at > MAX_LENGTH_MS:
            raise InvalidRequest(
                N_("An event lasts at most {days} days: move {field} closer to {other}."),
                days=MAX_LENGTH_MS // (24 * 3600 * 1000),
                field="ends_at",
                other="starts_at",
            )
    for one, following in pairwise(in_window):
        if one.ends_at > following.starts_at:
            raise invalid(N_("{field} gives occurrences that overlap: each must end before the next starts."))
    return schedule
