"""The start page schedules a series: repeat daily, weekly on chosen days or monthly, ending never, after
N meetings or on a date, in the browser's time zone or another one; the confirmation shows the series
link, the host link, the schedule in words with the next dates, and the calendar feed."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer

NEW_YORK = "America/New_York"
TOKYO = "Asia/Tokyo"


def ny_page(context_factory: Any) -> Any:
    return context_factory(timezone_id=NEW_YORK, locale="en-US").new_page()


def next_day(zone: str, weekday: int, at_least: int = 2) -> date:
    """The first day, at least `at_least` days from today in the zone, that is `weekday` (Monday 0)."""
    day = datetime.now(ZoneInfo(zone)).date() + timedelta(days=at_least)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def second_tuesday(zone: str) -> date:
    """The first second-Tuesday-of-a-month at least two days from today."""
    soon = datetime.now(ZoneInfo(zone)).date() + timedelta(days=2)
    month = soon.replace(day=1)
    while True:
        first_tuesday = month + timedelta(days=(1 - month.weekday()) % 7)
        if first_tuesday + timedelta(days=7) >= soon:
            return first_tuesday + timedelta(days=7)
        month = (month + timedelta(days=32)).replace(day=1)


def utc_text(day: date, hour: int, zone: str, minute: int = 0) -> str:
    """The API's form of a wall-clock time in a zone: 2027-01-05T15:00:00.000Z."""
    moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def short_date(iso: str, zone: str) -> str:
    """ "Jan 5", as en-US writes a day of the series in its zone."""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(ZoneInfo(zone))
    return f"{moment:%b} {moment.day}"


def fill_start(page: Any, title: str, day: date, time: str) -> None:
    page.get_by_label("Title").fill(title)
    page.get_by_label("Start date").fill(day.isoformat())
    page.get_by_label("Start time").fill(time)


def submit_series(page: Any) -> dict[str, Any]:
    """Schedule the series through the form: the body the page sent."""
    with page.expect_request(lambda r: r.url.endswith("/api/series") and r.method == "POST") as sent:
        page.get_by_role("button", name="Schedule the series").click()
    return dict(sent.value.post_data_json)


def series_of(page: Any, server: LiveServer) -> dict[str, Any]:
    """The series the confirmation shows, as the API has it."""
    url = page.locator("#series-link").input_value()
    assert url.startswith(server.base + "/s/"), url
    status, body = server.api("GET", "/api/series/" + url.rsplit("/", 1)[1])
    assert status == 200, body
    return dict(body["series"])


