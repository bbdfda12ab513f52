"""Shared fixtures: the example brief built once per session, and small documents."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "content" / "pakistan-russia" / "brief.yaml"
SECTION_TITLES = {
    "history": "From distance to rapprochement",
    "strategic": "Strategic convergence and its limits",
    "economic": "Economic ties: large plans, small numbers",
    "societal": "Society, perceptions and multilateral ties",
    "recommendations": "Recommendations",
}

MINIMAL = textwrap.dedent("""\
    kind: policy-brief
    meta:
      title: "A small brief"
      date: 2025-06-01
      authors: [{name: "Ada Analyst"}]
    audiences: [academic]
    summary: |
      A summary that cites a source [@doe2024].
    key_messages: ["First message.", "Second message.", "Third message."]
    sections:
      history: {title: "History", lead: "Lead.", body: "History body."}
      strategic: {title: "Strategy", lead: "Lead.", body: "Strategy body."}
      economic: {title: "Economy", lead: "Lead.", body: "Economy body."}
      societal: {title: "Society", lead: "Lead.", body: "Society body."}
      recommendations:
        title: "Recommendations"
        lead: "Lead."
        items:
          - {title: "Act", text: "Do it.", actors: ["Everyone"], horizon: short, priority: high}
    references:
      - {id: doe2024, type: book, authors: ["Doe, Jane"], title: "A Book", date: 2024}
    """)

# The minimal brief for two audiences, and with a chart (state and write-safety tests).
TWO_AUDIENCES = MINIMAL.replace("audiences: [academic]", "audiences: [academic, public]")
CHART = MINIMAL.replace(
    '  economic: {title: "Economy", lead: "Lead.", body: "Economy body."}\n',
    textwrap.indent(textwrap.dedent("""\
        economic:
          title: "Economy"
          lead: "Lead."
          body: "Economy body."
          figures:
            - caption: "Exports"
              alt: "Bar chart of exports: 1 in 2020, 2 in 2021."
              chart: {type: bar, series: [{name: "Exports", points: [["2020", 1], ["2021", 2]]}]}
        """), "  "))
assert CHART != MINIMAL



def long_report(path: Path, parts: int) -> Path:
    """Write benchmarks/longreport.py's generated report of parts numbered parts to path."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("longreport",
                                                  ROOT / "benchmarks" / "longreport.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_report(path, parts)


def need(tool: str) -> None:
    """Skip the calling test, with a reason, when a system tool is not installed."""
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (apt-get install "
                    f"{'poppler-utils' if tool.startswith('pdf') else 'libreoffice-writer'})")


@pytest.fixture
def write_doc(tmp_path: Path):
    """Write YAML text (default: a minimal valid brief) to a file and return its path."""
    def write(text: str = MINIMAL, name: str = "brief.yaml", folder: str = "doc") -> Path:
        path = tmp_path / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path
    return write


@pytest.fixture(scope="session")
def example_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build the example for the academic audience in every format, once."""
    from briefgen.pipeline import build

    out = tmp_path_factory.mktemp("build")
    written = build([EXAMPLE], out=out, audiences=["academic"])
    return {item.job.format: item.job.path for item in written}


@pytest.fixture(scope="session")
def every_example(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build every example for every audience in every format, once for the whole run;
    return {file name: path}. The tests that read all nine editions share it."""
    from briefgen.pipeline import build

    out = tmp_path_factory.mktemp("examples")
    written = build(sorted((ROOT / "content" / "pakistan-russia").glob("*.yaml")), out=out)
    return {item.job.path.name: item.job.path for item in written}
