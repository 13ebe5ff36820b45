"""Privacy-friendly analytics: the one service of `analytics:` in site.yaml, its script in the
pages of production builds (never in `serve` or `--preview`), and what the privacy page says
about it.

Plausible, Umami, GoatCounter and Cloudflare Web Analytics count visits without cookies; their
scripts are loaded with `defer`, so they never hold up the page. `custom` is any other snippet,
written into every page as it is: it is trusted like a template.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import idna
from markupsafe import escape

from nichesite.schema import Field
from nichesite.urls import https_problem

SERVICES = ("plausible", "umami", "goatcounter", "cloudflare", "custom")
NAMES = {
    "plausible": "Plausible Analytics",
    "umami": "Umami",
    "goatcounter": "GoatCounter",
    "cloudflare": "Cloudflare Web Analytics",
}
POLICIES = {  # each service's own page on what it collects
    "plausible": "https://plausible.io/data-policy",
    "umami": "https://umami.is/privacy",
    "goatcounter": "https://www.goatcounter.com/help/privacy",
    "cloudflare": "https://www.cloudflare.com/privacypolicy/",
}
SCRIPTS = {  # the hosted scripts; `src` replaces the first two for a self-hosted one
    "plausible": "https://plausible.io/js/script.js",
    "umami": "https://cloud.umami.is/script.js",
    "goatcounter": "https://gc.zgo.at/count.js",
    "cloudflare": "https://static.cloudflareinsights.com/beacon.min.js",
}
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_TOKEN = re.compile(r"[0-9a-fA-F]{32}")


def _check_domain(value: str) -> str | None:
    try:
        idna.encode(value.strip().rstrip("."), uts46=True)
    except idna.IDNAError:
        return f"expected the site's domain as it is added in Plausible, such as shrimpfixes.example (no https:// or path), got {value!r}"
    return None


def _check_uuid(value: str) -> str | None:
    return (
        None
        if _UUID.fullmatch(value.strip())
        else f"expected the website id Umami shows, such as 94db1cb1-74f4-4a40-ad6c-962362670409, got {value!r}"
    )


def _check_code(value: str) -> str | None:
    return (
        None if _CODE.fullmatch(value.strip()) else f"expected your GoatCounter code, the MYCODE of MYCODE.goatcounter.com, got {value!r}"
    )


def _check_token(value: str) -> str | None:
    return (
        None
        if _TOKEN.fullmatch(value.strip())
        else f"expected the 32-character token of Cloudflare's snippet ('token': '...'), got {value!r}"
    )


def _check_https(value: str) -> str | None:
    return https_problem(value.strip()) if value.strip() else None


def _check_one(values: Mapping[str, Any]) -> str | None:
    chosen = [name for name in SERVICES if values[name]]
    if len(chosen) > 1:
        return f"set one service, not {' and '.join(chosen)}"
    if values["src"] and chosen and chosen[0] not in ("plausible", "umami"):
        return f"src is the script of a Plausible or Umami you host yourself; {chosen[0]} takes none"
    return None


FIELD = Field(
    "map",
    schema={
        "plausible": Field("str", default="", check=_check_domain),
        "umami": Field("str", default="", check=_check_uuid),
        "goatcounter": Field("str", default="", check=_check_code),
        "cloudflare": Field("str", default="", check=_check_token),
        "custom": Field(
            "map",
            schema={
                "html": Field("str", required=True),
                "name": Field("str", required=True),
                "privacy_url": Field("str", default="", check=_check_https),
            },
        ),
        "src": Field("str", default="", check=_check_https),
    },
    check=_check_one,
)


@dataclass(frozen=True, slots=True)
class Analytics:
    """The one analytics service of the site: which, its id, and how to load it."""

    service: str  # one of SERVICES
    value: str = ""  # Plausible's domain, Umami's website id, GoatCounter's code, Cloudflare's token
    src: str = ""  # a self-hosted Plausible or Umami script
    html: str = ""  # custom: the snippet, as written
    custom_name: str = ""
    custom_policy: str = ""

    @property
    def name(self) -> str:
        """The service's name, as the privacy page says it."""
        return self.custom_name if self.service == "custom" else NAMES[self.service]

    @property
    def privacy_url(self) -> str:
        return self.custom_policy if self.service == "custom" else POLICIES[self.service]

    @property
    def cookieless(self) -> bool:
        """Whether the privacy page may say it sets no cookies (nichesite cannot know a custom one's)."""
        return self.service != "custom"

    def script(self) -> str:
        """The HTML that loads it, deferred (a custom snippet as written)."""
        src, value = escape(self.src or SCRIPTS.get(self.service, "")), escape(self.value)
        if self.service == "plausible":
            return f'<script defer data-domain="{value}" src="{src}"></script>'
        if self.service == "umami":
            return f'<script defer src="{src}" data-website-id="{value}"></script>'
        if self.service == "goatcounter":
            return f'<script defer data-goatcounter="https://{value}.goatcounter.com/count" src="{src}"></script>'
        if self.service == "cloudflare":
            return f'<script defer src="{src}" data-cf-beacon=\'{{"token": "{value}"}}\'></script>'
        return self.html.strip()


def analytics(values: Mapping[str, Any] | None) -> Analytics | None:
    """The validated `analytics:` mapping as the site's Analytics, or None."""
    if not values:
        return None
    if values["custom"]:
        custom = values["custom"]
        return Analytics("custom", html=custom["html"], custom_name=custom["name"].strip(), custom_policy=custom["privacy_url"].strip())
    for service in ("plausible", "umami", "goatcounter", "cloudflare"):
        if values[service]:
            value = values[service].strip()
            if service == "plausible":
                value = idna.encode(value.rstrip("."), uts46=True).decode("ascii")
            return Analytics(service, value, values["src"].strip())
    return None
