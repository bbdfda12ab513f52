"""Who made a document, how it is published, and the works it cites: models for `meta`,
`references` and a review's `book`.

Split from models.py, which re-exports every name here; the rules of models.py apply
(every model forbids unknown keys; descriptions feed `briefgen schema`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

__all__ = ["Author", "Book", "Date", "Licence", "Meta", "Model", "Organisation", "Reference",
           "ReferenceId", "TranslationOf"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=False)


def _not_a_timestamp(value: Any) -> Any:
    """Refuse a number where a date is due: Pydantic would read 0 as 1970-01-01."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(f"expected a date such as 2025-12-21, found the number {value!r}")
    return value


Date = Annotated[dt.date, BeforeValidator(_not_a_timestamp)]
ReferenceId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_:.\-]*$",
                                   description="A reference id as used in [@id].")]
Doi = Annotated[str, Field(pattern=r"^10\.\d{4,9}/\S+$",
                           description="A DOI without its https://doi.org/ prefix.")]


class Author(Model):
    name: str = Field(description="Full name as printed.")
    affiliation: str | None = Field(None, description="Institution or role.")
    email: str | None = Field(None, description="Contact address, printed after the bio.")
    bio: str | None = Field(None, description="One or two sentences for 'About the authors'.")


class Organisation(Model):
    name: str = Field(description="Publishing organisation.")
    url: str | None = Field(None, description="Web address, printed in the colophon.")
    logo: str | None = Field(None, description="PNG or JPEG logo, relative to this file.")
    address: str | None = Field(None, description="Postal address, printed in the colophon.")
    email: str | None = Field(None, description="Contact address, printed in the colophon.")
    about: str | None = Field(None, description="A few sentences on who publishes this.")


class Licence(Model):
    name: str = Field(description="Short name, e.g. 'CC BY 4.0'.")
    url: str | None = Field(None, description="Where the licence text is.")


class TranslationOf(Model):
    file: str = Field(description="The source file this translates, relative to this file.")
    checked: str | None = Field(
        None, pattern=r"^[0-9a-f]{12}$",
        description="The source's digest when the translation was last checked against it; "
                    "`briefgen validate` prints the current one.")


def _file_only(value: Any) -> Any:
    """`translation_of: brief.yaml` is short for `translation_of: {file: brief.yaml}`."""
    return {"file": value} if isinstance(value, str) else value


class Meta(Model):
    title: str = Field(description="The document title.")
    subtitle: str | None = None
    series: str | None = Field(None, description="The series the document belongs to.")
    number: str | None = Field(None, description="Number within the series, e.g. '2025/07'.")
    date: Date = Field(description="Publication date, ISO format (2025-12-21).")
    data_as_of: Date | None = Field(
        None, description="Date of the latest data the document uses, printed as 'Data as of'.")
    language: str = Field("en", pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
                          description="BCP 47 language tag; sets hyphenation and labels.")
    status: Literal["draft", "final"] = Field("final", description="'draft' adds a DRAFT mark.")
    authors: list[Author] = Field(min_length=1, description="At least one author.")
    organisation: Organisation | None = None
    keywords: list[str] = Field(default_factory=list)
    url: str | None = Field(None, description="Where this publication is online.")
    isbn: str | None = Field(None, pattern=r"^(97[89][- ]?)?[0-9][0-9 -]{7,15}[0-9Xx]$")
    doi: Doi | None = None
    licence: Licence | None = None
    translation_of: Annotated[TranslationOf | None, BeforeValidator(_file_only)] = Field(
        None, description="The file this document translates, checked against it by validate.")


class Reference(Model):
    id: ReferenceId
    type: Literal["article", "book", "chapter", "report", "news", "web"]
    authors: list[str] = Field(default_factory=list,
                               description="'Family, Given' or an organisation.")
    editors: list[str] = Field(default_factory=list)
    translators: list[str] = Field(default_factory=list,
                                   description="'Family, Given', printed 'Translated by …'.")
    title: str
    short_title: str | None = Field(
        None, description="Shortened title for notes, when the automatic one reads badly.")
    container: str | None = Field(None, description="Journal, newspaper or book title.")
    publisher: str | None = None
    place: str | None = Field(None, description="Place of publication.")
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    date: Annotated[int, Field(ge=1, le=9999)] | Date | None = Field(
        None, description="Year or ISO date.")
    url: str | None = None
    doi: Doi | None = None
    accessed: Date | None = None
    note: str | None = Field(None, description="Printed at the end of the entry.")
    comment: str | None = Field(
        None, description="An internal remark for editors: validated, never printed.")


BookField = Literal["title", "subtitle", "editors", "authors", "publisher", "place", "year",
                    "isbn", "pages"]


class Book(Model):
    """The book under review."""

    title: str
    subtitle: str | None = None
    editors: list[str] = Field(default_factory=list, description="'Family, Given' each.")
    authors: list[str] = Field(default_factory=list, description="'Family, Given' each.")
    publisher: str | None = Field(None, description="Left out when the sources do not name it.")
    place: str | None = Field(None, description="Place of publication.")
    year: int | None = Field(None, ge=1450, le=2999)
    isbn: str | None = Field(None, pattern=r"^(97[89][- ]?)?[0-9][0-9 -]{7,15}[0-9Xx]$")
    pages: int | None = Field(None, gt=0, description="Number of pages.")
    unconfirmed: list[BookField] = Field(
        default_factory=list, description="Fields given here that the sources do not confirm; "
                                          "the book card marks them.")

    @model_validator(mode="after")
    def _someone_wrote_it(self) -> Book:
        if not self.editors and not self.authors:
            raise ValueError("a book needs 'authors' or 'editors'")
        return self
