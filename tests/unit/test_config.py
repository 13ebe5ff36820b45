from pathlib import Path

import pytest

from nichesite.config import DEFAULT_AD_HEIGHTS, load_config, parse_base_url


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "site.yaml").write_text(text)
    return tmp_path


FULL = """\
title: Shrimp Tank Fixes
base_url: https://shrimpfixes.example/
language: bg
description: Fixes
audience: Hobbyists
author: {name: Ana Petrova, url: /about/}
theme: default
permalink: "/{category}/{slug}/"
paginate: 7
ads:
  client: ca-pub-1234567890123456
  auto_ads: true
  min_words: 250
  head_html: "<script src='https://cmp.example/x.js'></script>"
  placements:
    after_intro:   {slot: "1111111111"}
    in_content:    {slot: "2222222222", every: 3, max: 2, height: 320}
    in_list:       {slot: 5555555555, every: 4}
affiliate:
  disclosure: "I earn from links."
  cloak: true
"""


def test_full_schema_loads_into_typed_config(tmp_path):
    config, problems = load_config(write(tmp_path, FULL))
    assert not problems.errors, problems.items
    assert config.base_url == "https://shrimpfixes.example" and config.base_path == ""
    assert config.language == "bg" and config.paginate == 7 and config.author.name == "Ana Petrova"
    ads = config.ads
    assert ads.publisher_id == "pub-1234567890123456" and ads.auto_ads and ads.min_words == 250
    assert ads.placements["in_content"].every == 3 and ads.placements["in_content"].height == 320
    assert ads.placements["in_list"].slot == "5555555555"  # an unquoted slot id keeps its digits
    assert ads.placements["after_intro"].height == DEFAULT_AD_HEIGHTS["after_intro"]
    assert "sidebar" not in ads.placements
    assert config.affiliate.cloak and config.affiliate.disclosure == "I earn from links."
    assert config.lines["ads.placements.in_content"] == 17


def test_defaults(tmp_path):
    config, problems = load_config(write(tmp_path, "title: T\nbase_url: https://t.example\n"))
    assert not problems.items
    assert (config.language, config.theme, config.permalink, config.paginate, config.ads) == ("en", "default", "/{slug}/", 10, None)
    assert config.affiliate.cloak is False


def test_missing_base_url_is_a_warning(tmp_path):
    config, problems = load_config(write(tmp_path, "title: T\n"))
    assert config is not None and "base_url is not set" in problems.warnings[0].message


def test_override_wins_and_is_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("NICHESITE_BASE_URL", "https://env.example/sub/")
    config, _ = load_config(write(tmp_path, "title: T\nbase_url: https://t.example\n"))
    assert config.base_url == "https://env.example/sub" and config.base_path == "/sub"
    config, _ = load_config(tmp_path, base_url="https://flag.example")
    assert config.base_url == "https://flag.example"
    config, problems = load_config(tmp_path, base_url="ftp://x")
    assert config is None and "--base-url" in problems.errors[0].message


def test_all_errors_are_collected(tmp_path):
    _, problems = load_config(write(tmp_path, "title: T\npaginate: 0\nlanguage: 12\nthem: x\n"))
    messages = [str(p) for p in problems.errors]
    assert any(m.startswith("site.yaml:2:") and "at least 1" in m for m in messages)
    assert any(m.startswith("site.yaml:4:") and "did you mean 'theme'" in m for m in messages)
    assert len(messages) == 3


def test_javascript_and_data_urls_in_config_are_errors(tmp_path):
    # SPEC 8: links may be http, https, mailto or site-relative; javascript: and data: are errors.
    text = "title: T\nbase_url: https://t.example\nauthor: {name: A, url: 'javascript:alert(1)'}\nimage: 'data:image/png;base64,AAAA'\n"
    config, problems = load_config(write(tmp_path, text))
    messages = [str(p) for p in problems.errors]
    assert any(m.startswith("site.yaml:3: error: author.url:") and "javascript:" in m for m in messages), messages
    assert any(m.startswith("site.yaml:4: error: image:") and "data:" in m for m in messages), messages


