"""Incremental builds are proven equal to clean builds: the same bytes, the same problems, the
same exit codes.

A property test applies random sequences of edits (body, title, tags, category, slug, delete,
add, product change, an author's bio or name, an article's author, template override change,
site.yaml change and comment-only change, static file add/delete, ad shortcodes (two in a
row, more than the page allows), edits that make and clear warnings, a site template that
starts showing a field no shipped template shows, directly
or through a macro) to a small site with ads, cloaked products,
sub-IDs (which follow an article's slug and category) and readers' forms. After each edit it
builds three ways and compares the trees and the problems:

- serve's way: one Builder kept across all steps, writing changed files in place;
- `nichesite build`'s way: a fresh Builder per step reading the build state from disk and
  hard-linking unchanged outputs from the previous build, then the same with --strict;
- a CI runner's way: the site's files copied to a new folder (new path, inodes and mtimes),
  with no output folder and only `.nichesite/` as the previous step left it (a restored CI
  cache): unchanged outputs come from the output store;
- a clean build: no state, into a new folder (and with --strict).
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import run_nichesite, tree_digest, write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nichesite import sources, write
from nichesite.build import Builder, BuildOptions
from nichesite.output import MARKER
from nichesite.slugs import slugify
from nichesite.urlrecord import RECORD_FILE, load_record, serialize
from nichesite.viewdigests import RACY_NS

CONFIG = """\
title: Shrimp Tank Fixes
base_url: https://shrimpfixes.example
language: en
description: Fixes for freshwater shrimp keepers who lose shrimp and want calm, clear tanks.
audience: Hobbyists keeping Neocaridina shrimp in small tanks
paginate: {paginate}
author: ana
ads:
  client: ca-pub-1234567890123456
  min_words: 20
  placements:
    after_intro: {{slot: "1111111111"}}
    in_content: {{slot: "2222222222", every: 2, max: 2}}
    in_list: {{slot: "5555555555", every: 2}}
affiliate:
  cloak: true
  subid:
    awin: true
    placement: true
    amazon:
      water: shrimpfix-water-20
questions:
  action: https://forms.example/f/questions
helpful:
  url: https://forms.example/helpful
"""

PRODUCTS = """\
tds-meter:
  name: {meter}
  url: https://www.aquashop.example/tds-3?aff=shrimpfix
  merchant: AquaShop
  price: "$16"
prime:
  name: Seachem Prime
  url: https://www.amazon.com/dp/B00025694O?tag=shrimpfix-20
  merchant: Amazon
heater:
  name: Tiny Heater
  url: https://heaters.example/tiny?ref=fix
  merchant: Heaters
