"""Time briefgen on the example: CLI start-up, validation, and one render per format.

    python tools/benchmark.py [--repeat N] [FILE]

Prints the median and the best of N runs for each step. Renders go to memory, so the
numbers are layout and serialisation, not disk.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(action, repeat: int) -> list[float]:
    """Run action repeat times; return the wall-clock seconds of each run."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=ROOT / "content/pakistan-russia/brief.yaml")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    def help_command() -> None:
        subprocess.run([sys.executable, "-m", "briefgen", "--help"], check=True,
                       capture_output=True)

    from briefgen.content import load
    from briefgen.pipeline import render
    from briefgen.templates import TemplateSet

    templates = TemplateSet()
    rows = [("briefgen --help (new process)", timed(help_command, args.repeat)),
            ("validate (load + check)", timed(lambda: load(args.file), args.repeat))]
    doc = load(args.file)
    for fmt in ("html", "docx", "pdf"):
        render(doc, "academic", fmt, templates)  # warm caches and imports once
        rows.append((f"render {fmt} (academic)",
                     timed(lambda f=fmt: render(doc, "academic", f, templates), args.repeat)))
    width = max(len(name) for name, _ in rows)
    print(f"{'step':<{width}}  {'median':>8}  {'best':>8}   ({args.repeat} runs)")
    for name, times in rows:
        print(f"{name:<{width}}  {statistics.median(times):8.3f}  {min(times):8.3f}")


if __name__ == "__main__":
    main()
