"""Writes the corpus as a Pelican site: Markdown with Pelican metadata and a pelicanconf.py.

Pelican has no shortcodes, so product boxes and comparisons become the equivalent raw HTML
(name, price, rating, pros/cons and a sponsored link) so that Pelican does comparable work.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from corpus import Article, Compare, Corpus, Product, ProductBox
from markdown_body import write_body, write_faq_section
from site_nichesite import PAGES

PELICANCONF = """\
# Pelican settings for the nichesite benchmark corpus (generated).
AUTHOR = "Ana Petrova"
SITENAME = "Shrimp Tank Fixes"
SITEURL = "https://shrimpfixes.example"
RELATIVE_URLS = False
PATH = "content"
PAGE_PATHS = ["pages"]
ARTICLE_EXCLUDES = ["pages"]
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%Y-%m-%d"
ARTICLE_URL = "{slug}/"
ARTICLE_SAVE_AS = "{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
DEFAULT_PAGINATION = 10
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
# nichesite has no author pages.
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
# One Atom feed for the whole site, like nichesite's feed.xml.
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feed.xml"
FEED_ALL_RSS = None
FEED_MAX_ITEMS = 20
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
"""

PELICANCONF_CACHE = """\
# --pelican-cache: Pelican's own content cache, for its best-case rebuilds.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
"""


def product_html(p: Product) -> str:
    """The HTML block standing in for nichesite's product box (no blank lines inside)."""
    pros = "".join(f"<li>{escape(x)}</li>" for x in p.pros)
    cons = "".join(f"<li>{escape(x)}</li>" for x in p.cons)
    return (
        f'<div class="product-box">\n<p class="product-name">{escape(p.name)}</p>\n'
        f'<p class="product-meta">{escape(p.price)} at {escape(p.merchant)}, '
        f"rated {p.rating}/5</p>\n"
        f'<ul class="pros">{pros}</ul>\n<ul class="cons">{cons}</ul>\n'
        f'<p><a href="{escape(p.url)}" rel="sponsored nofollow noopener">Check price</a></p>\n'
        "</div>"
    )


def compare_html(products: list[Product]) -> str:
    """The HTML table standing in for nichesite's compare shortcode."""
    head = "".join(f"<th>{escape(p.name)}</th>" for p in products)
    price = "".join(f"<td>{escape(p.price)}</td>" for p in products)
    rating = "".join(f"<td>{p.rating}</td>" for p in products)
    pros = "".join(f"<td>{escape(', '.join(p.pros))}</td>" for p in products)
    links = "".join(f'<td><a href="{escape(p.url)}" rel="sponsored nofollow noopener">Check price</a></td>' for p in products)
    return (
        f'<table class="compare">\n<tr><th></th>{head}</tr>\n<tr><th>Price</th>{price}</tr>\n'
        f"<tr><th>Rating</th>{rating}</tr>\n<tr><th>Pros</th>{pros}</tr>\n"
        f"<tr><th></th>{links}</tr>\n</table>"
    )


def article_path(root: Path, category_folder: str, slug: str) -> Path:
    """Where an article's source lives in the Pelican site."""
    return root / "content" / category_folder / f"{slug}.md"


def write_static(corpus: Corpus, root: Path, *, cache: bool = False) -> None:
    """Write pelicanconf.py, the pages and one folder per category."""
    (root / "content" / "pages").mkdir(parents=True, exist_ok=True)
    for cat in corpus.categories:
        (root / "content" / cat.folder).mkdir(exist_ok=True)
    conf = PELICANCONF + (PELICANCONF_CACHE if cache else "")
    (root / "pelicanconf.py").write_text(conf, encoding="utf-8")
    for slug, (title, text) in PAGES.items():
        (root / "content" / "pages" / f"{slug}.md").write_text(f"Title: {title}\nSlug: {slug}\n\n{text}\n", encoding="utf-8")


def write_article(article: Article, corpus: Corpus, root: Path) -> None:
    """Write one article with Pelican's metadata header."""
    by_id = {p.id: p for p in corpus.products}

    def shortcode(block: ProductBox | Compare) -> str:
        if isinstance(block, ProductBox):
            return product_html(by_id[block.product_id])
        return compare_html([by_id[i] for i in block.product_ids])

    m = article.meta
    with article_path(root, m.category.folder, m.slug).open("w", encoding="utf-8") as out:
        out.write(
            f"Title: {m.title}\nDate: {m.date.isoformat()} 08:00\n"
            f"Category: {m.category.name}\nTags: {', '.join(m.tags)}\nSlug: {m.slug}\n"
            f"Summary: {m.description}\n\n"
        )
        write_body(out, article, shortcode)
        write_faq_section(out, article)
