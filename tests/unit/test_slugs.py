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


@pytest.mark.parametrize(
    ("text", "language", "slug"),
    [
        ("Почему креветки умирают во время линьки?", "ru", "pochemu-krevetki-umirayut-vo-vremya-linki"),
        ("Подъезд", "ru", "podezd"),
        ("L’eau de l’aquarium", "fr", "leau-de-laquarium"),
    ],
)
def test_soft_and_hard_signs_and_apostrophes_do_not_split_a_word(text, language, slug):
    # anyascii writes ь and ъ as an apostrophe: a user expects `linki`, not `lin-ki`.
    assert slugify(text, language) == slug
