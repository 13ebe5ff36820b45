"""Shortcodes `{{< name arg key="value" >}}`: found on lines of their own outside code.

A shortcode is replaced in the Markdown source by a placeholder block; the render stage turns
the placeholder into HTML with the theme's or the site's `shortcodes/NAME.html` template.
"""

from __future__ import annotations

import html
import re
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from nichesite.errors import Problem, error

_NAME = re.compile(r"[A-Za-z][\w-]*")
_TOKEN = re.compile(r'([A-Za-z_][\w-]*)=(?:"([^"]*)"|(\S+))|"([^"]*)"|(\S+)')
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BACKTICKS = re.compile(r"`+")
PLACEHOLDER = '<div data-nichesite-shortcode="{index}"></div>'
PLACEHOLDER_RE = re.compile(r'<div data-nichesite-shortcode="(\d+)"></div>')


@dataclass(frozen=True, slots=True)
class Shortcode:
    """One shortcode call in an article, with the line it is on."""

    name: str
    args: tuple[str, ...]
    kwargs: Mapping[str, str]
    line: int


@dataclass(frozen=True, slots=True)
class ShortcodeRules:
    """What a shortcode may name: templates that exist, catalog ids, ad placements."""

    templates: frozenset[str]
    product_ids: frozenset[str] = frozenset()
    reported_products: frozenset[str] | None = frozenset()  # ids with errors of their own; None: the whole catalog
    ad_placements: frozenset[str] = frozenset()
    ads_enabled: bool = False
    all_placements: tuple[str, ...] = ()
    options: tuple[tuple[str, tuple[str, ...] | None], ...] = ()  # name → the key="value" options its template reads
    author_ids: frozenset[str] | None = frozenset()  # what front matter's `author:` may name; None: anything (authors.yaml unreadable)
    survey: str = ""  # where {{< survey >}} answers go: "form" (an endpoint), "link" (a hosted form), "" nowhere
    extra: Mapping[str, object] = field(default_factory=dict)

    def unknown_product(self, product_id: str) -> bool:
        """An id to report as unknown: not in the catalog, and not one whose own entry (or the
        catalog file) already has an error, which would only repeat that error."""
        if product_id in self.product_ids or self.reported_products is None:
            return False
        return product_id not in self.reported_products


def extract(body: str, first_line: int) -> tuple[str, list[Shortcode], list[tuple[int, str]]]:
    """Replace own-line shortcodes outside fenced code with placeholders.

    Returns the new Markdown text, the shortcodes in order, and (line, text) pairs of lines
    that hold a shortcode that is not on a line of its own (they stay literal text)."""
    out: list[str] = []
    found: list[Shortcode] = []
    inline: list[tuple[int, str]] = []
    for offset, line, in_code in fenced_lines(body):
        lineno = first_line + offset
        if in_code:
            out.append(line)
            continue
        inner = _own_line_call(line)
        if inner is not None:
            found.append(_parse_call(inner, lineno))
            out.extend(["", PLACEHOLDER.format(index=len(found) - 1), ""])
            continue
        if "{{<" in line and "{{<" in _without_code_spans(line):
            inline.append((lineno, line.strip()))
        out.append(line)
    return "\n".join(out), found, inline


def fenced_lines(body: str) -> Iterator[tuple[int, str, bool]]:
    """(offset, line, whether it belongs to a fenced code block: a fence line or inside one) for
    each line of a Markdown body. A fence is three or more backticks or tildes after up to three
    spaces; it is closed by a run of the same character, at least as long, with nothing after."""
    fence: str | None = None
    for offset, line in enumerate(body.split("\n")):
        match = _FENCE.match(line)
        if fence is not None:
            closing = match and not line[match.end() :].strip()  # a closing fence has no info string
            if closing and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            yield offset, line, True
        elif match:
            fence = match.group(1)
            yield offset, line, True
        else:
            yield offset, line, False


def _own_line_call(line: str) -> str | None:
    """What is between `{{<` and `>}}` when they fill the line (up to three spaces before,
    any whitespace after), stripped; None otherwise. String tests rather than a regular
    expression: the one this replaced backtracked cubically on `{{<` and thousands of spaces."""
    text = line.rstrip()
    indent = len(text) - len(text.lstrip(" "))
    if indent > 3 or not text.startswith("{{<", indent) or not text.endswith(">}}") or len(text) - indent < 6:
        return None
    return text[indent + 3 : -3].strip()


