"""The PDF's rights and identifier: XMP fields WeasyPrint keeps but does not write."""

from __future__ import annotations

__all__ = ["with_rights"]


def with_rights(metadata):  # noqa: ANN001, ANN202
    """Return metadata that also writes the page's rights and identifier to the XMP packet.

    WeasyPrint writes the title, authors, description and keywords to XMP and keeps any
    other <meta name> of the page in metadata.custom, unwritten. The page's
    "dcterms.rights" and "dcterms.identifier" (blocks/head_meta.html) become dc:rights
    (with xmpRights:Marked, the rights being stated) and dc:identifier, in the same
    rdf:RDF. See https://github.com/adobe/xmp-docs (XMP Part 2: dc and xmpRights).
    """
    from xml.etree.ElementTree import SubElement, fromstring, register_namespace, tostring

    from weasyprint.pdf.metadata import NS, DocumentMetadata

    rights = metadata.custom.get("dcterms.rights")
    identifier = metadata.custom.get("dcterms.identifier")
    if not rights and not identifier:
        return metadata
    xmp_rights = "http://ns.adobe.com/xap/1.0/rights/"
    register_namespace("xmpRights", xmp_rights)
    rdf, dc = NS["rdf"], NS["dc"]

    class WithRights(DocumentMetadata):
        def generate_rdf_metadata(self, variant, version, conformance):  # noqa: ANN001, ANN202
            root = fromstring(super().generate_rdf_metadata(variant, version, conformance))
            description = SubElement(root, f"{{{rdf}}}Description", {f"{{{rdf}}}about": ""})
            if rights:
                alt = SubElement(SubElement(description, f"{{{dc}}}rights"), f"{{{rdf}}}Alt")
                SubElement(alt, f"{{{rdf}}}li", {"xml:lang": "x-default"}).text = rights
                SubElement(description, f"{{{xmp_rights}}}Marked").text = "True"
            if identifier:
                SubElement(description, f"{{{dc}}}identifier").text = identifier
            return tostring(root, encoding="utf-8")

    return WithRights(**vars(metadata))
