"""redirects.py: which old URL goes where, in one hop; loops, lost URLs, live pages; `_redirects`."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from nichesite.config import SiteConfig
from nichesite.content import Entry
from nichesite.redirects import Redirect, page_output, plan_redirects, redirects_job
from nichesite.urlrecord import RecordEntry, UrlRecord

CONFIG = SiteConfig(Path("."), "T", "https://s.example")


def entry(source: str, path: str, draft: bool = False, aliases: tuple[str, ...] = ()) -> Entry:
    lines = {"": 2, "aliases": 6} | {f"aliases.{i}": 7 + i for i in range(len(aliases))}
    return Entry(
        source=source, kind="article", title=f"Title of {path}", slug="x", path=path, date=None, published="", updated=None,
        category="", tags=(), problem="", solution="", description="", image="", draft=draft, ads=None, products=(),
        faq=(), body="", shortcodes=(), headings=(), links=(), word_count=10, first_paragraph="",
        extra=MappingProxyType({"aliases": list(aliases)} if aliases else {}), lines=MappingProxyType(lines),
    )  # fmt: skip


def record(**entries: RecordEntry) -> UrlRecord:
    """Sources named by keyword: a_md is content/a.md."""
    named = {f"content/{name.replace('_md', '.md')}": value for name, value in entries.items()}
    lines = {}
    for number, (source, value) in enumerate(sorted(named.items())):
        lines[(source, "")] = 10 * number + 1
        lines |= {(source, url): 10 * number + 2 + i for i, url in enumerate(value.urls)}
        lines[(source, "redirect")] = 10 * number + 8
    return UrlRecord(MappingProxyType(named), MappingProxyType(lines), b"")


def plan(rec: UrlRecord, live: list[Entry], parsed: list[Entry] | None = None, existing=(), outputs=()):
    outs = {page_output(e.path): e.title for e in live} | dict.fromkeys(outputs, "")
    return plan_redirects(CONFIG, rec, live, parsed if parsed is not None else live, frozenset(existing) | {e.source for e in live}, outs)


def found(result, written: bool = False) -> list[str]:
    return [str(p) for p in result.problems(result.record_file()[1] if written else None)]


def test_where_a_redirect_page_can_go() -> None:
    assert page_output("/old/") == "old/index.html" and page_output("/old.html") == "old.html"
    assert page_output("/old") == "old/index.html" and page_output("/old.php") is None


def test_old_urls_go_to_the_current_one_and_chains_collapse_to_one_hop() -> None:
    rec = record(
        a_md=RecordEntry(("/a1/", "/a2/", "/a3/")),
        b_md=RecordEntry(("/b/",), redirect="/a1/"),  # deleted, sent to an old URL of a.md
        c_md=RecordEntry(("/c/",), redirect="/b/"),  # and one to b.md's
        d_md=RecordEntry(("/d/",), gone=True),
        e_md=RecordEntry(("/e/",), redirect="/d/"),  # to a gone one: gone too
        f_md=RecordEntry(("/f/",), redirect="https://elsewhere.example/f"),
        g_md=RecordEntry(("/g/",), redirect="https://s.example/a3/"),  # the site's own absolute URL
    )
    result = plan(rec, [entry("content/a.md", "/a3/")])
    assert found(result) == []
    assert result.redirects == (
        Redirect("/a1/", "/a3/"),
        Redirect("/a2/", "/a3/"),
        Redirect("/b/", "/a3/"),
        Redirect("/c/", "/a3/"),
        Redirect("/d/", ""),
        Redirect("/e/", ""),
        Redirect("/f/", "https://elsewhere.example/f"),
        Redirect("/g/", "/a3/"),
    )
    pages = {job.output: job.redirect for job in result.jobs}
    assert set(pages) == {"a1/index.html", "a2/index.html", "b/index.html", "c/index.html", "f/index.html", "g/index.html"}
    assert pages["c/index.html"].url == "/a3/" and pages["c/index.html"].canonical == "https://s.example/a3/"
    assert pages["c/index.html"].title == "Title of /a3/" and pages["f/index.html"].title == "https://elsewhere.example/f"


def test_a_loop_a_self_redirect_and_a_redirect_to_nothing_are_errors_at_their_redirect_line() -> None:
    rec = record(
        a_md=RecordEntry(("/a/",), redirect="/b/"),
        b_md=RecordEntry(("/b/",), redirect="/a/"),
        c_md=RecordEntry(("/c/",), redirect="/c/"),
        d_md=RecordEntry(("/d/",), redirect="/nowhere/"),
        e_md=RecordEntry(("/e/",), redirect="/c/"),  # into a loop: said once, at the loop
    )
    result = plan(rec, [])
    assert result.redirects == () and result.has_errors
    assert found(result) == [
        "data/urls.yaml:18: error: redirect: a redirect loop: /a/ → /b/ → /a/; send it to a page of the site",
        "data/urls.yaml:28: error: redirect: /c/ redirects to itself; send it to a page of the site",
        "data/urls.yaml:38: error: redirect: /nowhere/ is no page of this site, so /d/ would end at a 404 page; send it to a page of the site",
    ]


def test_lost_urls_are_a_warning_unless_the_source_has_errors_of_its_own() -> None:
    rec = record(deleted_md=RecordEntry(("/d1/", "/d2/")), draft_md=RecordEntry(("/dr/",)), broken_md=RecordEntry(("/x/",)))
    result = plan(rec, [], parsed=[entry("content/draft.md", "/dr/", draft=True)], existing={"content/draft.md", "content/broken.md"})
    assert found(result) == [
        "data/urls.yaml:11: warning: /d1/, /d2/ answer 404 (Not Found): content/deleted.md, published there, was deleted. Under it here,"
        " add `redirect: /another-page/` (a permanent redirect to that page) or `gone: true` (410 Gone)",
        "data/urls.yaml:21: warning: /dr/ answers 404 (Not Found): content/draft.md, published there, is a draft now. Under it here,"
        " add `redirect: /another-page/` (a permanent redirect to that page) or `gone: true` (410 Gone)",
    ]
    assert [p.code for p in result.problems()] == ["url-lost", "url-lost"]


def test_a_live_page_is_never_redirected() -> None:
    rec = record(a_md=RecordEntry(("/a/", "/category/water/")))
    result = plan(rec, [entry("content/a.md", "/a/")], outputs=["category/water/index.html"])
    assert result.redirects == ()
    assert found(result) == ["data/urls.yaml:3: note: /category/water/ (once content/a.md) is a page of this site now, which stays there"]


def test_a_url_another_article_now_has_moves_to_it_in_the_record_it_writes() -> None:
    rec = record(a_md=RecordEntry(("/a/", "/x/")))
    result = plan(rec, [entry("content/a.md", "/a/"), entry("content/b.md", "/x/")])
    assert result.redirects == () and found(result) == []
    assert b"content/a.md:\n  - /a/\ncontent/b.md:\n  - /x/\n" in result.record_file()[0]


def test_problems_are_at_the_lines_of_the_record_the_build_leaves() -> None:
    rec = record(z_md=RecordEntry(("/z/",)))  # deleted; the build adds a.md above it
    result = plan(rec, [entry("content/a.md", "/a/")])
    assert found(result, written=False)[0].startswith("data/urls.yaml:1: warning: /z/ answers 404")
    line = result.record_file()[0].decode().splitlines().index("content/z.md:") + 1
    assert found(result, written=True)[0].startswith(f"data/urls.yaml:{line}: warning: /z/ answers 404")


def test_aliases_redirect_and_their_mistakes_are_at_their_lines() -> None:
    live = [
        entry("content/a.md", "/a/", aliases=("/old-a/", "/a/")),
        entry("content/b.md", "/b/", aliases=("/old-a/", "/c/")),
        entry("content/c.md", "/c/"),
    ]
    result = plan(record(), live)
    assert result.redirects == (Redirect("/old-a/", "/a/"),)
    assert found(result) == [
        "content/a.md:8: error: aliases: /a/ is this page's own URL: a page cannot redirect to itself",
        "content/b.md:7: error: aliases: /old-a/ is an alias of content/a.md too: a URL redirects to one page",
        "content/b.md:8: warning: aliases: /c/ is a page of this site, which stays there (a live page is never redirected): remove the alias",
    ]


def test_a_record_that_holds_every_url_is_not_written_again_and_no_site_gets_an_empty_one() -> None:
    first = plan(record(), [entry("content/a.md", "/a/")]).record_file()[0]
    assert first is not None
    again = plan(
        UrlRecord(MappingProxyType({"content/a.md": RecordEntry(("/a/",))}), MappingProxyType({}), first), [entry("content/a.md", "/a/")]
    )
    assert again.record_file()[0] is None
    assert plan(UrlRecord(), []).record_file()[0] is None  # no file and nothing published: none is written


def test_drafts_are_not_recorded() -> None:
    result = plan(record(), [entry("content/a.md", "/a/"), entry("content/d.md", "/d/", draft=True)])
    data = result.record_file()[0]
    assert b"content/a.md" in data and b"content/d.md" not in data


def test_the_redirects_file_keeps_the_go_lines_as_they_are_and_sorts_everything() -> None:
    go = [("/go/x/", "/go/x/ https://shop.example/x 302")]
    assert redirects_job(CONFIG, [], go)[0][0].data == b"/go/x/ https://shop.example/x 302\n"
    assert redirects_job(CONFIG, [], []) == ([], [])
    blog = SiteConfig(Path("."), "T", "https://s.example/blog")
    go = [("/blog/go/x/", "/blog/go/x/ https://shop.example/x 302")]
    jobs, problems = redirects_job(blog, [Redirect("/z/", "/a/"), Redirect("/b c/", ""), Redirect("/e/", "https://x.example/")], go)
    lines = [line for line in jobs[0].data.decode().splitlines() if not line.startswith("#")]
    assert lines == [
        "/blog/b%20c/ /blog/404.html 410",
        "/blog/e/ https://x.example/ 301!",
        "/blog/e/ https://x.example/ 301",
        "/blog/go/x/ https://shop.example/x 302",
        "/blog/z/ /blog/a/ 301!",
        "/blog/z/ /blog/a/ 301",
    ]
    assert problems == []


def test_past_cloudflares_limit_a_warning() -> None:
    redirects = [Redirect(f"/old-{n}/", "/a/") for n in range(1001)]
    _, problems = redirects_job(CONFIG, redirects, [])
    assert [str(p) for p in problems] == [
        "data/urls.yaml:1: warning: _redirects has 2002 rules (moved URLs have two): Cloudflare Pages reads only the first 2000"
        " lines of _redirects; the redirect pages still redirect"
    ]
