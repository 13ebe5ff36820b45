"""URLs as authors write them in front matter and site.yaml, made into the URLs pages carry."""

from __future__ import annotations

import posixpath


def site_path(url: str) -> str:
    """An image or link as written: http(s) and other absolute URLs stay; anything else is a
    path from the site root (`images/x.png` and `./images/x.png` are `/images/x.png`), never
    above it (`../x.png` is `/x.png`)."""
    if not url or url.startswith("//") or ":" in url.split("/", 1)[0]:
        return url
    path = posixpath.normpath("/" + url.lstrip("/"))
    return path + "/" if url.endswith("/") and path != "/" else path
