"""Privacy-friendly analytics as the real commands build it: the service's script in production
builds only (never in `serve` or `--preview`), and the privacy page that names the service."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import BASIC_CONFIG, article, run_nichesite

from e2e.test_serve import Preview

PRIVACY = "---\ntitle: Privacy policy\nslug: privacy\n---\nWhat this site collects.\n\n{{< privacy_services >}}\n"
FILES = {
    "content/water/a.md": article("Why do shrimp die", body="Text.\n"),
    "content/water/b.md": article("Why is the water cloudy", date="2026-10-01", body="Text.\n"),
    "content/pages/privacy.md": PRIVACY,
}
PLAUSIBLE = '<script defer data-domain="shrimpfixes.example" src="https://plausible.io/js/script.js"></script>'


def build(root: Path, *extra: str) -> Path:
    result = run_nichesite("build", root, *extra)
    assert result.returncode == 0, result.stderr
    return root / "public"


def head(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("</head>", 1)[0]


@pytest.mark.parametrize(
    ("setting", "script"),
    [
        ("plausible: shrimpfixes.example", PLAUSIBLE),
        (
            "umami: 94db1cb1-74f4-4a40-ad6c-962362670409",
            '<script defer src="https://cloud.umami.is/script.js" data-website-id="94db1cb1-74f4-4a40-ad6c-962362670409"></script>',
        ),
        (
            "umami: 94db1cb1-74f4-4a40-ad6c-962362670409\n  src: https://stats.shrimpfixes.example/script.js",
            '<script defer src="https://stats.shrimpfixes.example/script.js" data-website-id="94db1cb1-74f4-4a40-ad6c-962362670409"></script>',
        ),
        (
            "goatcounter: shrimpfixes",
            '<script defer data-goatcounter="https://shrimpfixes.goatcounter.com/count" src="https://gc.zgo.at/count.js"></script>',
        ),
        (
            "cloudflare: 0123456789abcdef0123456789abcdef",
            '<script defer src="https://static.cloudflareinsights.com/beacon.min.js" data-cf-beacon=\'{"token": "0123456789abcdef0123456789abcdef"}\'></script>',
        ),
    ],
    ids=["plausible", "umami", "umami-self-hosted", "goatcounter", "cloudflare"],
)
def test_each_analytics_service_is_one_deferred_script_on_every_page(site, setting: str, script: str) -> None:
    out = build(site(FILES, config=BASIC_CONFIG + f"analytics:\n  {setting}\n"))
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 6
    for page in pages:
        if "/go/" not in page.as_posix():
            assert head(page).count(script) == 1, page


def test_analytics_is_never_in_a_preview_build(site) -> None:
    root = site(FILES, config=BASIC_CONFIG + "analytics:\n  plausible: shrimpfixes.example\n")
    assert run_nichesite("build", root, "--preview", "-o", root / "preview").returncode == 0
    preview = root / "preview"
    assert "plausible" not in (preview / "index.html").read_text()
    assert "plausible" not in (preview / "why-do-shrimp-die" / "index.html").read_text()
    # ...but the privacy page still says what the published site uses
    assert "Visits are counted with Plausible Analytics" in (preview / "privacy" / "index.html").read_text()


def test_analytics_is_never_in_serve(site, tmp_path: Path) -> None:
    root = site(FILES, config=BASIC_CONFIG + "analytics:\n  plausible: shrimpfixes.example\n")
    running = Preview(root, tmp_path)
    try:
        for path in ("/", "/why-do-shrimp-die/", "/privacy/"):
            status, page = running.get(path)
            assert status == 200 and "plausible.io/js" not in page, path
    finally:
        running.stop()
    assert "plausible.io/js" not in (root / ".nichesite" / "preview" / "index.html").read_text()


def test_the_privacy_page_lists_the_service_and_the_form_services(site) -> None:
    config = BASIC_CONFIG + "analytics:\n  goatcounter: shrimpfixes\nquestions:\n  action: https://formspree.io/f/abcd\n"
    out = build(site(FILES, config=config))
    page = (out / "privacy" / "index.html").read_text()
    items = re.findall(r"<li>(.*?)</li>", page.split('class="prose"', 1)[1].split("</div>", 1)[0], re.S)
    assert items[0] == (
        "Visits are counted with GoatCounter, which uses no cookies and collects no personal data. "
        '<a href="https://www.goatcounter.com/help/privacy">Privacy policy of GoatCounter</a>'
    )
    assert "goes to formspree.io, which passes it on to the site&#39;s author." in items[1]
    # Without any service the same page says there is none
    out = build(site(FILES, name="plain"))
    assert "This site uses no visitor statistics service and no forms of its own." in (out / "privacy" / "index.html").read_text()


def test_a_custom_snippet_is_written_as_it_is_and_named_on_the_privacy_page(site) -> None:
    snippet = '<script defer src="https://stats.example/m.js" data-site="7"></script>'
    config = (
        BASIC_CONFIG + f"analytics:\n  custom:\n    html: '{snippet}'\n    name: Matomo\n    privacy_url: https://matomo.example/privacy\n"
    )
    out = build(site(FILES, config=config))
    assert head(out / "index.html").count(snippet) == 1
    privacy = (out / "privacy" / "index.html").read_text()
    assert 'Visits are counted with Matomo. <a href="https://matomo.example/privacy">Privacy policy of Matomo</a>' in privacy


def test_analytics_without_a_page_that_says_so_is_a_warning(site) -> None:
    files = FILES | {"content/pages/privacy.md": "---\ntitle: Privacy policy\nslug: privacy\n---\nNothing here.\n"}
    root = site(files, config=BASIC_CONFIG + "analytics:\n  plausible: shrimpfixes.example\n")
    result = run_nichesite("build", root, "--strict")
    assert result.returncode == 1
    assert (
        "site.yaml:7: warning: analytics sends readers' data to another service, but no page says so: put {{< privacy_services >}}"
        in result.stderr
    )


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("plausible: shrimpfixes.example\n  goatcounter: shrimp", "analytics: set one service, not plausible and goatcounter"),
        ("umami: 1234", "analytics.umami: expected the website id Umami shows"),
        ("goatcounter: shrimp\n  src: https://x.example/c.js", "analytics: src is the script of a Plausible or Umami you host yourself"),
        ("plausible: shrimpfixes.example\n  src: http://x.example/p.js", "analytics.src: must be an https:// address"),
        ("cloudflare: '0123'", "analytics.cloudflare: expected the 32-character token"),
    ],
)
def test_analytics_mistakes_are_errors_at_their_line(site, setting: str, message: str) -> None:
    result = run_nichesite("build", site(FILES, config=BASIC_CONFIG + f"analytics:\n  {setting}\n"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(rf"site\.yaml:\d+: error: {re.escape(message)}", result.stderr), result.stderr
