"""``fingertip audit`` of a large generated export, against a floor that only streams it.

Generates a Telegram Desktop export of ``--messages`` group messages in /tmp (the example group's
messages repeated with fresh ids, one every 10 s), then measures in this one run:
- floor: stream the file with ijson and count messages per ISO week (no classification, no store);
- ours: ``fingertip audit FILE --format json [--workers N]`` as a process: wall time, peak
  memory and the size of its JSON report. Memory is the largest max RSS of any one process
  (the audit, its export reader, a pool worker or the embedded Redis server, from
  ``getrusage``), and the largest
  sum of the RSS and of the PSS of the audit's whole process tree, sampled every 0.2 s from
  /proc, with each process's own peaks (RSS, PSS and USS, its private pages), so it shows what
  holds the memory; and the CPU time (user + system) of that whole tree, which other jobs on a
  shared machine disturb far less than the wall time.

Each process's CPU time (user + system, from /proc at the last sample) is printed with its
peaks: the audit's own is the parent's work (context, observe, the store's calls), which keeps
file order while the workers classify. With workers, the export is read in a process of its own
(forked first: the lowest pid of the ``python`` children), which sends the parent its messages.

Paired (``--against CHECKOUT``): the same export is audited by the other checkout (its ``bot``
package, run from its directory) and by this one in turns, ``--rounds`` times each, the order
swapping every round, so both meet the same load; the bench prints each run and whether every
JSON report is byte-identical to this checkout's first.

Goals (issue 12): 1,000,000 messages in <= 60 s and <= 300 MB.
Run: python bench/audit_large.py [--messages 1000000] [--workers N] [--against CHECKOUT
[--rounds K]]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import ijson

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "work-group" / "result.json"
START = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)


def generate(path: Path, total: int) -> None:
    """Write an export of ``total`` messages, streaming (it never holds them all)."""
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    pattern = [m for m in example["messages"] if m.get("type") == "message"]
    header = {k: v for k, v in example.items() if k != "messages"}
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps(header, ensure_ascii=False)[:-1] + ', "messages": [\n')
        for index in range(total):
            message = dict(pattern[index % len(pattern)])
            moment = START + timedelta(seconds=10 * index)
            message["id"] = index + 1
            message["date"] = moment.replace(tzinfo=None).isoformat(timespec="seconds")
            message["date_unixtime"] = str(int(moment.timestamp()))
            message.pop("reply_to_message_id", None)
            out.write(("," if index else "") + json.dumps(message, ensure_ascii=False) + "\n")
        out.write("]}\n")


def floor(path: Path) -> tuple[float, int]:
    """Stream the export and count messages per ISO week; seconds and weeks seen."""
    start = time.perf_counter()
    weeks: Counter[str] = Counter()
    with path.open("rb") as handle:
        for unixtime in ijson.items(handle, "messages.item.date_unixtime"):
            year, week, _ = datetime.fromtimestamp(int(unixtime), UTC).isocalendar()
            weeks[f"{year}-W{week:02d}"] += 1
    return time.perf_counter() - start, len(weeks)


@dataclass
class ProcessPeak:
    """The largest RSS, PSS and USS (private pages) seen of one process, in kB."""

    name: str
    rss: int = 0
    pss: int = 0
    uss: int = 0
    cpu: float = 0.0
    """User + system seconds at the last sample."""


def _tree(root: int) -> set[int]:
    """``root`` and all its descendants."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier.extend(children)
    return tree


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` so far (0 when it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


_TICKS = os.sysconf("SC_CLK_TCK")


def _sample_tree(root: int, peaks: dict[int, ProcessPeak]) -> tuple[int, int]:
    """The summed RSS and PSS of ``root``'s process tree in kB (PSS shares the pages forked
    workers still have in common with their parent; RSS counts them in each); each process's
    peaks are kept in ``peaks``."""
    rss_sum = pss_sum = 0
    for pid in _tree(root):
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
        except OSError:
            continue
        fields = {
            line.split()[0]: int(line.split()[1])
            for line in rollup.splitlines()[1:]
            if line.split()[0].endswith(":")
        }
        rss, pss = fields.get("Rss:", 0), fields.get("Pss:", 0)
        uss = fields.get("Private_Clean:", 0) + fields.get("Private_Dirty:", 0)
        role = "audit" if pid == root else Path(command.split(" ")[0]).name or "?"
        peak = peaks.setdefault(pid, ProcessPeak(role))
        peak.rss, peak.pss, peak.uss = max(peak.rss, rss), max(peak.pss, pss), max(peak.uss, uss)
        peak.cpu = max(peak.cpu, _cpu_seconds(pid))
        rss_sum += rss
        pss_sum += pss
    return rss_sum, pss_sum


def ours(
    path: Path, report: Path, workers: int | None, checkout: Path | None = None
) -> tuple[float, float, float, dict[int, ProcessPeak]]:
    """Run the audit as a process (of ``checkout``, else the current directory's); seconds
    taken, the peak summed RSS and PSS of its process tree in MB and each process's peaks (the
    largest single process's max RSS is read after, from getrusage)."""
    command = [sys.executable, "-m", "bot.cli", "audit", str(path), "--format", "json"]
    if workers is not None:
        command += ["--workers", str(workers)]
    peak_rss = peak_pss = 0
    peaks: dict[int, ProcessPeak] = {}
    start = time.perf_counter()
    with (
        report.open("w", encoding="utf-8") as out,
        subprocess.Popen(command, stdout=out, cwd=checkout) as run,
    ):
        while run.poll() is None:
            rss, pss = _sample_tree(run.pid, peaks)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            time.sleep(0.2)
    seconds = time.perf_counter() - start
    if run.returncode:
        raise SystemExit(f"the audit failed with status {run.returncode}")
    return seconds, peak_rss / 1024, peak_pss / 1024, peaks


def main(total: int, workers: int | None) -> None:
    """Generate, measure, print."""
    with tempfile.TemporaryDirectory(dir="/tmp") as directory:
        export = Path(directory) / "result.json"
        report = Path(directory) / "report.json"
        generate(export, total)
        floor_seconds, weeks = floor(export)
        load_before = Path("/proc/loadavg").read_text().split()[:3]
        our_seconds, summed_mb, pss_mb, peaks = ours(export, report, workers)
        load_after = Path("/proc/loadavg").read_text().split()[:3]
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_mb = children.ru_maxrss / 1024
        cpu_seconds = children.ru_utime + children.ru_stime
        size_mb = export.stat().st_size / 1e6
        ratio = our_seconds / floor_seconds
        print(f"export: {total:,} messages over {weeks} weeks, {size_mb:.0f} MB")
        print(f"floor (ijson, count per week): {floor_seconds:8.1f} s")
        shown = "default" if workers is None else str(workers)
        print(f"fingertip audit --format json --workers {shown}: {our_seconds:8.1f} s")
        print(f"  ratio to the floor:          {ratio:8.1f}x")
        print(f"  CPU time, process tree:      {cpu_seconds:8.1f} s (user + system)")
        print(f"peak memory, largest process:  {peak_mb:8.0f} MB (max RSS)")
        print(f"peak memory, process tree sum: {summed_mb:8.0f} MB RSS, {pss_mb:.0f} MB PSS")
        print("  (sampled every 0.2 s: the audit, its workers and its Redis server)")
        _print_peaks(peaks)
        print(f"load average before / after:   {' '.join(load_before)} / {' '.join(load_after)}")
        print(f"JSON report:                   {report.stat().st_size / 1e6:8.2f} MB")
        print("goals at 1,000,000 messages: <= 60 s and <= 300 MB")


def _print_peaks(peaks: dict[int, ProcessPeak]) -> None:
    for pid, peak in sorted(peaks.items()):
        print(
            f"  {peak.name:>14} {pid:>7}: peak RSS {peak.rss / 1024:5.0f} MB, "
            f"PSS {peak.pss / 1024:5.0f} MB, USS {peak.uss / 1024:5.0f} MB, "
            f"CPU {peak.cpu:6.1f} s"
        )


def paired(total: int, workers: int | None, other: Path, rounds: int) -> None:
    """Audit one export with ``other`` and this checkout in turns; print each run."""
    sides = (("this checkout", ROOT), (str(other), other.resolve()))
    with tempfile.TemporaryDirectory(dir="/tmp") as directory:
        export = Path(directory) / "result.json"
        generate(export, total)
        first_report: bytes | None = None
        identical = True
        for turn in range(rounds):
            for side in (0, 1) if turn % 2 == 0 else (1, 0):
                name, checkout = sides[side]
                report = Path(directory) / f"report-{side}.json"
                load = Path("/proc/loadavg").read_text().split()[0]
                seconds, _rss, pss, peaks = ours(export, report, workers, checkout)
                audit_cpu = next((p.cpu for p in peaks.values() if p.name == "audit"), 0.0)
                tree_cpu = sum(peak.cpu for peak in peaks.values())
                print(
                    f"{name}: {seconds:6.1f} s wall, CPU {audit_cpu:5.1f} s the audit process, "
                    f"{tree_cpu:5.1f} s its tree (sampled), PSS peak {pss:4.0f} MB, "
                    f"load {load}"
                )
                # Each process's CPU (by pid: the audit, its reader, the workers, the server),
                # since on two cores every process's CPU counts toward the wall.
                print(
                    "  by process: "
                    + ", ".join(f"{p.name} {p.cpu:.1f}" for _, p in sorted(peaks.items()))
                )
                content = report.read_bytes()
                first_report = first_report if first_report is not None else content
                identical = identical and content == first_report
        print(
            f"{total:,} messages, --workers {workers or 'default'}, {rounds} rounds; reports "
            + ("byte-identical" if identical else "DIFFER")
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument(
        "--workers", type=int, default=None, help="audit --workers (default: its own)"
    )
    parser.add_argument(
        "--against", type=Path, default=None, help="another checkout to run in turns with this one"
    )
    parser.add_argument("--rounds", type=int, default=2, help="runs of each side (--against)")
    arguments = parser.parse_args()
    if arguments.against is not None:
        paired(arguments.messages, arguments.workers, arguments.against, arguments.rounds)
    else:
        main(arguments.messages, arguments.workers)
