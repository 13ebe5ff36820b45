"""Old URLs that answer: every URL the record (`urlrecord.py`) or an `aliases:` line names,
redirected in one hop to the page it became, or answered 410 when its author said it is gone.

Each old URL gets a line in `_redirects` (Netlify, Cloudflare Pages: the file also holds the
cloaked /go/ links of `affiliate.py`) and a redirect page at its own path for hosts that read
no such file (GitHub Pages): a meta refresh, `noindex`, and `canonical` at the new URL.

Which URL goes where, in order:

1. a URL that is a page of this build stays that page (the live page wins);
2. an `aliases:` line of a page redirects to that page;
3. a URL in the record under a published source redirects to that source's URL;
4. under a source that is not published, `redirect:` sends it on (through any chain, to the
   end, in one hop) and `gone: true` makes it 410; without either it is lost: a warning at
   its line until the author says which.

A redirect to itself, a loop, or a `redirect:` to no page of the site is an error at its line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote

from nichesite.config import SiteConfig
from nichesite.content import Entry
from nichesite.errors import Problem, error, note, warning
from nichesite.files import long_part, plain_path
from nichesite.plan import RenderJob, output_for
from nichesite.products import PRODUCTS_FILE
from nichesite.urlrecord import RECORD_FILE, Anchor, RecordEntry, UrlRecord, merge, serialize

REDIRECTS_FILE = "_redirects"
REDIRECT_TEMPLATE = "redirect.html"
CLOUDFLARE_STATIC_REDIRECTS = 2000  # Cloudflare Pages reads at most this many static rules
_SAFE = "/:@!$&'()*+,;=-._~"  # what a path keeps unescaped in _redirects
_HEADER = """\
# Moved pages (data/urls.yaml and aliases:) come in two lines. `301!` makes Netlify redirect
# although a redirect page is published at the old URL (without `!` it serves that page);
# Cloudflare Pages ignores that line, which its deploy log names, and uses the `301` after it.
# `410` (gone) is Netlify's: Cloudflare Pages ignores it too, and answers 404 there.
"""


@dataclass(frozen=True, slots=True)
class RedirectView:
    """What the redirect page of an old URL shows: where it goes (a URL under base_url's path,
    or an absolute one), that place's absolute URL, and its title (its URL when it is no page
    of the site)."""

    url: str
    canonical: str
    title: str


@dataclass(frozen=True, slots=True)
class Redirect:
    """An old URL (a path from the site's root) and where it goes: a path from the site's
    root or an absolute URL; "" when it is gone (410)."""

    old: str
    target: str

    @property
    def gone(self) -> bool:
        return not self.target


@dataclass(frozen=True, slots=True)
class _Found:
    """A problem whose line is known once the build knows which record file it leaves: the
    one it read, or the one it writes."""

    severity: str
    message: str
    code: str
    anchor: Anchor | None = None  # a place in the record
    path: str = ""  # else a place in a source
    line: int = 1


@dataclass(frozen=True, slots=True)
class RedirectPlan:
    """The redirects of a build, their outputs, and the record it leaves: `entries`, None when
    the record it read has errors, so that it is neither used nor written."""

    redirects: tuple[Redirect, ...]
    jobs: tuple[RenderJob, ...]
    found: tuple[_Found, ...]
    record: UrlRecord
    entries: Mapping[str, RecordEntry] | None
    moved: Mapping[str, str]  # a source that moved: new path → its path in the record read
    file: str = RECORD_FILE  # the record file (each language of a site with languages: has its own)

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.found)

    def record_file(self) -> tuple[bytes | None, Mapping[Anchor, int]]:
        """The record's new bytes, None when there is nothing to write (the same bytes, or no
        file and nothing published), and the line of each thing in it."""
        if self.entries is None:
            return None, {}
        data, lines = serialize(self.entries)
        unchanged = data == self.record.data or (self.record.data is None and not self.entries)
        return (None if unchanged else data), lines

    def problems(self, new_lines: Mapping[Anchor, int] | None = None) -> list[Problem]:
        """The problems, at the lines of the record this build leaves: the one it writes
        (`new_lines`), else the one it read."""
        make = {"error": error, "warning": warning, "note": note}
        out = []
        for found in self.found:
            if found.anchor is None:
                out.append(make[found.severity](found.path, found.line, found.message, found.code))
                continue
            if new_lines is not None:
                line = new_lines.get(found.anchor) or new_lines.get((found.anchor[0], "")) or 1
            else:
                source, what = found.anchor
                line = self.record.line((self.moved.get(source, source), what))
            out.append(make[found.severity](self.file, line, found.message, found.code))
        return out


def page_output(url: str) -> str | None:
    """The file of an old URL's redirect page, or None when there can be none (a URL with an
    extension that is not .html: a host would not serve HTML there)."""
    name = url.rsplit("/", 1)[-1]
    if url.endswith("/") or name.endswith((".html", ".htm")):
        output = output_for(url)
    elif "." not in name:
        output = url.lstrip("/") + "/index.html"  # /old: hosts serve old/index.html (after a slash redirect)
    else:
        return None
    return output if plain_path(output) and long_part(output) is None else None


def _key(url: str) -> str:
    """How an output is compared with the others: case-insensitively, as collisions are."""
    return (page_output(url) or output_for(url)).casefold()


def plan_redirects(
    config: SiteConfig,
    record: UrlRecord,
    live: Sequence[Entry],
    parsed: Iterable[Entry],
    existing: frozenset[str],
    outputs: Mapping[str, str],
    record_file: str = RECORD_FILE,
) -> RedirectPlan:
    """The redirects of a build. `live`: the entries it renders; `parsed`: every entry that
    parsed (drafts and articles held back too); `existing`: every source file there is;
    `outputs`: every output of the build (casefolded) → the title of what it shows."""
    published = {e.source: e.path for e in live if not e.draft}
    entries, moved = merge(record.entries, published, existing) if record.readable else ({}, {})
    planner = _Planner(config, {e.source: e.path for e in live}, {e.source: e for e in parsed}, existing, outputs)
    for entry in sorted(live, key=lambda e: e.source):
        planner.aliases(entry)
    for source, kept in entries.items():
        planner.recorded(source, kept)
    redirects = planner.resolve()
    jobs = _pages(config, redirects, outputs, record_file)
    entries = entries if record.readable else None
    return RedirectPlan(tuple(redirects), tuple(jobs), tuple(planner.found), record, entries, moved, record_file)


class _Planner:
    """Collects every old URL's next place (`targets`) and the problems, then resolves them."""

    def __init__(
        self, config: SiteConfig, current: dict[str, str], parsed: dict[str, Entry], existing: frozenset[str], outputs: Mapping[str, str]
    ):
        self.config = config
        self.current = current  # source → URL, of the pages this build renders
        self.parsed = parsed
        self.existing = existing
        self.outputs = outputs
        self.targets: dict[str, tuple[str, str]] = {}  # old URL → (next place, the source that says so); "" = gone
        self.found: list[_Found] = []

    def is_live(self, url: str) -> bool:
        return _key(url) in self.outputs

    def aliases(self, entry: Entry) -> None:
        for index, alias in enumerate(entry.extra.get("aliases") or ()):
            line = entry.lines.get(f"aliases.{index}") or entry.lines.get("aliases") or 1
            if _key(alias) == _key(entry.path):
                message, severity, code = f"aliases: {alias} is this page's own URL: a page cannot redirect to itself", "error", "url-loop"
            elif self.is_live(alias):
                message = f"aliases: {alias} is a page of this site, which stays there (a live page is never redirected): remove the alias"
                severity, code = "warning", "url-taken"
            elif alias in self.targets:
                other = self.targets[alias][1]
                message, severity, code = f"aliases: {alias} is an alias of {other} too: a URL redirects to one page", "error", "url-alias"
            else:
                self.targets[alias] = (entry.path, entry.source)
                continue
            self.found.append(_Found(severity, message, code, path=entry.source, line=line))

    def recorded(self, source: str, kept: RecordEntry) -> None:
        """The next place of each of a source's URLs in the record, and the warning for those it loses."""
        lost = []
        here = self.current.get(source)
        redirect = self._own_path(kept.redirect)
        for url in kept.urls:
            if url == here or url in self.targets:
                continue
            if self.is_live(url):
                self.found.append(
                    _Found("note", f"{url} (once {source}) is a page of this site now, which stays there", "url-taken", (source, url))
                )
            elif here is not None:
                self.targets[url] = (here, source)
            elif redirect or kept.gone:
                self.targets[url] = (redirect, source)
            elif source not in self.existing or source in self.parsed:  # a source with errors: its own error says it
                lost.append(url)
        if (kept.redirect or kept.gone) and here is not None:
            what = "redirect" if kept.redirect else "gone"
            message = f"{source} is published, so its {what}: is not used: its old URLs redirect to {here}"
            self.found.append(_Found("note", message, "url-record", (source, what)))
        if lost:
            entry = self.parsed.get(source)
            if entry is None:
                why = "was deleted"
            elif entry.draft:
                why = "is a draft now"
            else:
                why = f"is dated {entry.date} and held back until then"
            urls, verb = (", ".join(lost), "answer") if len(lost) > 1 else (lost[0], "answers")
            message = (
                f"{urls} {verb} 404 (Not Found): {source}, published there, {why}. Under it here, add "
                f"`redirect: /another-page/` (a permanent redirect to that page) or `gone: true` (410 Gone)"
            )
            self.found.append(_Found("warning", message, "url-lost", (source, "")))

    def _own_path(self, target: str) -> str:
        """A `redirect:` to the site's own absolute URL, as a path from its root."""
        base = self.config.base_url + "/"
        return "/" + unquote(target[len(base) :]) if target.startswith(base) else target

    def resolve(self) -> list[Redirect]:
        """Every old URL's final place, in one hop. A `redirect:` that loops or leads to no page
        is an error at its line (once)."""
        redirects: list[Redirect] = []
        reported: set[object] = set()
        for old in sorted(self.targets):
            target, source = self.targets[old]
            chain = [old]
            while _internal(target) and target not in chain and not self.is_live(target) and target in self.targets:
                chain.append(target)
                target, source = self.targets[target]
            if not target or not _internal(target) or self.is_live(target):
                redirects.append(Redirect(old, target))
                continue
            if target in chain:
                loop = chain[chain.index(target) :]
                key, message = (
                    frozenset(loop),
                    f"{target} redirects to itself" if len(loop) == 1 else "a redirect loop: " + " → ".join([*loop, target]),
                )
            else:
                key, message = (source, target), f"{target} is no page of this site, so {old} would end at a 404 page"
            if key not in reported:
                reported.add(key)
                code = "url-loop" if target in chain else "url-target"
                self.found.append(_Found("error", f"redirect: {message}; send it to a page of the site", code, (source, "redirect")))
        return redirects


