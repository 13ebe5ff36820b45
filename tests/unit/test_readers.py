"""readers.py: the addresses readers' questions and answers go to, and the helpful links."""

from __future__ import annotations

from nichesite.readers import FormAddress, Helpful, ReaderForms, reader_forms

PAGE = "https://shrimpfixes.example/why-shrimp-die/"


def test_a_helpful_link_adds_the_page_and_the_answer_to_the_query_it_has() -> None:
    escaped = "https%3A%2F%2Fshrimpfixes.example%2Fwhy-shrimp-die%2F"
    assert Helpful("https://a.example/h").link(PAGE, "yes") == f"https://a.example/h?page={escaped}&answer=yes"
    assert Helpful("https://a.example/h?src=site").link(PAGE, "no") == f"https://a.example/h?src=site&page={escaped}&answer=no"
    assert Helpful("https://a.example/h?").link(PAGE, "no") == f"https://a.example/h?page={escaped}&answer=no"
    assert Helpful("https://a.example/h#form", "p", "a").link(PAGE, "yes") == f"https://a.example/h?p={escaped}&a=yes#form"
    assert Helpful("https://a.example/h", "entry.1", "entry.2").link(PAGE, "yes").endswith("&entry.2=yes")


def test_the_survey_goes_to_the_questions_address_unless_it_has_its_own() -> None:
    questions = {"url": "", "action": "https://formspree.io/f/x", "method": "post", "fields": None}
    survey = {"url": "https://tally.so/r/abc", "action": "", "method": "post", "fields": None}
    both = reader_forms(questions, survey, None)
    assert both.questions == FormAddress("https://formspree.io/f/x", True)
    assert both.survey == FormAddress("https://tally.so/r/abc", False) and both.survey_kind == "link"
    only = reader_forms(questions, None, None)
    assert only.survey == only.questions and only.survey_kind == "form"
    assert ReaderForms().survey_kind == "" and ReaderForms().hosts == ()


def test_the_services_that_receive_readers_data_are_named_once_each() -> None:
    forms = ReaderForms(
        FormAddress("https://formspree.io/f/x", True),
        FormAddress("https://www.formspree.io/f/y", True),
        Helpful("https://docs.google.com/forms/d/e/X/viewform"),
    )
    assert forms.hosts == ("formspree.io", "docs.google.com")