def test_theme_is_a_folder_name_not_a_path(tmp_path):
    # `theme: ../../x` would pick templates from outside the site and the shipped themes.
    config, problems = load_config(write(tmp_path, "title: T\nbase_url: https://t.example\ntheme: ../../etc\n"))
    assert [str(p) for p in problems.errors] == ["site.yaml:3: error: theme: expected a theme folder name such as default, got '../../etc'"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.com/", "https://example.com"),
        ("HTTPS://Example.COM/blog/", "https://example.com/blog"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://[::1]:8000/", "http://[::1]:8000"),
        ("https://пример.бг", "https://xn--e1afmkfd.xn--90ae"),
        ("https://example.com/блог", "https://example.com/%D0%B1%D0%BB%D0%BE%D0%B3"),
        ("https://example.com/a%20b/", "https://example.com/a%20b"),
        ("https://example.com/a(b)", "https://example.com/a%28b%29"),
    ],
)
def test_base_url_is_written_in_one_safe_form(value, expected):
    assert parse_base_url(value) == (expected, None)


@pytest.mark.parametrize(
    "value",
    [
        'https://p.example/x"><img src=x onerror=alert(1)>',
        "https://p.example/a b",
        "https://p.example/\n/x 200",
        "javascript:alert(1)",
        "https://user:pw@p.example",
        "https://p.example:99999",
        "https://p.example/?q=1",
        "https://-bad-.example",
        "https:///path-only",
        "https://p.example/a'b",
        "https://p.example/100%",
    ],
)
def test_a_base_url_that_could_break_a_page_is_refused(value):
    url, message = parse_base_url(value)
    assert url == "" and message


def test_author_is_a_name_and_url_or_the_id_of_an_author_of_authors_yaml(tmp_path):
    config, problems = load_config(write(tmp_path, "title: T\nbase_url: https://t.example\nauthor: ana-petrova\n"))
    assert not problems.items and config.author.id == "ana-petrova" and config.author.name == ""
    config, problems = load_config(write(tmp_path, "title: T\nbase_url: https://t.example\nauthor: {name: Ana, url: /about/}\n"))
    assert config.author.name == "Ana" and config.author.id == ""
    config, problems = load_config(write(tmp_path, "title: T\nbase_url: https://t.example\nauthor: [ana, ben]\n"))
    assert config is None and [str(p) for p in problems.items] == ["site.yaml:3: error: author: expected text or a mapping, got a list"]


def test_share_lists_networks_in_order_turns_off_and_warns_about_a_typo_at_its_line(tmp_path):
    config, problems = load_config(write(tmp_path, "title: T\nbase_url: https://t.example\nshare:\n  - telegram\n  - facebok\n  - x\n"))
    assert config.share == ("telegram", "x")
    assert [str(p) for p in problems.items] == [
        "site.yaml:5: warning: share: unknown network 'facebok' (did you mean 'facebook'?): left out"
    ]
    config, problems = load_config(write(tmp_path, "title: T\nbase_url: https://t.example\nshare: false\n"))
    assert config.share == () and not problems.items
    config, _ = load_config(write(tmp_path, "title: T\nbase_url: https://t.example\nlanguage: ru\n"))
    assert config.share == ("vk", "telegram", "whatsapp", "email")
    config, problems = load_config(write(tmp_path, "title: T\nbase_url: https://t.example\nshare: 5\n"))
    assert config is None and [str(p) for p in problems.items] == ["site.yaml:3: error: share: expected a list of text, got the number 5"]


# -- languages: one site in several languages ---------------------------------------------------

LANGUAGES = """\
title: Хляб у дома
base_url: https://hlyab.example
language: bg
description: Хляб
ads:
  client: ca-pub-1234567890123456
languages:
  bg: {}
  en:
    title: Bread at Home
    description: Bread fixes
    ads:
      client: ca-pub-6543210987654321
  RU:
    base_url: https://hleb.example
"""