def test_a_weekly_series_on_tuesday_and_thursday_in_new_york(live_server: LiveServer, context_factory: Any) -> None:
    page = ny_page(context_factory)
    page.goto(live_server.base + "/")
    expect(page.locator("#zone-name")).to_have_text(NEW_YORK)
    tuesday = next_day(NEW_YORK, 1)

    # The start date's weekday is chosen, and follows the date until the reader picks days.
    fill_start(page, "Office hours", tuesday + timedelta(days=1), "10:00")
    page.get_by_label("Repeat").select_option(label="Every week")
    days = page.get_by_role("group", name="On these days")
    expect(days.get_by_role("checkbox", checked=True)).to_have_count(1)
    expect(days.get_by_role("checkbox", name="Wednesday")).to_be_checked()
    page.get_by_label("Start date").fill(tuesday.isoformat())
    expect(days.get_by_role("checkbox", name="Tuesday")).to_be_checked()
    expect(days.get_by_role("checkbox", name="Wednesday")).not_to_be_checked()
    days.get_by_role("checkbox", name="Thursday").check()
    page.get_by_label("Start date").fill((tuesday - timedelta(days=1)).isoformat())  # a Monday: the days stay
    expect(days.get_by_role("checkbox", checked=True)).to_have_count(2)
    # The first meeting is the first chosen day from the start date on: that Tuesday.
    summary = page.locator("#when-summary")
    expect(summary).to_contain_text("Every week on Tuesday and Thursday at 10:00 AM (Eastern Time)")
    expect(summary).to_contain_text(re.compile(rf"First meeting: Tue, {tuesday:%b} {tuesday.day}(, \d{{4}})?, 10:00"))
    expect(page.get_by_role("group", name="The series ends").get_by_role("radio", name="Never")).to_be_checked()

    sent = submit_series(page)
    assert (sent["rrule"], sent["time_zone"]) == ("FREQ=WEEKLY;BYDAY=TU,TH", NEW_YORK)
    expect(page.get_by_role("heading", name="“Office hours” is scheduled")).to_be_visible()

    series = series_of(page, live_server)
    assert (series["rrule"], series["time_zone"], series["title"]) == (
        "FREQ=WEEKLY;BYDAY=TU,TH",
        NEW_YORK,
        "Office hours",
    )
    # 10:00 in New York: 15:00 UTC in winter, 14:00 in summer.
    winter = datetime(tuesday.year, tuesday.month, tuesday.day, 10, tzinfo=ZoneInfo(NEW_YORK)).utcoffset() == timedelta(
        hours=-5
    )
    assert series["starts_at"] == utc_text(tuesday, 10, NEW_YORK)
    assert series["starts_at"][11:13] == ("15" if winter else "14")
    assert series["ends_at"] == utc_text(tuesday, 11, NEW_YORK)

    # The confirmation: the series link, the host link, the schedule in words and the next three dates.
    series_url = page.locator("#series-link").input_value()
    expect(page.locator("#host-link")).to_have_value(re.compile("^" + re.escape(series_url) + "/host#key=.+"))
    expect(page.locator("#room-link")).to_be_hidden()
    expect(page.get_by_text("The host link is the key to this series.")).to_be_visible()
    dates = [short_date(o["starts_at"], NEW_YORK) for o in series["upcoming"]]
    assert len(dates) == 3
    when = page.locator("#created-when")
    expect(when).to_contain_text("Every week on Tuesday and Thursday at 10:00 AM (Eastern Time).")
    expect(when).to_contain_text(f"Next: {dates[0]}, {dates[1]}, and {dates[2]}.")
    expect(page.get_by_role("link", name="Open the series page")).to_have_attribute("href", series_url)

    # Add to calendar: the feed as a file and as a subscription, not one event's Google or Outlook link.
    calendar = page.locator("#created-series-calendar")
    slug = series["slug"]
    expect(calendar.get_by_role("link", name="Calendar file (.ics)")).to_have_attribute("href", f"/s/{slug}.ics")
    host = live_server.base.split("://", 1)[1]
    expect(calendar.get_by_role("link", name=re.compile("^Subscribe"))).to_have_attribute(
        "href", f"webcal://{host}/s/{slug}.ics"
    )
    expect(page.get_by_role("link", name="Google Calendar")).to_be_hidden()

    page.get_by_role("button", name="Copy the series link").click()
    expect(page.locator("#copy-status")).to_have_text(re.compile("^Series link (copied to the clipboard|selected)"))


