"""Share links: the networks an article can be shared on and the address of each link.

Each link is a plain `<a href>` to the network's own share page, with the article's address and
title in its query: no script or image of the network's is loaded, nothing reaches the network
until a reader clicks. `share:` in site.yaml says which networks, in which order.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from urllib.parse import quote

from nichesite.errors import Problem, warning

# id → the network's name as the network writes it (a name, never translated; the theme says
# "E-mail" in the site's language).
NETWORKS: dict[str, str] = {
    "facebook": "Facebook",
    "x": "X",
    "linkedin": "LinkedIn",
    "pinterest": "Pinterest",
    "telegram": "Telegram",
    "whatsapp": "WhatsApp",
    "vk": "VK",
    "email": "E-mail",
}
ALIASES = {"twitter": "x", "e-mail": "email", "mail": "email", "vkontakte": "vk"}

# Where readers of most languages share a how-to article; LinkedIn (a network for work) only
# when a site asks for it. Facebook, X and LinkedIn are blocked in Russia, where VK and
# Telegram are where articles get shared.
DEFAULT_NETWORKS = ("facebook", "x", "pinterest", "whatsapp", "telegram", "email")
DEFAULT_BY_LANGUAGE = {"ru": ("vk", "telegram", "whatsapp", "email")}

_TEMPLATES = {
    "facebook": "https://www.facebook.com/sharer/sharer.php?u={url}",
    "x": "https://x.com/intent/tweet?url={url}&text={title}",
    "linkedin": "https://www.linkedin.com/sharing/share-offsite/?url={url}",
    "pinterest": "https://www.pinterest.com/pin/create/button/?url={url}&media={media}&description={title}",
    "telegram": "https://t.me/share/url?url={url}&text={title}",
    "whatsapp": "https://wa.me/?text={title}%20{url}",
    "vk": "https://vk.com/share.php?url={url}&title={title}",
    "email": "mailto:?subject={title}&body={url}",
}


@dataclass(frozen=True, slots=True)
class ShareLink:
    """One share link as templates see it."""

    network: str  # facebook, x, ..., email
    name: str  # Facebook, X, ... (E-mail: the theme's word is shown instead)
    url: str  # the share page's address, the article's in its query


def default_networks(language: str) -> tuple[str, ...]:
    return DEFAULT_BY_LANGUAGE.get(language.split("-")[0].lower(), DEFAULT_NETWORKS)


def share_links(networks: tuple[str, ...], url: str, title: str, image: str) -> tuple[ShareLink, ...]:
    """The links for an article at the absolute `url`; Pinterest pins an image, so it is left
    out when the article has none (`image`: an absolute URL, or "")."""
    values = {"url": quote(url, safe=""), "title": quote(title, safe=""), "media": quote(image, safe="")}
    return tuple(
        ShareLink(network, NETWORKS[network], _TEMPLATES[network].format(**values))
        for network in networks
        if network != "pinterest" or image
    )


def networks_from(value: object, lines: list[int], language: str, path: str) -> tuple[tuple[str, ...], list[Problem]]:
    """`share:` as validated (None when absent, true, false or a list of names, `lines` their
    lines) as the networks to show, in order; a name nichesite does not know is left out with a
    warning (and a "did you mean" when it is close to one)."""
    if value is None or value is True:
        return default_networks(language), []
    if value is False:
        return (), []
    problems: list[Problem] = []
    chosen: list[str] = []
    for index, item in enumerate(value):  # type: ignore[arg-type]
        name = str(item).strip().lower()
        name = ALIASES.get(name, name)
        if name in NETWORKS:
            chosen.append(name)
            continue
        line = lines[index] if index < len(lines) else (lines[-1] if lines else 1)
        hint = difflib.get_close_matches(name, list(NETWORKS), n=1, cutoff=0.6)
        known = f"did you mean '{hint[0]}'?" if hint else f"nichesite knows {', '.join(NETWORKS)}"
        problems.append(warning(path, line, f"share: unknown network '{item}' ({known}): left out", "unknown-network"))
    return tuple(dict.fromkeys(chosen)), problems
