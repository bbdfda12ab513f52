"""Generate a long, valid `kind: report` content file for the per-page benchmark.

The report is made of numbered sub-sections ("### 12. Port access in the north"), spread
in order over the report's six prose sections (methodology, history, strategic, economic,
societal, annex), plus a short recommendations section. Each sub-section has four
paragraphs of varied text with [@id] citations, one or two footnotes (^[...]) that cite a
source, a cross-reference to its own table, and that table (5-7 rows). Every sub-section
adds one reference, every reference is cited at least once, and each recommendation
has the actors, horizon, cost and risk the policymaker edition shows, so the file
validates without warnings up to 20 sub-sections. Beyond that the public edition, which
shows the tables and so cites every sub-section's reference, lists more than its 25
sources: a warning expected of a long report, which changes nothing the benchmark times
(it builds the academic edition).

The text comes from sentence templates filled in by a random generator seeded with the
sub-section's number: the output is deterministic, sub-section 12 reads the same in every
file that has one, and no two paragraphs are the same.

Plain standard library: the YAML is written by hand (JSON strings are valid YAML).

    python benchmarks/longreport.py 40 /tmp/long.yaml
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

__all__ = ["build_report", "write_report"]

BASE_REFS = 5  # references cited in the summary; sub-section n adds reference BASE_REFS + n
SECTION_KEYS = ("methodology", "history", "strategic", "economic", "societal", "annex")

FAMILIES = ["Ahmed", "Baranova", "Chaudhry", "Dmitriev", "Ellis", "Farooq", "Gromov",
            "Haider", "Ivanova", "Jafri", "Kuznetsov", "Latif", "Morozova", "Naqvi",
            "Orlov", "Qureshi", "Romanov", "Siddiqui", "Tarasova", "Usmani", "Volkov",
            "Wahid", "Yusupov", "Zaidi"]
GIVENS = ["Ayesha", "Boris", "Daniyal", "Elena", "Farah", "Grigory", "Hina", "Igor",
          "Kamran", "Lyudmila", "Maria", "Nadir", "Olga", "Pavel", "Rabia", "Sergei"]
CONTAINERS = ["Journal of Eurasian Affairs", "South Asian Review", "Strategic Studies",
              "Regional Economics Quarterly", "The Daily Ledger", "Policy Perspectives",
              "Central Asia Monitor", "International Affairs Digest"]
PUBLISHERS = ["Institute for Regional Studies", "Centre for Policy Research",
              "University Press of the Steppe", "Council on Trade and Development"]
REF_TYPES = ["article", "book", "report", "news", "web", "article", "report"]

TOPICS = ["Port access", "Rail freight", "Wheat imports", "Gas supply", "Customs rules",
          "Banking links", "Student exchange", "Joint exercises", "Border security",
          "Power grids", "Textile exports", "Pipeline finance", "Visa policy",
          "Language teaching", "Film and television", "Civil aviation", "Fisheries",
          "Mining rights", "Road corridors", "Water management", "Pharmaceuticals",
          "Space research", "Counter-narcotics", "Disaster relief", "Tourism"]
PLACES = ["the north", "the coastal provinces", "the capital region", "the border districts",
          "the mountain valleys", "the river basin", "the southern ports", "the interior",
          "the industrial belt", "the western corridor"]
ACTORS = ["the joint commission", "the two foreign ministries", "the central banks",
          "provincial governments", "private exporters", "the chambers of commerce",
          "state energy companies", "the defence ministries", "universities",
          "regional think tanks", "customs officials", "the planning ministry",
          "shipping firms", "development lenders", "parliamentary committees"]
VERBS = ["expanded", "stalled", "recovered", "was reorganised", "slowed", "doubled",
         "narrowed", "was reviewed", "gained momentum", "lost ground", "was renegotiated",
         "held steady"]
CAUSES = ["sanctions on payments", "a change of government", "falling commodity prices",
          "new security threats", "a shortage of finance", "better rail links",
          "rising demand at home", "pressure from a third country", "a currency crisis",
          "a bumper harvest", "delays in licensing", "a new trade agreement"]
ADJECTIVES = ["modest", "uneven", "steady", "fragile", "rapid", "limited", "lasting",
              "surprising", "cautious", "substantial"]
PACES = ["slow", "uneven", "steady", "rapid", "halting", "cautious", "erratic"]
RECORDS = ["mixed", "modest", "poor", "creditable", "uneven", "limited", "patchy"]
SIZES = ["small", "large", "middling", "respectable", "disappointing", "record"]
WEIGHTS = ["minor", "secondary", "passing", "marginal", "contributing"]
METRICS = ["trade turnover", "the number of visits", "investment inflows", "freight volumes",
           "enrolments", "licences issued", "joint projects", "deliveries"]

TEMPLATES = [
    "{Topic} in {place} {verb} after {year}, largely because of {cause}{cite}.",
    "According to {actor}, {metric} rose by {pct} per cent between {year} and {year2}{cite}.",
    "The record of {actor} on this question is {record}: promises made in {year} were only "
    "partly kept by {year2}{cite}.",
    "Observers disagree about the weight of {cause}; some see it as decisive, others as a "
    "{weight} factor among many{cite}.",
    "By {year2}, {metric} stood at about {amount} million dollars, a {size} figure by regional "
    "standards{cite}.",
    "{Actor} proposed a working group on {topic} in {year}, but it met only {count} times "
    "before {year2}{cite}.",
    "Much depends on whether {actor} and {actor2} can agree on a common timetable{cite}.",
    "The {pace} pace of change in {place} reflects {cause} more than any deliberate plan{cite}.",
    "*{Topic}* is often described as a test case for the wider relationship{cite}.",
    "Between {year} and {year2}, {actor} signed {count} memoranda on {topic}, of which few "
    "led to contracts{cite}.",
    "The figures for {place} should be read with care, since {actor} changed the method "
    "of counting in {year}{cite}.",
    "Interviews cited by the sources suggest that, for {actor2}, {cause} is the main "
    "obstacle{cite}.",
]


def _reference(k: int) -> dict:
    """Reference number k (0-based): deterministic, with fields suited to its type."""
    rng = random.Random(f"ref-{k}")
    family, given = rng.choice(FAMILIES), rng.choice(GIVENS)
    kind = REF_TYPES[k % len(REF_TYPES)]
    year = rng.randint(1992, 2024)
    topic = rng.choice(TOPICS).lower()
    ref = {"id": f"{family.lower()}{year}-{k}", "type": kind,
           "authors": [f"{family}, {given}"],
           "title": f"{rng.choice(ADJECTIVES).capitalize()} partners: {topic} in "
                    f"{rng.choice(PLACES)}, {year - rng.randint(2, 15)}-{year}",
           "date": year}
    if kind in ("article", "news"):
        ref["container"] = rng.choice(CONTAINERS)
    if kind == "article":
        ref["volume"], ref["issue"] = str(rng.randint(1, 40)), str(rng.randint(1, 4))
        first = rng.randint(1, 300)
        ref["pages"] = f"{first}-{first + rng.randint(8, 30)}"
    if kind in ("book", "report"):
        ref["publisher"] = rng.choice(PUBLISHERS)
    if kind == "web":
        ref["url"] = f"https://example.org/papers/{k}"
    if k % 4 == 1:
        ref["authors"].append(f"{rng.choice(FAMILIES)}, {rng.choice(GIVENS)}")
    return ref


def _cite(rng: random.Random, ids: list[str]) -> str:
    """A citation in one of the forms briefgen accepts: [@a], [@a, p. 4], [@a; @b]."""
    form = rng.randrange(4)
    if form == 0:
        return f" [@{rng.choice(ids)}]"
    if form == 1:
        return f" [@{rng.choice(ids)}, p. {rng.randint(3, 240)}]"
    if form == 2:
        a, b = rng.sample(ids, 2) if len(ids) > 1 else (ids[0], ids[0])
        return f" [@{a}; @{b}]" if a != b else f" [@{a}]"
    return f" [see @{rng.choice(ids)}]"


def _sentence(rng: random.Random, topic: str, ids: list[str], cite: bool) -> str:
    """One sentence from a random template, with a citation if cite is true."""
    year = rng.randint(1995, 2018)
    actor, actor2 = rng.sample(ACTORS, 2)
    text = rng.choice(TEMPLATES).format(
        Topic=topic, topic=topic.lower(), place=rng.choice(PLACES), verb=rng.choice(VERBS),
        year=year, year2=year + rng.randint(2, 7), cause=rng.choice(CAUSES),
        actor=actor, Actor=actor[0].upper() + actor[1:], actor2=actor2,
        metric=rng.choice(METRICS), pct=rng.randint(3, 60),
        pace=rng.choice(PACES), record=rng.choice(RECORDS), size=rng.choice(SIZES),
        weight=rng.choice(WEIGHTS),
        amount=rng.randint(40, 900), count=rng.randint(2, 9),
        cite=_cite(rng, ids) if cite else "")
    return text[0].upper() + text[1:]


def _subsection(n: int, ids: list[str]) -> tuple[str, dict, str]:
    """Sub-section n (1-based): its Markdown, its table and a key point.

    ids: the references it may cite; its own reference is ids[-1] and is always cited.
    """
    rng = random.Random(f"section-{n}")
    topic = TOPICS[(n - 1) % len(TOPICS)]
    own = ids[-1]
    pool = [own, *rng.sample(ids[:-1], min(3, len(ids) - 1))]
    paragraphs = []
    for p in range(4):
        count = rng.randint(5, 7)  # the last sentence always cites, so no paragraph is bare
        sentences = [_sentence(rng, topic, pool, cite=i == count - 1 or rng.random() < 0.4)
                     for i in range(count)]
        if p == 0:  # the sub-section's own reference is always cited, first thing
            sentences[0] = _sentence(rng, topic, [own], cite=True)
            sentences.append(f"[@tbl:t{n}] sets out the main figures.")
        if p in (1, 3) or (p == 2 and n % 2 == 0):
            note = _sentence(rng, topic, pool, cite=True)
            sentences[1] = sentences[1] + f"^[{note}]"
        if p == 2 and n % 3 == 0:
            items = "\n".join(f"- {_sentence(rng, topic, pool, cite=True)}" for _ in range(3))
            paragraphs.append(" ".join(sentences) + "\n\n" + items)
            continue
        paragraphs.append(" ".join(sentences))
    place = PLACES[(n * 7) % len(PLACES)]
    markdown = f"### {n}. {topic} in {place}\n\n" + "\n\n".join(paragraphs)

    first = rng.randint(1996, 2012)
    rows = []
    for r in range(rng.randint(5, 7)):
        year = first + 2 * r
        rows.append([str(year), rng.choice(ACTORS).capitalize(),
                     f"{rng.randint(10, 990)}", f"{rng.choice(VERBS).capitalize()}"
                     + (f" [@{rng.choice(pool)}]" if r % 3 == 0 else "")])
    table = {"id": f"t{n}", "caption": f"{topic} in {place}: main steps, {first}-{year}",
             "columns": ["Year", "Actor", "Value (USD million)", "Outcome"], "rows": rows,
             "source": f"Compiled from [@{own}]."}
    point = f"{topic} in {place} {rng.choice(VERBS)} after {rng.choice(CAUSES)}."
    return markdown, table, point


def build_report(sections: int) -> dict:
    """The report as a dict of YAML-ready values: `sections` numbered sub-sections."""
    if sections < 1:
        raise ValueError("sections must be at least 1")
    refs = [_reference(k) for k in range(BASE_REFS + sections)]
    ids = [r["id"] for r in refs]
    base = ids[:BASE_REFS]
    # Spread the sub-sections in order over the six prose sections, earlier ones first.
    keys = SECTION_KEYS[:min(sections, len(SECTION_KEYS))]
    per_key = [sections // len(keys) + (i < sections % len(keys)) for i in range(len(keys))]
    body: dict[str, dict] = {}
    n = 0
    for key, count in zip(keys, per_key, strict=True):
        parts, tables, points = [], [], []
        for _ in range(count):
            n += 1
            markdown, table, point = _subsection(n, ids[:BASE_REFS + n])
            parts.append(markdown)
            tables.append(table)
            points.append(point)
        body[key] = {"title": f"{key.capitalize()}: sub-sections {n - count + 1} to {n}",
                     "lead": f"This part covers {count} topic{'s' * (count != 1)}, each "
                             f"with a table and its sources [@{base[n % BASE_REFS]}].",
                     "body": "\n\n".join(parts), "key_points": points[:5], "tables": tables}
    body["recommendations"] = {
        "title": "Recommendations",
        "lead": f"Three steps follow from the {sections} sub-sections above [@{base[0]}].",
        "items": [
            {"title": "Fix a calendar of dialogue",
             "text": f"Meet every six months with published targets [@{base[1]}].",
             "actors": ["Foreign ministries"], "horizon": "short", "priority": "high",
             "cost": "Officials' time, and public targets to be held to.",
             "risk": "Cooperation rises and falls with each crisis."},
            {"title": "Build payment channels",
             "text": f"Settle trade in local currencies where sanctions allow [@{base[2]}].",
             "actors": ["Central banks"], "horizon": "medium", "priority": "high",
             "cost": "Friction with other banking partners.",
             "risk": "Agreements stay on paper while traders cannot be paid."},
            {"title": "Invest in people",
             "text": f"Double scholarships and language teaching [@{base[3]}; @{base[4]}].",
             "actors": ["Universities"], "horizon": "long", "priority": "medium",
             "cost": "Modest public funds, with slow results.",
             "risk": "Ties stay confined to officials."},
        ]}
    order = ["methodology", "history", "strategic", "economic", "societal",
             "recommendations", "annex"]
    return {
        "kind": "report",
        "meta": {"title": f"A Long Synthetic Report in {sections} Parts",
                 "subtitle": "Generated by benchmarks/longreport.py for timing briefgen",
                 "series": "briefgen Benchmarks", "number": f"B/{sections}",
                 "date": "2025-12-21", "language": "en", "status": "final",
                 "authors": [{"name": "Benchmark Generator",
                              "affiliation": "briefgen benchmarks"}],
                 "keywords": ["benchmark", "synthetic", "report"]},
        "audiences": ["policymaker", "academic", "public"],
        "summary": (f"This synthetic report has {sections} numbered sub-sections, each with "
                    f"four paragraphs, footnotes and a table [@{base[0]}; @{base[1]}]. Its "
                    f"text is generated from templates [@{base[2]}], so that page layout, "
                    f"citations [@{base[3]}] and footnotes [@{base[4]}] can be timed at any "
                    "length."),
        "key_messages": ["Long documents should cost the same per page as short ones.",
                         "Every citation in this file points to a defined reference.",
                         "The text varies from paragraph to paragraph."],
        "sections": {key: body[key] for key in order if key in body},
        "references": refs,
        "glossary": {"SCO": "Shanghai Cooperation Organisation",
                     "USD": "United States dollar"},
    }


def _yaml(value: object, indent: int = 0) -> list[str]:
    """YAML lines for a dict, list, str or int; multi-line strings as literal blocks."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            lines += _entry(f"{pad}{key}:", item, indent)
    elif isinstance(value, list):
        for item in value:
            lines += _entry(f"{pad}-", item, indent)
    else:
        raise TypeError(f"cannot write {type(value).__name__} at the top level")
    return lines


