"""site.yaml: the typed site configuration, loaded and validated with line numbers."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, urlsplit

import idna

from nichesite import analytics, readers, subids
from nichesite.analytics import Analytics
from nichesite.body import unsafe_url
from nichesite.errors import Problems
from nichesite.readers import ReaderForms
from nichesite.schema import Field, Validator
from nichesite.share import networks_from
from nichesite.subids import SubIds
from nichesite.urls import site_path
from nichesite.yamlutil import YamlList, read_yaml_file

CONFIG_FILE = "site.yaml"
PLACEMENTS = ("after_intro", "in_content", "after_content", "sidebar", "in_list")
DEFAULT_AD_HEIGHTS = {"after_intro": 280, "in_content": 280, "after_content": 280, "sidebar": 600, "in_list": 280}
_CLIENT_RE = re.compile(r"ca-pub-\d{16}")
_LANG_RE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


IMAGE_FORMATS = ("avif", "webp")
DEFAULT_WIDTHS = (480, 800, 1200, 1600)
DEFAULT_QUALITY = 80
_PATH_CHARS = re.compile(r"(?:[A-Za-z0-9._~/-]|%[0-9A-Fa-f]{2})*")


def parse_base_url(value: str) -> tuple[str, str | None]:
    """A base URL as every page will carry it, or why it cannot be one. The host is checked and
    written in ASCII (an international domain name as punycode, with the idna library); in the path
    every character but letters, digits, `-._~/` and %-escapes is %-escaped, so the URL is safe
    as it is in HTML, XML, JSON and `_redirects` lines. No trailing slash."""
    example = "an absolute http(s) URL such as https://example.com or https://example.com/blog"
    if not isinstance(value, str) or any(c.isspace() or ord(c) < 32 or c in "\"'<>`{}|^\\" for c in value):
        return "", f"must be {example}, without spaces, quotes or < >; got {value!r}"
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "", f"must be {example}; got {value!r}"
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        return "", f"must not have a query or fragment; got {value!r}"
    if "@" in parts.netloc:
        return "", f"must not hold a user name or password; got {value!r}"
    try:
        port = parts.port
    except ValueError:
        return "", f"has an invalid port; got {value!r}"
    host = parts.hostname
    try:
        ipaddress.ip_address(host)
        shown_host = f"[{host}]" if ":" in host else host
    except ValueError:
        try:
            shown_host = idna.encode(host.rstrip("."), uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            return "", f"has an invalid host name {host!r} ({exc}); got {value!r}"
    path = quote(parts.path, safe="/%")
    if not _PATH_CHARS.fullmatch(path):
        return "", f"has a % that does not start a %-escape such as %20; got {value!r}"
    netloc = shown_host if port is None else f"{shown_host}:{port}"
    return f"{parts.scheme.lower()}://{netloc}{path}".rstrip("/"), None


def _check_base_url(value: str) -> str | None:
    return parse_base_url(value)[1]


def _check_permalink(value: str) -> str | None:
    if not value.startswith("/") or "{slug}" not in value:
        return 'must start with "/" and contain {slug}, for example "/{slug}/"'
    if ".." in value or "\\" in value or "//" in value:
        return "must not contain '..', '\\' or '//'"
    rest = re.sub(r"\{(slug|category|year|month)\}", "", value)
    if "{" in rest or "}" in rest:
        return "unknown placeholder; use {slug}, {category}, {year} and {month}"
    if not (value.endswith("/") or value.endswith(".html")):
        return 'must end with "/" (pretty URLs) or ".html"'
    return None


def _check_link(value: str) -> str | None:
    return "javascript: and data: URLs are not allowed" if unsafe_url(value) else None


def _check_domains(values: tuple[str, ...]) -> str | None:
    for value in values:
        try:
            idna.encode(value.strip().rstrip("."), uts46=True)
        except idna.IDNAError:
            return f"expected host names such as go.shop.example (no https:// or path), got {value!r}"
    return None


def _check_formats(values: tuple[str, ...]) -> str | None:
    wrong = [v for v in values if v not in IMAGE_FORMATS]
    return f"expected a list of {' and '.join(IMAGE_FORMATS)} (or [] for none), got {wrong[0]!r}" if wrong else None


def _check_colour(value: str) -> str | None:
    return None if re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", value) else f"expected a colour such as #22303a, got {value!r}"


def _check_theme(value: str) -> str | None:
    if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", value) and ".." not in value:
        return None
    return f"expected a theme folder name such as default, got {value!r}"


def normal_language(tag: str) -> str:
    """A BCP 47 tag in its usual letter case: `RU-ru` is `ru-RU`, `zh_hant_tw` is `zh-Hant-TW`."""
    parts = tag.strip().replace("_", "-").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())  # script
        elif len(part) == 2 and part.isalpha() or len(part) == 3 and part.isdigit():
            out.append(part.upper())  # region
        else:
            out.append(part.lower())
    return "-".join(out)


def _check_language(value: str) -> str | None:
    return None if _LANG_RE.fullmatch(value) else f"expected a language tag such as en, bg or pt-BR, got {value!r}"


def _check_client(value: str) -> str | None:
    if _CLIENT_RE.fullmatch(value):
        return None
    return f"expected your AdSense publisher id, ca-pub- followed by 16 digits, got {value!r}"


def _check_slot(value: str) -> str | None:
    return None if value.isdigit() else f"an AdSense slot id is digits only, got {value!r}"


VERIFIERS = {"google": "google-site-verification", "bing": "msvalidate.01", "yandex": "yandex-verification"}
_TOKEN_RE = re.compile(r"[A-Za-z0-9_=+/.:-]{1,200}")
_CONTENT_RE = re.compile(r"""content\s*=\s*["']([^"']*)["']""")


def _check_token(value: str) -> str | None:
    if _TOKEN_RE.fullmatch(value.strip()):
        return None
    pasted = _CONTENT_RE.search(value)
    if pasted:
        return f"write only the token, {pasted.group(1)!r}, not the whole meta tag"
    return f"expected the verification token (letters, digits, - _ = + / . :), got {value!r}"


_PLACEMENT = {
    "slot": Field("str", required=True, check=_check_slot),
    "every": Field("int", minimum=1),
    "max": Field("int", minimum=1),
    "height": Field("int", minimum=50, maximum=1200),
}

SCHEMA: dict[str, Field] = {
    "title": Field("str", required=True),
    "base_url": Field("str", default="http://localhost:8000", check=_check_base_url),
    "language": Field("str", default="en", check=_check_language),
    "description": Field("str", default=""),
    "audience": Field("str", default=""),
    "author": Field(  # the site's author, or the id of one in data/authors.yaml
        "str_or_map",
        schema={"name": Field("str", default=""), "url": Field("str", default="", check=_check_link), "email": Field("str", default="")},
    ),
    "share": Field("bool_or_str_list"),
    "theme": Field("str", default="default", check=_check_theme),
    "permalink": Field("str", default="/{slug}/", check=_check_permalink),
    "paginate": Field("int", default=10, minimum=1),
    "search": Field("bool", default=True),  # false: no search page, box or index
    "image": Field("str", default="", check=_check_link),
    "extra": Field("any_map", default=None),
    "ads": Field(
        "map",
        schema={
            "client": Field("str", required=True, check=_check_client),
            "auto_ads": Field("bool", default=False),
            "min_words": Field("int", default=300, minimum=0),
            "head_html": Field("str", default=""),
            "placements": Field("map", schema={name: Field("map", schema=_PLACEMENT) for name in PLACEMENTS}),
        },
    ),
    "images": Field(
        "map",
        schema={
            "widths": Field("int_list", default=DEFAULT_WIDTHS, minimum=16, maximum=4000),
            "formats": Field("str_list", default=IMAGE_FORMATS, check=_check_formats),
            "quality": Field("int", default=DEFAULT_QUALITY, minimum=30, maximum=100),
            "share_cards": Field(
                "map",
                schema={
                    "enabled": Field("bool", default=True),
                    "background": Field("str", default="#22303a", check=_check_colour),
                    "text": Field("str", default="#ffffff", check=_check_colour),
                    "accent": Field("str", default="#e0a458", check=_check_colour),
                    "logo": Field("str", default="", check=_check_link),
                },
            ),
        },
    ),
    "affiliate": Field(
        "map",
        schema={
            "disclosure": Field("str", default=""),
            "cloak": Field("bool", default=False),
            "domains": Field("str_list", default=(), check=_check_domains),
            "subid": subids.FIELD,
        },
    ),
    "verify": Field("map", schema={name: Field("str", default="", check=_check_token) for name in VERIFIERS}),
    "analytics": analytics.FIELD,
    "questions": readers.FORM_FIELD,
    "survey": readers.FORM_FIELD,
    "helpful": readers.HELPFUL_FIELD,
    # One site in several languages (languages.py): code → that language's own settings.
    "languages": Field("any_map", default=None),
    "translation_outdated_days": Field("int", default=30, minimum=0),
}

# What a language of `languages:` may set for itself; the rest is the site's (site.yaml's root).
LANGUAGE_KEYS = (
    "title",
    "base_url",
    "description",
    "audience",
    "author",
    "share",
    "image",
    "extra",
    "ads",
    "affiliate",
    "permalink",
    "paginate",
)
LANGUAGE_SCHEMA: dict[str, Field] = {key: replace(SCHEMA[key], required=False, default=None) for key in LANGUAGE_KEYS}


@dataclass(frozen=True, slots=True)
class Author:
    """`author:` of site.yaml: a name (and where it links), or `id`, an author of data/authors.yaml."""

    name: str = ""
    url: str = ""
    email: str = ""
    id: str = ""


@dataclass(frozen=True, slots=True)
class AdPlacement:
    """One configured ad placement: where, which AdSense slot, how often, how tall."""

    name: str
    slot: str
    every: int
    max: int
    height: int


@dataclass(frozen=True, slots=True)
class AdsConfig:
    client: str
    auto_ads: bool = False
    min_words: int = 300
    head_html: str = ""
    placements: Mapping[str, AdPlacement] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def publisher_id(self) -> str:
        """`pub-…` as ads.txt and the account meta tag want it."""
        return self.client.removeprefix("ca-")


@dataclass(frozen=True, slots=True)
class AffiliateConfig:
    disclosure: str = ""
    cloak: bool = False
    domains: tuple[str, ...] = ()  # hosts whose links are affiliate links, beyond the known networks
    subid: SubIds = SubIds()  # sub-IDs on network links (subids.py); off by default


@dataclass(frozen=True, slots=True)
class ImageSettings:
    """`images:`: the widths and formats every raster image is published in."""

    widths: tuple[int, ...] = DEFAULT_WIDTHS
    formats: tuple[str, ...] = IMAGE_FORMATS  # besides the image's own (JPEG, or PNG when it has transparency)
    quality: int = DEFAULT_QUALITY


@dataclass(frozen=True, slots=True)
class ShareCards:
    """`images.share_cards`: a generated card for each article without an image of its own."""

    enabled: bool = True
    background: str = "#22303a"
    text: str = "#ffffff"
    accent: str = "#e0a458"
    logo: str = ""  # a site path such as /images/logo.png


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The whole validated site.yaml plus where the site lives."""

    # Not in the repr that fingerprints hash: the same site checked out at another path (a CI
    # runner's fresh clone) renders the same bytes, so its build state still holds.
    site_dir: Path = field(repr=False)
    title: str
    base_url: str
    language: str = "en"
    description: str = ""
    audience: str = ""
    author: Author = Author()
    share: tuple[str, ...] = ()  # the networks of the share links under each article, in order
    theme: str = "default"
    permalink: str = "/{slug}/"
    paginate: int = 10
    search: bool = True  # the search page, the header's box and the Pagefind index
    image: str = ""
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    ads: AdsConfig | None = None
    affiliate: AffiliateConfig = AffiliateConfig()
    images: ImageSettings = ImageSettings()
    share_cards: ShareCards = ShareCards()
    verify: tuple[tuple[str, str], ...] = ()  # (meta name, token) of each search engine's verification
    analytics: Analytics | None = None  # production builds only (analytics.py)
    readers: ReaderForms = ReaderForms()  # where readers' questions and answers go (readers.py)
    # A site in several languages (`languages:`): every language's code, the default first;
    # () for a site in one language. Each language's own configuration is in `language_sites`
    # of the root configuration (the one load_config returns).
    languages: tuple[str, ...] = ()
    language_sites: Mapping[str, SiteConfig] = field(default_factory=lambda: MappingProxyType({}))
    prefix: str = ""  # where this language's files go in the output folder: "" (the default language) or "en/"
    own_domain: bool = False  # the language has its own base_url (its folder is deployed as a site of its own)
    translation_outdated_days: int = 30
    # Where each key was written, for messages only: a comment added to site.yaml changes no
    # fingerprint, so it re-renders nothing.
    lines: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}), repr=False, compare=False)

    @property
    def base_path(self) -> str:
        """The path part of base_url without a trailing slash ("" at a domain root)."""
        return urlsplit(self.base_url).path.rstrip("/")

    def absolute(self, url: str) -> str:
        """An absolute URL for a site URL that already includes base_path."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}{url}"


def load_config(site_dir: Path, base_url: str | None = None) -> tuple[SiteConfig | None, Problems]:
    """Read and validate SITE/site.yaml; base_url (flag or NICHESITE_BASE_URL) overrides the file."""
    problems = Problems()
    path = site_dir / CONFIG_FILE
    if not os.path.lexists(path):
        problems.error(CONFIG_FILE, 1, f"no {CONFIG_FILE} in {site_dir}: is this a nichesite site folder?")
        return None, problems
    data, usable = read_yaml_file(path, CONFIG_FILE, problems)
    if not usable:
        return None, problems
    validator = Validator(CONFIG_FILE, problems)
    values = validator.mapping(data, SCHEMA, "", 1)
    override = base_url or os.environ.get("NICHESITE_BASE_URL")
    if override:
        url, message = parse_base_url(override)
        if message:
            problems.error(CONFIG_FILE, 1, f"--base-url / NICHESITE_BASE_URL: {message}")
        else:
            values["base_url"] = url
    if problems.errors:
        return None, problems
    lines = _flat_lines(data)
    if "base_url" not in (data or {}) and not override:
        problems.warning(CONFIG_FILE, 1, "base_url is not set: canonical URLs, the sitemap and the feed use http://localhost:8000")
    shared = data.get("share") if isinstance(data, dict) else None
    item_lines = [shared.line_of(i) for i in range(len(shared))] if isinstance(shared, YamlList) else [lines.get("share", 1)]
    languages = _languages(data, values, validator) if values["languages"] is not None else {}
    if problems.errors:
        return None, problems
    if languages:
        values["language"] = next(iter(languages))
    values["share"], found = networks_from(values["share"], item_lines, normal_language(values["language"]), CONFIG_FILE)
    problems.extend(found)
    config = _to_config(site_dir, values, lines)
    if not languages:
        return config, problems
    sites: dict[str, SiteConfig] = {}
    for number, (code, own) in enumerate(languages.items()):
        raw = own.pop("_raw")
        merged = dict(values) | {key: value for key, value in own.items() if value is not None}
        where = f"languages.{code}."
        own_lines = lines | {key[len(where) :]: line for key, line in lines.items() if key.startswith(where)}
        if "share" in own and own["share"] is not None:
            shared = raw.get("share") if isinstance(raw, dict) else None
            share_lines = [shared.line_of(i) for i in range(len(shared))] if isinstance(shared, YamlList) else [own_lines.get("share", 1)]
            merged["share"], found = networks_from(own["share"], share_lines, code, CONFIG_FILE)
            problems.extend(found)
        merged["language"] = code
        own_domain = own.get("base_url") is not None and not override and number > 0
        if number > 0 and not own_domain:
            merged["base_url"] = f"{config.base_url}/{code.lower()}"
        elif number == 0 and (override or own.get("base_url") is None):
            merged["base_url"] = config.base_url
        language = _to_config(site_dir, merged, own_lines)
        prefix = f"{code.lower()}/" if number else ""
        sites[code] = replace(language, languages=tuple(languages), prefix=prefix, own_domain=own_domain)
    return replace(config, languages=tuple(languages), language_sites=MappingProxyType(sites)), problems


def _languages(data: Any, values: dict[str, Any], validator: Validator) -> dict[str, dict[str, Any]]:
    """`languages:` validated: each code (a BCP 47 tag, in its usual letter case) → the
    settings that language sets for itself, in the order written (the default first)."""
    raw = data["languages"]
    problems = validator.problems
    line = data.line_of("languages")
    if not raw:
        problems.error(CONFIG_FILE, line, "languages: expected a mapping of language codes, such as bg: {} and en: {title: ...}")
        return {}
    found: dict[str, dict[str, Any]] = {}
    for key in raw:
        key_line = raw.line_of(key) if hasattr(raw, "line_of") else line
        code = normal_language(str(key)) if isinstance(key, str) and _LANG_RE.fullmatch(key.strip()) else ""
        if not code:
            problems.error(CONFIG_FILE, key_line, f"languages: {key!r} is not a language code; use a BCP 47 tag such as bg, en or pt-BR")
            continue
        if code in found:
            problems.error(CONFIG_FILE, key_line, f"languages: {code} is listed twice")
            continue
        found[code] = validator.mapping(raw[key], LANGUAGE_SCHEMA, f"languages.{key}", key_line)
        found[code]["_raw"] = raw[key]
    if "language" in data and found:
        given = normal_language(str(values["language"]))
        first = next(iter(found))
        if given != first:
            where = data.line_of("language")
            if given in found:
                message = f"language: {given} is the default language, so it must come first in languages: (now {first} does)"
            else:
                message = f"language: {given} is not one of languages: ({', '.join(found)}); the default language is the first of them"
            problems.error(CONFIG_FILE, where, message)
    return found


def _flat_lines(data: Any, prefix: str = "") -> dict[str, int]:
    lines: dict[str, int] = {}
    if isinstance(data, dict) and hasattr(data, "lines"):
        for key, value in data.items():
            name = f"{prefix}{key}"
            lines[name] = data.line_of(key)
            lines.update(_flat_lines(value, name + "."))
    return lines


def _to_config(site_dir: Path, v: dict[str, Any], lines: dict[str, int]) -> SiteConfig:
    ads = None
    if v["ads"] is not None:
        a = v["ads"]
        placements = {}
        for name in PLACEMENTS:
            p = (a["placements"] or {}).get(name)
            if p:
                default_every = 4 if name == "in_content" else 5
                placements[name] = AdPlacement(
                    name=name,
                    slot=p["slot"],
                    every=p["every"] or default_every,
                    max=p["max"] or (3 if name == "in_content" else 0),
                    height=p["height"] or DEFAULT_AD_HEIGHTS[name],
                )
        ads = AdsConfig(a["client"], a["auto_ads"], a["min_words"], a["head_html"], MappingProxyType(placements))
    if isinstance(v["author"], str):
        author = Author(id=v["author"].strip())
    else:
        author = Author(**v["author"]) if v["author"] else Author()
    affiliate = AffiliateConfig()
    if v["affiliate"]:
        domains = tuple(idna.encode(d.strip().rstrip("."), uts46=True).decode("ascii") for d in v["affiliate"]["domains"] or ())
        affiliate = AffiliateConfig(v["affiliate"]["disclosure"], v["affiliate"]["cloak"], domains, subids.subids(v["affiliate"]["subid"]))
    images, share_cards = ImageSettings(), ShareCards()
    if v["images"]:
        i = v["images"]
        images = ImageSettings(tuple(sorted(set(i["widths"]))), tuple(dict.fromkeys(i["formats"])), i["quality"])
        if i["share_cards"]:
            c = i["share_cards"]
            share_cards = ShareCards(c["enabled"], c["background"], c["text"], c["accent"], site_path(c["logo"].strip()))
    return SiteConfig(
        site_dir=site_dir,
        title=v["title"],
        base_url=parse_base_url(v["base_url"])[0],
        language=normal_language(v["language"]),
        description=v["description"],
        audience=v["audience"],
        author=author,
        share=v["share"],
        theme=v["theme"],
        permalink=v["permalink"],
        paginate=v["paginate"],
        search=v["search"],
        image=site_path(v["image"].strip()),
        extra=MappingProxyType(dict(v["extra"] or {})),
        ads=ads,
        affiliate=affiliate,
        images=images,
        share_cards=share_cards,
        verify=tuple((VERIFIERS[k], t.strip()) for k, t in (v["verify"] or {}).items() if t and t.strip()),
        analytics=analytics.analytics(v["analytics"]),
        readers=readers.reader_forms(v["questions"], v["survey"], v["helpful"]),
        translation_outdated_days=v["translation_outdated_days"],
        lines=MappingProxyType(lines),
    )
