"""Every sentence the theme or the build writes, in the site's language: plural forms, site names
in descriptions, footnote back-links, the preview's error overlay and one date format."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import run_nichesite, write_site

from nichesite import statefile
from nichesite.body import FOOTNOTE_BACKLINK, BodyRenderer, backlink_title
from nichesite.build import Builder, BuildOptions
from nichesite.livereload import PreviewState, injection

SITE_NAME = "Креветки в аквариуме"


def article(title: str, words: int, date: str = "2026-10-02", **fields: str) -> str:
    lines = ["---", f"title: {title}", f"date: {date}", "category: Вода", "tags: [tds]"]
    lines += ["problem: Креветки гибнут после подмены воды.", "solution: Подменяйте не больше десятой части воды за раз."]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "\n".join([*lines, "---", " ".join(["вода"] * words), ""])


def new_site(tmp_path: Path, language: str) -> Path:
    """A site as a user starts one: `nichesite new --language`, then their own title."""
    root = tmp_path / language
    result = run_nichesite("new", root, "--language", language)
    assert result.returncode == 0, result.stderr
    config = root / "site.yaml"
    config.write_text(re.sub(r"(?m)^title: .*$", f"title: {SITE_NAME}", config.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def build(root: Path) -> Path:
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    return root / "public"


def text_of(path: Path) -> str:
    """The page with Babel's no-break spaces as plain ones."""
    return path.read_text(encoding="utf-8").replace("\u00a0", " ").replace("\u202f", " ")


def meta_description(page: str) -> str:
    found = re.search(r'<meta name="description" content="([^"]*)">', page)
    assert found, "no meta description"
    return found.group(1)


def test_a_russian_site_counts_minutes_and_quotes_its_name_in_descriptions(tmp_path: Path) -> None:
    root = new_site(tmp_path, "ru")
    write_site(
        root,
        {
            "content/voda/odna.md": article("Одна минута", 50),
            "content/voda/dve.md": article("Две минуты", 300, "2026-10-01"),
            "content/voda/pyat.md": article("Пять минут", 1000, "2026-09-30"),
        },
        config=None,
    )
    out = build(root)
    one, two, five = (text_of(next(out.glob(f"{slug}*/index.html"))) for slug in ("odna", "dve", "pyat"))
    assert "1 минута чтения" in one and "2 минуты чтения" in two and "5 минут чтения" in five
    home = text_of(out / "index.html")
    assert "5 минут чтения" in home and "2 минуты чтения" in home and "1 минута чтения" in home
    assert "мин." not in home

    tag = meta_description(text_of(out / "tag" / "tds" / "index.html"))
    assert tag == f"Статьи с тегом «tds» на сайте «{SITE_NAME}»: в каждой — проблема, короткий ответ и полное решение."
    category = meta_description(text_of(next((out / "category").glob("voda*/index.html"))))
    assert category.startswith(f"Вода: все статьи сайта «{SITE_NAME}» на эту тему")
    search = text_of(out / "search" / "index.html")
    assert meta_description(search).startswith(f"Поиск по всем статьям сайта «{SITE_NAME}».")

    # The search script counts in the browser: it gets every form and picks one by CLDR's rules.
    found = re.search(r"data-results='([^']*)'", search)
    assert found
    assert json.loads(found.group(1)) == {
        "one": "Найдена {count} статья",
        "few": "Найдено {count} статьи",
        "many": "Найдено {count} статей",
        "other": "Найдено {count} статьи",
    }
    script = (out / "js" / "search.js").read_text(encoding="utf-8")
    assert "Intl.PluralRules" in script and "JSON.parse(form.dataset.results)" in script


def test_cards_and_articles_show_dates_in_one_format(tmp_path: Path) -> None:
    for language, long_date in (("bg", "2 октомври 2026 г."), ("de", "2. Oktober 2026"), ("cs", "2. října 2026")):
        root = write_site(
            tmp_path / language,
            {"content/voda/a.md": article("Вода и химия", 50, slug="a")},
            f"title: {SITE_NAME}\nbase_url: https://example.org\nlanguage: {language}\n",
        )
        out = build(root)
        assert f'<time datetime="2026-10-02">{long_date}</time>' in text_of(out / "a" / "index.html")
        cards = re.findall(r'class="card-meta"><time datetime="2026-10-02">([^<]*)</time>', text_of(out / "index.html"))
        assert cards == [long_date], (language, cards)


FOOTNOTED = """---
title: Защо скаридите умират?
date: 2026-10-02
slug: zashto
problem: Скаридите умират след смяна на водата.
solution: Сменяйте по малко вода наведнъж.
---
Сменяйте най-много една десета от водата наведнъж.[^1]

[^1]: Така температурата и твърдостта се променят бавно.
"""


