"""`nichesite check` through the real command: a fixture site with exactly one of each problem
gets exactly those findings, at the right file and line, with the right exit code and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import png, run_nichesite, tree_digest, write_site

# 78 words in one paragraph: above the fixture's min_words (50), and a single paragraph gets
# no in-content ad (units go only between paragraphs).
WORDS = " ".join(["Shrimp keepers often see this in small tanks and want a calm fix."] * 6)

CONFIG = """\
title: Shrimp Tank Fixes
base_url: https://shrimpfixes.example
description: Fixes for freshwater shrimp keepers who lose shrimp and want calm, clear tanks.
ads:
  client: ca-pub-1234567890123456
  min_words: 50
  placements:
    in_content: {slot: "2222222222", every: 1, max: 3}
"""

PRODUCTS = """\
used-one:
  name: TDS Meter
  url: https://shop.example.net/tds?aff=1
amazon-priced:
  name: Water Conditioner
  url: https://www.amazon.com/dp/B000000000?tag=x-20
  price: "$20"
unused-one:
  name: Shrimp Food
  url: https://shop.example.net/food?aff=1
"""

HUB = f"""\
---
title: The hub article
date: 2026-10-02
problem: Shrimp die after a water change.
solution: Change less water at a time and match the temperature.
description: The hub article links to every other article of this fixture site, some of them wrongly.
---
{WORDS}
See [the missing page](/no-such-page/) first.
Then [a missing anchor](/b-article/#nope), and [a good one](/b-article/#why-it-happens).
![A pan](/images/missing.png)
Get [the guide](/files/guide.pdf).
![](/images/ok.png)
Also [B](/b-article/), [C](/c-article), [D](../d-one/), [E](/e-two/), [P](/no-problem/), [T](/thin-one/),
[L](/long-title/), [S](/short-description/), [AD](/ad-heavy/), [an image that exists](/images/ok.png).
"""


def article(title: str, body: str, slug: str, problem: bool = True, description: str | None = None) -> str:
    """An article with the title on line 2 and the description on line 7 (line 5 without problem)."""
    lines = ["---", f"title: {title}", "date: 2026-10-02", f"slug: {slug}"]
    if problem:
        lines += ["problem: Shrimp die after a water change.", "solution: Change less water at a time and match the temperature."]
    lines.append(f"description: {description or f'A distinct description for the article {title}, long enough to pass.'}")
    lines += ["---", body, ""]
    return "\n".join(lines)


SHARED = "Two articles share this description word for word, which search engines dislike."
FILES = {
    "data/products.yaml": PRODUCTS,
    "static/images/ok.png": png(),
    "content/water/hub.md": HUB,
    "content/water/b.md": article(
        "B article",
        f"{WORDS} Back to [the hub](/the-hub-article/).\n\n## Why it happens\n\n{{{{< product used-one >}}}}\n",
        "b-article",
        description=SHARED,
    ),
    "content/water/c.md": article("C article", f"{WORDS}\n\n{{{{< product amazon-priced >}}}}\n", "c-article", description=SHARED),
    "content/water/d.md": article("Same title twice", WORDS, "d-one"),
    "content/water/e.md": article(
        "Same title twice", WORDS, "e-two", description="Another distinct description, for the second article with the same title."
    ),
    "content/water/p.md": article("No problem here", WORDS, "no-problem", problem=False),
    "content/water/t.md": article("Thin one", "Too short to count.", "thin-one"),
    "content/water/l.md": article("A very long title that goes on and on well past sixty characters", WORDS, "long-title"),
    "content/water/s.md": article("Short description", WORDS, "short-description", description="Too short."),
    "content/water/ad.md": article(
        "Ad heavy",
        "\n\n".join(["Shrimp keepers often see this in small tanks and want a calm fix today."] * 5 + ["{{< ad >}}"]),
        "ad-heavy",
    ),
    "content/water/o.md": article("Orphan article", WORDS, "orphan"),
    "content/water/u.md": article("Unknown product", f"{WORDS}\n\n{{{{< product nope >}}}}\n", "unknown"),
}

EXPECTED = {
    # errors
    ("content/water/hub.md", 9, "broken-link"),
    ("content/water/hub.md", 10, "broken-anchor"),
    ("content/water/hub.md", 11, "missing-file"),  # image
    ("content/water/hub.md", 12, "missing-file"),  # static file
    ("content/water/u.md", 11, "unknown-product"),
    # warnings
    ("content/water/hub.md", 13, "missing-alt"),
    ("content/water/p.md", 2, "problem-solution"),
    ("content/water/t.md", 2, "thin"),
    ("content/water/l.md", 2, "title-length"),
    ("content/water/s.md", 7, "description-length"),
    ("content/water/e.md", 2, "duplicate-title"),
    ("content/water/c.md", 7, "duplicate-description"),
    ("content/water/o.md", 2, "orphan"),
    ("data/products.yaml", 8, "unused-product"),
    ("data/products.yaml", 7, "amazon-price-rating"),
    ("site.yaml", 4, "no-privacy-page"),
    ("data/products.yaml", 1, "no-disclosure-page"),
    ("content/water/ad.md", 19, "ad-density"),  # the {{< ad >}} a 70-word page has no room for
}


def make_fixture(root: Path) -> Path:
    return write_site(root, FILES, CONFIG)


def test_fixture_site_gets_exactly_one_finding_per_problem_as_json(tmp_path):
    site = make_fixture(tmp_path / "site")
    result = run_nichesite("check", site, "--format", "json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    found = {(f["path"], f["line"], f["rule"]) for f in data["findings"]}
    assert found == EXPECTED
    assert len(data["findings"]) == len(EXPECTED)
    assert data["errors"] == 5 and data["warnings"] == len(EXPECTED) - 5
    for finding in data["findings"]:
        assert finding["severity"] in ("error", "warning")
        assert finding["message"] and finding["fix"]
    assert {f["rule"] for f in data["findings"] if f["severity"] == "error"} == {
        "broken-link",
        "broken-anchor",
        "missing-file",
        "unknown-product",
    }


def test_text_report_names_file_line_and_fix_then_a_summary(tmp_path):
    site = make_fixture(tmp_path / "site")
    result = run_nichesite("check", site)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == f"5 errors, {len(EXPECTED) - 5} warnings"
    assert "content/water/hub.md:9: error: link to /no-such-page/: no such page on the site (fix: " in result.stdout
    assert "content/water/hub.md:11: error: img /images/missing.png" in result.stdout
    assert len(lines) == len(EXPECTED) + 1
    assert all(" (fix: " in line for line in lines[:-1])


def test_text_and_json_report_the_same_findings_in_the_same_order(tmp_path):
    site = make_fixture(tmp_path / "site")
    text = run_nichesite("check", site).stdout.splitlines()[:-1]
    data = json.loads(run_nichesite("check", site, "--format", "json").stdout)
    assert [f"{f['path']}:{f['line']}: {f['severity']}: {f['message']} (fix: {f['fix']})" for f in data["findings"]] == text


def test_check_changes_nothing_in_the_site_folder(tmp_path):
    site = make_fixture(tmp_path / "site")
    before = tree_digest(site)
    run_nichesite("check", site)
    assert tree_digest(site) == before
    assert not (site / "public").exists()


def test_warnings_alone_exit_0_and_1_with_strict(tmp_path):
    files = {
        "content/pages/privacy.md": "---\ntitle: Privacy policy\ndescription: What data the site and its ad partners collect, and the choices you have.\n---\nAds use cookies.\n",
        "content/a.md": article("A very long title that goes on and on well past sixty characters", WORDS + " See [B](/b/).", "a"),
        "content/b.md": article("B", WORDS + " See [A](/a/).", "b"),
    }
    site = write_site(tmp_path / "site", files, CONFIG)
    result = run_nichesite("check", site)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        "content/a.md:2: warning: title is 64 characters; search results cut it after about 60 (fix: shorten the title to 60 characters or fewer)",
        "0 errors, 1 warning",
    ]
    assert run_nichesite("check", site, "--strict").returncode == 1
    strict_json = run_nichesite("check", site, "--strict", "--format", "json")
    assert strict_json.returncode == 1 and json.loads(strict_json.stdout)["warnings"] == 1


def test_fixing_the_problems_clears_the_findings(tmp_path):
    site = make_fixture(tmp_path / "site")
    (site / "content/water/hub.md").write_text(
        HUB.replace("/no-such-page/", "/c-article/")
        .replace("#nope", "#why-it-happens")
        .replace("/images/missing.png", "/images/ok.png")
        .replace("/files/guide.pdf", "/images/ok.png")
        .replace("![](", "![A tank]("),
        encoding="utf-8",
    )
    (site / "content/water/u.md").unlink()
    result = run_nichesite("check", site, "--format", "json")
    assert result.returncode == 0
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert not rules & {"broken-link", "broken-anchor", "missing-file", "missing-alt", "unknown-product"}


def test_check_of_a_folder_without_site_yaml_is_a_usage_error(tmp_path):
    result = run_nichesite("check", tmp_path)
    assert result.returncode == 2
    assert "no site.yaml" in result.stderr


def test_broken_site_yaml_is_reported_as_a_finding(tmp_path):
    site = write_site(tmp_path / "site", {}, "title: [unclosed\n")
    result = run_nichesite("check", site, "--format", "json")
    assert result.returncode == 1
    findings = json.loads(result.stdout)["findings"]
    assert findings and all(f["path"] == "site.yaml" for f in findings)


def test_body_h1_and_skipped_heading_levels_are_warnings_at_their_lines(tmp_path):
    body = (
        f"{WORDS}\n\n"
        "# A second title\n\n"  # line 11 (the body starts on line 9)
        "Text.\n\n"
        "## Why it happens\n\n"  # line 15
        "```bash\n# a shell comment, not a heading\n```\n\n"
        "#### Too deep\n\n"  # line 21
        "Text.\n\n"
        "Setext two\n----------\n\n"  # line 25: an h2 again
        "### Fine\n"  # line 28
    )
    site = write_site(
        tmp_path / "site",
        {
            "content/water/h.md": article(
                "Headings in order", body, "headings", description="One page to check that headings go down one level at a time."
            )
        },
        CONFIG,
    )
    result = run_nichesite("check", site, "--format", "json")
    findings = [(f["line"], f["message"]) for f in json.loads(result.stdout)["findings"] if f["rule"] == "heading-level"]
    assert findings == [
        (11, "a '#' heading in the body: the title is already the page's one h1"),
        (21, "this h4 comes after an h2: headings go down one level at a time"),
    ]
    strict = run_nichesite("check", site, "--strict")
    assert strict.returncode == 1 and "content/water/h.md:21: warning: this h4 comes after an h2" in strict.stdout


def test_one_bad_date_is_one_error_not_a_broken_link_and_unused_products_too(tmp_path):
    bad = article("Bad date article", f"{WORDS}\n\n{{{{< product unused-one >}}}}\n", "bad-date").replace(
        "date: 2026-10-02", "date: 2026-02-30"
    )
    linking = article("Links to the bad one", f"{WORDS} See [the bad one](/bad-date/) and [its twin](/bad-date/#why).", "linking")
    site = write_site(
        tmp_path / "site",
        {
            "data/products.yaml": "unused-one:\n  name: Shrimp Food\n  url: https://shop.example.net/food?aff=1\n",
            "content/water/bad.md": bad,
            "content/water/link.md": linking,
        },
        CONFIG,
    )
    result = run_nichesite("check", site, "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    errors = [(f["path"], f["line"], f["rule"]) for f in findings if f["severity"] == "error"]
    assert errors == [("content/water/bad.md", 3, "build")], findings
    assert "is not valid date" in findings[0]["message"] or "not a valid date" in findings[0]["message"]
    assert not [f for f in findings if f["rule"] in ("broken-link", "broken-anchor", "unused-product")]
