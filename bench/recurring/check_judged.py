#!/usr/bin/env python3
"""Checks the judged set of recurring lessons (bench/recurring/judged.json) against
the demo corpus it names, and prints its counts.

What it verifies:
- every finding id exists in the corpus (ids computed as the service assigns them:
  review id `scr-YEAR-BOARD-NNNN`, the number counted per board in file order, YEAR
  from `published_on`, else `completed_on`; finding id `<review id>#L<position from 1>`,
  or the finding's own `id` when the line carries one);
- no finding is listed twice (in one group or across groups);
- every group holds findings from at least two different reviews;
- no finding comes from a review that is not public (status other than `published`,
  or an `embargo_until` date after today);
- groups are sorted by number of reviews, descending.

Usage: python3 bench/recurring/check_judged.py [judged.json] [--corpus PATH]
Exit status 0 when the file is valid, 1 otherwise (each problem printed).
"""

import collections
import datetime
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def corpus_findings(path):
    """Maps finding id -> (review id, public?) for every finding of the corpus."""
    counters = collections.Counter()
    findings = {}
    today = datetime.date.today().isoformat()
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            review = json.loads(line)
            board = review["board"]
            counters[board] += 1
            date = review.get("published_on") or review.get("completed_on")
            if not date:
                raise SystemExit(f"line {number}: no published_on or completed_on")
            review_id = review.get("id") or f"scr-{date[:4]}-{board}-{counters[board]:04}"
            status = review.get("status", "published")
            embargo = review.get("embargo_until")
            public = status == "published" and not (embargo and embargo > today)
            for position, lesson in enumerate(review.get("lessons", []), 1):
                finding_id = lesson.get("id") or f"{review_id}#L{position}"
                findings[finding_id] = (review_id, public)
    return findings


def main(argv):
    args = list(argv[1:])
    corpus_override = None
    if "--corpus" in args:
        at = args.index("--corpus")
        corpus_override = args[at + 1]
        del args[at : at + 2]
    judged_path = pathlib.Path(args[0]) if args else ROOT / "bench/recurring/judged.json"
    judged = json.loads(judged_path.read_text(encoding="utf-8"))
    corpus = pathlib.Path(corpus_override or ROOT / judged["corpus"])
    findings = corpus_findings(corpus)

    problems = []
    seen = {}
    pairs = 0
    members = 0
    previous_reviews = None
    for index, group in enumerate(judged["groups"], 1):
        ids = group["findings"]
        if not group.get("point", "").strip():
            problems.append(f"group {index}: no point")
        reviews = collections.Counter()
        for finding_id in ids:
            if finding_id in seen:
                problems.append(f"group {index}: {finding_id} already in group {seen[finding_id]}")
            seen.setdefault(finding_id, index)
            if finding_id not in findings:
                problems.append(f"group {index}: {finding_id} is not a finding of {corpus}")
                continue
            review_id, public = findings[finding_id]
            if not public:
                problems.append(f"group {index}: {finding_id} belongs to a review that is not public")
            reviews[review_id] += 1
        if len(reviews) < 2:
            problems.append(f"group {index}: findings from {len(reviews)} review(s), needs 2+")
        if previous_reviews is not None and len(reviews) > previous_reviews:
            problems.append(f"group {index}: not sorted by number of reviews (descending)")
        previous_reviews = len(reviews)
        members += len(ids)
        total = len(ids)
        same_review = sum(n * (n - 1) // 2 for n in reviews.values())
        pairs += total * (total - 1) // 2 - same_review

    public_findings = sum(1 for _, public in findings.values() if public)
    print(f"corpus: {corpus} ({len(findings)} findings, {public_findings} public)")
    print(f"groups: {len(judged['groups'])}")
    print(f"findings in groups: {members}")
    print(f"singletons: {public_findings - members}")
    print(f"pairs across reviews: {pairs}")
    if problems:
        for problem in problems:
            print("PROBLEM:", problem)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