"""

AUTHORS = """\
ana:
  name: Ana Petrova
  bio: {bio}
  links: [https://mastodon.example/@ana]
ben:
  name: {ben}
"""

WORDS = ["water", "shrimp", "moss", "filter", "heater", "molt", "tank", "algae", "snail", "cycle"]
TAGS = ["water change", "tds", "molting", "beginners", "heater"]
CATEGORIES = ["Water", "Breeding", "Feeding"]
CARD_OVERRIDE = """<article class="card"><h3><a href="{{ item.url }}">{{ item.title }}</a></h3>
<p>{{ item.description }} ({{ item.word_count }} words){MARK}</p></article>
"""
# Fields no shipped template shows on a card: a list must follow them once a site template does.
CARD_NEW_FIELDS = """<article class="card"><h3><a href="{{ item.url }}">{{ item.title }}</a></h3>
<p>{{ item.headings|length }} headings, {{ item.faq|length }} questions, level {{ item.extra.level }}</p></article>
"""
# A field only the article's page shows by default, on cards through a macro.
CARD_MACRO = """{% macro words(x) %}{{ x.word_count }} words{% endmacro %}
<article class="card"><h3><a href="{{ item.url }}">{{ item.title }}</a></h3><p>{{ words(item) }}</p></article>
"""
ADS_BODIES = [
    "First paragraph about the water.\n\n{{< ad >}}\n\n{{< ad >}}\n\nSecond paragraph about the tank.\n",  # two in a row
    "One.\n\n{{< ad >}}\n\nTwo.\n\n{{< ad >}}\n\nThree.\n\n{{< ad >}}\n\nFour.\n\n{{< ad >}}\n\nFive shrimp.\n",  # over the max
    "- a list item\n- {{< ad >}}\n\nAfter the list, a paragraph about moss.\n",  # inside a list
]


def body(seed: int, words: int = 40) -> str:
    text = " ".join(WORDS[(seed + i * 7) % len(WORDS)] for i in range(words))
    heading = f"## About the {WORDS[seed % len(WORDS)]}\n\n" if seed % 3 == 0 else ""
    return (
        f"{text.capitalize()}.\n\nSecond paragraph about {WORDS[seed % len(WORDS)]} and the tank, with [moss]"
        f"(https://www.awin1.com/cread.php?awinmid={seed}) and [a conditioner](https://www.amazon.com/dp/B00025694O?tag=shrimpfix-20)."
        f"\n\n{heading}"
        f"{{{{< product tds-meter >}}}}\n\nThird paragraph: {text}.\n"
    )


def article_text(a: dict) -> str:
    lines = ["---", f"title: {a['title']}", f"date: {a['date']}"]
    if not a.get("no_answer"):  # without them: a warning at the front matter
        lines += ["problem: Shrimp die after a water change.", "solution: Change less water."]
    if a.get("level"):
        lines.append(f"level: {a['level']}")
    if a.get("slug"):
        lines.append(f"slug: {a['slug']}")
    if a.get("category"):
        lines.append(f"category: {a['category']}")
    lines.append(f"tags: [{', '.join(a['tags'])}]")
    if a.get("products"):
        lines.append(f"products: [{', '.join(a['products'])}]")
    if a.get("author"):
        lines.append(f"author: {a['author']}")
    if a.get("aliases"):
        lines.append(f"aliases: [{', '.join(a['aliases'])}]")
    lines += ["---", a["body"]]
    return "\n".join(lines)


class SiteModel:
    """The fixture site as data, written to disk after every edit."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.articles: dict[str, dict] = {}
        for i in range(8):
            folder = ["water", "breeding", "feeding"][i % 3]
            self.articles[f"content/{folder}/article-{i}.md"] = {
                "title": f"Shrimp problem number {i}",
                "date": f"2026-0{1 + i % 9}-1{i % 9}",
                "tags": [TAGS[i % 5], TAGS[(i + 2) % 5]],
                "body": body(i),
                "products": ["heater"] if i % 3 == 0 else [],
            }
        self.meter = "HM Digital TDS-3 Meter"
        self.bio, self.ben = "Ana keeps shrimp.", "Ben Ortiz"
        self.articles["content/water/article-0.md"]["author"] = "ben"
        self.paginate = 3
        self.next_id = 100
        files = {rel: article_text(a) for rel, a in self.articles.items()}
        files["content/pages/about.md"] = "---\ntitle: About\n---\nWho writes this site and why.\n"
        files["content/pages/privacy.md"] = "---\ntitle: Privacy\n---\n{{< privacy_services >}}\n"
        files["data/products.yaml"] = PRODUCTS.format(meter=self.meter)
        files["data/authors.yaml"] = AUTHORS.format(bio=self.bio, ben=self.ben)
        files["static/images/logo.svg"] = "<svg xmlns='http://www.w3.org/2000/svg'/>"
        write_site(root, files, CONFIG.format(paginate=self.paginate))

    def write(self, rel: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article_text(self.articles[rel]), encoding="utf-8")

    def pick(self, n: int) -> str | None:
        names = sorted(self.articles)
        return names[n % len(names)] if names else None

    def apply(self, edit: tuple) -> None:
        kind, n, m = edit
        rel = self.pick(n)
        if kind in ("body", "title", "tags", "category", "slug", "delete", "products") and rel is None:
            kind = "add"
        if kind == "body":
            self.articles[rel]["body"] = body(m, 30 + m % 20)
        elif kind == "ads":
            self.articles[rel]["body"] = ADS_BODIES[m % len(ADS_BODIES)] if m % 4 != 3 else body(m)
        elif kind == "warning":  # the problem/solution warning comes and goes; so does a front-matter field
            self.articles[rel]["no_answer"] = not self.articles[rel].get("no_answer")
            self.articles[rel]["level"] = m % 4
        elif kind == "body_same_card":  # same first paragraph and reading time: only that page changes
            if rel is not None:
                self.articles[rel]["body"] = self.articles[rel]["body"].replace("Third paragraph", f"Third paragraph ({WORDS[m % 10]})")
        elif kind == "title":
            self.articles[rel]["title"] = f"Shrimp question {m}"
            if m % 2 == 0:  # keep the URL: only what shows the title changes
                self.articles[rel].setdefault("slug", "pinned-" + Path(rel).stem)
        elif kind == "tags":
            self.articles[rel]["tags"] = sorted({TAGS[m % 5], TAGS[(m * 3) % 5]})
        elif kind == "category":
            self.articles[rel]["category"] = CATEGORIES[m % 3]
        elif kind == "slug":
            self.articles[rel]["slug"] = f"fix-{m % 5}"
        elif kind == "products":
            self.articles[rel]["products"] = [["heater"], ["prime", "heater"], []][m % 3]
        elif kind == "delete":
            del self.articles[rel]
            (self.root / rel).unlink()
            return
        elif kind == "add":
            rel = f"content/{['water', 'breeding', 'feeding'][m % 3]}/new-{self.next_id}.md"
            self.next_id += 1
            self.articles[rel] = {
                "title": f"New shrimp problem {m}",
                "date": f"2026-1{m % 3}-0{1 + m % 9}",
                "tags": [TAGS[m % 5]],
                "body": body(m),
            }
        elif kind == "catalog":
            self.meter = f"TDS Meter model {m}"
            (self.root / "data/products.yaml").write_text(PRODUCTS.format(meter=self.meter), encoding="utf-8")
            return
        elif kind == "catalog_ids":  # a product id used by unchanged articles comes and goes
            self.without_prime = not getattr(self, "without_prime", False)
            text = PRODUCTS.format(meter=self.meter)
            if self.without_prime:
                text = text.replace("prime:", "prime-2:")
            (self.root / "data/products.yaml").write_text(text, encoding="utf-8")
            return
        elif kind == "tag_case":  # the newest article's spelling names the tag on every page
            if rel is None:
                return
            rel = max(self.articles, key=lambda r: (self.articles[r]["date"], r))
            self.articles[rel]["tags"] = [TAGS[m % 5].title() if m % 2 else TAGS[m % 5].upper()]
        elif kind == "template":
            path = self.root / "templates/partials/card.html"
            if m % 3 == 0 and path.exists():
                path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(CARD_OVERRIDE.replace("{MARK}", f" v{m}"), encoding="utf-8")
            return
        elif kind in ("template_fields", "template_macro"):
            path = self.root / "templates/partials/card.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(CARD_NEW_FIELDS if kind == "template_fields" else CARD_MACRO, encoding="utf-8")
            return
        elif kind == "author_bio":  # renders that author's articles and page, nothing else
            self.bio = f"Ana keeps shrimp in {m} tanks."
            (self.root / "data/authors.yaml").write_text(AUTHORS.format(bio=self.bio, ben=self.ben), encoding="utf-8")
            return
        elif kind == "author_name":  # the byline of every article of his, his page, the feed
            self.ben = f"Ben Ortiz {m}"
            (self.root / "data/authors.yaml").write_text(AUTHORS.format(bio=self.bio, ben=self.ben), encoding="utf-8")
            return
        elif kind == "author_pick":  # an article by Ben, by Ana, or by the site's author (Ana)
            if rel is None:
                return
            self.articles[rel]["author"] = ["ben", "ana", None][m % 3]
        elif kind == "config":
            self.paginate = 2 + m % 3
            (self.root / "site.yaml").write_text(CONFIG.format(paginate=self.paginate), encoding="utf-8")
            return
        elif kind == "config_comment":  # moves every line of site.yaml: must render nothing again
            comments = "".join(f"# note {i}\n" for i in range(m % 4))
            (self.root / "site.yaml").write_text(comments + CONFIG.format(paginate=self.paginate), encoding="utf-8")
            return
        elif kind == "alias":  # an old URL by hand; two articles may claim one (an error)
            if rel is None:
                return
            self.articles[rel]["aliases"] = [f"/old-{m % 4}/"] if m % 5 else []
        elif kind == "record":  # a deleted article's URLs: redirected to a page, or gone
            record, _ = load_record(self.root)
            lost = sorted(source for source in record.entries if not (self.root / source).exists())
            if not lost:
                return
            source = lost[m % len(lost)]
            live = sorted(self.articles)
            if m % 2 and live:
                article = self.articles[live[m % len(live)]]
                target = "/missing/" if m % 4 == 1 else f"/{article.get('slug') or slugify(article['title'], 'en')}/"  # none: an error
                entry = replace(record.entries[source], redirect=target, gone=False)
            else:
                entry = replace(record.entries[source], redirect="", gone=True)
            (self.root / RECORD_FILE).write_bytes(serialize({**record.entries, source: entry})[0])
            return
        elif kind == "static":
            path = self.root / f"static/extra-{m % 3}.txt"
            if path.exists() and m % 2:
                path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(f"static file version {m}\n", encoding="utf-8")
            return
        self.write(rel)


EDIT_KINDS = [
    "body",
    "body_same_card",
    "title",
    "tags",
    "category",
    "slug",
    "delete",
    "add",
    "products",
    "catalog",
    "catalog_ids",
    "tag_case",
    "template",
    "config",
    "config_comment",
    "static",
    "ads",
    "warning",
    "template_fields",
    "author_bio",
    "author_name",
    "author_pick",
    "alias",
    "record",
    "template_macro",
]
edits = st.tuples(st.sampled_from(EDIT_KINDS), st.integers(0, 20), st.integers(0, 50))


def clean_build(site: Path, out: Path, preview: bool, record_urls: bool = True):
    if out.exists():
        shutil.rmtree(out)
    return Builder(BuildOptions(site, out, preview=preview), use_cache=False, record_urls=record_urls).build()


def record_of(site: Path) -> bytes | None:
    path = site / RECORD_FILE
    return path.read_bytes() if path.exists() else None


def problems(result) -> list[tuple]:
    """What a user reads: file, line, message and level of every problem, in the order printed."""
    return [(p.location.path, p.location.line, p.message, p.severity.value) for p in result.problems]


def fresh_clone(site: Path, cache: Path, clone: Path) -> Path:
    """What a CI runner builds: the site's files, checked out anew at another path (new inodes
    and mtimes), no output folder, and `.nichesite/` restored from `cache`."""
    shutil.rmtree(clone, ignore_errors=True)
    shutil.copytree(site, clone, ignore=shutil.ignore_patterns("public", ".nichesite"), copy_function=shutil.copyfile)
    if cache.is_dir():
        shutil.copytree(cache, clone / ".nichesite")
    return clone


def check_equivalence(tmp: Path, steps: list[tuple]) -> None:
    site = tmp / "site"
    model = SiteModel(site)
    serve_builder = Builder(BuildOptions(site, tmp / "serve", preview=True), in_place=True, record_urls=False)
    clean_preview, clean_public = tmp / "clean-preview", tmp / "clean-public"
    ci_cache = tmp / "ci-cache"  # .nichesite/ as the last step's builds left it
    for step, edit in enumerate([None, *steps]):
        shutil.rmtree(ci_cache, ignore_errors=True)
        if (site / ".nichesite").is_dir():
            # serve's builder may be saving its state in its thread meanwhile: its temporary
            # file can vanish while it is copied (a CI cache is saved after the build exits)
            shutil.copytree(site / ".nichesite", ci_cache, ignore=shutil.ignore_patterns("*.tmp"))
        if edit is not None:
            model.apply(edit)
        served = serve_builder.build()
        if served.search_pending:  # serve keeps the last search index until the site is quiet, then:
            indexed = serve_builder.build(search_now=True)
            assert (indexed.ok, problems(indexed), indexed.search_pending) == (served.ok, problems(served), False), (step, edit)
        expected_preview = clean_build(site, clean_preview, preview=True, record_urls=False)  # the record serve read
        built = Builder(BuildOptions(site)).build()  # reads the state from disk; adds to the record
        record = record_of(site)
        strict = Builder(BuildOptions(site, strict=True)).build()  # reuses every output
        clone = fresh_clone(site, ci_cache, tmp / f"clone-{step % 2}")  # at another path each step
        ci = Builder(BuildOptions(clone)).build()
        expected_public = clean_build(site, clean_public, preview=False)
        expected_strict = Builder(BuildOptions(site, tmp / "clean-strict", strict=True), use_cache=False).build()
        where = (step, edit)
        assert record_of(site) == record, where  # the record a build wrote is the one the next builds leave
        assert (served.ok, problems(served)) == (expected_preview.ok, problems(expected_preview)), where
        assert (built.ok, problems(built)) == (expected_public.ok, problems(expected_public)), where
        assert (ci.ok, problems(ci)) == (expected_public.ok, problems(expected_public)), where
        assert (strict.ok, problems(strict)) == (expected_strict.ok, problems(expected_strict)), where
        if expected_preview.ok:
            assert tree_digest(tmp / "serve") == tree_digest(clean_preview), where
        if expected_public.ok:
            assert tree_digest(site / "public") == tree_digest(clean_public), where
            assert tree_digest(clone / "public") == tree_digest(clean_public), where
            assert record_of(clone) == record, where


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(edits, min_size=1, max_size=6))
def test_incremental_builds_equal_a_clean_build(tmp_path_factory, steps):
    check_equivalence(tmp_path_factory.mktemp("inc"), steps)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("NICHESITE_LONG_PROPERTY"), reason="long variant: set NICHESITE_LONG_PROPERTY=1")
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(edits, min_size=1, max_size=15))
def test_incremental_builds_equal_a_clean_build_long(tmp_path_factory, steps):
    check_equivalence(tmp_path_factory.mktemp("inc"), steps)


