"""Benchmark briefgen as a user sees it: whole-process timings of the command line.

    python benchmarks/run.py [--repeat N] [--quick]

Every measurement starts a fresh `python -m briefgen ...` (or `python -m weasyprint ...`)
with the interpreter running this script, in a temporary folder that holds copies of the
example content and all output. Timings are wall-clock from process start to exit; peak
memory is the child's ru_maxrss from os.wait4 (the largest single process in its tree).

The measurements run in rounds: round 1 runs every measurement once, then round 2, and so
on, so that a slow spell on a shared machine spreads over all rows instead of skewing one.

Output on stdout: a line describing the machine, a Markdown table of medians and minima,
and a Markdown table of target ratios with PASS/FAIL. Progress goes to stderr. The exit
status is 0 even when targets fail (this is a report) and 1 when any measured or set-up
command fails.

See benchmarks/README.md for what each row means.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from longreport import write_report
from notes import write_brief

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "content" / "pakistan-russia"

# Numbered sub-sections given to longreport.write_report, calibrated so that the academic
# PDF has about 5, 50 and 200 pages (one sub-section makes 6: the front and back matter
# alone take 5). --quick uses smaller reports.
LONG_SIZES = {"small": 1, "medium": 38, "large": 169}
QUICK_SIZES = {"small": 1, "medium": 4, "large": 12}
# Inline notes in the notes brief (benchmarks/notes.py), for the cost per note of issue 12.
NOTE_COUNTS = {"small": 200, "large": 2000}
QUICK_NOTE_COUNTS = {"small": 50, "large": 200}

# Writes the page briefgen hands WeasyPrint for a document's PDF: argv = file, audience, out.
PRINT_PAGE = """
import sys
from pathlib import Path
from briefgen.content import load
from briefgen.render_html import render_page
from briefgen.templates import for_documents
from briefgen.labels import load_labels
from briefgen.view import build_view
source, audience, target = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
templates = for_documents([source])
doc = load(source, list(templates.audiences))
labels = load_labels(templates, doc.model.meta.language)
view = build_view(doc, templates.audience(audience), labels)
css = templates.find("css/brief.css").read_text(encoding="utf-8")
target.write_text(render_page(view, templates, css, "print"), encoding="utf-8")
"""

# Targets: (ratio, limit, higher_is_better).
TARGET_WEASYPRINT = 1.2
TARGET_VALIDATE = 0.15
TARGET_NOOP = 0.05
TARGET_JOBS = 1.7
TARGET_PER_PAGE = 1.1
TARGET_MEMORY_MB = 600
TARGET_DOCX_PDF = 0.15
TARGET_PER_NOTE = 1.2


@dataclass
class Sample:
    """One finished process: its exit status, wall time, peak RSS and captured output."""

    returncode: int
    seconds: float
    rss_kb: int
    stdout: str
    stderr: str


@dataclass
class Bench:
    """One row of the results table: a command run once per round.

    argv holds the arguments after `python -m MODULE`; the text "{out}" in them is replaced
    by the row's output folder, which is new for every run when fresh is true. pdf is a
    glob pattern (relative to the work folder, may contain "{out}") for the PDF whose
    pages are counted.
    """

    key: str
    label: str
    argv: list[str]
    module: str = "briefgen"
    fresh: bool = False
    pdf: str | None = None
    before: Callable[[], None] | None = None  # run before each timed run, untimed
    notes: int | None = None  # inline notes in the document, for the cost per note
    times: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    pages: int | None = None
    failed: str | None = None

    def out(self, run: int) -> str:
        """The output folder (relative to the work folder) for run number run."""
        return f"out/{self.key}-{run}" if self.fresh else f"out/{self.key}"

    def command(self, run: int) -> list[str]:
        """The full command line for run number run."""
        args = [a.replace("{out}", self.out(run)) for a in self.argv]
        return [sys.executable, "-m", self.module, *args]

    def shown(self) -> str:
        """The command as printed in the table: module and arguments, folders elided."""
        args = [a.replace("{out}", "OUT") for a in self.argv]
        return f"{self.module} {' '.join(args)}"

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak_mb(self) -> float:
        return max(self.rss_kb) / 1024


class Runner:
    """Runs commands in the work folder, with the repository first on PYTHONPATH."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.logs = work / "logs"
        self.logs.mkdir()
        self.count = 0
        self.env = dict(os.environ)
        self.env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)

    def run(self, cmd: list[str]) -> Sample:
        """Start cmd, wait for it with os.wait4, and return what it did.

        Output goes to files rather than pipes, so a chatty child can never block while
        we wait for it.
        """
        self.count += 1
        out_path = self.logs / f"{self.count:04d}.out"
        err_path = self.logs / f"{self.count:04d}.err"
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=self.work, env=self.env, stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not reap again
        return Sample(proc.returncode, seconds, usage.ru_maxrss,
                      out_path.read_text(errors="replace"), err_path.read_text(errors="replace"))

    def briefgen(self, *args: str) -> Sample:
        """Run `python -m briefgen ARGS` once (set-up, checks), not timed for the table."""
        return self.run([sys.executable, "-m", "briefgen", *args])