def test_a_footnote_back_link_is_titled_in_the_site_language_and_a_new_word_parses_again(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "bg",
        {"content/voda/zashto.md": FOOTNOTED},
        "title: Скариди у дома\nbase_url: https://skaridi.example\nlanguage: bg\n",
    )
    page = (build(root) / "zashto" / "index.html").read_text(encoding="utf-8")
    assert 'class="footnote-backref" href="#fnref:1" title="Обратно към бележка 1 в текста"' in page
    assert "Jump back" not in page and "footnote 1" not in page

    # The title is parsed into the body, and parsed bodies are cached: a site's own word (or
    # another language) is part of the cache key, so the next build parses the article again.
    (root / "themes/default/i18n").mkdir(parents=True)
    (root / "themes/default/i18n/bg.yaml").write_text('footnote_backlink: "Назад към бележка {number}"\n', encoding="utf-8")
    page = (build(root) / "zashto" / "index.html").read_text(encoding="utf-8")
    assert 'title="Назад към бележка 1"' in page

    (root / "themes/default/i18n/bg.yaml").unlink()
    config = root / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: bg", "language: ru"), encoding="utf-8")
    page = (build(root) / "zashto" / "index.html").read_text(encoding="utf-8")
    assert 'title="Вернуться к сноске 1 в тексте"' in page


def test_the_back_link_word_becomes_the_extension_title_and_a_parse_setting() -> None:
    assert backlink_title("Обратно към бележка {number} в текста") == "Обратно към бележка %d в текста"
    assert backlink_title("50% {x} {number}}") == "50 x %d"  # the extension would choke on stray % or braces
    html = BodyRenderer("bg", "Обратно към бележка {number} в текста").render("Текст.[^a] Още.[^b]\n\n[^a]: А.\n[^b]: Б.\n").html
    assert 'title="Обратно към бележка 1 в текста"' in html and 'title="Обратно към бележка 2 в текста"' in html
    assert 'title="Back to footnote 1 in the text"' in BodyRenderer().render("A.[^1]\n\n[^1]: B.\n").html
    english = statefile.parse_settings_digest("bg", "/{slug}/", "")
    assert english == statefile.parse_settings_digest("bg", "/{slug}/", "", FOOTNOTE_BACKLINK)
    assert english != statefile.parse_settings_digest("bg", "/{slug}/", "", "Обратно към бележка {number} в текста")


def test_the_preview_overlay_speaks_the_site_language(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "ru",
        {"content/voda/a.md": article("Хорошая статья", 50)},
        f"title: {SITE_NAME}\nbase_url: https://example.org\nlanguage: ru\n",
    )
    out = tmp_path / "preview"
    builder = Builder(BuildOptions(root, out, preview=True), in_place=True)
    state = PreviewState(out)
    assert builder.build().ok
    for n in range(25):  # more errors than the overlay lists
        (root / f"content/voda/bad{n}.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    result = builder.build()
    assert not result.ok and result.translations is not None
    overlay = injection(state.publish(result.ok, result.problems, result.translations)).decode()
    assert 'lang="ru"' in overlay and 'aria-label="Закрыть"' in overlay
    assert "nichesite: последняя сборка не удалась." in overlay
    assert "Исправьте ошибку и сохраните файл, страница обновится сама." in overlay
    assert "… и ещё 5 ошибок (см. терминал)" in overlay
    assert "last build failed" not in overlay and "Close" not in overlay and "more (see the terminal)" not in overlay

    # A build that fails before it reads the theme's words (site.yaml broken) keeps the last ones.
    (root / "site.yaml").write_text("title: [\n", encoding="utf-8")
    result = builder.build()
    assert not result.ok and result.translations is None
    assert "последняя сборка не удалась" in injection(state.publish(result.ok, result.problems, result.translations)).decode()
    # Before any build has read them, the overlay is English.
    fresh = injection(PreviewState(out).publish(False, [], None, "")).decode()
    assert "nichesite: the last build failed." in fresh and "See the terminal for the details." in fresh


def test_a_french_label_has_its_no_break_space_before_the_colon(tmp_path):
    site = tmp_path / "fr"
    assert run_nichesite("new", site, "--language", "fr").returncode == 0
    assert run_nichesite("build", site, "--strict").returncode == 0
    home = (site / "public/index.html").read_text(encoding="utf-8")
    assert "À qui s’adresse ce site\u00a0:</strong>" in home
    article = next(p for p in (site / "public").rglob("index.html") if 'class="tags-label"' in p.read_text(encoding="utf-8"))
    assert "Mots-clés\u00a0:</span>" in article.read_text(encoding="utf-8")
