"""Search engine verification as the real `nichesite build` writes it: each engine's meta tag
with the token from site.yaml, on the home page only."""

from __future__ import annotations

from pathlib import Path

from conftest import BASIC_CONFIG, article, run_nichesite

FILES = {
    "content/water/a.md": article("Why do shrimp die", body="Text.\n"),
    "content/water/b.md": article("Why is the water cloudy", date="2026-10-01", body="Text.\n"),
    "content/pages/privacy.md": "---\ntitle: Privacy policy\nslug: privacy\n---\nWhat this site collects.\n",
}


def build(root: Path, *extra: str) -> Path:
    result = run_nichesite("build", root, *extra)
    assert result.returncode == 0, result.stderr
    return root / "public"


def head(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("</head>", 1)[0]


def test_verification_meta_tags_are_on_the_home_page_only(site) -> None:
    config = (
        BASIC_CONFIG.replace("paginate: 10", "paginate: 1") + "verify:\n  google: AbC_dEf-123\n  bing: 0123456789ABCDEF0123456789ABCDEF\n"
    )
    out = build(site(FILES, config=config))
    home = head(out / "index.html")
    assert '<meta name="google-site-verification" content="AbC_dEf-123">' in home
    assert '<meta name="msvalidate.01" content="0123456789ABCDEF0123456789ABCDEF">' in home
    for other in ("page/2/index.html", "why-do-shrimp-die/index.html", "privacy/index.html", "category/water/index.html", "404.html"):
        assert "verification" not in head(out / other) and "msvalidate" not in head(out / other), other


def test_a_pasted_meta_tag_is_an_error_that_gives_the_token_to_write(site) -> None:
    config = BASIC_CONFIG + 'verify:\n  google: \'<meta name="google-site-verification" content="AbC123" />\'\n'
    result = run_nichesite("build", site(FILES, config=config))
    assert result.returncode == 1
    assert "site.yaml:8: error: verify.google: write only the token, 'AbC123', not the whole meta tag" in result.stderr
