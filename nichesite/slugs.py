"""ASCII URL slugs for titles, categories and tags in any script.

Transliteration is anyascii's (every script), with the official romanisations of a few languages
applied first where they differ from the generic one: Bulgarian's streamlined system (щ → sht,
ъ → a), German umlauts (ä → ae, ß → ss) and Ukrainian (и → y, і → i).
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

_LANGUAGE_TABLES: dict[str, dict[str, str]] = {
    "bg": {"щ": "sht", "ъ": "a", "ь": "y", "ю": "yu", "я": "ya", "ж": "zh", "х": "h", "ц": "ts", "й": "y"},
    "de": {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"},
    "uk": {"и": "y", "і": "i", "ї": "i", "є": "ie", "г": "h", "ґ": "g", "х": "kh", "щ": "shch"},
}
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, language: str = "en", max_length: int = 80) -> str:
    """A lowercase ASCII slug: `Защо скаридите умират?` → `zashto-skaridite-umirat`."""
    text = unicodedata.normalize("NFC", text)
    table = _LANGUAGE_TABLES.get(language.split("-")[0].lower())
    if table:
        text = "".join(table.get(ch.lower(), ch) for ch in text)
    text = text.replace("&", " and ").replace("'", "").replace("’", "")
    # anyascii writes ь and ъ as an apostrophe: drop it so `линька` is `linka`, not `lin-ka`.
    ascii_text = anyascii(text).replace("'", "")
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug
