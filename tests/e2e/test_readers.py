"""Readers' questions, surveys and "Was this helpful?" as the real `nichesite build` makes them:
plain links and plain forms to the author's form service, no script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import BASIC_CONFIG, REPO, article, run_nichesite

FORMSPREE = "questions:\n  action: https://formspree.io/f/abcd\n"
FAQ = '[{q: "How often?", a: "Weekly."}]'
FILES = {
    "content/water/a.md": article("Why do shrimp die", body="A paragraph of text.\n", faq=FAQ),
    "content/pages/about.md": "---\ntitle: About\n---\nWho writes this.\n",
    "content/pages/privacy.md": "---\ntitle: Privacy\n---\n{{< privacy_services >}}\n",
}


def build(root: Path) -> Path:
    result = run_nichesite("build", root, "--strict")
    assert result.returncode == 0, result.stderr
    return root / "public"


def main(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("<main", 1)[1].split("</main>", 1)[0]


def test_a_form_endpoint_gets_a_plain_form_after_the_article(site) -> None:
    config = BASIC_CONFIG + FORMSPREE + "  fields:\n    _subject: A reader's question\n"
    out = build(site(FILES, config=config))
    page = main(out / "why-do-shrimp-die/index.html")
    block = page[page.index('<section class="reader-box"') : page.index("</section>", page.index('<section class="reader-box"'))]
    assert page.index('class="faq"') < page.index('<section class="reader-box"')  # after the article's own FAQ
    assert '<h2 id="ns-questions">Ask your question</h2>' in block
    assert '<form action="https://formspree.io/f/abcd" method="post">' in block
    assert '<input type="hidden" name="_subject" value="A reader&#39;s question">' in block
    assert '<input type="hidden" name="page" value="https://shrimpfixes.example/why-do-shrimp-die/">' in block
    assert '<input type="hidden" name="title" value="Why do shrimp die">' in block
    assert (
        '<label for="ns-question">Your question</label>\n<textarea id="ns-question" name="question" rows="4" required></textarea>' in block
    )
    assert '<input id="ns-email" type="email" name="email" autocomplete="email">' in block  # optional: not required
    assert "<script" not in block and 'data-pagefind-ignore="all"' in page
    for other in ("about/index.html", "index.html", "category/water/index.html"):
        assert "reader-box" not in main(out / other), other


def test_a_hosted_form_page_gets_a_link(site) -> None:
    out = build(site(FILES, config=BASIC_CONFIG + "questions:\n  url: https://forms.gle/AbC123\n"))
    page = main(out / "why-do-shrimp-die/index.html")
    assert '<p><a class="reader-button" href="https://forms.gle/AbC123">Write your question</a></p>' in page
    assert "<form action" not in page.split('class="reader-box"', 1)[1]


def test_was_this_helpful_is_two_links_with_the_page_and_the_answer(site) -> None:
    helpful = "helpful:\n  url: https://docs.google.com/forms/d/e/X/viewform?usp=pp_url\n  page: entry.11\n  answer: entry.22\n"
    out = build(site(FILES, config=BASIC_CONFIG + helpful))
    page = main(out / "why-do-shrimp-die/index.html")
    base = "https://docs.google.com/forms/d/e/X/viewform?usp=pp_url&amp;entry.11=https%3A%2F%2Fshrimpfixes.example%2Fwhy-do-shrimp-die%2F"
    assert f'<a href="{base}&amp;entry.22=yes" rel="nofollow">Yes</a>' in page
    assert f'<a href="{base}&amp;entry.22=no" rel="nofollow">No</a>' in page
    assert '<p id="ns-helpful">Was this helpful?</p>' in page
    # The defaults: ?page=...&answer=...
    out = build(site(FILES, config=BASIC_CONFIG + "helpful:\n  url: https://answers.example/helpful\n", name="plain"))
    page = main(out / "why-do-shrimp-die/index.html")
    assert 'href="https://answers.example/helpful?page=https%3A%2F%2Fshrimpfixes.example%2Fwhy-do-shrimp-die%2F&amp;answer=yes"' in page


def test_nothing_is_added_without_the_settings(site) -> None:
    out = build(site(FILES))
    page = (out / "why-do-shrimp-die/index.html").read_text()
    assert "reader-box" not in page and "helpful" not in page and "<form action" not in page.split("</header>", 1)[1]


SURVEYS = """Before the survey.

{{< survey "Which tank do you keep?" choices="Nano | Medium|Large" >}}

Between them.

