"""The theme's words: plural forms chosen by the language's own rules (Babel's CLDR data)."""

from __future__ import annotations

from nichesite.i18n import load_translations


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
