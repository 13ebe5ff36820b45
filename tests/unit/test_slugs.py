import pytest

from nichesite.slugs import slugify


@pytest.mark.parametrize(
    ("text", "language", "slug"),
    [
        ("Why are my shrimp dying?", "en", "why-are-my-shrimp-dying"),
        ("Защо скаридите умират след смяна на водата?", "bg", "zashto-skaridite-umirat-sled-smyana-na-vodata"),
        ("Почему умирают креветки", "ru", "pochemu-umirayut-krevetki"),
        ("Źródło żółtej wody", "pl", "zrodlo-zoltej-wody"),
        ("Größe und Übergröße", "de", "groesse-und-uebergroesse"),
        ("Ça déjà vu", "fr", "ca-deja-vu"),
        ("Don't panic & rust", "en", "dont-panic-and-rust"),
    ],
)
def test_ascii_slugs_for_any_script(text, language, slug):
    assert slugify(text, language) == slug


def test_long_titles_are_cut_at_a_word():
    slug = slugify("word " * 40)
    assert len(slug) <= 80 and not slug.endswith("-")


def test_nothing_sluggable_gives_empty():
    assert slugify("!!!") == ""