{{< survey >}}
"""


def test_a_survey_is_a_form_to_the_survey_address_with_choices_or_a_text_answer(site) -> None:
    config = BASIC_CONFIG + FORMSPREE + "survey:\n  action: https://getform.example/f/survey\n"
    out = build(site(FILES | {"content/water/s.md": article("Tell us about your tank", body=SURVEYS)}, config=config))
    page = main(out / "tell-us-about-your-tank/index.html")
    forms = re.findall(r'<div class="reader-box" data-pagefind-ignore="all">\n(.*?)</div>', page, re.S)
    assert len(forms) == 2
    choices, text = forms
    assert '<form action="https://getform.example/f/survey" method="post">' in choices
    assert '<input type="hidden" name="survey" value="Which tank do you keep?">' in choices
    assert '<legend class="reader-title">Which tank do you keep?</legend>' in choices
    labels = re.findall(r'<input type="radio" name="answer" value="([^"]*)" required> ([^<]*)</label>', choices)
    assert labels == [("Nano", "Nano"), ("Medium", "Medium"), ("Large", "Large")]
    assert 'name="comment"' in choices
    # Without a question: the theme's own, answered in words
    assert '<label class="reader-title" for="ns-survey-13">Which problem should the next article solve?</label>' in text
    assert '<textarea id="ns-survey-13" name="answer" rows="3" required></textarea>' in text


def test_a_survey_uses_the_questions_address_when_it_has_none_of_its_own_and_links_to_a_hosted_form(site) -> None:
    body = '{{< survey "Two minutes about your tank" >}}\n'
    out = build(site(FILES | {"content/water/s.md": article("Tell us", body=body)}, config=BASIC_CONFIG + FORMSPREE))
    assert '<form action="https://formspree.io/f/abcd" method="post">' in main(out / "tell-us/index.html")
    config = BASIC_CONFIG + "survey:\n  url: https://tally.so/r/abc\n"
    out = build(site(FILES | {"content/water/s.md": article("Tell us", body=body)}, config=config, name="hosted"))
    page = main(out / "tell-us/index.html")
    assert (
        '<p class="reader-title">Two minutes about your tank</p>\n<p><a class="reader-button" href="https://tally.so/r/abc">Take the survey</a></p>'
        in page
    )


@pytest.mark.parametrize(
    ("config", "call", "message"),
    [
        ("", "{{< survey >}}", "survey needs an address for the answers: set survey: (or questions:) in site.yaml"),
        ("survey:\n  url: https://tally.so/r/abc\n", '{{< survey "Tank?" choices="A|B" >}}', "choices need a form endpoint"),
        (FORMSPREE, '{{< survey "Tank?" choices="Only one" >}}', "choices are two or more answers separated by |"),
        (FORMSPREE, '{{< survey "One" "Two" >}}', "survey takes at most one question"),
        (FORMSPREE, '{{< survey "Tank?" options="A|B" >}}', "survey has no option 'options' (it takes choices)"),
    ],
)
def test_a_misused_survey_is_an_error_at_its_line(site, config: str, call: str, message: str) -> None:
    root = site(FILES | {"content/water/s.md": article("Survey", body=f"Intro.\n\n{call}\n")}, config=BASIC_CONFIG + config)
    result = run_nichesite("build", root)
    assert result.returncode == 1
    assert f"content/water/s.md:9: error: {message}" in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("questions:\n  url: http://forms.example/x", "questions.url: must be an https:// address"),
        ("questions:\n  url: https://forms.example/x\n  action: https://forms.example/y", "questions: set either url"),
        ("questions:\n  method: get", "questions: set either url"),
        ("questions:\n  url: https://forms.example/x\n  method: get", "questions: method and fields go with action"),
        ("questions:\n  action: https://forms.example/x\n  method: put", "questions.method: expected post or get"),
        (
            "questions:\n  action: https://forms.example/x\n  fields: {page: x}",
            "questions.fields: 'page' is a field the form fills in itself",
        ),
        ("survey:\n  action: 'https://forms.example/x\"onmouseover=\"'", "survey.action: must be an https:// address"),
        ("helpful:\n  page: entry.1", "'helpful.url' is required"),
        ("helpful:\n  url: https://a.example/\n  answer: 'a b'", "helpful.answer: expected a query parameter name"),
    ],
)
def test_address_mistakes_are_errors_at_their_site_yaml_line(site, setting: str, message: str) -> None:
    result = run_nichesite("build", site(FILES, config=BASIC_CONFIG + setting + "\n"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(rf"site\.yaml:\d+: error: {re.escape(message)}", result.stderr), result.stderr


def test_the_words_are_in_the_sites_language(site) -> None:
    config = BASIC_CONFIG.replace("language: en", "language: fr") + FORMSPREE + "helpful:\n  url: https://answers.example/h\n"
    body = "{{< survey >}}\n"
    out = build(site(FILES | {"content/water/s.md": article("Sondage", body=body)}, config=config))
    page = main(out / "sondage/index.html").replace("\u00a0", " ")
    for words in ("Posez votre question", "Votre question", "Envoyer", "Cet article vous a-t-il été utile ?", ">Oui</a>", ">Non</a>"):
        assert words in page, words
    assert "Quel problème le prochain article devrait-il résoudre ?" in page


def test_forms_without_a_page_that_lists_them_are_a_warning(site) -> None:
    files = FILES | {"content/pages/privacy.md": "---\ntitle: Privacy\n---\nNothing.\n"}
    result = run_nichesite("build", site(files, config=BASIC_CONFIG + FORMSPREE), "--strict")
    assert result.returncode == 1
    assert "site.yaml:7: warning: questions sends readers' data to another service, but no page says so" in result.stderr


def test_the_example_site_shows_each_reach_feature(tmp_path: Path) -> None:
    """site_example carries a survey on one article, the question block and "Was this helpful?",
    a tracking id for one category, verification tags, analytics and the privacy list."""
    out = tmp_path / "out"
    result = run_nichesite("build", REPO / "site_example", "-o", out, "--strict")
    assert result.returncode == 0, result.stderr
    guide = main(out / "best-cast-iron-skillet-for-beginners/index.html")
    assert '<legend class="reader-title">What do you cook most often in cast iron?</legend>' in guide
    assert '<form action="https://forms.example/f/castironrescue-survey" method="post">' in guide
    assert '<form action="https://forms.example/f/castironrescue-questions" method="post">' in guide
    assert 'href="https://forms.example/castironrescue/helpful?page=' in guide
    assert "tag=castironrescue-clean-20" in main(out / "clean-burnt-food-off-cast-iron/index.html")
    assert "tag=castironrescue-clean-20" not in guide and "tag=castironrescue-20" in guide
    home = (out / "index.html").read_text(encoding="utf-8").split("</head>", 1)[0]
    assert 'name="google-site-verification"' in home and 'data-domain="castironrescue.example"' in home
    assert "Visits are counted with Plausible Analytics" in main(out / "privacy/index.html")
