"""Readers' questions and surveys: where their words go (`questions:`, `survey:` and `helpful:`
in site.yaml), as the theme shows them, with no script.

Each address is a form service the author already uses: a hosted form page gets a plain link
(Google Forms, Tally, Typeform), a form endpoint gets a plain `<form>` that posts to it
(Formspree, Getform, Basin), with the article's address and title in hidden fields. "Was this
helpful?" is two links to one address, the page and the answer in its query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from nichesite.schema import Field
from nichesite.urls import https_problem

_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.:-]*")
# Names the theme's forms fill in themselves: a service's extra field may not take one.
FORM_FIELDS = ("form", "page", "title", "question", "email", "survey", "answer", "comment")


def _check_https(value: str) -> str | None:
    return https_problem(value.strip())


def _check_method(value: str) -> str | None:
    return None if value in ("post", "get") else f"expected post or get, got {value!r}"


def _check_fields(values: Mapping[str, Any]) -> str | None:
    for key, value in values.items():
        if not isinstance(key, str) or not _FIELD_NAME.fullmatch(key):
            return f"a field name is letters, digits, '_', '.', ':' or '-', got {key!r}"
        if key in FORM_FIELDS:
            return f"'{key}' is a field the form fills in itself; name the service's field differently"
        if isinstance(value, (dict, list)) or value is None:
            return f"'{key}' must be text, such as an access key"
    return None


def _check_form(values: Mapping[str, Any]) -> str | None:
    if bool(values["url"]) == bool(values["action"]):
        return "set either url (a hosted form page, shown as a link) or action (a form endpoint the form posts to)"
    if values["url"] and (values["method"] != "post" or values["fields"]):
        return "method and fields go with action (a form endpoint), not with url (a page the block links to)"
    return None


def _check_parameter(value: str) -> str | None:
    return None if _FIELD_NAME.fullmatch(value) else f"expected a query parameter name such as page or entry.1234, got {value!r}"


_FORM = {
    "url": Field("str", default="", check=_check_https),
    "action": Field("str", default="", check=_check_https),
    "method": Field("str", default="post", check=_check_method),
    "fields": Field("any_map", default=None, check=_check_fields),
}
FORM_FIELD = Field("map", schema=_FORM, check=_check_form)
HELPFUL_FIELD = Field(
    "map",
    schema={
        "url": Field("str", required=True, check=_check_https),
        "page": Field("str", default="page", check=_check_parameter),
        "answer": Field("str", default="answer", check=_check_parameter),
    },
)


@dataclass(frozen=True, slots=True)
class FormAddress:
    """Where readers' questions or answers go: a hosted form page the theme links to, or a
    form endpoint its `<form>` posts to (with any hidden fields the service asks for)."""

    url: str
    is_form: bool
    method: str = "post"
    fields: tuple[tuple[str, str], ...] = ()

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").removeprefix("www.")


@dataclass(frozen=True, slots=True)
class Helpful:
    """`helpful:`: "Was this helpful?" links to `url` with the page and the answer in its query."""

    url: str
    page: str = "page"
    answer: str = "answer"

    def link(self, page_url: str, answer: str) -> str:
        """The address of one answer: `url?page=<the page's address>&answer=yes`."""
        query = f"{quote(self.page)}={quote(page_url, safe='')}&{quote(self.answer)}={quote(answer, safe='')}"
        base, _, fragment = self.url.partition("#")
        joined = f"{base}{'&' if '?' in base else '?'}{query}" if not base.endswith(("?", "&")) else base + query
        return f"{joined}#{fragment}" if fragment else joined

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").removeprefix("www.")


@dataclass(frozen=True, slots=True)
class ReaderForms:
    """What templates get as `site.readers`: the configured addresses, each None when unset."""

    questions: FormAddress | None = None
    survey: FormAddress | None = None  # `survey:`, else the questions address
    helpful: Helpful | None = None

    @property
    def hosts(self) -> tuple[str, ...]:
        """The services that receive what readers send, in a fixed order, each once."""
        found = [x.host for x in (self.questions, self.survey, self.helpful) if x is not None]
        return tuple(dict.fromkeys(found))

    @property
    def survey_kind(self) -> str:
        """ "form", "link", or "" when `{{< survey >}}` has nowhere to send answers."""
        return "" if self.survey is None else "form" if self.survey.is_form else "link"


def form_address(values: Mapping[str, Any] | None) -> FormAddress | None:
    """A validated `questions:` or `survey:` mapping as a FormAddress."""
    if not values or not (values["url"] or values["action"]):
        return None
    if values["url"]:
        return FormAddress(values["url"].strip(), False)
    given = values["fields"] or {}
    raw = getattr(given, "raw", {})  # the text as typed: an access key `0123` stays 0123
    fields = tuple(sorted((str(k), raw[k] if isinstance(raw.get(k), str) else str(v)) for k, v in given.items()))
    return FormAddress(values["action"].strip(), True, values["method"], fields)


def reader_forms(questions: Any, survey: Any, helpful: Any) -> ReaderForms:
    """The site's ReaderForms from the validated `questions:`, `survey:` and `helpful:` values."""
    asked = form_address(questions)
    surveyed = form_address(survey) or asked
    answers = Helpful(helpful["url"].strip(), helpful["page"], helpful["answer"]) if helpful and helpful["url"] else None
    return ReaderForms(asked, surveyed, answers)