def pdf_pages(path: Path) -> int | None:
    """The number of pages of a PDF, from poppler's pdfinfo; None if it cannot tell."""
    if not shutil.which("pdfinfo"):
        return None
    result = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True)
    found = re.search(r"^Pages:\s+(\d+)", result.stdout, re.MULTILINE)
    return int(found.group(1)) if found else None


def machine(runner: Runner) -> str:
    """One line naming the machine and the software versions."""
    cpu = platform.processor() or platform.machine()
    try:
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(),
                          re.MULTILINE)
        cpu = found.group(1).strip() if found else cpu
    except OSError:
        pass
    ram = "unknown RAM"
    try:
        found = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(),
                          re.MULTILINE)
        ram = f"{int(found.group(1)) / 1024 / 1024:.1f} GiB RAM" if found else ram
    except OSError:
        pass
    weasyprint = runner.run([sys.executable, "-m", "weasyprint", "--version"]).stdout.strip()
    briefgen = runner.briefgen("--version").stdout.strip()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"Machine: {cpu}, {os.cpu_count()} cores, {ram}, Python {platform.python_version()}"
            f", {weasyprint or 'WeasyPrint version unknown'}, {briefgen or 'briefgen unknown'}"
            f" (load average at start: {load})")


def fail(bench: Bench, sample: Sample, cmd: list[str]) -> None:
    """Mark bench failed and tell the user why, on stderr."""
    bench.failed = f"exit {sample.returncode}"
    tail = "\n".join(sample.stderr.strip().splitlines()[-10:])
    print(f"  FAILED ({bench.failed}): {' '.join(cmd)}\n{tail}", file=sys.stderr)


