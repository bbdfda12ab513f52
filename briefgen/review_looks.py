"""Bold, italic and links in a Word file people edited, against the paragraph as built.

The Word file sets emphasis as each run's own bold and italic (`*text*` is italic,
`**text**` bold; review_segments.looks gives one letter per character, a capital in a
link). Words an editor put in with a look their neighbours do not have go into the
field's Markdown as emphasis: the edited text carries marks around them (EMPHASIS)
through review_text.carry, and `emphasise` turns the marks into asterisks. Words that
stayed but changed their look (bold, italic, a link), links put on new words, and new
emphasis in a field that is plain text cannot be written back and are named (`restyled`,
review_fields._looks), never dropped in silence.
"""

from __future__ import annotations

from .review_text import word_spans

__all__ = ["EMPHASIS", "emphasis", "emphasise", "marked", "restyled"]

# Around new emphasis in the edited text, on both sides: a mark and the Markdown it becomes.
# Non-characters: no Word file (XML) and no content file (loader.FORBIDDEN) holds them.
EMPHASIS = {"i": ("\ufffe", "*"), "b": ("\uffff", "**")}
HAS = {"i": "ixIX", "b": "bxBX"}  # the look letters that hold italic, bold
PLAIN = str.maketrans("LBIX", "-bix")  # a look letter out of its link
# What a changed look letter says of the words: each with the test of a change.
LOOKED = {"now in bold or italic, or no longer (*…*, **…**)":
          lambda a, b: a.translate(PLAIN) != b.translate(PLAIN),
          "now in a link, or no longer ([words](address))":
          lambda a, b: a.isupper() != b.isupper()}


def marked(built: str, edited: str, look: str) -> str:
    """edited with EMPHASIS marks around each stretch of new words that is italic (bold)
    where the text just outside it is not; built: the paragraph as built."""
    inserts: list[tuple[int, str]] = []  # (where, mark), applied from the end
    for tag, _, _, j1, j2 in word_spans(built, edited):
        if tag in ("insert", "replace"):
            for key, (mark, _) in EMPHASIS.items():
                for start, end in _stretches(edited, look, key, j1, j2):
                    inserts += [(end, mark), (start, mark)]
    for where, mark in sorted(inserts, key=lambda item: item[0], reverse=True):
        edited = edited[:where] + mark + edited[where:]
    return edited


def emphasise(text: str) -> str:
    """text with EMPHASIS marks made Markdown."""
    for mark, markup in EMPHASIS.values():
        text = text.replace(mark, markup)
    return text


def emphasis(text: str) -> list[str]:
    """The stretches of text (marked) set apart, in Markdown: ["*often*", "**and so**"]."""
    found = []
    for mark, markup in EMPHASIS.values():  # each stretch opens and closes with its mark
        found += [markup + part.replace("\ufffe", "").replace("\uffff", "") + markup
                  for part in text.split(mark)[1::2]]
    return found


def restyled(built: str, built_look: str, edited: str, look: str) -> list[str]:
    """What people did to the look of a paragraph that cannot come back: words that stayed
    but are set otherwise (made bold, no longer italic, put in a link or taken out of
    one), and new words in a link; each as a message."""
    found = []
    for tag, i1, _, j1, j2 in word_spans(built, edited):
        if tag != "equal":
            found += [f"a link was put on “{words}”: review cannot bring a link back; make "
                      "it in the YAML by hand ([words](address))"
                      for words in _words(edited, [j for j in range(j1, j2)
                                                   if look[j].isupper()])]
            continue
        for what, differ in LOOKED.items():
            found += [f"“{words}”: {what}; make it so in the YAML by hand"
                      for words in _words(edited, [j for j in range(j1, j2)
                                                   if differ(look[j], built_look[i1 + j - j1])])]
    return found


def _words(text: str, letters: list[int]) -> list[str]:
    """The stretches of text the letters at these places make, spaces between them kept
    and spaces at their ends left out."""
    groups: list[list[int]] = []
    for j in (j for j in letters if not text[j].isspace()):
        if groups and not text[groups[-1][-1] + 1:j].strip():
            groups[-1].append(j)
        else:
            groups.append([j])
    return [text[g[0]:g[-1] + 1] for g in groups]


def _stretches(text: str, look: str, key: str, start: int, end: int) -> list[tuple[int, int]]:
    """The stretches of text[start:end] set in key's look (spaces at their ends left out)
    whose neighbours outside them are not."""
    out, at = [], start
    while at < end:
        if look[at] not in HAS[key] or text[at].isspace():
            at += 1
            continue
        stop = at
        while stop < end and look[stop] in HAS[key]:
            stop += 1
        inner = stop
        while text[inner - 1].isspace():
            inner -= 1
        before = at > 0 and look[at - 1] in HAS[key] and not text[at - 1].isspace()
        after = stop < len(text) and look[stop] in HAS[key]
        if not before and not after:
            out.append((at, inner))
        at = stop
    return out
