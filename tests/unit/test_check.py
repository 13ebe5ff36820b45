"""nichesite check (check.py, linkcheck.py, contentaudit.py): link resolution, source lines, site-wide rules and the report format."""

from __future__ import annotations

import json

from conftest import BASIC_CONFIG, write_site

from nichesite.check import Finding, Report, audit
from nichesite.linkcheck import parse_page

WORDS = " ".join(["Shrimp keepers often see this in small tanks and want a calm fix."] * 25)  # 325 words


def article(title: str, body: str, slug: str, **extra: str) -> str:
    lines = [
        "---",
        f"title: {title}",
        "date: 2026-10-02",
        f"slug: {slug}",
        "problem: Shrimp die after a water change.",
        "solution: Change less water at a time and match the temperature.",
        f"description: A distinct description for the article {title}, long enough to pass.",
        *(f"{k}: {v}" for k, v in extra.items()),
        "---",
        body,
        "",
    ]
    return "\n".join(lines)


def rules(report: Report) -> set[tuple[str, int, str]]:
    return {(f.path, f.line, f.rule) for f in report.findings}


def test_parse_page_collects_references_ids_and_alt():
    refs, ids = parse_page('<h2 id="a">x</h2><a name="n" href="/x/">x</a><img src="/i.png"><img src="/j.png" alt="J"><link href="/s.css">')
    assert ids == {"a", "n"}
    assert [(r.tag, r.url, r.alt) for r in refs] == [
        ("a", "/x/", None),
        ("img", "/i.png", None),
        ("img", "/j.png", "J"),
        ("link", "/s.css", None),
    ]


def test_parse_page_reads_any_html_in_one_pass_without_crashing():
    # `<![x` raised AssertionError in Python 3.11.7's parser; 300,000 `<a` left open were
    # rescanned to the end each (hours): now text.
    refs, _ = parse_page('<a href="/x/">x</a><![x y><img src="/i.png" alt="">' + "<a " * 300_000)
    assert [(r.tag, r.url) for r in refs] == [("a", "/x/"), ("img", "/i.png")]


def test_relative_links_anchors_and_missing_trailing_slash_resolve(tmp_path):
    site = write_site(
        tmp_path / "s",
        {
            "content/a.md": article(
                "Alpha",
                f"{WORDS}\n\n## Why it happens\n\nSee [b](../b/), [b again](/b), [top](#why-it-happens), [b section](/b/#how).",
                "a",
            ),
            "content/b.md": article("Beta", f"{WORDS}\n\n## How\n\nBack to [a](/a/).", "b"),
        },
    )
    assert audit(site).findings == ()


def test_a_missing_same_page_anchor_is_an_error_at_its_line(tmp_path):
    site = write_site(
        tmp_path / "s",
        {
            "content/a.md": article("Alpha", f"{WORDS}\n\nSee [b](/b/).\nAnd [nothing](#nothing).", "a"),
            "content/b.md": article("Beta", f"{WORDS} Back to [a](/a/).", "b"),
        },
    )
    assert rules(audit(site)) == {("content/a.md", 12, "broken-anchor")}


def test_links_under_a_base_path_are_checked_and_located_without_the_prefix(tmp_path):
    config = BASIC_CONFIG.replace("https://shrimpfixes.example", "https://example.github.io/shrimp")
    site = write_site(
        tmp_path / "s",
        {
            "content/a.md": article("Alpha", f"{WORDS}\n\nSee [b](/b/) and [gone](/gone/).", "a"),
            "content/b.md": article("Beta", f"{WORDS} Back to [a](/a/).", "b"),
        },
        config,
    )
    report = audit(site)
    assert rules(report) == {("content/a.md", 11, "broken-link")}
    assert "/shrimp/gone/" in report.findings[0].message


def test_orphans_count_links_from_pages_and_skip_a_single_article(tmp_path):
    privacy = "---\ntitle: Privacy\ndescription: What data the site and its ad partners collect, and your choices.\n---\nSee [beta](/b/).\n"
    files = {
        "content/a.md": article("Alpha", WORDS, "a"),
        "content/b.md": article("Beta", WORDS, "b"),
        "content/pages/privacy.md": privacy,
    }
    site = write_site(tmp_path / "s", files)
    assert rules(audit(site)) == {("content/a.md", 2, "orphan")}
    alone = write_site(tmp_path / "alone", {"content/a.md": article("Alpha", WORDS, "a")})
    assert audit(alone).findings == ()


def test_policy_pages_are_recognised_in_other_languages(tmp_path):
    config = BASIC_CONFIG + "ads:\n  client: ca-pub-1234567890123456\n"
    files = {
        "content/a.md": article("Alpha", f"{WORDS}\n\n{{{{< product p1 >}}}}", "a"),
        "data/products.yaml": "p1:\n  name: P\n  url: https://shop.example.net/p\n",
        "content/pages/ds.md": "---\ntitle: Datenschutzerklärung\ndescription: Welche Daten die Seite und ihre Werbepartner erheben und welche Wahl Sie haben.\n---\nText.\n",
        "content/pages/wh.md": "---\ntitle: Werbehinweis\ndescription: Wie diese Seite Affiliate-Links nutzt und was das für Leserinnen und Leser bedeutet.\n---\nText.\n",
    }
    assert audit(write_site(tmp_path / "s", files, config)).findings == ()