def plan(work: Path, runner: Runner, quick: bool) -> tuple[list[Bench], dict]:
    """Prepare inputs in the work folder and return the rows to measure.

    Every build row renders into a new, empty output folder, so nothing is skipped as up
    to date and no chart drawing is reused: a cold build. Also returns a dict of facts
    found on the way (set-up failures) for the report.
    """
    content = work / "content"
    shutil.copytree(EXAMPLES, content / EXAMPLES.name)
    brief = f"content/{EXAMPLES.name}/brief.yaml"
    report = f"content/{EXAMPLES.name}/report.yaml"
    batch = work / "batch"
    shutil.copytree(EXAMPLES, batch / EXAMPLES.name)
    facts: dict = {"setup_failures": []}

    def build(path: str, *extra: str) -> list[str]:
        return ["build", path, *extra, "-o", "{out}", "-q"]

    academic_pdf = "{out}/**/*-academic.pdf"
    benches = [
        Bench("help", "`--help`", ["--help"]),
        Bench("validate", "validate brief", ["validate", brief]),
    ]
    for name, path in (("brief", brief), ("report", report)):
        for fmt in ("pdf", "docx", "html"):
            benches.append(Bench(f"{name}-{fmt}", f"{name} academic {fmt.upper()}",
                                 build(path, "-a", "academic", "-f", fmt), fresh=True,
                                 pdf=academic_pdf if fmt == "pdf" else None))
        benches.append(Bench(f"{name}-all", f"{name} academic, all formats",
                             build(path, "-a", "academic"), fresh=True, pdf=academic_pdf))
    benches.append(Bench("brief-all-j1", "brief academic, all formats, one process",
                         build(brief, "-a", "academic", "-j", "1"), fresh=True))

    # WeasyPrint alone, printing the page briefgen prints for the brief's PDF (the screen
    # page also carries the notes' on-screen form, which print hides), with the same work
    # briefgen's PDF does: its font stylesheet and tagged PDF/UA-1.
    html = work / "out" / "brief-print.html"
    html.parent.mkdir(parents=True, exist_ok=True)
    sample = runner.run([sys.executable, "-c", PRINT_PAGE, brief, "academic", str(html)])
    if sample.returncode or not html.is_file():
        facts["setup_failures"].append(("print page for WeasyPrint", sample))
    else:
        fonts = ROOT / "templates" / "css" / "fonts.css"
        benches.append(Bench("weasyprint", "WeasyPrint CLI on brief's print page",
                             ["-q", "-s", str(fonts), "--pdf-variant", "pdf/ua-1",
                              "--pdf-tags", str(html.relative_to(work)), "out/weasyprint.pdf"],
                             module="weasyprint", pdf="out/weasyprint.pdf"))

    # No-op rebuild: everything is up to date. Edit and rebuild (a copy of the brief):
    # the content file changes, so every output is rendered again, but its chart is not.
    edited = f"edited/{EXAMPLES.name}/brief.yaml"
    shutil.copytree(EXAMPLES, work / "edited" / EXAMPLES.name)
    for key, path in (("noop", brief), ("edit", edited)):
        sample = runner.briefgen("build", path, "-a", "academic", "-o", f"out/{key}", "-q")
        if sample.returncode:
            facts["setup_failures"].append((f"first build for the {key} rebuild", sample))
    benches.append(Bench("noop", "no-op rebuild brief, all formats",
                         ["build", brief, "-a", "academic", "-o", "out/noop", "-q"]))

    def edit() -> None:
        with open(work / edited, "a", encoding="utf-8") as handle:
            handle.write("# edited\n")

    benches.append(Bench("edit", "brief edited, rebuilt, all formats",
                         ["build", edited, "-a", "academic", "-o", "out/edit", "-q"],
                         before=edit))

    # Long reports for the per-page cost.
    (work / "long").mkdir()
    for size, sections in (QUICK_SIZES if quick else LONG_SIZES).items():
        path = f"long/report-{sections}.yaml"
        write_report(work / path, sections)
        sample = runner.briefgen("validate", path)
        if sample.returncode:
            facts["setup_failures"].append((f"validate {path}", sample))
            continue
        benches.append(Bench(f"long-{size}", f"long report, {sections} parts, PDF",
                             build(path, "-a", "academic", "-f", "pdf"), fresh=True,
                             pdf=academic_pdf))
        if size == "large":
            benches.append(Bench("long-large-docx", f"long report, {sections} parts, DOCX",
                                 build(path, "-a", "academic", "-f", "docx"), fresh=True))

    # Notes: a brief with many inline notes, set as footnotes (academic), in one process.
    (work / "notes").mkdir()
    for size, count in (QUICK_NOTE_COUNTS if quick else NOTE_COUNTS).items():
        path = f"notes/notes-{count}.yaml"
        write_brief(work / path, count)
        benches.append(Bench(f"notes-{size}", f"brief with {count} notes, academic PDF",
                             build(path, "-a", "academic", "-f", "pdf", "-j", "1"),
                             fresh=True, pdf=academic_pdf, notes=count))

    # Batch: three documents x three audiences x three formats = 27 renders.
    renders = len(list(batch.glob("**/*.yaml"))) * 3 * 3
    facts["renders"] = renders
    for jobs in (1, 2):
        benches.append(Bench(f"batch-j{jobs}", f"batch of {renders} renders, --jobs {jobs}",
                             ["build", "batch", "--jobs", str(jobs), "-o", "{out}", "-q"],
                             fresh=True))
    return benches, facts


