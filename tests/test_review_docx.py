"""briefgen review's reader: Word files edited as Word and LibreOffice write them, read back.

A small brief is built with python-docx, marked as briefgen marks it, then edited by
writing the WordprocessingML Word writes for each kind of edit (tracked insertions,
deletions, moves, a paragraph split, comments with a reply, a change in a footnote); the
reader's findings are checked word for word. Independent readers check the same files:
pandoc's own handling of tracked changes, and LibreOffice, which must keep marks, changes
and the provenance part through a round trip.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from itertools import combinations
from xml.sax.saxutils import escape

import docx
import pytest
from conftest import EXAMPLE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from briefgen.errors import UsageError
from briefgen.review_docx import (
    Change,
    Comment,
    Loose,
    Segment,
    accepted_text,
    mark_texts,
    read_edited,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = (f'xmlns:w="{W_NS}" '
      'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
      'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:v="urn:schemas-microsoft-com:vml" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
ADA, BEN = "Ada Analyst", "Ben Berg"
DATES = {ADA: "2025-06-02T10:00:00Z", BEN: "2025-06-03T09:30:00Z"}
PROVENANCE = b'<?xml version="1.0" encoding="UTF-8"?>\n' \
             b'<provenance xmlns="urn:briefgen:provenance" document="small-brief">' \
             b'<mark name="_bg1" path="sections.history.body/0"/></provenance>'
TEXTS = {"_bg1": "Relations improved after 2001 and grew steadily.",
         "_bg2": "Trade remained small. Payments are hard.",
         "_bg3": "Exports rose to 732 million.",
         "_bg4": "Build institutions. Open payment channels.",
         "_bg5": "Security ties are the strongest link."}
ACCEPT_ALL = lambda change: True  # noqa: E731
REJECT_ALL = lambda change: False  # noqa: E731


def w(tag: str) -> str:
    """The Clark name of a WordprocessingML tag."""
    return f"{{{W_NS}}}{tag}"


def fragment(xml: str) -> list[etree._Element]:
    """Parse elements written with the w:, w14:, mc: and v: prefixes."""
    return list(etree.fromstring(f"<root {NS}>{xml}</root>"))


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def change(kind: str, author: str, ident: int, inner: str) -> str:
    """A tracked-change wrapper (w:ins, w:del, w:moveTo, w:moveFrom) as Word writes it."""
    return (f'<w:{kind} w:id="{ident}" w:author="{author}" w:date="{DATES[author]}">'
            f'{inner}</w:{kind}>')


def deleted(text: str) -> str:
    return f'<w:r><w:delText xml:space="preserve">{escape(text)}</w:delText></w:r>'


def paragraph(*inner: str, mark_change: str = "") -> str:
    """A paragraph; mark_change: the tracked status of its paragraph mark (w:pPr/w:rPr)."""
    return f"<w:p><w:pPr><w:rPr>{mark_change}</w:rPr></w:pPr>{''.join(inner)}</w:p>"


def start(name: str, ident: int) -> str:
    return f'<w:bookmarkStart w:id="{ident}" w:name="{name}"/>'


def end(ident: int) -> str:
    return f'<w:bookmarkEnd w:id="{ident}"/>'


def add_mark(p: etree._Element, name: str, ident: int) -> None:
    """Wrap a paragraph's content in a mark, placed as briefgen places it."""
    ppr = p.find(w("pPr"))
    p.insert(0 if ppr is None else 1, fragment(start(name, ident))[0])
    p.append(fragment(end(ident))[0])


FOOTNOTES = (f'<w:footnotes {NS}>'
             '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
             '</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
             '<w:continuationSeparator/></w:r></w:p></w:footnote>'
             '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>'
             f'{run(" Khan, Evolving Nature.")}</w:p></w:footnote></w:footnotes>')