def _without_code_spans(line: str) -> str:
    """The line without its inline code spans: a run of backticks up to the next run of the
    same length (CommonMark); a run that no such run follows is text. One pass over the runs."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(line)]
    later: dict[int, deque[int]] = {}  # run length → indexes of the runs of that length
    for index, (start, end) in enumerate(runs):
        later.setdefault(end - start, deque()).append(index)
    kept, position, index = [], 0, 0
    while index < len(runs):
        start, end = runs[index]
        same = later[end - start]
        while same and same[0] <= index:
            same.popleft()
        if not same:
            index += 1
            continue
        closing = same.popleft()
        kept.append(line[position:start])
        position = runs[closing][1]
        index = closing + 1
    kept.append(line[position:])
    return "".join(kept)


def _parse_call(inner: str, line: int) -> Shortcode:
    args: list[str] = []
    kwargs: dict[str, str] = {}
    tokens = _TOKEN.findall(inner)
    name = ""
    for key, kq, kv, quoted, bare in tokens:
        if not name and not key and not quoted:
            name = bare
        elif key:
            kwargs[key] = kq if kq or not kv else kv
        else:
            args.append(quoted if quoted or not bare else bare)
    return Shortcode(name, tuple(args), kwargs, line)


def validate(calls: list[Shortcode], rules: ShortcodeRules, path: str) -> list[Problem]:
    """Errors for unknown shortcodes, unknown products and wrong ad placements."""
    problems: list[Problem] = []
    for call in calls:
        if not _NAME.fullmatch(call.name or ""):
            problems.append(error(path, call.line, f"malformed shortcode {{{{< {call.name} >}}}}"))
            continue
        if call.name not in rules.templates:
            known = ", ".join(sorted(rules.templates)) or "none"
            problems.append(
                error(
                    path,
                    call.line,
                    f"unknown shortcode '{call.name}' (known: {known}; a site's own go in templates/shortcodes/{call.name}.html)",
                )
            )
            continue
        problems.extend(_unknown_options(call, rules, path))
        if call.name == "product":
            if len(call.args) != 1:
                problems.append(error(path, call.line, "product takes one product id: {{< product ID >}}"))
        elif call.name == "compare":
            if len(call.args) < 2:
                problems.append(error(path, call.line, "compare takes two or more product ids: {{< compare ID ID >}}"))
        elif call.name == "ad":
            problems.extend(_validate_ad(call, rules, path))
            continue
        elif call.name == "survey":
            problems.extend(_validate_survey(call, rules, path))
            continue
        elif call.name == "privacy_services":
            if call.args:
                problems.append(error(path, call.line, "privacy_services takes no arguments: {{< privacy_services >}}"))
            continue
        else:
            continue
        for product_id in call.args:
            if rules.unknown_product(product_id):
                problems.append(error(path, call.line, f"unknown product '{product_id}' (not in data/products.yaml)", "unknown-product"))
    return problems


def _unknown_options(call: Shortcode, rules: ShortcodeRules, path: str) -> list[Problem]:
    """An error for `key="value"` options the shortcode's template never reads: they would be
    ignored without a word."""
    known = dict(rules.options).get(call.name, None) if rules.options else None
    if known is None:
        return []
    unknown = [key for key in call.kwargs if key not in known]
    if not unknown:
        return []
    names = ", ".join(f"'{key}'" for key in unknown)
    takes = f"it takes {', '.join(known)}" if known else 'it takes no key="value" options'
    return [error(path, call.line, f"{call.name} has no option {names} ({takes})", "unknown-option")]


def _validate_ad(call: Shortcode, rules: ShortcodeRules, path: str) -> list[Problem]:
    if len(call.args) > 1:
        return [error(path, call.line, "ad takes at most one placement name: {{< ad [PLACEMENT] >}}")]
    if not call.args:
        return []
    name = call.args[0]
    if name not in rules.all_placements:
        return [error(path, call.line, f"unknown ad placement '{name}' (use one of {', '.join(rules.all_placements)})")]
    if rules.ads_enabled and name not in rules.ad_placements:
        return [error(path, call.line, f"ad placement '{name}' has no slot in site.yaml ads.placements")]
    return []


def _validate_survey(call: Shortcode, rules: ShortcodeRules, path: str) -> list[Problem]:
    if len(call.args) > 1:
        return [error(path, call.line, 'survey takes at most one question, in quotes: {{< survey "Which tank do you keep?" >}}')]
    if not rules.survey:
        return [error(path, call.line, "survey needs an address for the answers: set survey: (or questions:) in site.yaml")]
    choices = call.kwargs.get("choices")
    if choices is None:
        return []
    if rules.survey != "form":
        message = "choices need a form endpoint (survey: {action: ...} in site.yaml); a hosted form page asks its own questions"
        return [error(path, call.line, message)]
    items = [c.strip() for c in choices.split("|")]
    if len(items) < 2 or not all(items):
        return [error(path, call.line, 'choices are two or more answers separated by |: choices="Nano|Medium|Large"')]
    return []


def unexpanded(candidates: list[tuple[int, str]], body_html: str, path: str) -> list[Problem]:
    """An error for each shortcode `extract` left in the text (in a list item, a quote, a
    paragraph) that the rendered HTML shows outside code: it would be published as text.
    `candidates` are extract's (line, text) pairs; one shown in code is left alone."""
    if not candidates:
        return []
    shown = _outside_code(body_html)
    problems = []
    for line, text in candidates:
        snippets = [html.escape(text[m : m + 40].split(">}}", 1)[0], quote=False) for m in _starts(text, "{{<")]
        if any(snippet in shown for snippet in snippets):
            problems.append(
                error(
                    path,
                    line,
                    "this shortcode would be published as text: a shortcode works only on a line of its own, "
                    "not indented and outside lists, quotes and paragraphs (put it in `backticks` to show it as code)",
                    "unexpanded-shortcode",
                )
            )
    return problems


def _starts(text: str, needle: str) -> list[int]:
    found, position = [], text.find(needle)
    while position >= 0:
        found.append(position)
        position = text.find(needle, position + 1)
    return found


def _outside_code(fragment: str) -> str:
    """The HTML without its `<pre>` and `<code>` elements, in one pass (an unclosed one runs to
    the end): what a reader sees as text rather than as code."""
    kept, position = [], 0
    while True:
        start = min((i for i in (fragment.find("<pre", position), fragment.find("<code", position)) if i >= 0), default=-1)
        if start < 0:
            kept.append(fragment[position:])
            return "".join(kept)
        kept.append(fragment[position:start])
        tag = "</pre>" if fragment.startswith("<pre", start) else "</code>"
        end = fragment.find(tag, start)
        if end < 0:
            return "".join(kept)
        position = end + len(tag)
