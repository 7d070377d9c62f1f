"""`python -m bench`: run the benchmarks against the baseline and chatserver, print a table, write JSON."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tornado

from bench.benchmarks import GROUPS, Case, cases
from bench.benchmarks.common import Result, Settings, load
from bench.servers import BASELINE, CHATSERVER, GENERATOR_CPU, KINDS, pin, raise_nofile

DEFAULT_OUT = Path(__file__).with_name("results.json")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        default=os.environ.get("QUICK", "") in ("1", "yes", "true"),
        help="small counts, well under a minute (also QUICK=1)",
    )
    parser.add_argument(
        "--only",
        default=os.environ.get("BENCH_ONLY", ""),
        help=f"comma-separated subset of {','.join(GROUPS)} (also BENCH_ONLY)",
    )
    parser.add_argument(
        "--idle-hold",
        type=float,
        default=float(os.environ.get("BENCH_IDLE_HOLD", "0") or 0),
        help="seconds to hold the idle polls (default 60, quick 5; also BENCH_IDLE_HOLD)",
    )
    parser.add_argument("--servers", default=",".join(KINDS), help="which servers to measure (default both)")
    parser.add_argument(
        "--chatserver-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="extra argument for `chatserver serve`, e.g. --chatserver-arg=--log-level=warning",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"JSON results (default {DEFAULT_OUT})")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the temporary directory (databases, logs)")
    args = parser.parse_args(argv)
    args.only = {g.strip() for g in args.only.split(",") if g.strip()} or set(GROUPS)
    unknown = args.only - set(GROUPS)
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(sorted(unknown))}; choose from {', '.join(GROUPS)}")
    args.servers = [k for k in KINDS if k in {s.strip() for s in args.servers.split(",")}]
    if not args.servers:
        parser.error(f"--servers must name at least one of {', '.join(KINDS)}")
    return args


def fmt(value: Any) -> str:
    """A figure for the table."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    if math.isnan(value):
        return "n/a"
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def ratio(base: Any, chat: Any) -> str:
    """chatserver / baseline, where both are numbers and the baseline is not 0."""
    if not isinstance(base, (int, float)) or not isinstance(chat, (int, float)) or base == 0:
        return "-"
    if math.isnan(base) or math.isnan(chat):
        return "-"
    return f"{chat / base:.2f}x"


Row = tuple[str, ...]  # five cells; or two, (benchmark, note): a note that spans the other columns


def table(rows: list[Row]) -> str:
    """Plain-text table with a header rule."""
    header = ("benchmark", "metric", "baseline", "chatserver", "ratio")
    widths = [max(len(r[i]) for r in [header, *rows] if len(r) == 5 or i == 0) for i in range(5)]
    lines = []
    for n, row in enumerate([header, *rows]):
        if len(row) == 2:
            lines.append(f"{row[0].ljust(widths[0])} | {row[1]}")
            continue
        cells = [row[i].ljust(widths[i]) if i < 2 else row[i].rjust(widths[i]) for i in range(5)]
        lines.append(" | ".join(cells).rstrip())
        if n == 0:
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def busy_note(before: dict[str, float | None]) -> str:
    """A warning for the progress line when other processes competed for the CPUs."""
    cpus = os.cpu_count() or 1
    if before["loadavg_1m"] is not None and before["loadavg_1m"] > cpus + 1:
        return f"  NOTE: load average {before['loadavg_1m']:.1f} on {cpus} CPUs before it: other processes competed"
    return ""


async def measure(case: Case, kind: str) -> dict[str, Any]:
    """One case on one server, bounded by the case's time limit; errors become an entry, not a crash."""
    started = time.perf_counter()
    before = load()
    try:
        result: Result = await asyncio.wait_for(case.run(kind), case.timeout)
    except Exception as exc:  # noqa: BLE001 - the other cases still run
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        if isinstance(exc, asyncio.TimeoutError):
            detail = f"timed out after {case.timeout:.0f} s"
        print(f"  {kind:10s} FAILED: {detail}", file=sys.stderr, flush=True)
        return {"failed": detail, "wall_s": time.perf_counter() - started, "load": {"before": before, "after": load()}}
    wall = time.perf_counter() - started
    shown = ", ".join(f"{k} {fmt(v)}" for k, v in result.metrics.items())
    print(f"  {kind:10s} {wall:6.1f} s  {shown}{busy_note(before)}", file=sys.stderr, flush=True)
    return {
        "metrics": result.metrics,
        "details": result.details,
        "wall_s": wall,
        "load": {"before": before, "after": load()},
    }