def test_languages_give_each_language_its_own_merged_configuration(tmp_path, monkeypatch):
    monkeypatch.delenv("NICHESITE_BASE_URL", raising=False)
    config, problems = load_config(write(tmp_path, LANGUAGES))
    assert not problems.items, problems.items
    assert config.languages == ("bg", "en", "ru") and config.language == "bg"
    bg, en, ru = (config.language_sites[code] for code in config.languages)
    assert (bg.title, bg.base_url, bg.prefix, bg.own_domain) == ("Хляб у дома", "https://hlyab.example", "", False)
    assert (en.title, en.description, en.base_url, en.base_path, en.prefix) == (
        "Bread at Home",
        "Bread fixes",
        "https://hlyab.example/en",
        "/en",
        "en/",
    )
    assert en.ads.client == "ca-pub-6543210987654321" and bg.ads.client == "ca-pub-1234567890123456"
    assert (ru.title, ru.base_url, ru.base_path, ru.prefix, ru.own_domain) == ("Хляб у дома", "https://hleb.example", "", "ru/", True)
    assert en.language == "en" and en.languages == ("bg", "en", "ru")
    assert en.lines["title"] == 10 and en.lines["base_url"] == 2  # its own key at its own line, the others the site's


def test_a_base_url_override_puts_every_language_under_it(tmp_path):
    config, problems = load_config(write(tmp_path, LANGUAGES), "http://127.0.0.1:8000")
    assert not problems.errors
    ru = config.language_sites["ru"]
    assert (ru.base_url, ru.own_domain, ru.prefix) == ("http://127.0.0.1:8000/ru", False, "ru/")


def test_the_default_language_is_the_first_when_language_is_not_given(tmp_path):
    config, problems = load_config(write(tmp_path, "title: T\nbase_url: https://x.example\nlanguages:\n  en: {}\n  pl: {}\n"))
    assert not problems.items and config.language == "en" and config.languages == ("en", "pl")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "language: en\nlanguages:\n  bg: {}\n  en: {}\n",
            1,
            "language: en is the default language, so it must come first in languages: (now bg does)",
        ),
        ("language: de\nlanguages:\n  bg: {}\n  en: {}\n", 1, "language: de is not one of languages: (bg, en)"),
        ("languages:\n  bg: {}\n  english: {}\n", 3, "languages: 'english' is not a language code"),
        ("languages:\n  bg: {}\n  BG: {}\n", 3, "languages: bg is listed twice"),
        ("languages:\n  bg: {}\n  en:\n    titel: X\n", 4, "unknown key 'languages.en.titel' (did you mean 'title'?)"),
        ("languages:\n  bg: {}\n  en:\n    theme: other\n", 4, "unknown key 'languages.en.theme'"),
        ("languages:\n  bg: {}\n  en:\n    paginate: many\n", 4, "languages.en.paginate: expected a whole number"),
        ("languages:\n  bg: {}\n  en:\n    base_url: ftp://x\n", 4, "languages.en.base_url: must be an absolute http(s) URL"),
        ("languages: {}\n", 1, "languages: expected a mapping of language codes"),
        ("languages: [bg, en]\n", 1, "languages: expected a mapping"),
        ("translation_outdated_days: -1\n", 1, "translation_outdated_days: must be at least 0"),
    ],
)
def test_languages_mistakes_are_errors_at_their_line(tmp_path, text, line, message):
    config, problems = load_config(write(tmp_path, "title: T\nbase_url: https://x.example\n" + text))
    assert config is None
    found = [(p.location.line - 2, p.message) for p in problems.errors]
    assert any(n == line and m.startswith(message) for n, m in found), found


def test_a_site_without_languages_is_one_language(tmp_path):
    config, _ = load_config(write(tmp_path, "title: T\nbase_url: https://x.example\nlanguage: pl\n"))
    assert config.languages == () and not config.language_sites and config.prefix == "" and config.translation_outdated_days == 30