def _internal(target: str) -> bool:
    return bool(target) and not target.startswith(("http://", "https://"))


def _link(config: SiteConfig, target: str) -> str:
    return target if target.startswith(("http://", "https://")) else config.base_path + target


def _pages(
    config: SiteConfig, redirects: Sequence[Redirect], outputs: Mapping[str, str], record_file: str = RECORD_FILE
) -> list[RenderJob]:
    """A redirect page per moved URL that can have one (one per file, case aside)."""
    jobs: list[RenderJob] = []
    taken: set[str] = set()
    for redirect in redirects:
        output = page_output(redirect.old)
        if redirect.gone or output is None or output.casefold() in taken:
            continue
        taken.add(output.casefold())
        url = _link(config, redirect.target)
        internal = not redirect.target.startswith(("http://", "https://"))
        canonical = config.absolute(url) if internal else url
        title = outputs.get(_key(redirect.target), redirect.target) if internal else redirect.target
        view = RedirectView(url, canonical, title or redirect.target)
        jobs.append(RenderJob(output, "redirect", REDIRECT_TEMPLATE, f"{record_file} ({redirect.old})", redirect=view))
    return jobs


def _escaped(path: str) -> str:
    return quote(path, safe=_SAFE)


def redirects_job(
    config: SiteConfig, redirects: Sequence[Redirect], go_rules: Sequence[tuple[str, str]]
) -> tuple[list[RenderJob], list[Problem]]:
    """The one `_redirects` file: the cloaked links' rules (`go_rules`: (path, line), as
    affiliate.py writes them) and the moved and gone URLs, sorted by path; none when empty."""
    return rules_job(redirect_rules(config, redirects, go_rules), bool(redirects))