def _quiet_lost_futures(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    # Polls cut off at the end of a case fail with nobody left to read them: not worth a traceback.
    if "never retrieved" in str(context.get("message", "")):
        return
    loop.default_exception_handler(context)


def log_problems(workdir: Path) -> dict[str, list[str]]:
    """WARNING/ERROR lines and tracebacks from every server log, per server kind (at most 50 each)."""
    found: dict[str, list[str]] = {}
    for log in sorted(workdir.glob("*.log")):
        kind = log.name.split("-", 1)[0]
        text = log.read_text(errors="replace").splitlines()
        lines = [ln for ln in text if any(m in ln for m in (" WARNING ", " ERROR ", " CRITICAL ", "Traceback"))]
        found.setdefault(kind, []).extend(f"{log.name}: {ln}" for ln in lines)
    return {
        kind: lines[:50] + ([f"... {len(lines) - 50} more"] if len(lines) > 50 else [])
        for kind, lines in found.items()
        if lines
    }


def git_state() -> dict[str, Any]:
    """The commit under test and chatserver's uncommitted changes (the servers run the working tree)."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
                cwd=Path(__file__).resolve().parent.parent,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    changed = git("status", "--porcelain", "--", "chatserver", "schema.sql").splitlines()
    return {"commit": git("rev-parse", "HEAD"), "chatserver_uncommitted": changed}


def machine() -> dict[str, Any]:
    """Where the figures come from."""
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "tornado": tornado.version,
        "platform": platform.platform(),
    }


async def main(args: argparse.Namespace) -> int:
    """Run every selected case on every selected server; print and save the figures."""
    asyncio.get_running_loop().set_exception_handler(_quiet_lost_futures)
    workdir = Path(tempfile.mkdtemp(prefix="chatbench-"))
    settings = Settings(workdir=workdir, chatserver_args=list(args.chatserver_arg))
    if args.quick:
        settings.quick()
    if args.idle_hold > 0:
        settings.idle_hold = args.idle_hold
    pinned = pin(GENERATOR_CPU)
    print(
        f"bench: {'quick' if args.quick else 'full'} run, servers on CPU 0 (fan-out PG: not pinned), load generator "
        f"{'on CPU 1' if pinned else 'NOT pinned (fewer than 2 CPUs)'}; temp dir {workdir}",
        file=sys.stderr,
    )
    started, wall0 = datetime.now(UTC), time.perf_counter()
    report: dict[str, Any] = {
        "started_at": started.isoformat(timespec="seconds"),
        "quick": args.quick,
        "settings": {k: v for k, v in vars(settings).items() if k != "workdir"},
        "machine": machine(),
        "git_at_start": git_state(),
        "cases": [],
    }
    rows: list[Row] = []
    entries: dict[str, dict[str, Any]] = {}
    try:
        for case in cases(settings, args.only):
            kinds = [kind for kind in args.servers if kind in case.servers]
            if not kinds:
                print(f"{case.title}: skipped (runs only against {', '.join(case.servers)})", file=sys.stderr)
                continue
            reason = case.unavailable() if case.unavailable is not None else None
            if reason:
                print(f"{case.title}: skipped ({reason})", file=sys.stderr, flush=True)
                report["cases"].append({"group": case.group, "title": case.title, "skipped": reason})
                if case.shown:
                    rows.append((case.title, f"(skipped: {reason})"))
                continue
            print(f"{case.title}:", file=sys.stderr, flush=True)
            entry: dict[str, Any] = {"group": case.group, "title": case.title}
            if case.reference is not None:
                entry["reference"] = {"case": case.reference, "server": CHATSERVER}
            for kind in kinds:
                gc.collect()
                entry[kind] = await measure(case, kind)
            reference = entries.get(case.reference, {}).get(CHATSERVER) if case.reference is not None else None
            if case.targets:
                entry["targets"] = judge(case, entry, reference)
            report["cases"].append(entry)
            entries[case.title] = entry
            if case.shown:
                rows.extend(case_rows(case, entry, kinds, reference))
    finally:
        report["wall_s"] = time.perf_counter() - wall0
        report["git_at_end"] = git_state()
        report["server_log_problems"] = log_problems(workdir)
        args.out.write_text(json.dumps(report, indent=2, default=str) + "\n")
        if args.keep_tmp:
            print(f"bench: kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(table(rows))
    print(targets_summary(report["cases"]))
    print(f"\nwall time {report['wall_s']:.0f} s; figures in {args.out}")
    busiest = max(
        (
            entry[k]["load"]["before"]["loadavg_1m"]
            for entry in report["cases"]
            for k in args.servers
            if "load" in entry.get(k, {})
        ),
        default=0.0,
    )
    if busiest > (os.cpu_count() or 1) + 1:
        print(
            f"\nNOTE: the load average reached {busiest:.1f} on {os.cpu_count()} CPUs before a case: other "
            'processes competed with the servers and the generator (see "load" per case in the JSON).'
        )
    if report["git_at_end"] != report["git_at_start"]:
        print("\nNOTE: chatserver's code changed during the run (commit or working tree); later cases ran newer code.")
    for kind, lines in report["server_log_problems"].items():
        print(f"\n{kind} logged {len(lines)} warning/error line(s), e.g.:\n  " + "\n  ".join(lines[:5]))
    failed = any("failed" in entry.get(k, {}) for entry in report["cases"] for k in args.servers)
    return 1 if failed else 0


def targets_summary(entries: list[dict[str, Any]]) -> str:
    """One line per verdict kind: how many targets were met, and which were not."""
    missed = [f"{e['title']}: {name}" for e in entries for name, v in e.get("targets", {}).items() if v["met"] is False]
    met = sum(1 for e in entries for v in e.get("targets", {}).values() if v["met"])
    unjudged = sum(1 for e in entries for v in e.get("targets", {}).values() if v["met"] is None)
    lines = [f"\ntargets: {met} met, {len(missed)} not met" + (f", {unjudged} not judged" if unjudged else "")]
    lines += [f"  NOT MET  {name}" for name in missed]
    return "\n".join(lines)


def judge(case: Case, entry: dict[str, Any], reference: dict[str, Any] | None) -> dict[str, Any]:
    """Each target of the case: the figure it compares (a ratio, or chatserver's own), and whether it is met.
    The ratio is against the reference case's chatserver figures when there is one, else the baseline's."""
    base_figures = (reference if case.reference is not None else entry.get(BASELINE)) or {}
    verdicts: dict[str, Any] = {}
    for target in case.targets:
        chat = entry.get(CHATSERVER, {}).get("metrics", {}).get(target.metric)
        base = base_figures.get("metrics", {}).get(target.metric)
        value, met = (None, None)
        if isinstance(chat, (int, float)):
            value, met = target.judge(chat, base if isinstance(base, (int, float)) else None)
        verdicts[target.describe()] = {
            "metric": target.metric,
            "compare": target.compare,
            "limit": target.limit,
            "value": value,
            "met": met,
            "why": target.why,
        }
    return verdicts


def case_rows(
    case: Case, entry: dict[str, Any], servers: list[str], reference: dict[str, Any] | None = None
) -> list[Row]:
    """Table rows for one case: one per metric, baseline and chatserver side by side. With a
    reference, the baseline column holds the reference case's chatserver figures instead."""
    base_entry = reference if case.reference is not None else entry.get(BASELINE)
    names: list[str] = []
    for kind in servers:
        for name in entry[kind].get("metrics", {}):
            if name not in names:
                names.append(name)
    rows: list[Row] = []
    if case.note:
        rows.append((entry["title"], f"({case.note})"))
    if not names:
        base_text = "failed" if "failed" in (base_entry or {}) else "-"
        chat_text = "failed" if "failed" in entry.get(CHATSERVER, {}) else "-"
        rows.append(("" if rows else entry["title"], "FAILED", base_text, chat_text, "-"))
    for name in names:
        base = (base_entry or {}).get("metrics", {}).get(name)
        chat = entry.get(CHATSERVER, {}).get("metrics", {}).get(name)
        base_text = "FAILED" if "failed" in (base_entry or {}) else fmt(base)
        chat_text = "FAILED" if "failed" in entry.get(CHATSERVER, {}) else fmt(chat)
        rows.append(("" if rows else entry["title"], name, base_text, chat_text, ratio(base, chat)))
    for name, verdict in entry.get("targets", {}).items():
        if verdict["met"] is None:
            rows.append(("", f"target {name}: not judged, a figure is missing"))
            continue
        shown = f"{verdict['value']:.2f}x" if verdict["compare"] != "value<=" else fmt(verdict["value"])
        rows.append(("", f"target {name}: {shown}, {'met' if verdict['met'] else 'NOT MET'}"))
        if not verdict["met"] and verdict["why"]:
            rows.append(("", f"  why: {verdict['why']}"))
    return rows


if __name__ == "__main__":
    raise_nofile()
    gc.set_threshold(50_000, 20, 20)  # fewer collections while tens of thousands of requests are in flight
    sys.exit(asyncio.run(main(parse_args())))
