"""``fingertip audit`` of a large generated export, against a floor that only streams it.

Generates a Telegram Desktop export of ``--messages`` group messages in /tmp (the example group's
messages repeated with fresh ids, one every 10 s), then measures in this one run:
- floor: stream the file with ijson and count messages per ISO week (no classification, no store);
- ours: ``fingertip audit FILE --format json`` as a process: wall time, peak memory (max RSS) and
  the size of its JSON report.

Goals (issue 12): 1,000,000 messages in <= 60 s and <= 300 MB.
Run: python bench/audit_large.py [--messages 1000000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
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


def ours(path: Path, report: Path) -> float:
    """Run the audit as a process; seconds taken (its peak memory is read after)."""
    start = time.perf_counter()
    with report.open("w", encoding="utf-8") as out:
        subprocess.run(
            [sys.executable, "-m", "bot.cli", "audit", str(path), "--format", "json"],
            stdout=out,
            check=True,
        )
    return time.perf_counter() - start


def main(total: int) -> None:
    """Generate, measure, print."""
    with tempfile.TemporaryDirectory(dir="/tmp") as directory:
        export = Path(directory) / "result.json"
        report = Path(directory) / "report.json"
        generate(export, total)
        floor_seconds, weeks = floor(export)
        our_seconds = ours(export, report)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        size_mb = export.stat().st_size / 1e6
        ratio = our_seconds / floor_seconds
        print(f"export: {total:,} messages over {weeks} weeks, {size_mb:.0f} MB")
        print(f"floor (ijson, count per week): {floor_seconds:8.1f} s")
        print(f"fingertip audit --format json: {our_seconds:8.1f} s ({ratio:.0f}x floor)")
        print(f"peak memory (max RSS):         {peak_mb:8.0f} MB")
        print(f"JSON report:                   {report.stat().st_size / 1e6:8.1f} MB")
        print("goals at 1,000,000 messages: <= 60 s and <= 300 MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    main(parser.parse_args().messages)