@pytest.mark.parametrize(
    "steps",
    [
        [("body", 1, 3), ("title", 1, 4), ("delete", 2, 0), ("add", 0, 5)],
        [("slug", 1, 3), ("title", 1, 4), ("body_same_card", 1, 2)],  # a title change that keeps the URL
        [("slug", 0, 1), ("slug", 1, 1), ("slug", 1, 2)],  # a collision, then resolved
        [("template", 0, 1), ("template", 0, 2), ("template", 0, 3)],  # override added, changed, removed
        [("catalog", 0, 7), ("config", 0, 1), ("static", 0, 2), ("static", 0, 3)],
        [("tags", 3, 1), ("category", 3, 2), ("products", 3, 1), ("delete", 3, 0)],
        # memos of unchanged articles: rule checks after the catalog lost an id they use, and
        # feed/sitemap/search parts after a tag got another spelling on the newest article
        [("products", 3, 1), ("catalog_ids", 0, 0), ("catalog_ids", 0, 0), ("tag_case", 0, 1), ("tag_case", 0, 2)],
        # ad warnings raised while rendering are reported again by builds that reuse the page
        [("ads", 1, 0), ("title", 2, 2), ("ads", 1, 1), ("config_comment", 0, 3), ("ads", 1, 2), ("ads", 1, 3)],
        # a card template that starts showing headings, questions and a front-matter field
        [("template_fields", 0, 0), ("body", 0, 3), ("warning", 0, 2), ("warning", 0, 3), ("config_comment", 0, 1)],
        # an author's bio, name and articles change; an author's last article goes to another
        [("author_bio", 0, 1), ("author_name", 0, 2), ("author_pick", 0, 1), ("author_pick", 1, 0), ("author_bio", 0, 3)],
        # renames chained, then the article deleted: its URLs lost, redirected to nothing, to a page, gone
        [("slug", 1, 3), ("slug", 1, 4), ("delete", 1, 0), ("record", 0, 1), ("record", 0, 3), ("record", 0, 2)],
        # aliases: one, the same on a second article (an error), removed; a new article on an old URL
        [("alias", 0, 1), ("alias", 1, 1), ("alias", 1, 5), ("slug", 2, 0), ("slug", 3, 0), ("slug", 2, 1)],
        # a body edit shows on no other page, until a card template shows the word count (through a macro)
        [("body", 2, 7), ("template_macro", 0, 0), ("body", 2, 8), ("template", 0, 3), ("body", 2, 9)],
    ],
)
def test_known_edit_sequences_equal_a_clean_build(tmp_path, steps):
    check_equivalence(tmp_path, steps)


