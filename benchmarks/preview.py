"""Benchmark the preview's loop: from the save of a one-word edit to what the author sees.

    python benchmarks/preview.py [--edits N] [--memory-edits N] [--quick] [--json FILE]

The preview runs as a user runs it (`python -m briefgen preview FOLDER --no-browser`, in
a temporary folder holding copies of the example brief and report); headless Chromium,
driven by Selenium, shows each document's academic edition side by side (web page and
PDF). Each edit changes one word of the YAML on disk, alternately " the " to " this " and
back, and waits for the PDF, then two seconds (the browser drawing it), before the next. The
page records, in the browser's clock, when it swapped the new web page in and when the new
PDF was in place (`window.briefgenPreview`); each time is measured from the moment before
the file was written, on the same machine's clock.

Rows, medians of --edits edits (10):
- save to new web page in the browser: target <= 0.3 s;
- save to new PDF in the browser, against a cold `briefgen build FILE -a academic -f pdf`
  of the same edition (a whole process into a new folder, timed from start to exit,
  median of runs before and after the preview's): target <= 0.8 x.
Memory: the resident memory of the preview's processes (server and PDF renderer) after
the first 20 edits and after --memory-edits edits (200) of the brief, a quarter of a
second apart (the PDFs in between are skipped, as the preview skips them for a fast
typist), each time once the last PDF is in: target within 10 %.

Prints a Markdown table to stdout, progress to stderr. Exit status 0 even when a target
fails (this is a report), 1 when the preview or the browser cannot be started.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "content" / "pakistan-russia"
DOCUMENTS = ("brief", "report")
AUDIENCE = "academic"
TARGET_HTML_S = 0.3
TARGET_PDF_RATIO = 0.8
TARGET_MEMORY = 0.10
SETTLE_S = 2.0  # between timed edits, as an author reads: the browser draws the new PDF
WARM_EDITS = 20  # memory is compared from here: caches and the renderer are warm
READY = "const s = window.briefgenPreview; return s.pdf !== null && s.html !== null"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def cold_build(source: Path, work: Path) -> float:
    """Seconds of a whole `briefgen build` of the PDF edition into a new folder."""
    out = Path(tempfile.mkdtemp(dir=work))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "briefgen", "build", str(source), "-a", AUDIENCE,
                    "-f", "pdf", "-o", str(out), "-q"], check=True, cwd=work,
                   stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    shutil.rmtree(out)
    return seconds


def resident_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, in MiB (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(found.group(1)) if found else 0
    return total / 1024


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        raise SystemExit("benchmarks/preview.py needs chromium and chromedriver "
                         "(apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(driver), options=options)


def until(driver, script: str, seconds: float = 120):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.01)
    raise SystemExit(f"the preview did not answer within {seconds} s: {script}")


class Editor:
    """Edits one document on disk, a word at a time, and times what the page shows."""

    def __init__(self, driver, path: Path) -> None:
        self.driver, self.path = driver, path
        self.text = path.read_text(encoding="utf-8")
        self.count = 0

    def edit(self, pdf: bool = True) -> tuple[float, float, float]:
        """One edit: seconds to the new web page, to the new PDF, and of the PDF's own
        render in the renderer (pdf False: wait for the page only; the PDF's are 0)."""
        shown = self.driver.execute_script("return window.briefgenPreview")
        self.count += 1
        text = self.text.replace(" the ", " this ", 1) if self.count % 2 else self.text
        saved = time.time() * 1000
        self.path.write_text(text, encoding="utf-8")
        until(self.driver, f"return window.briefgenPreview.html > {shown['html']}")
        if pdf:
            until(self.driver, f"return window.briefgenPreview.pdf > {shown['pdf']}")
        now = self.driver.execute_script("return window.briefgenPreview")
        if now["problem"]:
            raise SystemExit(f"the edit made a mistake: {now['problem']}")
        time.sleep(SETTLE_S if pdf else 0.25)
        say(f"  heard after {(now['heardAt'] - saved) / 1000:.3f} s")
        if not pdf:
            return (now["htmlAt"] - saved) / 1000, 0.0, 0.0
        return ((now["htmlAt"] - saved) / 1000, (now["pdfAt"] - saved) / 1000,
                now["pdfSeconds"])

    def caught_up(self) -> None:
        """Wait until the PDF shown is that of the page shown."""
        until(self.driver, "const s = window.briefgenPreview; return s.pdf === s.html")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--memory-edits", type=int, default=200)
    parser.add_argument("--cold-runs", type=int, default=3, help="cold builds before and "
                        "after the preview's edits, each")
    parser.add_argument("--quick", action="store_true", help="3 edits, 30 for memory, "
                        "1 cold build before and after")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if args.quick:
        args.edits, args.memory_edits, args.cold_runs = 3, WARM_EDITS + 10, 1
    work = Path(tempfile.mkdtemp(prefix="briefgen-preview-bench-"))
    folder = work / "project"
    folder.mkdir()
    for name in (*[f"{d}.yaml" for d in DOCUMENTS], "logo.png"):
        shutil.copy(EXAMPLES / name, folder / name)
    sources = {d: folder / f"{d}.yaml" for d in DOCUMENTS}
    cold: dict[str, list[float]] = {d: [] for d in DOCUMENTS}

    def cold_round() -> None:
        for _ in range(args.cold_runs):
            for d in DOCUMENTS:
                cold[d].append(cold_build(sources[d], work))

    say("cold builds…")
    cold_round()
    process = subprocess.Popen([sys.executable, "-m", "briefgen", "preview", str(folder),
                                "--no-browser"], stderr=subprocess.PIPE, text=True, cwd=work)
    first = process.stderr.readline()
    found = re.search(r"(http://\S+/)", first)
    if not found:
        say(first + process.stderr.read())
        return 1
    url = found.group(1)
    driver = browser()
    loops: dict[str, list[tuple[float, float]]] = {}
    memory: dict[str, float] = {}
    try:
        for d in DOCUMENTS:
            driver.get(f"{url}d/project-{d}/{AUDIENCE}/?view=both")
            until(driver, READY)
            editor = Editor(driver, sources[d])
            editor.edit()  # the first edit after opening is not counted
            loops[d] = []
            for i in range(args.edits):
                loops[d].append(editor.edit())
                say(f"{d} edit {i + 1}: page {loops[d][-1][0]:.3f} s, "
                    f"PDF {loops[d][-1][1]:.3f} s (its render {loops[d][-1][2]:.3f} s)")
        driver.get(f"{url}d/project-brief/{AUDIENCE}/?view=both")
        until(driver, READY)
        editor = Editor(driver, sources["brief"])
        for i in range(args.memory_edits):
            editor.edit(pdf=False)  # the PDFs in between are skipped, as for a fast typist
            if i + 1 == WARM_EDITS:
                editor.caught_up()
                memory["warm"] = resident_mb(process.pid)
            if (i + 1) % 20 == 0:
                say(f"memory: {i + 1} edits, {resident_mb(process.pid):.0f} MiB")
        editor.caught_up()
        memory["end"] = resident_mb(process.pid)
    finally:
        driver.quit()
        process.send_signal(2)
        process.wait(timeout=30)
    say("cold builds again…")
    cold_round()
    shutil.rmtree(work)

    results = {"machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
               "edits": args.edits, "memory_edits": args.memory_edits, "documents": {}}
    print(f"\nPreview loop, {args.edits} one-word edits per document, {AUDIENCE} edition, "
          f"medians ({results['machine']})\n")
    print("| document | save → web page | target | save → PDF | of which the render | "
          "cold build, PDF | ratio | target |")
    print("|---|---|---|---|---|---|---|---|")
    for d in DOCUMENTS:
        page = statistics.median(t[0] for t in loops[d])
        pdf = statistics.median(t[1] for t in loops[d])
        render = statistics.median(t[2] for t in loops[d])
        base = statistics.median(cold[d])
        results["documents"][d] = {"page_s": page, "pdf_s": pdf, "cold_pdf_s": base,
                                   "pdf_ratio": pdf / base, "pages": loops[d]}
        print(f"| {d} | {page:.3f} s | {_verdict(page <= TARGET_HTML_S)} ≤ {TARGET_HTML_S} s | "
              f"{pdf:.2f} s | {render:.2f} s | {base:.2f} s | {pdf / base:.2f} | "
              f"{_verdict(pdf / base <= TARGET_PDF_RATIO)} ≤ {TARGET_PDF_RATIO} |")
    if "warm" in memory:
        growth = memory["end"] / memory["warm"] - 1
        results["memory"] = {**memory, "growth": growth}
        print(f"\nMemory of the preview (server and PDF renderer): {memory['warm']:.0f} MiB "
              f"after {WARM_EDITS} edits, {memory['end']:.0f} MiB after "
              f"{args.memory_edits}: {growth:+.1%} "
              f"({_verdict(growth <= TARGET_MEMORY)} within {TARGET_MEMORY:.0%})")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


if __name__ == "__main__":
    sys.exit(main())
