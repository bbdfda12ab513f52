"""The `briefgen review` command: its arguments, and what it prints and writes."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Add `review EDITED.docx` to the command line's subcommands."""
    review = commands.add_parser("review", help="bring a Word file's edits and comments "
                                 "back to the YAML they were built from")
    review.add_argument("docx", metavar="EDITED.docx", help="a DOCX briefgen built, as "
                        "people edited it in Word or LibreOffice")
    review.add_argument("--source", metavar="FILE", help="the YAML it was built from "
                        "(default: the file under content/ that makes that document)")
    review.add_argument("--apply", action="store_true", help="write the changes into the "
                        "YAML (validated first; nothing is written if it fails)")
    review.add_argument("--accept-all", action="store_true",
                        help="take every pending tracked change in")
    review.add_argument("--accept-author", action="append", default=[], metavar="NAME",
                        help="take the pending tracked changes of NAME in (repeatable)")
    review.add_argument("--json", action="store_true", help="print the review as JSON")
    review.add_argument("--no-log", dest="log", action="store_false", help="with --apply, "
                        "do not keep the comments in NAME.review.yaml beside the YAML")


def run(args: argparse.Namespace) -> int:
    """Review one Word file; 1 if anything found cannot be brought back, else 0."""
    from .errors import ContentError
    from .review_fields import policy, review_file
    from .review_report import as_json, lines
    from .review_write import apply

    review = review_file(Path(args.docx), Path(args.source) if args.source else None,
                         policy(args.accept_all, args.accept_author))
    _unknown_authors(review, args.accept_author)
    left = [p for p in review.paragraphs if p.status in ("conflict", "unplaceable")]
    if not args.json:  # the review first: it is read even if --apply then fails
        for line in lines(review):
            print(line, flush=True)
    try:
        kept = apply(review, args.log) if args.apply else None
    except ContentError as exc:
        if args.json:
            print(json.dumps({**as_json(review, False), "errors": [str(d) for d in
                              exc.diagnostics]}, indent=2, ensure_ascii=False))
        raise
    wrote = bool(args.apply and review.values)
    if args.json:
        print(json.dumps(as_json(review, wrote), indent=2, ensure_ascii=False))
    else:
        _summary(review, wrote, kept, len(left))
    return 1 if left or review.findings else 0


def _unknown_authors(review, names: list[str]) -> None:  # noqa: ANN001 - a Review
    """Warn of an --accept-author that made no tracked change here (a typing mistake?)."""
    authors = {c["author"] for p in review.paragraphs for c in p.tracked}
    for name in names:
        if name.casefold() not in {a.casefold() for a in authors}:
            print(f"briefgen: warning: no tracked change by '{name}' in {review.docx}"
                  + (f" (by: {', '.join(sorted(authors))})" if authors else ""),
                  file=sys.stderr)


def _summary(review, wrote: bool, kept: Path | None, left: int) -> None:  # noqa: ANN001
    count = len(review.values)
    fields = f"{count} field{'s' if count != 1 else ''}"
    if wrote:
        print(f"briefgen: wrote {fields} into {review.source}")
    elif count:
        print(f"briefgen: {fields} to change in {review.source}; --apply writes them")
    else:
        print("briefgen: nothing to change in the YAML")
    pending = sum(c["state"] == "pending" for p in review.paragraphs for c in p.tracked)
    if pending:
        print(f"briefgen: {pending} tracked change{'s' if pending != 1 else ''} pending, "
              "not taken in: --accept-all or --accept-author NAME takes them")
    if kept:
        print(f"briefgen: kept the comments in {kept}")
    if left or review.findings:
        count = left + len(review.findings)
        print(f"briefgen: {count} edit{'s' if count != 1 else ''} to bring back by hand",
              file=sys.stderr)