def test_parallel_cold_build_equals_the_sequential_one(tmp_path, monkeypatch):
    SiteModel(tmp_path / "site")
    sequential = Builder(BuildOptions(tmp_path / "site", tmp_path / "one"), use_cache=False, workers=1).build()
    monkeypatch.setattr(sources, "PARALLEL_PARSE_MIN", 1)
    monkeypatch.setattr(write, "PARALLEL_RENDER_MIN", 1)
    parallel = Builder(BuildOptions(tmp_path / "site", tmp_path / "two"), use_cache=False, workers=2).build()
    assert sequential.ok and parallel.ok
    assert parallel.problems == sequential.problems
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_second_build_through_the_command_renders_nothing_and_keeps_every_file(tmp_path):
    site = tmp_path / "site"
    SiteModel(site)
    first = run_nichesite("build", site)
    assert first.returncode == 0, first.stderr
    before = {p: p.stat().st_ino for p in (site / "public").rglob("*") if p.is_file() and p.name != MARKER}
    second = run_nichesite("build", site)
    assert second.returncode == 0, second.stderr
    after = {p: p.stat().st_ino for p in (site / "public").rglob("*") if p.is_file() and p.name != MARKER}
    assert after == before  # the same files (hard links of the previous build), none rewritten
    assert (site / ".nichesite" / "cache").is_dir()


