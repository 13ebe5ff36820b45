"""Writes the corpus as a nichesite site (SPEC sections 2-4 and 6)."""

from __future__ import annotations

from pathlib import Path

from corpus import Article, Compare, Corpus, ProductBox, image_name
from markdown_body import write_faq_and_body, yaml_list, yaml_str

SITE_YAML = """\
title: Shrimp Tank Fixes
base_url: https://shrimpfixes.example
language: en
description: Fixes for freshwater shrimp keepers
audience: Hobbyists keeping Neocaridina and Caridina shrimp in small tanks
author: {name: Ana Petrova, url: /about/}
theme: default
permalink: "/{slug}/"
paginate: 10
ads:
  client: ca-pub-1234567890123456
  auto_ads: false
  min_words: 300
  placements:
    after_intro:   {slot: "1111111111"}
    in_content:    {slot: "2222222222", every: 4, max: 3}
    after_content: {slot: "3333333333"}
    sidebar:       {slot: "4444444444"}
    in_list:       {slot: "5555555555", every: 5}
affiliate:
  cloak: false
# Pelican and Hugo draw no share cards, so the comparison leaves nichesite's out too
# (an article without an image would get one); RESULTS.md gives their cost apart.
images:
  share_cards: {enabled: false}
"""

PAGES = {
    "about": (
        "About",
        "Ana Petrova has kept freshwater shrimp since 2012. This site collects the fixes that worked in her tanks and in readers' tanks.",
    ),
    "privacy": (
        "Privacy policy",
        "This site uses cookies for advertising (Google AdSense) and earns commissions from affiliate links. No other data is collected.",
    ),
}


def _shortcode(block: ProductBox | Compare) -> str:
    if isinstance(block, ProductBox):
        return f"{{{{< product {block.product_id} >}}}}"
    return f"{{{{< compare {' '.join(block.product_ids)} >}}}}"


def article_path(root: Path, article_category_folder: str, slug: str) -> Path:
    """Where an article's source lives in the nichesite site."""
    return root / "content" / article_category_folder / f"{slug}.md"


def images_folder(root: Path) -> Path:
    """Where the image corpus puts the articles' featured images (served at /images/)."""
    return root / "static" / "images"


def image_front_matter(article: Article) -> str:
    """The featured-image front matter of the image corpus (the same keys in the Hugo site)."""
    m = article.meta
    return f"image: /images/{image_name(m.index)}\nimage_alt: {yaml_str('Photo for: ' + m.title)}\n"


def write_static(corpus: Corpus, root: Path) -> None:
    """Write site.yaml, the product catalog, the pages and one folder per category."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "content" / "pages").mkdir(parents=True, exist_ok=True)
    for cat in corpus.categories:
        (root / "content" / cat.folder).mkdir(exist_ok=True)
    (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    write_products_yaml(corpus, root / "data" / "products.yaml")
    for slug, (title, text) in PAGES.items():
        (root / "content" / "pages" / f"{slug}.md").write_text(
            f"---\ntitle: {yaml_str(title)}\nslug: {slug}\n---\n{text}\n", encoding="utf-8"
        )


def write_products_yaml(corpus: Corpus, path: Path) -> None:
    """Write the 60-product catalog in nichesite's format (Hugo reads the same file)."""
    with path.open("w", encoding="utf-8") as out:
        for p in corpus.products:
            out.write(
                f"{p.id}:\n  name: {yaml_str(p.name)}\n  url: {yaml_str(p.url)}\n"
                f"  merchant: {yaml_str(p.merchant)}\n  price: {yaml_str(p.price)}\n"
                f"  rating: {p.rating}\n  pros: {yaml_list(p.pros)}\n"
                f"  cons: {yaml_list(p.cons)}\n"
            )


def write_article(article: Article, root: Path, image: bool = False) -> None:
    """Write one article; its category is the folder it is in; ``image``: with its featured image."""
    m = article.meta
    with article_path(root, m.category.folder, m.slug).open("w", encoding="utf-8") as out:
        out.write(
            f"---\ntitle: {yaml_str(m.title)}\nslug: {m.slug}\ndate: {m.date.isoformat()}\n"
            f"tags: {yaml_list(m.tags)}\nproblem: {yaml_str(m.problem)}\n"
            f"solution: {yaml_str(m.solution)}\ndescription: {yaml_str(m.description)}\n"
        )
        if image:
            out.write(image_front_matter(article))
        write_faq_and_body(out, article, _shortcode)
