"""data/products.yaml: the affiliate product catalog, loaded and validated with lines."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit

from nichesite.errors import Problems
from nichesite.files import NAME_MAX, long_part
from nichesite.schema import Field, Validator
from nichesite.yamlutil import load_data_mapping

PRODUCTS_FILE = "data/products.yaml"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
# amazon.com, amazon.de, amazon.co.uk, amazon.com.au, ..., Amazon's short links; the host must end there
_AMAZON_HOST = re.compile(r"(^|\.)(amazon\.(co\.[a-z]{2}|com\.[a-z]{2}|[a-z]{2,3})|amzn\.(to|eu|asia)|a\.co)$")


def _check_http(value: str) -> str | None:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"must be an http:// or https:// URL, got {value!r}"
    if any(c.isspace() for c in value.strip()):
        return f"must not contain spaces (write %20), got {value!r}"
    return None


def _check_image(value: str) -> str | None:
    if value.startswith("/") and not value.startswith("//"):
        return None
    if _check_http(value) is None:
        return None
    return f"must be a site path such as /images/x.jpg or an http(s):// URL, got {value!r}"


SCHEMA: dict[str, Field] = {
    "name": Field("str", required=True),
    "url": Field("str", required=True, check=_check_http),
    "image": Field("str", default="", check=_check_image),
    "merchant": Field("str", default=""),
    "price": Field("str", default=""),
    "rating": Field("number", minimum=0, maximum=5),
    "badge": Field("str", default=""),
    "pros": Field("str_list", default=()),
    "cons": Field("str_list", default=()),
    "button": Field("str", default=""),
    "description": Field("str", default=""),
}


@dataclass(frozen=True, slots=True)
class Product:
    """One product of the catalog, as data/products.yaml describes it."""

    id: str
    name: str
    url: str
    image: str = ""
    merchant: str = ""
    price: str = ""
    rating: float | None = None
    badge: str = ""
    pros: tuple[str, ...] = ()
    cons: tuple[str, ...] = ()
    button: str = ""
    description: str = ""
    line: int = field(default=1, repr=False, compare=False)  # for messages only: not part of any fingerprint

    @property
    def is_amazon(self) -> bool:
        """Amazon links are never cloaked and never show hand-typed prices or ratings."""
        return is_amazon_url(self.url)


@functools.lru_cache(maxsize=4096)  # pure, and asked of every product link on every page
def is_amazon_url(url: str) -> bool:
    host = (urlsplit(url.strip()).hostname or "").lower()
    return bool(_AMAZON_HOST.search(host))


def is_amazon_affiliate_url(url: str) -> bool:
    """An Amazon link that earns: a `tag=` tracking id, or an Amazon short link (which always
    carries one). Such links are affiliate links even when they are not in the catalog."""
    if not is_amazon_url(url):
        return False
    parts = urlsplit(url.strip())
    return "tag=" in parts.query or (parts.hostname or "").lower() in ("amzn.to", "amzn.eu", "amzn.asia", "a.co")


# Tracking hosts of the common affiliate networks (a link to one of them, or to a subdomain, earns).
AFFILIATE_HOSTS = frozenset(
    (
        "hop.clickbank.net",  # ClickBank hoplinks: VENDOR.hop.clickbank.net or hop.clickbank.net
        "awin1.com",  # Awin
        "anrdoezrs.net",  # CJ (Commission Junction) link domains
        "dpbolvw.net",
        "jdoqocy.com",
        "kqzyfj.com",
        "tkqlhce.com",
        "qksrv.net",
        "sjv.io",  # Impact shared tracking domains
        "pxf.io",
        "7eer.net",
        "evyy.net",
        "ojrq.net",
        "eqjw.net",
        "audw.net",
        "pvxt.net",
        "snlv.net",
        "click.linksynergy.com",  # Rakuten Advertising
        "rover.ebay.com",  # eBay Partner Network
        "ad.admitad.com",  # Admitad (Ozon, AliExpress and many more in Russia and the CIS)
        "lenkmio.com",
        "fas.st",
        "alitems.com",
        "alitems.site",
        "ali.pub",  # ePN (AliExpress, Ozon)
        "alii.pub",
        "s.click.aliexpress.com",  # AliExpress Portals
    )
)
# Query parameters that only affiliate links carry, by shop.
_AFFILIATE_PARAMS = {
    "shareasale.com": ("afftrack", "merchantid", "userid"),  # ShareASale r.cfm links
    "aliexpress": ("aff_fcid", "aff_platform", "aff_trace_key", "aff_short_key"),
    "ebay.": ("campid",),
}


def host_in(host: str, domains) -> bool:
    """Whether host is one of the domains or a subdomain of one."""
    return any(host == d or host.endswith("." + d) for d in domains)


def is_affiliate_url(url: str, domains: tuple[str, ...] = ()) -> bool:
    """A link that earns a commission: an Amazon link with a tracking id, a link through a
    common affiliate network (ClickBank, Awin, CJ, Impact, ShareASale, Rakuten, eBay, Admitad,
    ePN, AliExpress), or a link to one of the site's own `affiliate.domains`."""
    if is_amazon_affiliate_url(url):
        return True
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        return False
    host = (parts.hostname or "").lower().rstrip(".")
    if host_in(host, AFFILIATE_HOSTS) or host_in(host, domains):
        return True
    query = {key.lower() for key, _, _ in (item.partition("=") for item in parts.query.split("&"))}
    return any(shop in host and query & set(params) for shop, params in _AFFILIATE_PARAMS.items())