def redirect_rules(config: SiteConfig, redirects: Sequence[Redirect], go_rules: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The lines of `_redirects` for one site (one language of a site with languages:), by path."""
    rules = list(go_rules)
    for redirect in redirects:
        old = _escaped(config.base_path + redirect.old)
        if redirect.gone:
            rules.append((old, f"{old} {_escaped(config.base_path + '/404.html')} 410"))
        else:
            target = redirect.target if redirect.target.startswith(("http://", "https://")) else _escaped(_link(config, redirect.target))
            rules.append((old, f"{old} {target} 301!\n{old} {target} 301"))
    return rules


def rules_job(rules: list[tuple[str, str]], moved: bool, prefix: str = "") -> tuple[list[RenderJob], list[Problem]]:
    """The `_redirects` file of `rules` (`moved`: some are moved URLs), in the output folder's
    `prefix` (a language deployed on its own domain has its own)."""
    redirects = moved
    if not rules:
        return [], []
    rules.sort(key=lambda rule: rule[0])
    text = (_HEADER if redirects else "") + "".join(line + "\n" for _, line in rules)
    source = f"{RECORD_FILE} (_redirects)" if redirects else f"{PRODUCTS_FILE} (_redirects)"
    job = RenderJob(prefix + REDIRECTS_FILE, "redirects", source=source, data=text.encode("utf-8"))
    count = sum(len(line.split("\n")) for _, line in rules)
    problems = []
    if count > CLOUDFLARE_STATIC_REDIRECTS:
        if redirects:
            where, message = RECORD_FILE, f"_redirects has {count} rules (moved URLs have two)"
        else:
            where, message = PRODUCTS_FILE, f"{count} cloaked products"
        message += (
            f": Cloudflare Pages reads only the first {CLOUDFLARE_STATIC_REDIRECTS} lines of _redirects; the redirect pages still redirect"
        )
        problems.append(warning(where, 1, message, "redirects-limit"))
    return [job], problems
