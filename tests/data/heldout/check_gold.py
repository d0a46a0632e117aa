"""Validates the held-out Telegram exports and their gold labels.

Usage: python tests/data/heldout/check_gold.py [DIR]

For every NAME.json in DIR (default: this file's folder) it checks that the export parses and
has the Telegram Desktop single-chat shape, that NAME.gold.jsonl has one line per message of
type "message" in the same order, and that the gold lines follow the conventions of LABELS.md
and the corpus README. It prints the counts and exits 1 on any error.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

LABELS = (
    "task_push",
    "proof_demand",
    "report_demand",
    "ack_demand",
    "app_demand",
    "urgent_deadline",
)
APP_KINDS = frozenset({"download", "checkin", "points", "engage", "upload", "data_entry"})
CASES = frozenset(
    {
        "chase",
        "asker_question",
        "implicit_via_reply",
        "submission",
        "member_question",
        "cancellation",
        "jielong_start",
        "jielong_continue",
        "forwarded_directive",
        "forwarded_news",
        "emergency_exempt",
        "emergency_not_exempt",
        "app_named",
        "app_short_name",
        "app_via_context",
        "form_platform",
    }
)
MEMBER_CASES = frozenset({"submission", "member_question", "jielong_continue", "forwarded_news"})
DEMAND_CASES = frozenset(
    {
        "chase",
        "asker_question",
        "implicit_via_reply",
        "jielong_start",
        "forwarded_directive",
        "emergency_exempt",
        "emergency_not_exempt",
    }
)
APP_CASES = frozenset({"app_named", "app_short_name", "app_via_context"})
GOLD_FIELDS = frozenset(
    {"id", "labels", "exempt", "apps", "app_kinds", "platforms", "cases", "why"}
)
# Each export's own time zone: date_unixtime must be its local date in this zone.
ZONES = {
    "grid_national_day": "Asia/Shanghai",
    "clinic_london": "Europe/London",
    "township_typhoon": "Asia/Shanghai",
    "township_apps": "Asia/Shanghai",
    "council_newyork": "America/New_York",
    "school_teachers": "Asia/Shanghai",
    "hk_community": "Asia/Hong_Kong",
    "county_health": "Asia/Shanghai",
    "warehouse_sydney": "Australia/Sydney",
    "district_taipei": "Asia/Taipei",
}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
USER_RE = re.compile(r"^user\d+$")
PHOTO_RE = re.compile(r"^photos/photo_\d+@(\d{2})-(\d{2})-(\d{4})_(\d{2})-(\d{2})-(\d{2})\.jpg$")
ENTITY_TYPES = frozenset(
    {"plain", "mention", "mention_name", "link", "bold", "hashtag", "text_link", "italic"}
)


@dataclass
class Report:
    """Errors and counts for one export."""

    name: str
    errors: list[str] = field(default_factory=list)
    messages: int = 0
    service: int = 0
    labelled: int = 0
    exempt: int = 0
    per_label: Counter[str] = field(default_factory=Counter)
    apps: Counter[str] = field(default_factory=Counter)
    platforms: Counter[str] = field(default_factory=Counter)
    cases: Counter[str] = field(default_factory=Counter)

    def err(self, where: str, what: str) -> None:
        self.errors.append(f"{self.name}: {where}: {what}")


def _str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def _check_text(rep: Report, where: str, msg: dict[str, Any]) -> None:
    text = msg.get("text")
    ents = msg.get("text_entities")
    if not isinstance(ents, list):
        rep.err(where, "text_entities is not a list")
        return
    for ent in ents:
        if not isinstance(ent, dict) or ent.get("type") not in ENTITY_TYPES:
            rep.err(where, f"bad entity {ent!r}")
    if isinstance(text, str):
        joined = "".join(str(e.get("text", "")) for e in ents if isinstance(e, dict))
        if joined != text:
            rep.err(where, "text_entities do not spell the text")
    elif isinstance(text, list):
        parts = [p if isinstance(p, str) else str(p.get("text", "")) for p in text]
        joined = "".join(str(e.get("text", "")) for e in ents if isinstance(e, dict))
        if "".join(parts) != joined:
            rep.err(where, "list-form text and text_entities differ")
    else:
        rep.err(where, "text is neither a string nor a list")


def _check_time(rep: Report, where: str, msg: dict[str, Any], zone: ZoneInfo | None) -> None:
    date = msg.get("date")
    stamp = msg.get("date_unixtime")
    if not isinstance(date, str) or not DATE_RE.match(date):
        rep.err(where, f"bad date {date!r}")
        return
    if not isinstance(stamp, str) or not stamp.isdigit():
        rep.err(where, f"bad date_unixtime {stamp!r}")
        return
    if zone is not None:
        local = datetime.fromtimestamp(int(stamp), zone).strftime("%Y-%m-%dT%H:%M:%S")
        if local != date:
            rep.err(where, f"date_unixtime is {local} in {zone.key}, date says {date}")
    if "edited" in msg and str(msg["edited"]) < date:
        rep.err(where, "edited before sent")


def _check_media(rep: Report, where: str, msg: dict[str, Any]) -> None:
    if "photo" in msg:
        m = PHOTO_RE.match(str(msg["photo"]))
        if not m:
            rep.err(where, f"bad photo path {msg['photo']!r}")
        else:
            day, month, year, hh, mm, ss = m.groups()
            if f"{year}-{month}-{day}T{hh}:{mm}:{ss}" != msg.get("date"):
                rep.err(where, "photo name does not match the date")
        if not isinstance(msg.get("width"), int) or not isinstance(msg.get("height"), int):
            rep.err(where, "photo without width/height")
    if "file" in msg:
        if not str(msg["file"]).startswith("files/"):
            rep.err(where, f"bad file path {msg['file']!r}")
        if not isinstance(msg.get("file_size"), int) or not msg.get("mime_type"):
            rep.err(where, "file without file_size/mime_type")


def _check_message(
    rep: Report, msg: dict[str, Any], zone: ZoneInfo | None, seen: set[int]
) -> None:
    where = f"message {msg.get('id')}"
    _check_time(rep, where, msg, zone)
    reply = msg.get("reply_to_message_id")
    if reply is not None and reply not in seen:
        rep.err(where, f"reply_to_message_id {reply} is not an earlier message")
    if msg["type"] == "service":
        if not USER_RE.match(str(msg.get("actor_id", ""))):
            rep.err(where, "bad actor_id")
        return
    if not isinstance(msg.get("from"), str) or not USER_RE.match(str(msg.get("from_id", ""))):
        rep.err(where, "bad from/from_id")
    _check_media(rep, where, msg)
    _check_text(rep, where, msg)


def _gold_shape_ok(rep: Report, gold: dict[str, Any], where: str) -> bool:
    if set(gold) != GOLD_FIELDS:
        rep.err(where, f"fields {sorted(gold)}")
        return False
    labels = gold["labels"]
    if not _str_list(labels) or any(x not in LABELS for x in labels):
        rep.err(where, f"bad labels {labels!r}")
        return False
    if list(labels) != [x for x in LABELS if x in labels]:
        rep.err(where, "labels duplicated or out of order")
    for key in ("apps", "app_kinds", "platforms", "cases"):
        if not _str_list(gold[key]):
            rep.err(where, f"{key} is not a list of strings")
            return False
    if not isinstance(gold["exempt"], bool) or not isinstance(gold["why"], str):
        rep.err(where, "exempt must be a bool and why a string")
        return False
    return True


def _check_app_fields(rep: Report, gold: dict[str, Any], where: str) -> None:
    has_app = "app_demand" in gold["labels"]
    cases = set(gold["cases"])
    if has_app != bool(gold["apps"]):
        rep.err(where, "app_demand without apps, or apps without app_demand")
    if has_app != bool(gold["app_kinds"]) or not set(gold["app_kinds"]) <= APP_KINDS:
        rep.err(where, f"bad app_kinds {gold['app_kinds']!r}")
    if has_app and len(cases & APP_CASES) != 1:
        rep.err(where, "app_demand needs exactly one of app_named/app_short_name/app_via_context")
    if not has_app and cases & APP_CASES:
        rep.err(where, "app_* case without app_demand")


def _check_cases(rep: Report, gold: dict[str, Any], where: str) -> None:
    labels = gold["labels"]
    cases = set(gold["cases"])
    if not cases <= CASES:
        rep.err(where, f"unknown cases {sorted(cases - CASES)}")
    if cases & MEMBER_CASES and labels:
        rep.err(where, "a member's case carries labels")
    if cases & DEMAND_CASES and not labels:
        rep.err(where, "a demand case has no labels")
    if "form_platform" in cases and (
        "report_demand" not in labels or "app_demand" in labels or not gold["platforms"]
    ):
        rep.err(where, "form_platform needs report_demand, a platform and no app_demand")
    if ("emergency_exempt" in cases) != gold["exempt"]:
        rep.err(where, "emergency_exempt and exempt disagree")
    if gold["exempt"] and not labels:
        rep.err(where, "exempt without labels")
    non_ack = [x for x in labels if x not in ("ack_demand", "urgent_deadline")]
    if non_ack and "task_push" not in labels:
        rep.err(where, "a demand label without task_push")


def _check_gold(rep: Report, gold: dict[str, Any], where: str) -> None:
    if not _gold_shape_ok(rep, gold, where):
        return
    _check_app_fields(rep, gold, where)
    _check_cases(rep, gold, where)
    labels = gold["labels"]
    rep.messages += 1
    rep.labelled += bool(labels)
    rep.exempt += gold["exempt"]
    rep.per_label.update(labels)
    rep.apps.update(gold["apps"])
    rep.platforms.update(gold["platforms"])
    rep.cases.update(gold["cases"])


def _scan_messages(rep: Report, messages: list[Any], zone: ZoneInfo | None) -> list[int]:
    """Checks the records and returns the ids of the messages of type "message"."""
    seen: set[int] = set()
    order: list[int] = []
    last = 0
    for msg in messages:
        if not isinstance(msg, dict) or msg.get("type") not in ("message", "service"):
            rep.err("messages", f"bad record {str(msg)[:60]}")
            continue
        mid = msg.get("id")
        if not isinstance(mid, int) or mid in seen:
            rep.err("messages", f"bad or duplicate id {mid!r}")
            continue
        raw = str(msg.get("date_unixtime", ""))
        stamp = int(raw) if raw.isdigit() else 0
        if stamp < last:
            rep.err(f"message {mid}", "earlier than the message before it")
        last = max(last, stamp)
        _check_message(rep, msg, zone, seen)
        seen.add(mid)
        if msg["type"] == "message":
            order.append(mid)
        else:
            rep.service += 1
    return order


def _check_gold_file(rep: Report, gold_path: Path, order: list[int]) -> None:
    try:
        lines = gold_path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        rep.err("gold", f"cannot read: {exc}")
        return
    if len(lines) != len(order):
        rep.err("gold", f"{len(lines)} lines for {len(order)} messages")
    for n, (line, mid) in enumerate(zip(lines, order, strict=False), 1):
        where = f"gold line {n}"
        try:
            gold = json.loads(line)
        except json.JSONDecodeError as exc:
            rep.err(where, f"does not parse: {exc}")
            continue
        if not isinstance(gold, dict) or gold.get("id") != mid:
            rep.err(where, f"id {gold.get('id') if isinstance(gold, dict) else None} != {mid}")
            continue
        _check_gold(rep, gold, where)


def check_export(path: Path) -> Report:
    """Checks one export and its gold file."""
    rep = Report(path.stem)
    try:
        export = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        rep.err("export", f"does not parse: {exc}")
        return rep
    if not isinstance(export, dict) or not {"name", "type", "id", "messages"} <= set(export):
        rep.err("export", "needs top-level name, type, id, messages")
        return rep
    if not isinstance(export["messages"], list):
        rep.err("export", "messages is not a list")
        return rep
    zone_name = ZONES.get(path.stem)
    zone = ZoneInfo(zone_name) if zone_name else None
    if zone is None:
        rep.err("export", "no time zone listed in ZONES")
    order = _scan_messages(rep, export["messages"], zone)
    _check_gold_file(rep, path.with_name(f"{path.stem}.gold.jsonl"), order)
    return rep


def _fmt(counter: Counter[str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counter.most_common()) or "-"


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    exports = sorted(p for p in folder.glob("*.json"))
    if not exports:
        print(f"no exports in {folder}", file=sys.stderr)
        return 1
    errors: list[str] = []
    total = Counter[str]()
    for path in exports:
        rep = check_export(path)
        errors.extend(rep.errors)
        share = rep.labelled / rep.messages if rep.messages else 0.0
        print(
            f"{rep.name}: {rep.messages} messages (+{rep.service} service), "
            f"{rep.labelled} labelled ({share:.0%}), {rep.exempt} exempt"
        )
        print("  labels: " + ", ".join(f"{lab} {rep.per_label[lab]}" for lab in LABELS))
        print(f"  apps: {_fmt(rep.apps)}")
        print(f"  platforms: {_fmt(rep.platforms)}")
        print(f"  cases: {_fmt(rep.cases)}")
        total["messages"] += rep.messages
        total["labelled"] += rep.labelled
        total["exempt"] += rep.exempt
        total.update(rep.per_label)
    print(
        f"total: {total['messages']} messages, {total['labelled']} labelled, "
        f"{total['exempt']} exempt; " + ", ".join(f"{lab} {total[lab]}" for lab in LABELS)
    )
    for line in errors:
        print(f"ERROR {line}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