def measure(benches: list[Bench], runner: Runner, repeat: int) -> None:
    """Run every bench once per round, repeat rounds; record times, memory and pages."""
    for run in range(repeat):
        for bench in benches:
            if bench.failed:
                continue
            cmd = bench.command(run)
            if bench.fresh:
                shutil.rmtree(runner.work / bench.out(run - 1), ignore_errors=True)
            if bench.before:
                bench.before()
            sample = runner.run(cmd)
            print(f"[{run + 1}/{repeat}] {bench.key:<16} {sample.seconds:8.3f} s "
                  f"{sample.rss_kb / 1024:7.1f} MiB", file=sys.stderr, flush=True)
            if sample.returncode:
                fail(bench, sample, cmd)
                continue
            bench.times.append(sample.seconds)
            bench.rss_kb.append(sample.rss_kb)
            if bench.pdf and bench.pages is None:
                found = sorted(runner.work.glob(bench.pdf.replace("{out}", bench.out(run))))
                bench.pages = pdf_pages(found[0]) if found else None


def imports_weasyprint(runner: Runner, *args: str) -> tuple[bool | None, Sample]:
    """Run briefgen with -X importtime; True if WeasyPrint was imported, None if it failed."""
    sample = runner.run([sys.executable, "-X", "importtime", "-m", "briefgen", *args])
    if sample.returncode:
        return None, sample
    return "weasyprint" in sample.stderr.lower(), sample


