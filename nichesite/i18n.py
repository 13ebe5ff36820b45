"""The theme's own words in the site's language, and dates formatted for its locale (Babel)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal

from nichesite.errors import Problem, error
from nichesite.files import read_text
from nichesite.yamlutil import YamlMap, load_yaml


@dataclass(frozen=True, slots=True)
class Translations:
    """Looks words up in i18n/<language>.yaml of the theme, falling back to English."""

    language: str
    words: dict[str, str | dict[str, str]]
    locale: Locale
    _dates: dict[tuple[dt.date, str], str] = field(default_factory=dict, repr=False, compare=False)  # Babel is slow; cards repeat dates

    def __call__(self, key: str, **values: object) -> str:
        text = self.words.get(key, key)
        if isinstance(text, dict):  # plural forms: {one: ..., few: ..., many: ..., other: ...}
            number = next((v for v in values.values() if isinstance(v, int | float) and not isinstance(v, bool)), 0)
            text = text.get(self.locale.plural_form(number)) or text.get("other") or next(iter(text.values()), key)
        return text.format(**values) if values else text

    def forms(self, key: str) -> dict[str, str]:
        """A word's plural forms by CLDR category, unfilled, for a script that counts in the
        browser (`Intl.PluralRules` picks the same categories); a plain word is its `other` form."""
        text = self.words.get(key, key)
        return dict(text) if isinstance(text, dict) else {"other": text}

    def date(self, day: dt.date | None, style: str = "long") -> str:
        if day is None:
            return ""
        found = self._dates.get((day, style))
        if found is None:
            found = self._dates[(day, style)] = format_date(day, format=style, locale=self.locale)
        return found

    def number(self, value: float) -> str:
        """A number with the locale's decimal separator: 4.6 in English, 4,6 in Spanish."""
        return format_decimal(value, format="#,##0.##", locale=self.locale)


PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")  # CLDR's categories, which Babel picks from


def _word(value: object) -> str | dict[str, str]:
    """A translation: text, or its plural forms by CLDR category (`one: минута`, `few: минуты`...)."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items() if str(k) in PLURAL_FORMS}
    return str(value)


def load_translations(i18n_dirs: list[Path], language: str, site_dir: Path) -> tuple[Translations, list[Problem]]:
    """Merge en, then the base language (pt), then the full tag (pt-BR); the theme's files win
    over the default theme's. A file that cannot be read is reported and skipped."""
    tags = ["en"]
    base = language.split("-")[0].lower()
    if base != "en":
        tags.append(base)
    if language.lower() != base:
        tags.append(language.replace("_", "-"))
    words: dict[str, str] = {}
    problems: list[Problem] = []
    for tag in tags:
        for folder in reversed(i18n_dirs):
            path = folder / f"{tag}.yaml"
            if path.is_file():
                rel = path.relative_to(site_dir).as_posix() if path.is_relative_to(site_dir) else str(path)
                text, found = read_text(path, rel)
                data, more = load_yaml(text, rel) if text is not None else (None, [])
                problems += found + more
                if isinstance(data, YamlMap):
                    words.update({str(k): _word(v) for k, v in data.items()})
                elif data is not None:
                    problems.append(error(rel, 1, "expected a mapping of 'English words: translation' lines"))
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")
    return Translations(language, words, locale), problems