def base_document(provenance: bool = False) -> docx.document.Document:
    """The small brief as briefgen would write it: five marks, one in a table, one note."""
    document = docx.Document()
    document.add_paragraph("A small brief", style="Title")
    marked = [document.add_paragraph(TEXTS["_bg1"])]
    note = document.add_paragraph("Trade remained small.")
    note._p.append(fragment('<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                            '<w:footnoteReference w:id="1"/></w:r>')[0])
    note.add_run(" Payments are hard.")
    marked.append(note)
    marked.append(document.add_table(rows=1, cols=1).cell(0, 0).paragraphs[0])
    marked[-1].text = TEXTS["_bg3"]
    marked += [document.add_paragraph(TEXTS["_bg4"]), document.add_paragraph(TEXTS["_bg5"])]
    for number, p in enumerate(marked, start=1):
        add_mark(p._p, f"_bg{number}", number)
    package, part = document.part.package, document.part
    part.relate_to(Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES,
                        FOOTNOTES.encode(), package), RT.FOOTNOTES)
    if provenance:
        # Not /customXml/item1.xml: python-docx's own template already has that part.
        part.relate_to(Part(PackURI("/customXml/briefgen1.xml"), "application/xml",
                            PROVENANCE, package), RT.CUSTOM_XML)
    return document


def saved(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class Edit:
    """A DOCX's parts in memory, changed as Word writes its edits, then zipped again."""

    def __init__(self, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            self.parts = {name: package.read(name) for name in package.namelist()}
        self.trees: dict[str, etree._Element] = {}

    def xml(self, name: str) -> etree._Element:
        if name not in self.trees:
            self.trees[name] = etree.fromstring(self.parts[name])
        return self.trees[name]

    def replace_marked(self, name: str, xml: str) -> None:
        """Replace the paragraph holding mark name by the paragraphs in xml."""
        found = self.xml("word/document.xml").xpath(
            "//w:p[w:bookmarkStart/@w:name=$name]", namespaces={"w": W_NS}, name=name)[0]
        parent = found.getparent()
        at = parent.index(found)
        parent.remove(found)
        for offset, el in enumerate(fragment(xml)):
            parent.insert(at + offset, el)

    def add_part(self, name: str, xml: str, content_type: str, rel_type: str) -> None:
        """Add a part related from the main document."""
        self.parts[name] = xml.encode()
        types = self.xml("[Content_Types].xml")
        etree.SubElement(types, f"{{{types.nsmap[None]}}}Override", PartName="/" + name,
                         ContentType=content_type)
        rels = self.xml("word/_rels/document.xml.rels")
        etree.SubElement(rels, f"{{{rels.nsmap[None]}}}Relationship", Id=f"rIdTest{len(rels)}",
                         Type=rel_type, Target=name.removeprefix("word/"))

    def save(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
            for name, data in self.parts.items():
                tree = self.trees.get(name)
                package.writestr(name, data if tree is None else etree.tostring(
                    tree, xml_declaration=True, encoding="UTF-8", standalone=True))
        return out.getvalue()


COMMENTS = (f'<w:comments {NS}>'
            f'<w:comment w:id="0" w:author="{ADA}" w:initials="AA" w:date="{DATES[ADA]}">'
            '<w:p w14:paraId="1A2B3C01"><w:r><w:annotationRef/></w:r>'
            f'{run("Is this right?")}</w:p>'
            f'<w:p w14:paraId="1A2B3C02">{run("Check the year.")}</w:p></w:comment>'
            f'<w:comment w:id="1" w:author="{BEN}" w:initials="BB" w:date="{DATES[BEN]}">'
            f'<w:p w14:paraId="1A2B3C03"><w:r><w:annotationRef/></w:r>{run("Yes, 2001.")}'
            '</w:p></w:comment></w:comments>')
COMMENTS_EXTENDED = (f'<w15:commentsEx {NS}>'
                     '<w15:commentEx w15:paraId="1A2B3C02" w15:done="1"/>'
                     '<w15:commentEx w15:paraId="1A2B3C03" w15:paraIdParent="1A2B3C02" '
                     'w15:done="0"/></w15:commentsEx>')
REF = '<w:r><w:commentReference w:id="{0}"/></w:r>'


def edited_bytes() -> bytes:
    """The small brief after two reviewers' edits, written as Word writes them.

    Body paragraphs: 1 title, 2 _bg5 moved here, 3 _bg1 with changes and a comment thread,
    4 _bg2 retyped, 5 a new unmarked paragraph, 6 _bg3 in the table, 7-8 _bg4 split by a
    tracked Enter, 9 where _bg5 was moved from.
    """
    edit = Edit(saved(base_document()))
    edit.replace_marked("_bg5", paragraph(
        '<w:moveFromRangeStart w:id="24" w:author="Ben Berg" w:name="move1"/>',
        change("moveFrom", BEN, 25, run(TEXTS["_bg5"])), '<w:moveFromRangeEnd w:id="24"/>',
        mark_change=change("moveFrom", BEN, 23, "")))
    body = edit.xml("word/document.xml").find(w("body"))
    for offset, el in enumerate(fragment(paragraph(
            '<w:moveToRangeStart w:id="21" w:author="Ben Berg" w:name="move1"/>',
            start("_bg5", 5), change("moveTo", BEN, 22, run(TEXTS["_bg5"])),
            '<w:moveToRangeEnd w:id="21"/>', end(5),
            mark_change=change("moveTo", BEN, 20, "")))):
        body.insert(1 + offset, el)
    edit.replace_marked("_bg1", paragraph(
        start("_bg1", 1), run("Relations "), change("ins", ADA, 11, run("quickly ")),
        '<w:commentRangeStart w:id="0"/><w:commentRangeStart w:id="1"/>',
        run("improved after"), '<w:commentRangeEnd w:id="0"/>', REF.format(0),
        '<w:commentRangeEnd w:id="1"/>', REF.format(1), run(" 2001"),
        change("del", BEN, 12, deleted(" and grew steadily")), run("."), end(1)))
    edit.replace_marked("_bg2", paragraph(
        start("_bg2", 2), run("Trade remained modest."),
        '<w:r><w:footnoteReference w:id="1"/></w:r>', run(" Payments are hard."), end(2))
        + paragraph(run("A point the editor added.")))
    edit.replace_marked("_bg3", paragraph(
        start("_bg3", 3), run("Exports rose to "),
        change("ins", ADA, 40, change("del", BEN, 41, deleted("roughly "))),
        run("732 million."), end(3)))
    edit.replace_marked("_bg4", paragraph(
        start("_bg4", 4), run("Build institutions. "),
        mark_change=change("ins", ADA, 30, "")) + paragraph(
        run("Open payment channels."), end(4)))
    notes = edit.xml("word/footnotes.xml")
    note = notes.xpath("//w:footnote[@w:id='1']/w:p", namespaces={"w": W_NS})[0]
    for el in note.findall(w("r"))[1:]:
        note.remove(el)
    for el in fragment(run(" ") + change("ins", ADA, 50, run("M. ")) + run("Khan, ")
                       + change("del", BEN, 51, deleted("Evolving ")) + run("Nature.")):
        note.append(el)
    edit.add_part("word/comments.xml", COMMENTS, CT.WML_COMMENTS, RT.COMMENTS)
    edit.add_part("word/commentsExtended.xml", COMMENTS_EXTENDED,
                  "application/vnd.openxmlformats-officedocument.wordprocessingml"
                  ".commentsExtended+xml",
                  "http://schemas.microsoft.com/office/2011/relationships/commentsExtended")
    return edit.save()


def ada(ident: int, moved: bool = False, kind: str = "insert") -> Change:
    return Change(kind, ADA, DATES[ADA], str(ident), moved)


def ben(ident: int, moved: bool = False, kind: str = "delete") -> Change:
    return Change(kind, BEN, DATES[BEN], str(ident), moved)


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory):
    """The edited file, written to disk for the tools that read it, and read back."""
    path = tmp_path_factory.mktemp("review") / "edited.docx"
    path.write_bytes(edited_bytes())
    return path, read_edited(path.read_bytes())


# --- The unedited file --------------------------------------------------------------------

def test_an_unedited_file_reads_back_as_built():
    document = base_document()
    found = read_edited(saved(document))
    assert {name: accepted_text(s, ACCEPT_ALL) for name, s in found.marks.items()} == TEXTS
    assert mark_texts(document.element.body) == TEXTS
    assert found.marks["_bg2"] == (Segment("Trade remained small."), Segment("", note="1"),
                                   Segment(" Payments are hard."))
    assert found.paragraphs_of == {"_bg1": (2, 2), "_bg2": (3, 3), "_bg3": (4, 4),
                                   "_bg4": (5, 5), "_bg5": (6, 6)}
    assert found.loose == (Loose(1, (Segment("A small brief"),), None, False),)
    assert found.footnotes == {"1": (Segment(" Khan, Evolving Nature."),)}
    assert found.comments == ()
    assert found.provenance is None  # python-docx's own customXml/item1.xml is not ours


# --- Tracked changes ----------------------------------------------------------------------

def test_tracked_insertion_and_deletion_inside_a_mark(edited):
    _, found = edited
    assert found.marks["_bg1"] == (
        Segment("Relations "), Segment("quickly ", ada(11)), Segment("improved after 2001"),
        Segment(" and grew steadily", ben(12)), Segment("."))
    assert (accepted_text(found.marks["_bg1"], ACCEPT_ALL)
            == "Relations quickly improved after 2001.")
    assert accepted_text(found.marks["_bg1"], REJECT_ALL) == TEXTS["_bg1"]


def test_accepting_one_reviewer_only(edited):
    _, found = edited
    by = {name: (lambda c, name=name: c.author == name) for name in (ADA, BEN)}
    assert (accepted_text(found.marks["_bg1"], by[ADA])
            == "Relations quickly improved after 2001 and grew steadily.")
    assert accepted_text(found.marks["_bg1"], by[BEN]) == "Relations improved after 2001."
    # Ben deleted a word Ada had inserted: it stays only if Ada's insertion is accepted and
    # Ben's deletion is not.
    assert found.marks["_bg3"][1] == Segment("roughly ", ben(41), within=ada(40))
    assert accepted_text(found.marks["_bg3"], by[ADA]) == "Exports rose to roughly 732 million."
    for accept in (by[BEN], ACCEPT_ALL, REJECT_ALL):
        assert accepted_text(found.marks["_bg3"], accept) == TEXTS["_bg3"]


def test_a_moved_paragraph_is_a_moved_deletion_and_a_moved_insertion(edited):
    _, found = edited
    assert found.marks["_bg5"] == (Segment(TEXTS["_bg5"], ben(22, moved=True, kind="insert")),)
    assert found.paragraphs_of["_bg5"] == (2, 2)
    assert found.loose[-1] == Loose(9, (Segment(TEXTS["_bg5"], ben(25, moved=True)),),
                                    "_bg4", False)
    assert accepted_text(found.loose[-1].segments, ACCEPT_ALL) == ""
    assert accepted_text(found.marks["_bg5"], REJECT_ALL) == ""


def test_an_untracked_edit_is_plain_text(edited):
    _, found = edited
    assert found.marks["_bg2"] == (Segment("Trade remained modest."), Segment("", note="1"),
                                   Segment(" Payments are hard."))


def test_enter_pressed_inside_a_mark_with_tracking_on(edited):
    _, found = edited
    assert found.marks["_bg4"] == (Segment("Build institutions. "), Segment("\n", ada(30)),
                                   Segment("Open payment channels."))
    assert found.paragraphs_of["_bg4"] == (7, 8)
    assert accepted_text(found.marks["_bg4"], REJECT_ALL) == TEXTS["_bg4"]


def test_a_new_paragraph_between_marks_is_loose(edited):
    _, found = edited
    assert found.loose == (
        Loose(1, (Segment("A small brief"),), None, False),
        Loose(5, (Segment("A point the editor added."),), "_bg2", False),
        Loose(9, (Segment(TEXTS["_bg5"], ben(25, moved=True)),), "_bg4", False))
    assert found.paragraphs_of == {"_bg5": (2, 2), "_bg1": (3, 3), "_bg2": (4, 4),
                                   "_bg3": (6, 6), "_bg4": (7, 8)}


def test_a_tracked_change_in_a_footnote(edited):
    _, found = edited
    assert found.footnotes == {"1": (Segment(" "), Segment("M. ", ada(50)), Segment("Khan, "),
                                     Segment("Evolving ", ben(51)), Segment("Nature."))}
    assert accepted_text(found.footnotes["1"], ACCEPT_ALL) == " M. Khan, Nature."


def test_a_comment_with_a_reply_anchored_in_a_mark(edited):
    _, found = edited
    reply = Comment("1", BEN, "BB", DATES[BEN], "Yes, 2001.", "improved after", "_bg1", 3)
    assert found.comments == (Comment("0", ADA, "AA", DATES[ADA],
                                      "Is this right?\nCheck the year.", "improved after",
                                      "_bg1", 3, (reply,), done=True),)


def test_text_next_to_a_mark_in_its_paragraph_is_the_marks():
    """briefgen marks whole paragraphs. Word leaves text typed at a mark's end outside it;
    LibreOffice 7.4 moved the end of _bg2 before the final full stop (seen in the round trip
    below); an end left at the start of the next paragraph, or a start at the end of the one
    before, takes no paragraph break."""
    edit = Edit(saved(base_document()))
    edit.replace_marked("_bg1", paragraph(
        '<w:commentRangeStart w:id="7"/>', run("Since then, "), start("_bg1", 1),
        run("relations improved after 2001"), end(1), run(" and grew steadily."),
        '<w:commentRangeEnd w:id="7"/>', REF.format(7)))
    edit.replace_marked("_bg2", paragraph(
        start("_bg2", 2), run("Trade remained small."),
        '<w:r><w:footnoteReference w:id="1"/></w:r>', run(" Payments are hard"), end(2),
        run(".")))
    edit.replace_marked("_bg5", paragraph(run(TEXTS["_bg5"]), end(5)))
    edit.replace_marked("_bg4", paragraph(start("_bg4", 4), run(TEXTS["_bg4"]))
                        + paragraph(end(4), run("New words after it."), start("_bg5", 5)))
    comment = (f'<w:comments {NS}><w:comment w:id="7" w:author="{ADA}" w:initials="AA">'
               f'<w:p>{run("Whole sentence?")}</w:p></w:comment></w:comments>')
    edit.add_part("word/comments.xml", comment, CT.WML_COMMENTS, RT.COMMENTS)
    found = read_edited(edit.save())
    assert found.marks["_bg1"] == (Segment("Since then, relations improved after 2001 and grew "
                                           "steadily."),)
    assert found.marks["_bg2"] == (Segment("Trade remained small."), Segment("", note="1"),
                                   Segment(" Payments are hard."))
    assert found.marks["_bg4"] == (Segment(TEXTS["_bg4"]),)
    assert found.marks["_bg5"] == (Segment(TEXTS["_bg5"]),)
    assert (found.paragraphs_of["_bg4"], found.paragraphs_of["_bg5"]) == ((5, 5), (7, 7))
    assert found.loose[1:] == (Loose(6, (Segment("New words after it."),), "_bg4", False),)
    assert found.comments == (Comment("7", ADA, "AA", None, "Whole sentence?",
                                      "Since then, relations improved after 2001 and grew "
                                      "steadily.", "_bg1", 2),)


# --- Properties: the text rules, and acceptance by reviewer -------------------------------

WORDS = st.text(st.characters(categories=("L", "N", "P", "Zs", "S")), min_size=1, max_size=6)
FIELD = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
         ' {code} </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>{result}'
         '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
# Each kind of content: (its WordprocessingML around a text, the text it reads as).
PIECES = [
    (run, lambda t: t),
    (lambda t: "<w:r><w:tab/></w:r>", lambda t: "\t"),
    (lambda t: "<w:r><w:br/></w:r>", lambda t: "\n"),
    (lambda t: '<w:r><w:br w:type="textWrapping"/></w:r>', lambda t: "\n"),
    (lambda t: '<w:r><w:br w:type="page"/></w:r>', lambda t: ""),
    (lambda t: "<w:r><w:cr/></w:r>", lambda t: "\n"),
    (lambda t: "<w:r><w:noBreakHyphen/></w:r>", lambda t: "\u2011"),
    (lambda t: "<w:r><w:softHyphen/></w:r>", lambda t: ""),
    (lambda t: '<w:r><w:sym w:font="Symbol" w:char="F0B7"/></w:r>', lambda t: ""),
    (lambda t: FIELD.format(code="PAGE", result=run(t)), lambda t: t),
    (lambda t: FIELD.format(code="IF " + FIELD.format(code="PAGE", result=run("9")) + " = 1",
                            result=run(t)), lambda t: t),  # a field in a field's code
    (lambda t: f'<w:fldSimple w:instr=" NUMPAGES ">{run(t)}</w:fldSimple>', lambda t: t),
    (lambda t: f'<w:hyperlink w:anchor="b_history">{run(t)}</w:hyperlink>', lambda t: t),
    (lambda t: f'<w:smartTag w:uri="urn:x" w:element="place">{run(t)}</w:smartTag>',
     lambda t: t),
    (lambda t: f'<w:sdt><w:sdtPr><w:alias w:val="Box"/></w:sdtPr><w:sdtContent>{run(t)}'
               '</w:sdtContent></w:sdt>', lambda t: t),
    (lambda t: f'<w:customXml w:element="field">{run(t)}</w:customXml>', lambda t: t),
    (lambda t: f'<w:dir w:val="rtl">{run(t)}</w:dir>', lambda t: t),
    (lambda t: f'<mc:AlternateContent><mc:Choice Requires="w14">{run(t)}</mc:Choice>'
               f'<mc:Fallback>{run("fallback")}</mc:Fallback></mc:AlternateContent>',
     lambda t: t),
    (lambda t: f'<mc:AlternateContent><mc:Fallback>{run(t)}</mc:Fallback>'
               '</mc:AlternateContent>', lambda t: t),
    (lambda t: '<w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p>'
               f'{run(t)}</w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>',
     lambda t: ""),
    (lambda t: '<w:r><w:rPr><w:b/><w:rPrChange w:id="90" w:author="Ada Analyst"><w:rPr/>'
               f'</w:rPrChange></w:rPr><w:t>{escape(t)}</w:t></w:r>', lambda t: t),
    (lambda t: '<w:r><w:footnoteReference w:id="1"/></w:r>', lambda t: ""),
]
PARAGRAPHS = st.lists(st.lists(st.tuples(st.sampled_from(PIECES), WORDS), max_size=6),
                      min_size=1, max_size=4)


def minimal_docx(body: str) -> bytes:
    """A zip with just the main document: all the reader needs."""
    return zipped({"word/document.xml": f'<w:document {NS}><w:body>{body}</w:body>'
                                        "</w:document>".encode()})


@settings(max_examples=60, deadline=None)
@given(PARAGRAPHS, st.booleans())
def test_the_text_rules_the_same_at_build_and_at_review(paragraphs, in_table):
    xml, expected = [], {}
    for number, pieces in enumerate(paragraphs, start=1):
        content = "".join(make(text) for (make, _), text in pieces)
        xml.append(paragraph(start(f"_bg{number}", number), content, end(number))
                   + paragraph(run("between")))
        expected[f"_bg{number}"] = "".join(read(text) for (_, read), text in pieces)
    body = "".join(xml)
    if in_table:
        body = f"<w:tbl><w:tr><w:tc>{body}</w:tc></w:tr></w:tbl>"
    built = parse_xml(f'<w:body {NS}>{body}</w:body>')  # as python-docx holds a body
    assert mark_texts(built) == expected
    found = read_edited(minimal_docx(body))
    assert {name: accepted_text(s, REJECT_ALL) for name, s in found.marks.items()} == expected
    assert all(s.change is None for marks in found.marks.values() for s in marks)
    assert found.paragraphs_of == {f"_bg{n}": (2 * n - 1, 2 * n - 1)
                                   for n in range(1, len(paragraphs) + 1)}
    assert [(loose.paragraph, loose.after, loose.in_table) for loose in found.loose] == [
        (2 * n, f"_bg{n}", in_table) for n in range(1, len(paragraphs) + 1)]


# A word's tracked status: (its XML, which reviewers' acceptance keeps it).
STATUS = {
    "plain": (run, lambda ok: True),
    "ins A": (lambda t: change("ins", ADA, 1, run(t)), lambda ok: ADA in ok),
    "del B": (lambda t: change("del", BEN, 2, deleted(t)), lambda ok: BEN not in ok),
    "del A": (lambda t: change("del", ADA, 3, deleted(t)), lambda ok: ADA not in ok),
    "ins A, del B": (lambda t: change("ins", ADA, 4, change("del", BEN, 5, deleted(t))),
                     lambda ok: ADA in ok and BEN not in ok),
    "moved by B": (lambda t: change("moveTo", BEN, 6, run(t)), lambda ok: BEN in ok),
    "moved away by A": (lambda t: change("moveFrom", ADA, 7, run(t)),
                        lambda ok: ADA not in ok),
}
# A paragraph mark's tracked status: (its w:pPr/w:rPr content, when it is a break).
BREAK = {"plain": ("", lambda ok: True),
         "ins B": (change("ins", BEN, 8, ""), lambda ok: BEN in ok),
         "del A": (change("del", ADA, 9, ""), lambda ok: ADA not in ok)}
TRACKED = st.lists(st.tuples(st.sampled_from(sorted(BREAK)), st.lists(
    st.tuples(st.sampled_from(sorted(STATUS)), WORDS), min_size=1, max_size=5)),
    min_size=1, max_size=3)


@settings(max_examples=60, deadline=None)
@given(TRACKED)
def test_accepting_any_reviewers_changes(paragraphs):
    """One mark over several paragraphs of tracked words; every choice of reviewers."""
    xml = []
    for number, (mark, words) in enumerate(paragraphs):
        inner = "".join(STATUS[status][0](text) for status, text in words)
        first, last = number == 0, number == len(paragraphs) - 1
        xml.append(paragraph(start("_bg1", 1) if first else "", inner, end(1) if last else "",
                             mark_change="" if last else BREAK[mark][0]))
    found = read_edited(minimal_docx("".join(xml)))
    assert found.paragraphs_of == {"_bg1": (1, len(paragraphs))}
    for size in range(3):
        for chosen in combinations((ADA, BEN), size):
            expected = "".join(
                "".join(text for status, text in words if STATUS[status][1](chosen))
                + ("\n" if number < len(paragraphs) - 1 and BREAK[mark][1](chosen) else "")
                for number, (mark, words) in enumerate(paragraphs))
            assert accepted_text(found.marks["_bg1"], lambda c, ok=chosen: c.author in ok) \
                == expected


@pytest.fixture(scope="module")
def real_brief(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The example brief as briefgen builds it, every body paragraph marked."""
    from briefgen.pipeline import build

    out = tmp_path_factory.mktemp("real")
    [written] = build([EXAMPLE], out=out, audiences=["academic"], formats=["docx"])
    document = docx.Document(str(written.job.path))
    body = document.element.body
    for bookmark in body.xpath("//w:bookmarkStart[starts-with(@w:name, '_bg')]"):
        for end_ in body.xpath(f"//w:bookmarkEnd[@w:id='{bookmark.get(w('id'))}']"):
            end_.getparent().remove(end_)
        bookmark.getparent().remove(bookmark)
    for number, p in enumerate(body.iter(w("p")), start=1):
        add_mark(p, f"_bg{number}", 10_000 + number)
    return saved(document)


def test_the_real_brief_reads_back_as_built(real_brief):
    built = mark_texts(docx.Document(io.BytesIO(real_brief)).element.body)
    found = read_edited(real_brief)
    assert {name: accepted_text(s, ACCEPT_ALL) for name, s in found.marks.items()} == built
    assert len(built) > 100
    assert found.paragraphs_of == {name: (n, n) for n, name in enumerate(built, start=1)}
    assert found.loose == ()
    assert any(text.startswith("Since 2001 Pakistan and Russia have moved from Cold War")
               for text in built.values())
    notes = [s.note for marks in found.marks.values() for s in marks if s.note]
    assert notes == [str(n) for n in range(1, len(found.footnotes) + 1)]
    assert accepted_text(found.footnotes["1"], ACCEPT_ALL) == \
        " Noor, Zahir, and Ullah, \u201cPakistan\u2013Russia Relations in Transition.\u201d"


def test_a_part_too_large_is_refused(monkeypatch):
    import briefgen.review_docx as review_docx

    monkeypatch.setattr(review_docx, "MAX_EDITED_PART", 100)
    with pytest.raises(UsageError, match="part word/document.xml inflates to"):
        read_edited(saved(base_document()))


# --- Independent readers ------------------------------------------------------------------

def test_pandoc_reads_the_same_changes(edited):
    """pandoc's reader of tracked changes, not ours, on the same file."""
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc is not installed (apt-get install pandoc)")
    path, found = edited

    def pandoc(mode: str, to: str) -> str:
        return subprocess.run(["pandoc", f"--track-changes={mode}", "-t", to, str(path)],
                              check=True, capture_output=True, text=True).stdout

    accepted, rejected = pandoc("accept", "plain"), pandoc("reject", "plain")
    for name in ("_bg1", "_bg3", "_bg5"):
        assert " ".join(accepted_text(found.marks[name], ACCEPT_ALL).split()) in \
            " ".join(accepted.split())
        assert " ".join(accepted_text(found.marks[name], REJECT_ALL).split()) in \
            " ".join(rejected.split())
    spans = []  # (class, author, text) of each insertion and deletion pandoc reports

    def visit(node):
        if isinstance(node, dict):
            if node.get("t") == "Span":
                (_, classes, attrs), inlines = node["c"]
                for kind in {"insertion", "deletion"} & set(classes):
                    spans.append((kind, dict(attrs)["author"], pandoc_text(inlines)))
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(json.loads(pandoc("all", "json"))["blocks"])
    assert ("insertion", ADA, "quickly") in spans
    assert ("deletion", BEN, "and grew steadily") in spans
    ours = {(c.kind, c.author, s.text.strip()) for s in found.marks["_bg1"]
            for c in [s.change] if c}
    assert ours == {("insert", ADA, "quickly"), ("delete", BEN, "and grew steadily")}


def pandoc_text(inlines: list) -> str:
    """The plain text of pandoc JSON inlines (words and spaces)."""
    return "".join(i["c"] if i["t"] == "Str" else " " if i["t"] == "Space" else ""
                   for i in inlines).strip()


def test_libreoffice_keeps_marks_changes_and_provenance(tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer")
    edit = Edit(saved(base_document(provenance=True)))
    edit.replace_marked("_bg1", paragraph(
        start("_bg1", 1), run("Relations "), change("ins", ADA, 11, run("quickly ")),
        run("improved after 2001 and grew steadily."), end(1)))
    source = tmp_path / "in" / "brief.docx"
    source.parent.mkdir()
    source.write_bytes(edit.save())
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--headless", "--convert-to", "docx", "--outdir", str(tmp_path / "out"),
                    str(source)], check=True, capture_output=True, timeout=180)
    data = (tmp_path / "out" / "brief.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert "customXml/briefgen1.xml" not in package.namelist()  # renamed item<n>.xml
    found = read_edited(data)
    assert found.provenance is not None
    assert etree.tostring(etree.fromstring(found.provenance), method="c14n") == \
        etree.tostring(etree.fromstring(PROVENANCE), method="c14n")
    texts = {name: accepted_text(s, REJECT_ALL) for name, s in found.marks.items()}
    assert texts == TEXTS
    inserted = [s for s in found.marks["_bg1"] if s.change is not None]
    assert [(s.text, s.change.kind, s.change.author) for s in inserted] == [
        ("quickly ", "insert", ADA)]
    # LibreOffice numbers the footnotes anew: the note is found through its reference.
    [note] = [s.note for s in found.marks["_bg2"] if s.note]
    assert accepted_text(found.footnotes[note], ACCEPT_ALL) == " Khan, Evolving Nature."


# --- Bad files ----------------------------------------------------------------------------

def zipped(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return out.getvalue()


LAUGHS = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
          f'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document {NS}><w:body><w:p><w:r>'
          f'<w:t>&b;</w:t></w:r></w:p></w:body></w:document>').encode()


@pytest.mark.parametrize(("data", "message"), [
    (b"PK\x03\x04 a truncated zip", "not a zip file, as a .docx is"),
    (b"A plain text file.", "not a zip file, as a .docx is"),
    (zipped({"notes/readme.txt": b"hello"}), "the zip has no word/document.xml"),
    (zipped({"word/document.xml": b"<w:document"}), "part word/document.xml is not well-formed"),
    (zipped({"word/document.xml": LAUGHS}), "part word/document.xml declares a DTD"),
])
def test_a_bad_file_is_a_usage_error_naming_the_problem(data, message):
    with pytest.raises(UsageError) as error:
        read_edited(data, name="EDITED.docx")
    assert str(error.value).startswith("EDITED.docx: ")
    assert message in str(error.value)
    assert "reads a .docx file" in str(error.value)