@dataclass(frozen=True, slots=True)
class ProductCatalog:
    """The products that loaded; `broken` names those reported with errors at their line, and
    `unreadable` says the file itself could not be read, so that a page using them is not
    reported again as naming an unknown product (one mistake, one message)."""

    products: Mapping[str, Product]
    broken: frozenset[str] = frozenset()
    unreadable: bool = False

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(self.products)

    def get(self, product_id: str) -> Product | None:
        return self.products.get(product_id)

    @property
    def has_amazon(self) -> bool:
        return any(p.is_amazon for p in self.products.values())


EMPTY_CATALOG = ProductCatalog(MappingProxyType({}))
UNREADABLE_CATALOG = ProductCatalog(MappingProxyType({}), unreadable=True)


def load_catalog(site_dir: Path, name: str = PRODUCTS_FILE) -> tuple[ProductCatalog, Problems]:
    """Read data/products.yaml (or `name`: a language's own catalog, data/products.<code>.yaml)
    if the site has one; every problem names the product and line."""
    problems = Problems()
    data, usable = load_data_mapping(site_dir, name, "a mapping of product ids to products", problems)
    if data is None:
        return (EMPTY_CATALOG if usable else UNREADABLE_CATALOG), problems
    validator = Validator(name, problems)
    products: dict[str, Product] = {}
    broken: set[str] = set()
    for key, record in data.items():
        line = data.line_of(key)
        product_id = str(key)
        if not _ID.fullmatch(product_id):
            problems.error(name, line, f"product id '{product_id}' must be letters, digits, '-' or '_'")
            broken.add(product_id)
            continue
        if long_part(product_id) is not None:  # cloak: true makes it a folder name, /go/<id>/
            message = f"product id '{product_id[:40]}...' is {len(product_id)} characters long; an id may have at most {NAME_MAX}"
            problems.error(name, line, message)
            continue
        before = len(problems.errors)
        values = validator.mapping(record, SCHEMA, product_id, line)
        if len(problems.errors) > before or not values:
            broken.add(product_id)
            continue
        product = Product(id=product_id, line=line, **{k: v for k, v in values.items() if k in SCHEMA})
        products[product_id] = product
        if product.is_amazon:
            for key in ("price", "rating"):
                if key in record:
                    problems.warning(
                        name,
                        record.line_of(key),
                        f"{product_id}.{key}: Amazon's operating agreement forbids hand-typed prices and star ratings;"
                        f" the theme does not show the {key} of an Amazon product, so remove it",
                        "amazon-price-rating",
                    )
    return ProductCatalog(MappingProxyType(dict(sorted(products.items()))), frozenset(broken)), problems
