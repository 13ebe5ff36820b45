"""The theme's words: plural forms chosen by the language's own rules (Babel's CLDR data)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from babel import Locale

from nichesite.i18n import PLURAL_FORMS, load_translations


def test_plural_forms_follow_each_language(tmp_path):
    folder = tmp_path / "i18n"
    folder.mkdir()
    (folder / "en.yaml").write_text('reading_time: {one: "{minutes} minute", other: "{minutes} minutes"}\n', encoding="utf-8")
    (folder / "ru.yaml").write_text(
        'reading_time: {one: "{minutes} минута", few: "{minutes} минуты", many: "{minutes} минут", other: "{minutes} минуты"}\n',
        encoding="utf-8",
    )
    ru, problems = load_translations([folder], "ru", tmp_path)
    assert not problems
    assert [ru("reading_time", minutes=n) for n in (1, 3, 5, 11, 21, 22)] == [
        "1 минута",
        "3 минуты",
        "5 минут",
        "11 минут",
        "21 минута",
        "22 минуты",
    ]
    en, _ = load_translations([folder], "en", tmp_path)
    assert (en("reading_time", minutes=1), en("reading_time", minutes=2)) == ("1 minute", "2 minutes")


def test_a_plain_word_still_works_and_a_missing_form_falls_back_to_other(tmp_path):
    folder = tmp_path / "i18n"
    folder.mkdir()
    (folder / "en.yaml").write_text('Home: Home\ncount: {other: "{count} things"}\n', encoding="utf-8")
    en, _ = load_translations([folder], "en", tmp_path)
    assert en("Home") == "Home" and en("count", count=1) == "1 things"


# -- the default theme's shipped words ------------------------------------------------------------

I18N = Path(__file__).resolve().parents[2] / "themes" / "default" / "i18n"
SHIPPED = sorted(path.stem for path in I18N.glob("*.yaml"))
PLACEHOLDER = re.compile(r"\{(\w*)\}")
# Languages whose nouns change with the number: every word that shows a count has its forms there.
INFLECTING = ("bg", "cs", "pl", "ro", "ru", "uk")
COUNTED = ("reading_time", "articles_count", "search_results", "preview_more_errors")


def shipped(language: str) -> dict[str, object]:
    return yaml.safe_load((I18N / f"{language}.yaml").read_text(encoding="utf-8"))


def forms(value: object) -> dict[str, str]:
    return dict(value) if isinstance(value, dict) else {"other": value}


def placeholders(value: object) -> set[frozenset[str]]:
    return {frozenset(PLACEHOLDER.findall(text)) for text in forms(value).values()}


def keys_after_comments(language: str) -> list[str]:
    """The keys that open a commented section (the line above them is a comment)."""
    lines = (I18N / f"{language}.yaml").read_text(encoding="utf-8").splitlines()
    return [
        line.split(":", 1)[0]
        for above, line in zip(lines, lines[1:], strict=False)
        if above.startswith("#") and line[:1].strip() and not line.startswith("#")
    ]


def test_the_theme_ships_the_fourteen_languages():
    assert SHIPPED == ["bg", "cs", "de", "en", "es", "fr", "it", "nl", "pl", "pt", "ro", "ru", "tr", "uk"]


@pytest.mark.parametrize("language", SHIPPED)
def test_every_language_has_exactly_the_english_keys_in_order_and_sections(language):
    english, words = shipped("en"), shipped(language)
    assert [k for k in english if k not in words] == [], "missing"
    assert [k for k in words if k not in english] == [], "not in en.yaml"
    assert list(words) == list(english), "not in en.yaml's order"
    assert keys_after_comments(language) == keys_after_comments("en"), "section comments differ from en.yaml's"
    translations, problems = load_translations([I18N], language, I18N)
    assert problems == []
    assert set(translations.words) == set(english)


@pytest.mark.parametrize("language", SHIPPED)
def test_every_value_has_the_english_placeholders_in_every_form(language):
    english, words = shipped("en"), shipped(language)
    for key, value in words.items():
        assert all(isinstance(text, str) and text.strip() for text in forms(value).values()), (language, key)
        expected = placeholders(english[key])
        assert len(expected) == 1, ("en.yaml's forms disagree", key)
        assert placeholders(value) == expected, (language, key, value)


@pytest.mark.parametrize("language", SHIPPED)
def test_plural_forms_have_other_and_every_category_the_language_uses_for_whole_numbers(language):
    categories = {Locale.parse(language).plural_form(n) for n in range(0, 1001)}
    for key, value in shipped(language).items():
        if isinstance(value, dict):
            assert "other" in value, (language, key)
            assert set(value) <= set(PLURAL_FORMS), (language, key, set(value) - set(PLURAL_FORMS))
            assert categories <= set(value), (language, key, categories - set(value))


@pytest.mark.parametrize("language", INFLECTING)
def test_languages_whose_nouns_follow_the_number_have_forms_for_every_count(language):
    words = shipped(language)
    for key in COUNTED:
        assert isinstance(words[key], dict), (language, key)
        assert len(set(words[key].values())) > 1, (language, key)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", ["1 минута чтения", "2 минуты чтения", "5 минут чтения", "11 минут чтения", "21 минута чтения", "22 минуты чтения"]),
        (
            "uk",
            ["1 хвилина читання", "2 хвилини читання", "5 хвилин читання", "11 хвилин читання", "21 хвилина читання", "22 хвилини читання"],
        ),
        (
            "pl",
            ["1 minuta czytania", "2 minuty czytania", "5 minut czytania", "11 minut czytania", "21 minut czytania", "22 minuty czytania"],
        ),
        ("cs", ["1 minuta čtení", "2 minuty čtení", "5 minut čtení", "11 minut čtení", "21 minut čtení", "22 minut čtení"]),
        ("bg", ["1 минута четене", "2 минути четене", "5 минути четене", "11 минути четене", "21 минути четене", "22 минути четене"]),
        (
            "ro",
            [
                "1 minut de lectură",
                "2 minute de lectură",
                "5 minute de lectură",
                "11 minute de lectură",
                "21 de minute de lectură",
                "22 de minute de lectură",
            ],
        ),
        ("en", ["1 min read", "2 min read", "5 min read", "11 min read", "21 min read", "22 min read"]),
    ],
)
def test_the_shipped_reading_time_reads_right_for_each_number(language, expected):
    words, _ = load_translations([I18N], language, I18N)
    assert [words("reading_time", minutes=n) for n in (1, 2, 5, 11, 21, 22)] == expected


@pytest.mark.parametrize("language", SHIPPED)
def test_site_names_in_descriptions_are_set_off_as_the_language_does(language):
    """A site name is a name inside the sentence: quoted (or, in English, left as it is), never
    glued to a preposition as if it were a common noun, whatever the name is."""
    words, _ = load_translations([I18N], language, I18N)
    quotes = {"en": ("", ""), "ru": ("«", "»"), "uk": ("«", "»"), "es": ("«", "»"), "it": ("«", "»"), "fr": ("«\u00a0", "\u00a0»")}
    quotes |= dict.fromkeys(("bg", "cs", "de"), ("„", "“")) | dict.fromkeys(("pl", "ro"), ("„", "”"))
    quotes |= dict.fromkeys(("pt", "nl", "tr"), ("“", "”"))
    opening, closing = quotes[language]
    for key in ("category_description", "tag_description", "search_description"):
        text = words(key, name="NAME", site="Креветки в аквариуме")
        assert f"{opening}Креветки в аквариуме{closing}" in text, (key, text)
    tag = words("tag_description", name="tds", site="X")
    assert f"{opening or '“'}tds{closing or '”'}" in tag, tag


def test_a_word_can_list_its_forms_for_a_script():
    words, _ = load_translations([I18N], "ru", I18N)
    assert words.forms("search_results")["many"] == "Найдено {count} статей"
    assert words.forms("Search") == {"other": "Поиск"}


@pytest.mark.parametrize("language", SHIPPED)
def test_each_share_links_name_holds_the_word_it_shows(language):
    """A share link shows the network's name (or the word for e-mail) and is named "Share on
    Facebook": the name holds what is shown, so a reader who says what they see finds it."""
    words, _ = load_translations([I18N], language, I18N)
    for network in ("Facebook", "X", "LinkedIn", "Pinterest", "Telegram", "WhatsApp", "VK"):
        assert network in words("share_on", network=network), (language, network)
    assert words("E-mail").casefold() in words("share_by_email").casefold(), language