def results_table(benches: list[Bench], repeat: int) -> list[str]:
    """The Markdown table of medians, minima, peak memory and pages."""
    lines = ["| Measurement | Command | median s | min s | peak RSS MiB | pages | s/page |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for b in benches:
        command = f"`{b.shown()}`"
        if not b.times:
            lines.append(f"| {b.label} | {command} | FAILED ({b.failed}) | | | | |")
            continue
        note = f" ({len(b.times)} of {repeat} runs; then {b.failed})" if b.failed else ""
        pages = str(b.pages) if b.pages else "–"
        per_page = f"{b.median / b.pages:.3f}" if b.pages else "–"
        lines.append(f"| {b.label}{note} | {command} | {b.median:.3f} | {min(b.times):.3f} | "
                     f"{b.peak_mb:.0f} | {pages} | {per_page} |")
    return lines


def targets_table(benches: list[Bench], checks: dict[str, bool | None]) -> list[str]:
    """The Markdown table of target ratios, each with PASS or FAIL."""
    by_key = {b.key: b for b in benches if b.times}
    rows: list[tuple[str, str, str, str]] = []

    def ratio(name: str, num: str, den: str, limit: float, higher: bool = False) -> None:
        sign = "≥" if higher else "≤"
        if num not in by_key or den not in by_key:
            rows.append((name, "n/a", f"{sign} {limit}", "FAIL (not measured)"))
            return
        value = by_key[num].median / by_key[den].median
        ok = value >= limit if higher else value <= limit
        rows.append((name, f"{value:.3f}", f"{sign} {limit}", "PASS" if ok else "FAIL"))

    ratio("brief academic build, all formats / WeasyPrint CLI on its print page", "brief-all",
          "weasyprint", TARGET_WEASYPRINT)
    ratio("validate brief / brief academic build, all formats", "validate", "brief-all",
          TARGET_VALIDATE)
    ratio("no-op rebuild / brief academic build, all formats", "noop", "brief-all",
          TARGET_NOOP)
    ratio("batch --jobs 1 / --jobs 2", "batch-j1", "batch-j2", TARGET_JOBS, higher=True)

    # Per page: the whole time over the pages, and, stricter, the time each page adds
    # beyond the small report (the fixed cost of a process flatters the larger report).
    small, medium = by_key.get("long-small"), by_key.get("long-medium")
    large = by_key.get("long-large")
    if medium and large and medium.pages and large.pages:
        value = (large.median / large.pages) / (medium.median / medium.pages)
        rows.append((f"s/page of long report, {large.pages} p / {medium.pages} p",
                     f"{value:.3f}", f"≤ {TARGET_PER_PAGE}",
                     "PASS" if value <= TARGET_PER_PAGE else "FAIL"))
        if small and small.pages and small.pages < medium.pages:
            def added(b: Bench) -> float:
                return (b.median - small.median) / (b.pages - small.pages)
            value = added(large) / added(medium)
            rows.append((f"s per added page, {large.pages} p / {medium.pages} p (beyond "
                         f"{small.pages} p)", f"{value:.3f}", f"≤ {TARGET_PER_PAGE}",
                         "PASS" if value <= TARGET_PER_PAGE else "FAIL"))
    else:
        rows.append(("s/page of long report, large / medium", "n/a", f"≤ {TARGET_PER_PAGE}",
                     "FAIL (not measured)"))
    if large:
        pages = f"{large.pages} p" if large.pages else "large"
        rows.append((f"peak memory of long report PDF build, {pages}",
                     f"{large.peak_mb:.0f} MiB", f"≤ {TARGET_MEMORY_MB} MiB",
                     "PASS" if large.peak_mb <= TARGET_MEMORY_MB else "FAIL"))
    else:
        rows.append(("peak memory of long report PDF build", "n/a", f"≤ {TARGET_MEMORY_MB} MiB",
                     "FAIL (not measured)"))
    pages = f"{large.pages} p" if large and large.pages else "large"
    ratio(f"long report DOCX time / PDF time, {pages}", "long-large-docx", "long-large",
          TARGET_DOCX_PDF)
    # Per note: the whole time over the notes, as the issue states it (the fixed cost of a
    # process flatters the larger brief a little).
    few, many = by_key.get("notes-small"), by_key.get("notes-large")
    if few and many and few.notes and many.notes:
        value = (many.median / many.notes) / (few.median / few.notes)
        rows.append((f"s per note, {many.notes} notes / {few.notes} notes",
                     f"{value:.3f}", f"≤ {TARGET_PER_NOTE}",
                     "PASS" if value <= TARGET_PER_NOTE else "FAIL"))
    else:
        rows.append(("s per note, many notes / few", "n/a", f"≤ {TARGET_PER_NOTE}",
                     "FAIL (not measured)"))
    for name, imported in checks.items():
        measured = {True: "imported", False: "not imported", None: "command failed"}[imported]
        rows.append((name, measured, "not imported", "PASS" if imported is False else "FAIL"))

    lines = ["| Target | measured | target | result |", "|---|---:|---:|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return lines


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the suite, print the report; return the exit status."""
    parser = argparse.ArgumentParser(description="Time briefgen's command line.")
    parser.add_argument("--repeat", type=int, default=None, metavar="N",
                        help="runs per measurement (default: 5, or 2 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: 2 runs and small long reports")
    args = parser.parse_args(argv)
    repeat = args.repeat or (2 if args.quick else 5)
    started = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="briefgen-bench-") as tmp:
        work = Path(tmp)
        runner = Runner(work)
        header = machine(runner)
        print(f"{repeat} rounds; work folder {work}", file=sys.stderr)
        benches, facts = plan(work, runner, args.quick)
        failures: list[tuple[str, Sample]] = list(facts["setup_failures"])
        checks: dict[str, bool | None] = {}
        for name, cmd in (("`--help` imports no WeasyPrint", ["--help"]),
                          ("`validate` imports no WeasyPrint",
                           ["validate", f"content/{EXAMPLES.name}/brief.yaml"])):
            checks[name], sample = imports_weasyprint(runner, *cmd)
            if checks[name] is None:
                failures.append((name, sample))
        for what, sample in failures:
            print(f"set-up failed: {what} (exit {sample.returncode})\n{sample.stderr}",
                  file=sys.stderr)

        measure(benches, runner, repeat)

    elapsed = time.perf_counter() - started
    print(header)
    print(f"Medians and minima of {repeat} run{'s' * (repeat != 1)}, whole processes "
          "(`python -m briefgen ...`), each build into a new empty folder unless the row "
          "says otherwise; peak RSS is the highest ru_maxrss over the runs.")
    print()
    print("\n".join(results_table(benches, repeat)))
    print()
    print("\n".join(targets_table(benches, checks)))
    print()
    minutes, seconds = divmod(round(elapsed), 60)
    print(f"Total run time: {minutes} min {seconds} s")
    failed = failures or any(b.failed for b in benches)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
