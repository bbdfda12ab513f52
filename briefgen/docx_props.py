"""Set a property of a Word paragraph or run in the place the schema gives it.

Word refuses a style or paragraph whose property elements stand out of order; python-docx
knows the order only for the elements it has an API for.
"""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn

__all__ = ["set_property"]

# The order of w:pPr's and w:rPr's children (ECMA-376 Part 1, 17.3.1.26 and 17.3.2.28):
# Word refuses a style whose elements stand out of it.
_PPR_ORDER = tuple("""pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr
    suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct
    topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind
    contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment
    textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange""".split())
_RPR_ORDER = tuple("""rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow
    emboss imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs
    highlight u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish
    oMath""".split())


def _qn(name: str) -> str:
    return qn(f"w:{name}")


def set_property(parent: Any, tag: str, **attrs: str) -> Any:
    """Replace parent's child tag (of a w:pPr or w:rPr) by one with attrs, in its place."""
    order = _RPR_ORDER if parent.tag == _qn("rPr") else _PPR_ORDER
    old = parent.find(_qn(tag))
    if old is not None:
        parent.remove(old)
    child = parent.makeelement(_qn(tag), {_qn(k): v for k, v in attrs.items()})
    later = {_qn(name) for name in order[order.index(tag) + 1:]}
    for index, sibling in enumerate(parent):
        if sibling.tag in later:
            parent.insert(index, child)
            break
    else:
        parent.append(child)
    return child