def test_a_monthly_series_on_the_second_tuesday_three_times(live_server: LiveServer, context_factory: Any) -> None:
    page = ny_page(context_factory)
    page.goto(live_server.base + "/")
    day = second_tuesday(NEW_YORK)
    fill_start(page, "Board meeting", day, "10:00")
    page.get_by_label("Repeat").select_option(label="Every month")
    expect(page.get_by_role("radio", name=f"On day {day.day}")).to_be_checked()
    page.get_by_role("radio", name="On the second Tuesday").check()
    page.get_by_role("spinbutton", name="Number of meetings").fill("3")
    expect(page.get_by_role("radio", name="After 3 meetings")).to_be_checked()
    expect(page.locator("#when-summary")).to_contain_text(
        "Every month on the second Tuesday at 10:00 AM (Eastern Time), 3 times"
    )

    sent = submit_series(page)
    assert sent["rrule"] == "FREQ=MONTHLY;BYDAY=2TU;COUNT=3"
    expect(page.get_by_role("heading", name="“Board meeting” is scheduled")).to_be_visible()
    series = series_of(page, live_server)
    assert (series["rrule"], series["time_zone"]) == ("FREQ=MONTHLY;BYDAY=2TU;COUNT=3", NEW_YORK)
    assert series["starts_at"] == utc_text(day, 10, NEW_YORK)
    starts = [
        datetime.fromisoformat(o["starts_at"].replace("Z", "+00:00")).astimezone(ZoneInfo(NEW_YORK))
        for o in series["upcoming"]
    ]
    assert [(s.weekday(), (s.day - 1) // 7, s.hour) for s in starts] == [(1, 1, 10)] * 3
    dates = [short_date(o["starts_at"], NEW_YORK) for o in series["upcoming"]]
    when = page.locator("#created-when")
    expect(when).to_contain_text("Every month on the second Tuesday at 10:00 AM (Eastern Time), 3 times.")
    expect(when).to_contain_text(f"Next: {dates[0]}, {dates[1]}, and {dates[2]}.")


def test_another_time_zone_makes_0900_in_tokyo_midnight_utc(live_server: LiveServer, context_factory: Any) -> None:
    page = ny_page(context_factory)
    page.goto(live_server.base + "/")
    day = datetime.now(ZoneInfo(TOKYO)).date() + timedelta(days=3)
    change = page.get_by_role("button", name="Change the time zone")
    expect(change).to_have_attribute("aria-expanded", "false")
    change.click()
    zone = page.get_by_label("Time zone of the start and end")
    expect(zone).to_be_focused()
    expect(zone).to_have_value(NEW_YORK)
    zone.select_option(TOKYO)
    expect(page.locator("#zone-name")).to_have_text(TOKYO)
    fill_start(page, "Tokyo stand-up", day, "09:00")
    summary = page.locator("#when-summary")
    expect(summary).to_contain_text("Asia/Tokyo (UTC+09:00)")
    expect(summary).to_contain_text("In your time zone (America/New_York):")

    # A one-off event: 09:00 in Tokyo is midnight UTC.
    with page.expect_request(lambda r: r.url.endswith("/api/events") and r.method == "POST") as sent:
        page.get_by_role("button", name="Schedule the event").click()
    assert sent.value.post_data_json["starts_at"] == f"{day.isoformat()}T09:00:00+09:00"
    expect(page.get_by_role("heading", name="“Tokyo stand-up” is scheduled")).to_be_visible()
    slug = page.locator("#room-link").input_value().rsplit("/", 1)[1]
    event = live_server.api("GET", f"/api/events/{slug}")[1]["event"]
    assert event["starts_at"] == f"{day.isoformat()}T00:00:00.000Z"
    assert event["ends_at"] == f"{day.isoformat()}T01:00:00.000Z"

    # Scheduling another starts from the browser's zone again; a series in Tokyo keeps Tokyo's clock.
    page.get_by_role("button", name="Schedule another event").click()
    expect(page.locator("#zone-name")).to_have_text(NEW_YORK)
    change.click()
    zone.select_option(TOKYO)
    fill_start(page, "Tokyo weekly", day, "09:00")
    page.get_by_label("Repeat").select_option(label="Every week")
    sent_series = submit_series(page)
    assert sent_series["time_zone"] == TOKYO
    expect(page.get_by_role("heading", name="“Tokyo weekly” is scheduled")).to_be_visible()
    series = series_of(page, live_server)
    code = day.strftime("%a")[:2].upper()
    assert (series["rrule"], series["time_zone"]) == (f"FREQ=WEEKLY;BYDAY={code}", TOKYO)
    assert series["starts_at"] == f"{day.isoformat()}T00:00:00.000Z"
    expect(page.locator("#created-when")).to_contain_text("at 9:00 AM (Japan Standard Time)")


def test_a_daily_series_without_an_end_is_refused_beside_the_form(
    live_server: LiveServer, context_factory: Any
) -> None:
    page = ny_page(context_factory)
    page.goto(live_server.base + "/")
    fill_start(page, "Daily stand-up", next_day(NEW_YORK, 0), "09:30")
    page.get_by_label("Repeat").select_option(label="Every day")
    # Every day ends after ten meetings unless the reader says otherwise.
    expect(page.get_by_role("radio", name="After 10 meetings")).to_be_checked()
    never = page.get_by_role("group", name="The series ends").get_by_role("radio", name="Never")
    never.check()

    with page.expect_response(lambda r: r.url.endswith("/api/series") and r.request.method == "POST") as answer:
        page.get_by_role("button", name="Schedule the series").click()
    assert answer.value.status == 400
    error = page.get_by_role("alert").filter(has_text="more than 366 occurrences in two years")
    expect(error).to_be_visible()
    expect(error).to_contain_text("The schedule gives more than 366 occurrences in two years")
    expect(error).to_contain_text("Choose when the series ends")
    expect(never).to_have_attribute("aria-invalid", "true")
    expect(never).to_be_focused()
    expect(page.locator("#created")).to_be_hidden()
    assert live_server.api("GET", "/api/events?state=scheduled")[1]["events"] == []

    # Choosing an end clears the error, and the series is scheduled.
    page.get_by_role("radio", name="After 10 meetings").check()
    expect(error).to_be_hidden()
    sent = submit_series(page)
    assert sent["rrule"] == "FREQ=DAILY;COUNT=10"
    expect(page.get_by_role("heading", name="“Daily stand-up” is scheduled")).to_be_visible()


def test_does_not_repeat_still_schedules_one_event(live_server: LiveServer, context_factory: Any) -> None:
    page = ny_page(context_factory)
    page.goto(live_server.base + "/")
    expect(page.get_by_label("Repeat")).to_have_value("none")
    expect(page.locator("#repeat-options")).to_be_hidden()
    day = next_day(NEW_YORK, 3)
    fill_start(page, "One-off", day, "14:30")
    # Back and forth: a series chosen, then not, schedules one event as before.
    page.get_by_label("Repeat").select_option(label="Every month")
    page.get_by_label("Repeat").select_option(label="Does not repeat")
    with page.expect_request(lambda r: r.url.endswith("/api/events") and r.method == "POST") as sent:
        page.get_by_role("button", name="Schedule the event").click()
    body = sent.value.post_data_json
    assert "rrule" not in body and "time_zone" not in body
    expect(page.get_by_role("heading", name="“One-off” is scheduled")).to_be_visible()
    expect(page.locator("#series-link-box")).to_be_hidden()
    expect(page.get_by_role("link", name="Google Calendar")).to_be_visible()
    expect(page.get_by_text("The host link is the key to this event.")).to_be_visible()
    slug = page.locator("#room-link").input_value().rsplit("/", 1)[1]
    event = live_server.api("GET", f"/api/events/{slug}")[1]["event"]
    assert event["starts_at"] == utc_text(day, 14, NEW_YORK, minute=30)
    assert event["series"] is None


def test_zoned_time_and_repeat_rule_modules(live_server: LiveServer, context_factory: Any) -> None:
    """The two small modules on their own, in a browser whose own zone is neither of those asked about."""
    page = context_factory(timezone_id="Pacific/Auckland").new_page()
    page.goto(live_server.base + "/")
    got = page.evaluate(
        """async () => {
            const z = await import("/static/zoned-time.js");
            const r = await import("/static/repeat-rule.js");
            const iso = (d) => d && d.toISOString();
            return {
                tokyo: iso(z.fromWall("2027-01-05T09:00", "Asia/Tokyo")),
                kathmandu: iso(z.fromWall("2027-01-05T09:00", "Asia/Kathmandu")),
                nyWinter: iso(z.fromWall("2027-01-05T10:00", "America/New_York")),
                nySummer: iso(z.fromWall("2027-07-06T10:00", "America/New_York")),
                // 2027-03-14 02:00 → 03:00 and 2027-11-07 02:00 → 01:00 in New York.
                skipped: iso(z.fromWall("2027-03-14T02:30", "America/New_York")),
                twice: z.momentsOf("2027-11-07T01:30", "America/New_York").map(iso),
                notAWall: z.fromWall("2027-02-30T10:00", "Asia/Tokyo"),
                wall: z.toWall(new Date("2027-01-05T00:00:00Z"), "Asia/Tokyo"),
                zoned: z.zonedISO(new Date("2027-01-05T03:15:00Z"), "Asia/Kathmandu"),
                offset: z.offsetAt(Date.parse("2027-07-01T00:00:00Z"), "Europe/Berlin"),
                position: [r.monthPosition("2027-01-12"), r.monthPosition("2027-01-29"), r.monthPosition("2027-02-22")],
                first: r.firstDay("2027-01-04", { frequency: "weekly", days: ["TU", "TH"] }),
                week: r.weekFrom(7),
                rules: [
                    r.buildRule({ frequency: "weekly", days: ["TH", "TU"], end: "never" }),
                    r.buildRule({ frequency: "monthly", monthly: "weekday", day: "2027-01-29", end: "until", until: "2027-06-30" }),
                    r.buildRule({ frequency: "monthly", monthly: "day", day: "2027-01-15", end: "count", count: 6 }),
                    r.buildRule({ frequency: "daily", end: "count", count: 10 }),
                    r.buildRule({ frequency: "none" }),
                ],
            };
        }"""
    )
    assert got["tokyo"] == "2027-01-05T00:00:00.000Z"
    assert got["kathmandu"] == "2027-01-05T03:15:00.000Z"
    assert (got["nyWinter"], got["nySummer"]) == ("2027-01-05T15:00:00.000Z", "2027-07-06T14:00:00.000Z")
    assert got["skipped"] == "2027-03-14T07:30:00.000Z"  # read as browsers do: 03:30 EDT
    assert got["twice"] == ["2027-11-07T05:30:00.000Z", "2027-11-07T06:30:00.000Z"]
    assert got["notAWall"] is None
    assert (got["wall"], got["zoned"], got["offset"]) == ("2027-01-05T09:00", "2027-01-05T09:00:00+05:45", 120)
    assert got["position"] == [
        {"day": 12, "weekday": "TU", "nth": 2},
        {"day": 29, "weekday": "FR", "nth": -1},
        {"day": 22, "weekday": "MO", "nth": -1},
    ]
    assert got["first"] == "2027-01-05"
    assert got["week"] == ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
    assert got["rules"] == [
        "FREQ=WEEKLY;BYDAY=TU,TH",
        "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20270630",
        "FREQ=MONTHLY;BYMONTHDAY=15;COUNT=6",
        "FREQ=DAILY;COUNT=10",
        None,
    ]


def test_a_series_for_the_hosts_only_erased_after_30_days(live_server: LiveServer, context_factory: Any) -> None:
    """The privacy choices go with a series as with one event: every meeting has them, and the first
    meeting's join form says so before anyone joins."""
    page = ny_page(context_factory)
    page.goto(live_server.base + "/")
    fill_start(page, "Private office hours", next_day(NEW_YORK, 2), "16:00")
    page.get_by_label("Repeat").select_option(label="Every week")
    page.get_by_label("Who can read the transcript afterwards").select_option(label="Only the hosts")
    page.get_by_role("group", name="Erase messages").get_by_role("radio", name="After 30 days").check()

    sent = submit_series(page)
    assert (sent["transcript"], sent["retention_days"]) == ("hosts", 30)
    expect(page.get_by_role("heading", name="“Private office hours” is scheduled")).to_be_visible()
    expect(page.locator("#created-privacy")).to_have_text(
        "Only the hosts can read each meeting's transcript afterwards. Messages are erased 30 days after each meeting."
    )

    series = series_of(page, live_server)
    assert (series["transcript"], series["retention_days"]) == ("hosts", 30)
    occurrences = live_server.occurrences(series["slug"])
    assert len(occurrences) == 2
    assert [(o["transcript"], o["retention_days"]) for o in occurrences] == [("hosts", 30)] * 2

    room = page.context.new_page()
    room.goto(f"{live_server.base}/e/{occurrences[0]['slug']}")
    expect(room.locator("#join-consent")).to_have_text(
        "After the event, only the hosts can read this chat. Messages are erased 30 days after it ends."
    )