def _entry(head: str, item: object, indent: int) -> list[str]:
    """The lines for one mapping key or list item, given its head ('key:' or '-')."""
    if isinstance(item, str) and "\n" in item:
        body = [(" " * (indent + 2) + line) if line else "" for line in item.split("\n")]
        return [f"{head} |", *body]
    if isinstance(item, (str, int)):
        return [f"{head} {json.dumps(item, ensure_ascii=False)}"]
    if isinstance(item, list) and all(isinstance(x, (str, int)) for x in item):
        return [f"{head} {json.dumps(item, ensure_ascii=False)}"]  # a flow sequence
    if not item:
        return [f"{head} {'{}' if isinstance(item, dict) else '[]'}"]
    return [head, *_yaml(item, indent + 2)]


def write_report(path: str | Path, sections: int) -> Path:
    """Write a report with `sections` numbered sub-sections to path; return the path."""
    path = Path(path)
    text = "# Generated by benchmarks/longreport.py; do not edit.\n"
    text += "\n".join(_yaml(build_report(sections))) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Command line: `longreport.py SECTIONS PATH`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sections", type=int, help="number of numbered sub-sections")
    parser.add_argument("path", help="the YAML file to write")
    args = parser.parse_args(argv)
    write_report(args.path, args.sections)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
