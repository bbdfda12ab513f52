"""Edit a DOCX briefgen built as Word writes edits: raw WordprocessingML, by mark.

Used by test_review.py. A change goes into the runs of the paragraph a mark (`_bg<n>`)
holds: tracked (w:ins, w:del with author and date), or untracked (the w:t retyped); a
comment is a range around words with a comments.xml part (and commentsExtended.xml for a
reply); paragraphs can be added, deleted or moved, as an editor does.
"""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
DATE = "2026-11-30T10:00:00Z"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class WordEdits:
    """A DOCX's parts in memory, edited as Word would, then zipped again."""

    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as package:
            self.parts = {name: package.read(name) for name in package.namelist()}
        self.document = etree.fromstring(self.parts["word/document.xml"])
        self.ids = 9000  # change and comment ids of our own
        self.comments: list[etree._Element] = []
        self.extended: list[tuple[str, str | None]] = []

    def paragraph(self, mark: str) -> etree._Element:
        """The paragraph holding mark."""
        for start in self.document.iter(w("bookmarkStart")):
            if start.get(w("name")) == mark:
                return start.getparent()
        raise KeyError(mark)

    def _next(self) -> str:
        self.ids += 1
        return str(self.ids)

    def _split(self, mark: str, words: str) -> tuple[etree._Element, etree._Element]:
        """Cut the run holding words into three; return the run of words and its parent."""
        for run in self.paragraph(mark).iter(w("r")):
            text = run.find(w("t"))
            if text is None or not text.text or words not in text.text:
                continue
            before, after = text.text.split(words, 1)
            pieces = []
            for piece in (before, words, after):
                new = copy.deepcopy(run)
                new.find(w("t")).text = piece
                new.find(w("t")).set(XML_SPACE, "preserve")
                pieces.append(new)
            parent = run.getparent()
            at = parent.index(run)
            parent.remove(run)
            for offset, piece in enumerate(p for p in pieces if p.find(w("t")).text):
                parent.insert(at + offset, piece)
            middle = next(p for p in pieces if p.find(w("t")).text == words)
            return middle, parent
        raise KeyError(f"{words!r} is not in one run of {mark}")

    def retype(self, mark: str, old: str, new: str) -> None:
        """Change words without tracking, as with track changes off."""
        run, _ = self._split(mark, old)
        run.find(w("t")).text = new

    def replace(self, mark: str, old: str, new: str, author: str = "Ada Editor") -> None:
        """Replace words with tracking on: a w:del of the old, a w:ins of the new."""
        run, parent = self._split(mark, old)
        deleted = self._tracked("del", author, run)
        text = run.find(w("t"))
        text.tag = w("delText")
        if new:
            inserted = copy.deepcopy(run)
            inserted.find(w("delText")).tag = w("t")
            inserted.find(w("t")).text = new
            deleted.addnext(inserted)
            self._tracked("ins", author, inserted)

    def insert(self, mark: str, after: str, new: str, author: str = "Ada Editor",
               look: str = "") -> None:
        """Insert new (with its spaces) after the words after, with tracking on; look:
        "b", "i" or "bi" sets it in bold, italic or both."""
        run, _ = self._split(mark, after)
        added = copy.deepcopy(run)
        added.find(w("t")).text = new
        run.addnext(added)
        self.restyle_run(added, look)
        self._tracked("ins", author, added)

    def link(self, mark: str, words: str, anchor: str = "b_sources") -> None:
        """Put words in a link (to a bookmark), as Insert > Link does, tracking off."""
        run, _ = self._split(mark, words)
        link = etree.Element(w("hyperlink"))
        link.set(w("anchor"), anchor)
        run.addprevious(link)
        link.append(run)

    def unlink(self, mark: str, words: str) -> None:
        """Take the link off words (Remove Link): the runs stay, the w:hyperlink goes."""
        for link in self.paragraph(mark).iter(w("hyperlink")):
            if words in "".join(t.text or "" for t in link.iter(w("t"))):
                for child in list(link):
                    link.addprevious(child)
                link.getparent().remove(link)
                return
        raise KeyError(f"no link on {words!r} in {mark}")

    def restyle(self, mark: str, words: str, look: str) -> None:
        """Set words in bold ("b"), italic ("i"), both or neither (""), tracking off."""
        self.restyle_run(self._split(mark, words)[0], look)

    def restyle_run(self, run: etree._Element, look: str) -> None:
        """Give run look as its own formatting, in Word's order (rPr first, b before i)."""
        properties = run.find(w("rPr"))
        if properties is None:
            properties = etree.Element(w("rPr"))
            run.insert(0, properties)
        for key in "bi":
            for old in properties.findall(w(key)):
                properties.remove(old)
        for key in reversed("bi"):
            if key in look:
                properties.insert(0, etree.Element(w(key)))

    def move(self, mark: str, words: str, before: str, to_mark: str | None = None,
             author: str = "Ada Editor") -> None:
        """Move words, with tracking on, to stand before the words before (in to_mark's
        paragraph, or mark's): a w:moveFrom and a w:moveTo in their named ranges, as Word
        writes a cut and paste of a phrase."""
        run, _ = self._split(mark, words)
        there, _ = self._split(to_mark or mark, before)
        moved = copy.deepcopy(run)
        there.addprevious(moved)
        name = f"move{self._next()}"
        for kind, piece in (("moveFrom", run), ("moveTo", moved)):
            wrapper = self._tracked(kind, author, piece)
            ident = self._next()
            start = self._range(f"{kind}RangeStart", ident)
            start.set(w("author"), author)
            start.set(w("date"), DATE)
            start.set(w("name"), name)
            wrapper.addprevious(start)
            wrapper.addnext(self._range(f"{kind}RangeEnd", ident))
        run.find(w("t")).tag = w("delText")

    def _tracked(self, kind: str, author: str, run: etree._Element) -> etree._Element:
        """Wrap run in a w:ins, w:del, w:moveFrom or w:moveTo by author."""
        wrapper = etree.Element(w(kind))
        wrapper.set(w("id"), self._next())
        wrapper.set(w("author"), author)
        wrapper.set(w("date"), DATE)
        run.addprevious(wrapper)
        wrapper.append(run)
        return wrapper

    def comment(self, mark: str, words: str, text: str, author: str = "Ada Editor",
                reply: tuple[str, str] | None = None) -> None:
        """Comment on words of mark's paragraph; reply: (author, text) of an answer."""
        run, _ = self._split(mark, words)
        ident, para = self._comment(author, text, None)
        run.addprevious(self._range("commentRangeStart", ident))
        run.addnext(self._range("commentRangeEnd", ident))
        anchors = [ident]
        if reply:
            answer, _ = self._comment(reply[0], reply[1], para)
            run.addprevious(self._range("commentRangeStart", answer))
            run.addnext(self._range("commentRangeEnd", answer))
            anchors.append(answer)
        last = run.getnext()
        while last.getnext() is not None and last.getnext().tag == w("commentRangeEnd"):
            last = last.getnext()
        for ident in reversed(anchors):
            reference = etree.Element(w("r"))
            etree.SubElement(reference, w("commentReference")).set(w("id"), ident)
            last.addnext(reference)

    def _range(self, tag: str, ident: str) -> etree._Element:
        element = etree.Element(w(tag))
        element.set(w("id"), ident)
        return element

    def _comment(self, author: str, text: str, parent: str | None) -> tuple[str, str]:
        ident = self._next()
        para_id = f"{int(ident):08X}"
        comment = etree.Element(w("comment"), nsmap={"w": W, "w14": W14})
        for name, value in (("id", ident), ("author", author), ("date", DATE),
                            ("initials", "".join(p[0] for p in author.split()))):
            comment.set(w(name), value)
        p = etree.SubElement(comment, w("p"))
        p.set(f"{{{W14}}}paraId", para_id)
        run = etree.SubElement(p, w("r"))
        etree.SubElement(run, w("t")).text = text
        self.comments.append(comment)
        self.extended.append((para_id, parent))
        return ident, para_id

    def add_paragraph(self, after_mark: str, text: str, author: str | None = None) -> None:
        """A new paragraph after mark's, in no mark; tracked if author is given."""
        anchor = self.paragraph(after_mark)
        p = etree.Element(w("p"))
        run = etree.SubElement(p, w("r"))
        etree.SubElement(run, w("t")).text = text
        if author:
            self._tracked("ins", author, run)
        anchor.addnext(p)

    def delete_paragraph(self, mark: str) -> None:
        """Delete a marked paragraph outright, mark and all (tracking off)."""
        p = self.paragraph(mark)
        p.getparent().remove(p)

    def move_after(self, mark: str, after_mark: str) -> None:
        """Move mark's paragraph after another's (cut and paste, tracking off)."""
        p = self.paragraph(mark)
        self.paragraph(after_mark).addnext(p)

    def save(self, path: Path) -> Path:
        """Write the edited DOCX to path."""
        parts = dict(self.parts)
        parts["word/document.xml"] = etree.tostring(self.document, xml_declaration=True,
                                                    encoding="UTF-8", standalone=True)
        if self.comments:
            self._comment_parts(parts)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
            for name, data in parts.items():
                package.writestr(name, data)
        path.write_bytes(out.getvalue())
        return path

    def _comment_parts(self, parts: dict[str, bytes]) -> None:
        comments = etree.Element(w("comments"), nsmap={"w": W, "w14": W14})
        comments.extend(self.comments)
        extended = etree.Element(f"{{{W15}}}commentsEx", nsmap={"w15": W15})
        for para_id, parent in self.extended:
            entry = etree.SubElement(extended, f"{{{W15}}}commentEx")
            entry.set(f"{{{W15}}}paraId", para_id)
            if parent:
                entry.set(f"{{{W15}}}paraIdParent", parent)
            entry.set(f"{{{W15}}}done", "0")
        parts["word/comments.xml"] = etree.tostring(comments)
        parts["word/commentsExtended.xml"] = etree.tostring(extended)
        types = etree.fromstring(parts["[Content_Types].xml"])
        rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
        base = "application/vnd.openxmlformats-officedocument.wordprocessingml."
        for name, kind, rel in (
                ("comments", base + "comments+xml", "http://schemas.openxmlformats.org/"
                 "officeDocument/2006/relationships/comments"),
                ("commentsExtended", base + "commentsExtended+xml",
                 "http://schemas.microsoft.com/office/2011/relationships/commentsExtended")):
            etree.SubElement(types, f"{{{types.nsmap[None]}}}Override",
                             PartName=f"/word/{name}.xml", ContentType=kind)
            etree.SubElement(rels, f"{{{rels.nsmap[None]}}}Relationship", Id=f"rIdReview{name}",
                             Type=rel, Target=f"{name}.xml")
        parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True,
                                                      encoding="UTF-8", standalone=True)
        parts["word/_rels/document.xml.rels"] = etree.tostring(
            rels, xml_declaration=True, encoding="UTF-8", standalone=True)


def runs_with_words(paragraph: etree._Element) -> list[etree._Element]:
    """The runs of a paragraph whose text has a word, outside any tracked change."""
    return [run for run in paragraph.iter(w("r"))
            if run.find(w("t")) is not None and any(c.isalnum() for c in run.find(w("t")).text
                                                    or "")
            and run.getparent().tag not in (w("ins"), w("del"))]
