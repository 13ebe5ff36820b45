"""Affiliate links: product views for templates, rel and cloaking, the disclosure, /go/ redirects.

Every link to a catalog product gets `rel="sponsored nofollow noopener"`, whether a product box,
a comparison table, the "Recommended products" block or a plain Markdown link typed by the
author made it. With `affiliate.cloak: true` such links point to `/go/<id>/` (a static redirect
page plus a `_redirects` line, which redirects.py writes with the moved URLs'), except Amazon
links: Amazon's operating agreement forbids redirects that hide the destination, so they
always stay direct.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jinja2
from markupsafe import Markup

from nichesite.config import SiteConfig
from nichesite.errors import Problem, note, warning
from nichesite.i18n import Translations
from nichesite.plan import RenderJob
from nichesite.products import PRODUCTS_FILE, Product, ProductCatalog, is_affiliate_url, is_amazon_affiliate_url
from nichesite.subids import network_of

REL = "sponsored nofollow noopener"
GO_DIR = "go"
GO_TEMPLATE = "partials/products/go.html"
DISCLOSURE_TEMPLATE = "partials/products/disclosure.html"
RECOMMENDED_TEMPLATE = "partials/products/recommended.html"

_ANCHOR_START = re.compile(r"<a\b", re.I)
_TAG_REST = re.compile(r"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+>""")  # possessive: no backtracking
_HREF = re.compile(r"""(\shref\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)
_REL = re.compile(r"""\srel\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)


@dataclass(frozen=True, slots=True)
class ProductView:
    """A catalog product as templates show it: where its link goes, and what may be shown.

    `price` and `rating` are empty for Amazon products: Amazon forbids hand-typed ones."""

    id: str
    name: str
    href: str
    rel: str
    image: str
    picture: Any  # the image's ImageView (pictures.py) when it is one of the site's images, else None
    merchant: str
    price: str
    rating: float | None
    rating_text: str  # "4.6 out of 5", for screen readers and as the visible number
    rating_percent: int  # width of the filled stars, 0-100
    badge: str
    pros: tuple[str, ...]
    cons: tuple[str, ...]
    button: str
    description: str
    is_amazon: bool
    cloaked: bool


def go_path(config: SiteConfig, product_id: str) -> str:
    """The cloaked link of a product, under base_url's path: `/go/<id>/`."""
    return f"{config.base_path}/{GO_DIR}/{product_id}/"


def is_cloaked(config: SiteConfig, product: Product) -> bool:
    return config.affiliate.cloak and not product.is_amazon


def href_for(config: SiteConfig, product: Product) -> str:
    return go_path(config, product.id) if is_cloaked(config, product) else product.url


