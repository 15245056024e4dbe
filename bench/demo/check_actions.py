#!/usr/bin/env python3
"""Checks the action plans in the demo corpus (web/demo/reviews.jsonl) against DESIGN §10
and prints their counts.

What it verifies, for every review line:
- the line is serialised as the rest of the file (`json.dumps(..., ensure_ascii=False)`),
  so hand edits keep the file's byte layout;
- `actions` appear only on findings of kind `recommendation`;
- every action has `id`, `text`, `owner`, `due`, `status` and `updated_on`; `id` is
  `A<n>` (no leading zero) and unique within the review; `owner` is an agency slug from
  `AGENCIES` in crates/model/src/vocab.rs; `due` and `updated_on` are valid YYYY-MM-DD
  dates; `status` is one of the five action statuses; `text` is non-empty and at most
  5,000 characters and `evidence`, when present, at most 20,000; no recommendation has
  more than 100 actions; no other keys.

Usage: python3 bench/demo/check_actions.py [--corpus PATH] [--today YYYY-MM-DD]
Exit status 0 when the corpus is valid, 1 otherwise (each problem printed).
"""

import collections
import datetime
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
STATUSES = {"planned", "in_progress", "completed", "not_accepted", "superseded"}
REQUIRED = ("id", "text", "owner", "due", "status", "updated_on")
OPTIONAL = ("evidence", "suggested")
MAX_ACTION_CHARS = 5_000
MAX_EVIDENCE_CHARS = 20_000
MAX_ACTIONS = 100


def agency_slugs():
    """The slugs of `AGENCIES` in crates/model/src/vocab.rs."""
    source = (ROOT / "crates/model/src/vocab.rs").read_text(encoding="utf-8")
    block = re.search(r"pub const AGENCIES: &\[Term\] = &\[(.*?)\];", source, re.S)
    if not block:
        raise SystemExit("AGENCIES not found in crates/model/src/vocab.rs")
    return set(re.findall(r't\("([a-z_]+)"', block.group(1)))


def valid_date(value):
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check(path, today):
    agencies = agency_slugs()
    problems = []
    counts = collections.Counter()
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            review = json.loads(line)
            if json.dumps(review, ensure_ascii=False) != line:
                problems.append(f"line {number}: not serialised like the rest of the file")
            ids = set()
            planned_review = False
            for position, finding in enumerate(review.get("lessons", []), 1):
                where = f"line {number} finding {position}"
                actions = finding.get("actions")
                if actions is None:
                    if finding.get("kind") == "recommendation":
                        counts["recommendations without plan"] += 1
                    continue
                if finding.get("kind") != "recommendation":
                    problems.append(f"{where}: actions on a {finding.get('kind')}")
                    continue
                if not isinstance(actions, list) or not actions:
                    problems.append(f"{where}: actions must be a non-empty list")
                    continue
                if len(actions) > MAX_ACTIONS:
                    problems.append(f"{where}: more than {MAX_ACTIONS} actions")
                planned_review = True
                counts["recommendations with plan"] += 1
                for action in actions:
                    label = f"{where} action {action.get('id')}"
                    for key in REQUIRED:
                        if not isinstance(action.get(key), str) or not action.get(key):
                            problems.append(f"{label}: missing or empty {key}")
                    extra = set(action) - set(REQUIRED) - set(OPTIONAL)
                    if extra:
                        problems.append(f"{label}: unknown keys {sorted(extra)}")
                    action_id = action.get("id", "")
                    if not re.fullmatch(r"A[1-9][0-9]*", str(action_id)):
                        problems.append(f"{label}: id is not A<n>")
                    if action_id in ids:
                        problems.append(f"{label}: id used twice in the review")
                    ids.add(action_id)
                    if action.get("owner") not in agencies:
                        problems.append(f"{label}: owner {action.get('owner')!r} is not an agency")
                    for key in ("due", "updated_on"):
                        if not valid_date(action.get(key)):
                            problems.append(f"{label}: {key} {action.get(key)!r} is not a date")
                    status = action.get("status")
                    if status not in STATUSES:
                        problems.append(f"{label}: status {status!r}")
                    if len(action.get("text", "")) > MAX_ACTION_CHARS:
                        problems.append(f"{label}: text longer than {MAX_ACTION_CHARS}")
                    evidence = action.get("evidence")
                    if evidence is not None and (
                        not isinstance(evidence, str) or len(evidence) > MAX_EVIDENCE_CHARS
                    ):
                        problems.append(f"{label}: evidence not text of at most {MAX_EVIDENCE_CHARS}")
                    counts["actions"] += 1
                    counts[f"status {status}"] += 1
                    if (
                        status in ("planned", "in_progress")
                        and valid_date(action.get("due"))
                        and action["due"] < today
                    ):
                        counts[f"overdue on {today}"] += 1
            if planned_review:
                counts["reviews with plans"] += 1
    return problems, counts


def main(argv):
    path = ROOT / "web/demo/reviews.jsonl"
    today = datetime.date.today().isoformat()
    args = list(argv)
    while args:
        flag = args.pop(0)
        if flag == "--corpus" and args:
            path = pathlib.Path(args.pop(0))
        elif flag == "--today" and args and valid_date(args[0]):
            today = args.pop(0)
        else:
            raise SystemExit(__doc__)
    problems, counts = check(path, today)
    for key in sorted(counts):
        print(f"{key}: {counts[key]}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
