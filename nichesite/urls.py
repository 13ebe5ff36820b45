"""URLs as authors write them in front matter and site.yaml, made into the URLs pages carry."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit


def site_path(url: str) -> str:
    """An image or link as written: http(s) and other absolute URLs stay; anything else is a
    path from the site root (`images/x.png` and `./images/x.png` are `/images/x.png`), never
    above it (`../x.png` is `/x.png`)."""
    if not url or url.startswith("//") or ":" in url.split("/", 1)[0]:
        return url
    path = posixpath.normpath("/" + url.lstrip("/"))
    return path + "/" if url.endswith("/") and path != "/" else path


def unprefixed(url: str, base_path: str) -> str:
    """A URL without base_url's path (`/blog/x/` → `/x/` when the site lives under /blog)."""
    return url[len(base_path) :] if base_path and url.startswith(base_path + "/") else url


def url_forms(url: str, base_path: str, base_url: str) -> list[str]:
    """Ways a URL seen in built HTML may be spelled in a source file, most specific first."""
    forms = [url, unprefixed(url, base_path)]
    if url.startswith(base_url + "/"):
        forms.append(url[len(base_url) :])
    forms.append(url.replace("&", "&amp;"))
    forms.append(unquote(url))
    return [f for f in dict.fromkeys(forms) if f]


def https_problem(value: str) -> str | None:
    """Why a URL written in site.yaml cannot be an address readers' browsers are sent to (a
    form service, an analytics script), or None: https, a host, no spaces, quotes or `< >`."""
    example = "an https:// address such as https://forms.example/f/abc"
    if any(c.isspace() or c in "\"'<>`\\" for c in value):
        return f"must be {example}, without spaces, quotes or < >; got {value!r}"
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return f"must be {example}; got {value!r}"
    if parts.scheme != "https" or not host:
        return f"must be {example}; got {value!r}"
    if "@" in parts.netloc:
        return f"must not hold a user name or password; got {value!r}"
    return None
