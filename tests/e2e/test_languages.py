"""Languages: `lang`, dates in the site's locale, the theme's own words, ASCII URLs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import BASIC_CONFIG, REPO, article, run_nichesite, write_site

I18N = REPO / "themes" / "default" / "i18n"
LANGUAGES = ("en", "bg", "ru", "pl", "de", "fr", "es", "uk", "it", "pt", "nl", "cs", "tr", "ro")
# Words a language rightly writes as English does (loanwords, names); every other word is translated.
SAME_AS_ENGLISH = {
    "": {"Problem", "Pagination", "Feed", "Product", "Comparison", "label", "E-mail"},
    "fr": {"articles_count"},
    "it": {"Home", "helpful_no"},
    "es": {"helpful_no"},
    "nl": {"Home", "Tags", "Product"},
    "pt": {"Tags"},
}

BG_CONFIG = """\
title: Скариди у дома
base_url: https://skaridi.example
language: bg
description: Решения за проблемите на любителите на сладководни скариди в малки аквариуми.
audience: Любители със скариди Neocaridina в малки аквариуми
paginate: 1
"""

BG_ARTICLE = """\
---
title: Защо скаридите умират след смяна на водата?
date: 2026-10-02
updated: 2026-11-01
category: Вода и химия
tags: [смяна на водата, щипка]
problem: Скаридите умират до ден след голяма смяна на водата.
solution: Сменяйте най-много 10% наведнъж и изравнете температурата и твърдостта.
---
Скаридите са чувствителни към резки промени в температурата и твърдостта на водата.
"""

BG_SECOND = """\
---
title: Колко да храня скаридите?
date: 2026-09-01
category: Храна
tags: [щипка]
problem: Остатъците от храна гният в аквариума.
solution: Хранете с щипка през ден и махайте остатъците след два часа.
---
Малко храна през ден е достатъчно за колония скариди.
"""


def spaces(text: str) -> str:
    """Babel writes no-break spaces inside dates; compare them as plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def words(language: str) -> dict[str, str | dict[str, str]]:
    return yaml.safe_load((I18N / f"{language}.yaml").read_text(encoding="utf-8"))


def texts(value: str | dict[str, str]) -> list[str]:
    """A word's text, or each of its plural forms."""
    return list(value.values()) if isinstance(value, dict) else [value]


def placeholders(value: str | dict[str, str]) -> set[tuple[str, ...]]:
    return {tuple(sorted(re.findall(r"\{\w+\}", text))) for text in texts(value)}


def test_the_shipped_languages_are_the_theme_files() -> None:
    assert sorted(LANGUAGES) == sorted(path.stem for path in I18N.glob("*.yaml"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_file_has_every_english_key_and_translates_it(language: str) -> None:
    english, translated = words("en"), words(language)
    assert set(translated) == set(english), set(english) ^ set(translated)
    allowed = SAME_AS_ENGLISH[""] | SAME_AS_ENGLISH.get(language, set())
    for key, value in english.items():
        assert placeholders(translated[key]) == placeholders(value), (language, key)
        if language != "en" and key not in allowed:
            assert not set(texts(translated[key])) & set(texts(value)), f"{language}: {key} is not translated"


def test_bulgarian_site_has_ascii_urls_bulgarian_dates_and_bulgarian_theme_words(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "bg",
        {"content/voda/smyana.md": BG_ARTICLE, "content/hrana/hranene.md": BG_SECOND},
        BG_CONFIG,
    )
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    out = root / "public"
    outputs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert all(name.isascii() for name in outputs), outputs
    assert "zashto-skaridite-umirat-sled-smyana-na-vodata/index.html" in outputs
    assert "category/voda-i-himiya/index.html" in outputs
    assert "tag/shtipka/index.html" in outputs
    article = spaces((out / "zashto-skaridite-umirat-sled-smyana-na-vodata" / "index.html").read_text(encoding="utf-8"))
    assert '<html lang="bg">' in article
    assert '<time datetime="2026-10-02">2 октомври 2026 г.</time>' in article
    assert '<time datetime="2026-11-01">1 ноември 2026 г.</time>' in article
    for word in ("Бърз отговор", "Проблем", "Свързани статии", "Към съдържанието", "Категории", "1 минута четене"):
        assert word in article, word
    assert "Quick answer" not in article and "Related articles" not in article
    assert '<meta property="og:locale" content="bg_BG">' in article
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "Страница 1 от 2" in home and "По-стари статии" in home
    assert "Търсене" in (out / "search" / "index.html").read_text(encoding="utf-8")
    assert "Страницата не е намерена" in (out / "404.html").read_text(encoding="utf-8")
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert 'xml:lang="bg"' in feed and "Защо скаридите умират" in feed


@pytest.mark.parametrize(
    ("language", "date_text", "quick_answer"),
    [
        ("en", "October 2, 2026", "Quick answer"),
        ("ru", "2 октября 2026 г.", "Короткий ответ"),
        ("pl", "2 października 2026", "Szybka odpowiedź"),
        ("de", "2. Oktober 2026", "Kurze Antwort"),
        ("fr", "2 octobre 2026", "Réponse rapide"),
        ("es", "2 de octubre de 2026", "Respuesta rápida"),
        ("uk", "2 жовтня 2026 р.", "Коротка відповідь"),
        ("it", "2 ottobre 2026", "Risposta rapida"),
        ("pt", "2 de outubro de 2026", "Resposta rápida"),
        ("nl", "2 oktober 2026", "Kort antwoord"),
        ("cs", "2. října 2026", "Rychlá odpověď"),
        ("tr", "2 Ekim 2026", "Kısa yanıt"),
        ("ro", "2 octombrie 2026", "Răspuns rapid"),
    ],
)
def test_each_shipped_language_localizes_dates_and_theme_words(tmp_path: Path, language: str, date_text: str, quick_answer: str) -> None:
    config = BG_CONFIG.replace("language: bg", f"language: {language}")
    root = write_site(tmp_path / language, {"content/voda/smyana.md": BG_ARTICLE}, config)
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    page = spaces(next((root / "public").glob("*um?rat*/index.html")).read_text(encoding="utf-8"))
    assert f'<html lang="{language}">' in page
    assert date_text in page
    assert quick_answer in page


def test_a_language_tag_is_normalised_and_a_language_without_theme_words_is_a_warning_at_its_line(tmp_path):
    ru = write_site(tmp_path / "ru", {"content/a/x.md": article("Креветки")}, BASIC_CONFIG.replace("language: en", "language: RU-ru"))
    result = run_nichesite("build", ru, "--strict")
    assert result.returncode == 0, result.stderr
    assert '<html lang="ru-RU">' in (ru / "public/index.html").read_text()

    sv = write_site(tmp_path / "sv", {"content/a/x.md": article("Räkor")}, BASIC_CONFIG.replace("language: en", "language: sv"))
    result = run_nichesite("build", sv)
    assert result.returncode == 0
    assert (
        "site.yaml:3: warning: the theme has no words in 'sv', so its pages would mix sv dates with English words; "
        "it has bg, cs, de, en, es, fr, it, nl, pl, pt, ro, ru, tr, uk. Add themes/default/i18n/sv.yaml to the site "
        "(the theme's en.yaml, translated)"
    ) in result.stderr
    words = (REPO / "themes/default/i18n/en.yaml").read_text(encoding="utf-8")
    (sv / "themes/default/i18n").mkdir(parents=True)
    (sv / "themes/default/i18n/sv.yaml").write_text(words.replace("Home", "Hem"), encoding="utf-8")
    assert run_nichesite("build", sv, "--strict").returncode == 0
