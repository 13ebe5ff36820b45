"""data/authors.yaml: the people who write a site's articles, loaded and validated with lines.

Each author is keyed by an id that is also their page's URL (`/author/<id>/`); an article picks
one with `author: <id>` in its front matter, and `author: <id>` in site.yaml makes one the
author of every article that names none.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from nichesite.errors import Problem, Problems, error, warning
from nichesite.files import NAME_MAX
from nichesite.schema import Field, Validator
from nichesite.slugs import slugify
from nichesite.urls import site_path, unprefixed
from nichesite.yamlutil import load_data_mapping

if TYPE_CHECKING:
    from nichesite.imagefile import ImageInfo

AUTHORS_FILE = "data/authors.yaml"
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _check_photo(value: str) -> str | None:
    if not value.strip().startswith("//") and not urlsplit(value.strip()).scheme:
        return None
    return f"must be a site path such as /images/ana.jpg (an image in static/, served from your own site), got {value!r}"


def _check_links(values: tuple[str, ...]) -> str | None:
    for value in values:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value.strip()):
            return f"expected http:// or https:// addresses of the author's profiles, got {value!r}"
    return None


SCHEMA: dict[str, Field] = {
    "name": Field("str", required=True),
    "bio": Field("str", default=""),
    "photo": Field("str", default="", check=_check_photo),
    "credentials": Field("str", default=""),
    "links": Field("str_list", default=(), check=_check_links),
}


@dataclass(frozen=True, slots=True)
class AuthorProfile:
    """One author as data/authors.yaml describes them."""

    id: str  # also the slug of their page, /author/<id>/
    name: str
    bio: str = ""
    photo: str = ""  # a site path: /images/ana.jpg
    credentials: str = ""  # what makes them worth trusting, in a line: "Chef, 20 years of cast iron"
    links: tuple[str, ...] = ()  # their profiles elsewhere (schema.org sameAs)
    # For messages only: not part of any fingerprint.
    line: int = field(default=1, repr=False, compare=False)
    photo_line: int = field(default=1, repr=False, compare=False)

    @property
    def path(self) -> str:
        """Their page's URL path, without base_url's path."""
        return f"/author/{self.id}/"


@dataclass(frozen=True, slots=True)
class AuthorCatalog:
    """The authors that loaded; `broken` names those reported with errors at their line and
    `unreadable` says the file itself could not be read, so that an article naming one is not
    reported again as naming an unknown author (one mistake, one message)."""

    authors: Mapping[str, AuthorProfile]
    broken: frozenset[str] = frozenset()
    unreadable: bool = False

    def get(self, author_id: str) -> AuthorProfile | None:
        return self.authors.get(author_id)

    @property
    def known(self) -> frozenset[str] | None:
        """The ids a front matter's `author:` may name without an error: every id written in
        the file, its broken ones too (they have their own error); None when the file could
        not be read (every id may be in it)."""
        return None if self.unreadable else frozenset(self.authors) | self.broken


EMPTY_AUTHORS = AuthorCatalog(MappingProxyType({}))
UNREADABLE_AUTHORS = AuthorCatalog(MappingProxyType({}), unreadable=True)


def load_authors(site_dir: Path) -> tuple[AuthorCatalog, Problems]:
    """Read data/authors.yaml if the site has one; every problem names the author and line."""
    problems = Problems()
    expected = "a mapping of author ids to authors (ana: {name: Ana Petrova, ...})"
    data, usable = load_data_mapping(site_dir, AUTHORS_FILE, expected, problems)
    if data is None:
        return (EMPTY_AUTHORS if usable else UNREADABLE_AUTHORS), problems
    validator = Validator(AUTHORS_FILE, problems)
    authors: dict[str, AuthorProfile] = {}
    broken: set[str] = set()
    for key, record in data.items():
        line = data.line_of(key)
        author_id = str(key)
        if not _ID.fullmatch(author_id) or len(author_id) > NAME_MAX:
            hint = slugify(author_id)[:NAME_MAX] or "ana-petrova"
            problems.error(
                AUTHORS_FILE,
                line,
                f"author id '{author_id[:40]}' is also their page's URL (/author/<id>/): use lowercase letters, digits and"
                f" hyphens, for example '{hint}'",
            )
            broken.add(author_id)
            continue
        before = len(problems.errors)
        values = validator.mapping(record, SCHEMA, author_id, line)
        if len(problems.errors) > before or not values:
            broken.add(author_id)
            continue
        if not values["name"].strip():
            problems.error(AUTHORS_FILE, record.line_of("name"), f"{author_id}.name is empty")
            broken.add(author_id)
            continue
        authors[author_id] = AuthorProfile(
            id=author_id,
            name=values["name"].strip(),
            bio=" ".join(values["bio"].split()),
            photo=site_path(values["photo"].strip()),
            credentials=" ".join(values["credentials"].split()),
            links=tuple(dict.fromkeys(link.strip() for link in values["links"])),
            line=line,
            photo_line=record.line_of("photo"),
        )
    return AuthorCatalog(MappingProxyType(dict(sorted(authors.items()))), frozenset(broken)), problems


def unknown_author(author_id: str, known: frozenset[str]) -> str:
    """The message for an id that is not in data/authors.yaml, with a "did you mean"."""
    hint = difflib.get_close_matches(author_id, sorted(known), n=1)
    if hint:
        return f"unknown author '{author_id}' (did you mean '{hint[0]}'?)"
    if not known:
        return f"unknown author '{author_id}': the site has no {AUTHORS_FILE} to describe them"
    return f"unknown author '{author_id}' (not in {AUTHORS_FILE}, which has {', '.join(sorted(known))})"


def photo_problems(catalog: AuthorCatalog, images: Mapping[str, ImageInfo], outputs: set[str], base_path: str) -> list[Problem]:
    """An author's photo that is not among the site's images (a warning: the author box and
    page show no photo then), or cannot be read (an error), at the `photo:` line."""
    problems: list[Problem] = []
    for author in catalog.authors.values():
        if not author.photo:
            continue
        output = unquote(unprefixed(author.photo, base_path)).lstrip("/")
        info = images.get(output)
        if info is None:
            why = "not an image nichesite can size (JPEG, PNG, WebP, GIF or SVG)" if output in outputs else f"no static/{output}"
            problems.append(warning(AUTHORS_FILE, author.photo_line, f"{author.id}.photo {author.photo} not found: {why}", "missing-image"))
        elif info.error:
            problems.append(error(AUTHORS_FILE, author.photo_line, f"{author.id}.photo {author.photo} cannot be read: {info.error}"))
    return problems
