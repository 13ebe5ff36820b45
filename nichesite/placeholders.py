"""The placeholder sentences `nichesite new-article` writes into a new draft, in the site's
language. They guide the author and must never be published: a page that still holds one (in
any language) gets a warning at its line.

English is here; every other language's sentences are in `starters/<language>/new-article.yaml`,
beside that language's starter site. A key a language leaves out is taken from English."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

import yaml

STARTERS_DIR = Path(__file__).resolve().parent / "starters"

ARTICLE = {
    "problem": "Describe the problem the way a reader would type it into a search box.",
    "solution": "Give the fix in one or two sentences; the article explains it step by step.",
    "description": "Say what the reader will learn: the cause of the problem and how to fix it.",
    "question": "A question readers often ask about this problem?",
    "answer": "A short, direct answer.",
    "intro": "Start with a short introduction: who has this problem and what the article will fix.",
    "causes": "Explain the causes, most common first.",
    "step1": "The first step.",
    "step2": "The next step.",
    "why_heading": "Why it happens",
    "fix_heading": "How to fix it",
    "draft_comment": "remove this line (or set false) to publish",
    "problem_comment": "The problem in the reader's own words, and the short answer. The theme shows both at the top.",
    "description_comment": "The meta description for search results, 50-160 characters.",
    "products_comment": "Product ids from data/products.yaml for a 'Recommended products' block, e.g. [product-id].",
}
# The sentences no real article holds word for word (step lines, headings and comments could).
_PHRASE_KEYS = ("problem", "solution", "description", "question", "answer", "intro", "causes")


def primary(language: str) -> str:
    """`pt-BR` → `pt`: the language a starter is chosen by."""
    return language.replace("_", "-").split("-")[0].lower()


@cache
def article_words(language: str) -> dict[str, str]:
    """The new-article sentences of a language: its own file's, English for what it lacks."""
    words = dict(ARTICLE)
    path = STARTERS_DIR / primary(language) / "new-article.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return words
    if isinstance(data, dict):
        words.update({k: v for k, v in data.items() if k in ARTICLE and isinstance(v, str) and v.strip()})
    return words


@lru_cache(maxsize=1)
def phrases() -> tuple[str, ...]:
    """Every language's placeholder sentences."""
    languages = ["en"] + sorted(p.name for p in STARTERS_DIR.iterdir() if p.is_dir()) if STARTERS_DIR.is_dir() else ["en"]
    return tuple(dict.fromkeys(article_words(language)[key] for language in languages for key in _PHRASE_KEYS))


@lru_cache(maxsize=1)
def _any_phrase() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, sorted(phrases(), key=len, reverse=True))))


def found_in(text: str) -> str | None:
    """The first placeholder sentence in `text` (in the order of `phrases`), if any. One scan of
    the text for all of them first: most texts hold none."""
    if not phrases() or _any_phrase().search(text) is None:
        return None
    return next((phrase for phrase in phrases() if phrase in text), None)
