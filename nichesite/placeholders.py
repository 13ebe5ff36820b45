"""The placeholder sentences `nichesite new-article` writes into a new draft. They guide the
author and must never be published: a page that still holds one gets a warning at its line."""

from __future__ import annotations

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
}

# The sentences no real article holds word for word (the short step lines could).
PHRASES = tuple(text for key, text in ARTICLE.items() if not key.startswith("step"))


def found_in(text: str) -> str | None:
    """The first placeholder sentence in `text`, if any."""
    return next((phrase for phrase in PHRASES if phrase in text), None)