@dataclass(slots=True)
class Affiliate:
    """Affiliate links for one build: views, link marking and the disclosure."""

    config: SiteConfig
    catalog: ProductCatalog
    t: Translations
    image_view: Callable[[str], Any] = lambda url: None  # a site URL → its ImageView or None
    _views: dict[str, ProductView] = field(default_factory=dict)
    _by_url: dict[str, Product] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for product in self.catalog.products.values():
            self._by_url.setdefault(product.url, product)
            self._by_url[go_path(self.config, product.id)] = product

    def view(self, product_id: str) -> ProductView | None:
        cached = self._views.get(product_id)
        if cached is not None:
            return cached
        product = self.catalog.get(product_id)
        if product is None:
            return None
        amazon = product.is_amazon
        rating = None if amazon else product.rating
        rating_text = self.t("rating_value", rating=self.t.number(rating)) if rating is not None else ""
        if amazon:
            button = product.button or self.t("check_price_amazon")
        else:
            button = product.button or self.t("Buy now")
        image = product.image
        if image.startswith("/") and not image.startswith(self.config.base_path + "/"):
            image = self.config.base_path + image
        view = ProductView(
            id=product.id,
            name=product.name,
            href=href_for(self.config, product),
            rel=REL,
            image=image,
            picture=self.image_view(image) if image else None,
            merchant=product.merchant,
            price="" if amazon else product.price,
            rating=rating,
            rating_text=rating_text,
            rating_percent=round(rating * 20) if rating is not None else 0,
            badge=product.badge,
            pros=product.pros,
            cons=product.cons,
            button=button,
            description=product.description,
            is_amazon=amazon,
            cloaked=is_cloaked(self.config, product),
        )
        self._views[product_id] = view
        return view

    def views(self, product_ids: Any) -> tuple[ProductView, ...]:
        """Views of the known ids, in the order given (unknown ids were errors at load)."""
        found = (self.view(str(i)) for i in (product_ids or ()))
        return tuple(v for v in found if v is not None)

    def product_for_link(self, url: str) -> Product | None:
        """The catalog product a link points to (its URL or its /go/ path), if any."""
        return self._by_url.get(html.unescape(url).strip())

    def mark_links(self, fragment: str) -> str:
        """Give every affiliate link the affiliate rel: links to catalog products (which also
        get their cloaked href) and hand-typed affiliate links (Amazon with a tracking id, the
        common networks, the site's `affiliate.domains`)."""

        def fix(tag: str) -> str:
            href = _HREF.search(tag)
            if href is None:
                return tag
            url = html.unescape(next(g for g in href.groups()[1:] if g is not None))
            product = self.product_for_link(url)
            if product is not None:
                tag = tag[: href.start()] + f'{href.group(1)}"{html.escape(href_for(self.config, product))}"' + tag[href.end() :]
            elif not is_affiliate_url(url, self.config.affiliate.domains):
                return tag
            existing = _REL.search(tag)
            tokens = REL.split()
            if existing is not None:
                old = next((g for g in existing.groups() if g is not None), "")
                tokens += [x for x in old.split() if x.lower() not in tokens]
                tag = tag[: existing.start()] + tag[existing.end() :]
            end = -2 if tag.endswith("/>") else -1
            return f'{tag[:end]} rel="{" ".join(tokens)}"{tag[end:]}'

        parts, position = [], 0
        for start, end in _anchor_tags(fragment):
            parts += [fragment[position:start], fix(fragment[start:end])]
            position = end
        return "".join(parts) + fragment[position:]

    def tag_links(self, fragment: str, page: Any, placement: str) -> str:
        """The fragment with the page's sub-ID on each link to a network that takes one
        (`affiliate.subid`, subids.py); `placement` names where on the page the fragment is.
        The same string when sub-IDs are off or no link changes."""
        subid = self.config.affiliate.subid
        if not subid.on or page is None or "<a" not in fragment.lower():
            return fragment
        category = page.category.slug if page.category is not None else ""
        parts, position = [], 0
        for start, end in _anchor_tags(fragment):
            href = _HREF.search(fragment, start, end)
            if href is None:
                continue
            url = html.unescape(next(g for g in href.groups()[1:] if g is not None))
            tagged = subid.tagged(url, page.slug, category, placement)
            if tagged != url:
                parts += [fragment[position : href.start()], f'{href.group(1)}"{html.escape(tagged)}"']
                position = href.end()
        return "".join(parts) + fragment[position:] if parts else fragment

    def _link_urls(self, fragment: str):
        for start, end in _anchor_tags(fragment or ""):
            href = _HREF.search(fragment, start, end)
            if href:
                yield html.unescape(next(g for g in href.groups()[1:] if g is not None))

    def has_affiliate_links(self, fragment: str) -> bool:
        domains = self.config.affiliate.domains
        return any(self.product_for_link(url) or is_affiliate_url(url, domains) for url in self._link_urls(fragment))

    def has_amazon_links(self, fragment: str) -> bool:
        return any(is_amazon_affiliate_url(url) for url in self._link_urls(fragment))

    def disclosure_text(self, amazon_on_page: bool = False) -> str:
        """The site's disclosure (else the localized default), plus Amazon's required sentence
        when the catalog has any Amazon product (or the page links to Amazon with a tracking
        id) and the text does not already say it."""
        text = self.config.affiliate.disclosure.strip() or self.t("disclosure_default")
        if self.catalog.has_amazon or amazon_on_page:
            amazon = self.t("amazon_disclosure")
            lowered = text.casefold()
            if amazon.casefold() not in lowered and "amazon associate" not in lowered:
                text = f"{text} {amazon}"
        return text

    @jinja2.pass_context
    def top(self, context: Any) -> Markup:
        """`affiliate_top()`: the disclosure, when the page shows an affiliate link, then the
        "Recommended products" block of the `products:` front matter; "" otherwise.

        Themes call it after the quick answer and before the body, so the disclosure is above
        every affiliate link of the page."""
        page = context.get("page")
        if page is None:
            return Markup("")
        recommended = self.views(getattr(page, "products", ()))
        content = str(context.get("content") or "")
        if not recommended and not self.has_affiliate_links(content):
            return Markup("")
        env = context.environment
        disclosure = self.disclosure_text(amazon_on_page=self.has_amazon_links(content))
        parts = [env.get_template(DISCLOSURE_TEMPLATE).render(disclosure=disclosure, page=page).strip()]
        if recommended:
            block = env.get_template(RECOMMENDED_TEMPLATE).render(products=recommended, page=page).strip()
            parts.append(self.tag_links(block, page, "recommended"))
        return Markup("\n".join(parts))

    def redirect_context(self, output: str) -> dict[str, Any]:
        """Template context of a `/go/<id>/` page, from its output path."""
        product_id = output.split("/")[1]
        product = self.catalog.products[product_id]
        return {"product": self.view(product_id), "destination": product.url, "noindex": True}


