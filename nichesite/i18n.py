"""The theme's own words in the site's language, and dates formatted for its locale (Babel)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal


@dataclass(frozen=True, slots=True)
class Translations:
    """Looks words up in i18n/<language>.yaml of the theme, falling back to English."""

    language: str
    words: dict[str, str]
    locale: Locale

    def __call__(self, key: str, **values: object) -> str:
        text = self.words.get(key, key)
        return text.format(**values) if values else text

    def date(self, day: dt.date | None, style: str = "long") -> str:
        if day is None:
            return ""
        return format_date(day, format=style, locale=self.locale)

    def number(self, value: float) -> str:
        """A number with the locale's decimal separator: 4.6 in English, 4,6 in Spanish."""
        return format_decimal(value, format="#,##0.##", locale=self.locale)


def load_translations(i18n_dirs: list[Path], language: str) -> Translations:
    """Merge en, then the base language (pt), then the full tag (pt-BR); the theme's files win
    over the default theme's."""
    tags = ["en"]
    base = language.split("-")[0].lower()
    if base != "en":
        tags.append(base)
    if language.lower() != base:
        tags.append(language.replace("_", "-"))
    words: dict[str, str] = {}
    for tag in tags:
        for folder in reversed(i18n_dirs):
            path = folder / f"{tag}.yaml"
            if path.is_file():
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                words.update({str(k): str(v) for k, v in data.items()})
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")
    return Translations(language, words, locale)