def test_a_build_long_after_the_files_were_written_still_copies_nothing_again(tmp_path):
    """The first build sees files written just now (fingerprinted by their bytes), the second,
    once that window has surely passed, by their stat signature: same bytes, same files."""
    site = tmp_path / "site"
    SiteModel(site)
    assert run_nichesite("build", site).returncode == 0
    before = {p: p.stat().st_ino for p in (site / "public").rglob("*") if p.is_file() and p.name != MARKER}
    time.sleep(RACY_NS / 1e9 + 0.2)
    second = run_nichesite("build", site)
    assert second.returncode == 0, second.stderr
    assert {p: p.stat().st_ino for p in (site / "public").rglob("*") if p.is_file() and p.name != MARKER} == before
    third = run_nichesite("build", site)  # and the copies are recorded under their new signature
    assert {p: p.stat().st_ino for p in (site / "public").rglob("*") if p.is_file() and p.name != MARKER} == before
    assert third.returncode == 0


def test_a_warm_strict_build_fails_on_the_ad_warning_a_clean_one_fails_on(tmp_path):
    """The reported case: two `{{< ad >}}` in a row, `build` (1 warning), then `build --strict`
    with the state of that build must fail like a clean `--strict` build does."""
    site = tmp_path / "site"
    SiteModel(site)
    page = site / "content/water/article-0.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMore.\n\n{{< ad >}}\n\n{{< ad >}}\n\nAnd more text.\n", encoding="utf-8")
    first = run_nichesite("build", site)
    assert first.returncode == 0 and "this ad is left out" in first.stderr and " 0 warnings" not in first.stdout
    warm = run_nichesite("build", site, "--strict")
    assert warm.returncode == 1, warm.stdout
    assert "this ad is left out" in warm.stderr
    shutil.rmtree(site / ".nichesite")
    clean = run_nichesite("build", site, "--strict")
    assert (clean.returncode, problem_lines(clean.stderr)) == (warm.returncode, problem_lines(warm.stderr))


def problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if any(f": {level}: " in line for level in ("error", "warning", "note"))]