def test_links_the_templates_write_are_located_in_site_yaml_or_the_template(tmp_path):
    config = BASIC_CONFIG + "author: {name: Ana, url: /about/}\n"
    template = (
        '<!DOCTYPE html><html><body><a href="{{ site.author.url }}">Ana</a> <a href="/nowhere/">x</a>{{ content | safe }}</body></html>'
    )
    files = {"content/a.md": article("Alpha", WORDS, "a"), "templates/article.html": template}
    report = audit(write_site(tmp_path / "s", files, config))
    assert rules(report) == {("site.yaml", 7, "broken-link"), ("templates/article.html", 1, "broken-link")}


def test_report_orders_formats_and_exits():
    findings = (
        Finding("b.md", 3, "warning", "thin", "few words", "write more"),
        Finding("a.md", 9, "error", "broken-link", "link to /x/: no such page", "fix it"),
    )
    report = Report(tuple(sorted(findings, key=lambda f: (f.path, f.line))))
    assert report.text().splitlines() == [
        "a.md:9: error: link to /x/: no such page (fix: fix it)",
        "b.md:3: warning: few words (fix: write more)",
        "1 error, 1 warning",
    ]
    assert report.exit_code() == 1
    data = json.loads(report.json())
    assert data["errors"] == 1 and data["warnings"] == 1
    assert data["findings"][0] == {
        "path": "a.md",
        "line": 9,
        "severity": "error",
        "rule": "broken-link",
        "message": "link to /x/: no such page",
        "fix": "fix it",
    }
    warnings_only = Report(findings[:1])
    assert warnings_only.exit_code() == 0 and warnings_only.exit_code(strict=True) == 1
    assert Report(()).text() == "0 errors, 0 warnings\n"


def test_audit_is_deterministic(tmp_path):
    files = {f"content/{n}.md": article(f"Article {n}", f"Short {n}. [x](/missing-{n}/)", n) for n in "dcba"}
    site = write_site(tmp_path / "s", files)
    first = audit(site)
    assert first.findings and first == audit(site)
    assert list(first.findings) == sorted(first.findings, key=lambda f: (f.path, f.line, f.severity, f.rule, f.message))


def _counting(monkeypatch) -> dict[str, int]:
    """How many sources check parses and pages it renders (its own calls, in this process)."""
    import nichesite.content
    import nichesite.render

    counts = {"parsed": 0, "rendered": 0}
    parse, render = nichesite.content.parse_source, nichesite.render.PageRenderer.render

    def counted_parse(*args, **kwargs):
        counts["parsed"] += 1
        return parse(*args, **kwargs)

    def counted_render(self, job):
        counts["rendered"] += job.data is None
        return render(self, job)

    monkeypatch.setattr(nichesite.content, "parse_source", counted_parse)
    monkeypatch.setattr(nichesite.render.PageRenderer, "render", counted_render)
    return counts


def test_check_after_a_build_takes_what_did_not_change_and_finds_what_a_check_from_nothing_finds(tmp_path, monkeypatch):
    """`nichesite build`, an edit that breaks a link, `check`: the sources and pages the edit did
    not touch are taken from the last build's state and output store, not parsed and rendered
    again; the findings are those of a check of the same site with no build before it; and the
    build's state, output store and output are as the build left them."""
    from conftest import tree_digest

    from nichesite.build import Builder
    from nichesite.options import BuildOptions

    files = {f"content/{n}.md": article(f"Article {n}", f"{WORDS}\n\nSee [the next](/{chr(ord(n) + 1)}/).", n) for n in "abcdefgh"}
    files["content/h.md"] = article("Article h", "Short, and [gone](/nowhere/).", "h")
    site = write_site(tmp_path / "s", files, BASIC_CONFIG)
    assert Builder(BuildOptions(site_dir=site), workers=1).build().ok
    (site / "content/c.md").write_text(article("Article c", f"{WORDS}\n\nSee [a broken one](/no-such-page/).", "c"))
    before = tree_digest(site / ".nichesite") | tree_digest(site / "public")

    counts = _counting(monkeypatch)
    warm = audit(site)
    assert counts["parsed"] == 1  # content/c.md, the one edited
    assert 0 < counts["rendered"] < 8  # its page and the pages that list it; not every article again
    monkeypatch.undo()
    cold = audit(site, use_cache=False)
    assert ("content/c.md", 11, "broken-link") in rules(warm)
    assert warm == cold
    assert tree_digest(site / ".nichesite") | tree_digest(site / "public") == before