def redirect_jobs(config: SiteConfig, catalog: ProductCatalog) -> list[RenderJob]:
    """With `cloak: true`: a `/go/<id>/` page per non-Amazon product (its `_redirects` lines
    are `go_rules`, written with the moved URLs' by redirects.py)."""
    if not config.affiliate.cloak:
        return []
    return [RenderJob(f"{GO_DIR}/{p.id}/index.html", "go", GO_TEMPLATE, f"{PRODUCTS_FILE} ({p.id})") for p in _cloaked(catalog)]


def go_rules(config: SiteConfig, catalog: ProductCatalog) -> list[tuple[str, str]]:
    """With `cloak: true`: the `_redirects` line of each cloaked product, `/go/<id>/ URL 302`,
    as (path, line), sorted by id."""
    if not config.affiliate.cloak:
        return []
    return [(go_path(config, p.id), f"{go_path(config, p.id)} {p.url} 302") for p in sorted(_cloaked(catalog), key=lambda p: p.id)]


def _cloaked(catalog: ProductCatalog) -> list[Product]:
    return [p for p in catalog.products.values() if not p.is_amazon]


def cloak_problems(config: SiteConfig, catalog: ProductCatalog) -> list[Problem]:
    """The one note that Amazon links stay direct (Cloudflare's rule limit is redirects.py's)."""
    if not config.affiliate.cloak:
        return []
    line = config.lines.get("affiliate.cloak") or config.lines.get("affiliate") or 1
    amazon = sorted(p.id for p in catalog.products.values() if p.is_amazon)
    if not amazon:
        return []
    return [
        note(
            "site.yaml",
            line,
            f"Amazon links are never cloaked (Amazon's operating agreement forbids redirects that hide the destination): "
            f"{len(amazon)} Amazon product{'s link' if len(amazon) != 1 else ' links'} directly ({', '.join(amazon)})",
        )
    ]


def subid_problems(config: SiteConfig, catalog: ProductCatalog, index: Any) -> list[Problem]:
    """With `affiliate.subid`: a warning for an Amazon tracking id mapped to no category, and
    a note that cloaked links carry no per-page sub-ID (a /go/ page is one per product)."""
    subid = config.affiliate.subid
    problems: list[Problem] = []
    slugs = {c.slug for c in index.categories}
    for slug, _ in subid.amazon:
        if slug not in slugs:
            line = config.lines.get(f"affiliate.subid.amazon.{slug}") or config.lines.get("affiliate.subid", 1)
            known = ", ".join(sorted(slugs)) or "none"
            message = (
                f"affiliate.subid.amazon: no category has the slug '{slug}' (the categories are: {known}), so its tracking id is never used"
            )
            problems.append(warning("site.yaml", line, message, "subid-category"))
    cloaked = sorted(p.id for p in catalog.products.values() if is_cloaked(config, p) and network_of(p.url) in subid.networks)
    if cloaked:
        line = config.lines.get("affiliate.subid") or 1
        problems.append(
            note(
                "site.yaml",
                line,
                f"cloaked links carry no sub-ID (a /go/ page is one per product, not per article): {len(cloaked)} product"
                f"{'s' if len(cloaked) != 1 else ''} on a sub-ID network link through /go/ ({', '.join(cloaked[:5])}"
                f"{', ...' if len(cloaked) > 5 else ''}); set cloak: false for sub-IDs on every link",
            )
        )
    return problems


def _anchor_tags(fragment: str):
    """(start, end) of each `<a ...>` start tag, in order, in one pass: a tag whose `>` never
    comes (the end of the text or an unclosed quote) ends the search, since in HTML everything
    after it belongs to that tag, and every later `<a` would be scanned to the same end."""
    position = 0
    while (start := _ANCHOR_START.search(fragment, position)) is not None:
        rest = _TAG_REST.match(fragment, start.end())
        if rest is None:
            return
        yield start.start(), rest.end()
        position = rest.end()
