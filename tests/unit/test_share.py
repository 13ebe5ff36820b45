"""share.py: which networks, in which order, and each share link's address."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from nichesite.share import DEFAULT_NETWORKS, networks_from, share_links

URL = "https://shrimpfixes.example/why-shrimp-die/"
TITLE = "Why do shrimp die? A 10% & 20% test"
IMAGE = "https://shrimpfixes.example/_img/card-why-shrimp-die.0a1b2c3d4e.png"


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_each_link_carries_the_address_and_title_in_its_query_encoded():
    links = {link.network: link for link in share_links(tuple(DEFAULT_NETWORKS) + ("linkedin", "vk"), URL, TITLE, IMAGE)}
    assert query(links["facebook"].url) == {"u": [URL]}
    assert links["facebook"].url.startswith("https://www.facebook.com/sharer/sharer.php?")
    assert query(links["x"].url) == {"url": [URL], "text": [TITLE]} and links["x"].url.startswith("https://x.com/intent/tweet?")
    assert query(links["pinterest"].url) == {"url": [URL], "media": [IMAGE], "description": [TITLE]}
    assert query(links["telegram"].url) == {"url": [URL], "text": [TITLE]} and links["telegram"].url.startswith("https://t.me/share/url?")
    assert query(links["whatsapp"].url) == {"text": [f"{TITLE} {URL}"]} and links["whatsapp"].url.startswith("https://wa.me/?")
    assert query(links["linkedin"].url) == {"url": [URL]}
    assert query(links["vk"].url) == {"url": [URL], "title": [TITLE]} and links["vk"].url.startswith("https://vk.com/share.php?")
    assert links["email"].url.startswith("mailto:?subject=Why%20do%20shrimp%20die%3F%20A%2010%25%20%26%2020%25%20test&body=https%3A%2F%2F")
    assert " " not in "".join(link.url for link in links.values())  # %20, never a + a mail client would show
    assert [links[n].name for n in ("facebook", "x", "linkedin", "whatsapp", "vk")] == ["Facebook", "X", "LinkedIn", "WhatsApp", "VK"]


def test_the_order_is_the_sites_and_pinterest_needs_an_image():
    assert [link.network for link in share_links(("email", "pinterest", "x"), URL, TITLE, IMAGE)] == ["email", "pinterest", "x"]
    assert [link.network for link in share_links(("email", "pinterest", "x"), URL, TITLE, "")] == ["email", "x"]


def test_share_setting_defaults_by_language_turns_off_and_warns_about_typos():
    assert networks_from(None, [], "en", "site.yaml") == (DEFAULT_NETWORKS, [])
    assert networks_from(True, [], "de", "site.yaml") == (DEFAULT_NETWORKS, [])
    assert networks_from(None, [], "ru-RU", "site.yaml") == (("vk", "telegram", "whatsapp", "email"), [])
    assert networks_from(False, [], "en", "site.yaml") == ((), [])
    assert networks_from((), [], "en", "site.yaml") == ((), [])
    chosen, problems = networks_from(
        ("Telegram", "twitter", "facebok", "myspace", "telegram", "e-mail"), [3, 4, 5, 6, 7, 8], "en", "site.yaml"
    )
    assert chosen == ("telegram", "x", "email")
    assert [str(p) for p in problems] == [
        "site.yaml:5: warning: share: unknown network 'facebok' (did you mean 'facebook'?): left out",
        "site.yaml:6: warning: share: unknown network 'myspace' (nichesite knows facebook, x, linkedin, pinterest, telegram,"
        " whatsapp, vk, email): left out",
    ]
