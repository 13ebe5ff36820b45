"""Writes the corpus as a Hugo site with a small theme comparable to nichesite's default.

The theme (written into ``layouts/``, Hugo >= 0.146 template layout) has what nichesite's pages
have: head meta, canonical and Open Graph tags, JSON-LD, a problem box and quick answer, product
and compare shortcodes reading ``site.Data.products``, tags, FAQ, related articles
(``site.RegularPages.Related``), paginated home, category and tag pages, RSS and a sitemap.

In the image corpus (``run.py --images``) each article's featured image is in ``assets/images/``
and the theme does with Hugo's image processing what nichesite does with its own: a ``<picture>``
at the top of the article (widths 480, 800, 1200 and 1600, never wider than the original, as JPEG
and WebP, quality 80, with width and height) and the 480-pixel one on every list card.
"""

from __future__ import annotations

from pathlib import Path

from corpus import Article, Compare, Corpus, ProductBox
from markdown_body import write_faq_and_body, yaml_list, yaml_str
from site_nichesite import PAGES, image_front_matter, write_products_yaml

HUGO_TOML = """\
baseURL = "https://shrimpfixes.example/"
locale = "en"
title = "Shrimp Tank Fixes"
buildFuture = true
# nichesite has no per-section listing besides its home page; Hugo's /posts/ would be extra work.
disableKinds = ["section"]

[params]
  description = "Fixes for freshwater shrimp keepers"

[pagination]
  pagerSize = 10

[services.rss]
  limit = 20

[taxonomies]
  category = "categories"
  tag = "tags"

[permalinks.page]
  posts = "/:slug/"

[permalinks.term]
  categories = "/category/:slug/"
  tags = "/tag/:slug/"

[outputs]
  home = ["html", "rss"]
  page = ["html"]
  taxonomy = ["html"]
  term = ["html"]

[related]
  includeNewer = true
  threshold = 80
  toLower = false
  [[related.indices]]
    name = "tags"
    weight = 100
  [[related.indices]]
    name = "categories"
    weight = 50

[sitemap]
  changeFreq = "weekly"
"""

LAYOUTS: dict[str, str] = {
    "baseof.html": """\
<!DOCTYPE html>
<html lang="{{ site.Language.Locale }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} | {{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ site.Params.description }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
<meta property="og:title" content="{{ .Title }}">
<meta property="og:url" content="{{ .Permalink }}">
<meta property="og:type" content="{{ if .IsPage }}article{{ else }}website{{ end }}">
<meta name="twitter:card" content="summary">
{{ with site.Home.OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">{{ end }}
</head>
<body>
<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<nav>{{ range site.Taxonomies.categories.Alphabetical }}<a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ end }}</nav>
</header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><a href="/about/">About</a> <a href="/privacy/">Privacy</a></footer>
</body>
</html>
""",
    "single.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time>
{{ range .GetTerms "categories" }} in <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
{{ with .Params.problem }}<div class="problem"><strong>Problem:</strong> {{ . }}</div>{{ end }}
{{ with .Params.solution }}<div class="answer"><strong>Quick answer:</strong> {{ . }}</div>{{ end }}
{{ .Content }}
{{ with .Params.faq }}<section class="faq"><h2>Frequently asked questions</h2>
{{ range . }}<h3>{{ .q }}</h3><p>{{ .a }}</p>{{ end }}</section>{{ end }}
<p class="tags">{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
{{ with site.RegularPages.Related . | first 5 }}<aside><h2>Related</h2><ul>
{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></aside>{{ end }}
</article>
{{ if .IsPage }}<script type="application/ld+json">{{ dict "@context" "https://schema.org" "@type" "BlogPosting" "headline" .Title "datePublished" (.Date.Format "2006-01-02") "url" .Permalink | jsonify | safeJS }}</script>{{ end }}
{{ end }}
""",
    "list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pag := .Paginate .RegularPages }}
{{ range $pag.Pages }}{{ partial "card.html" . }}{{ end }}
{{ partial "pager.html" $pag }}
{{ end }}
""",
    "term.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pag := .Paginate .Pages }}
{{ range $pag.Pages }}{{ partial "card.html" . }}{{ end }}
{{ partial "pager.html" $pag }}
{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "home.html": """\
{{ define "main" }}
<p class="intro">{{ site.Params.description }}</p>
{{ $pag := .Paginate (where site.RegularPages "Section" "posts") }}
{{ range $pag.Pages }}{{ partial "card.html" . }}{{ end }}
{{ partial "pager.html" $pag }}
{{ end }}
""",
    "_partials/card.html": """\
<article class="card"><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time></p>
<p>{{ .Description }}</p></article>
""",
    "_partials/pager.html": """\
<nav class="pager">{{ with .Prev }}<a href="{{ .URL }}">Newer</a>{{ end }}
Page {{ .PageNumber }} of {{ .TotalPages }}
{{ with .Next }}<a href="{{ .URL }}">Older</a>{{ end }}</nav>
""",
    "_shortcodes/product.html": """\
{{ $id := .Get 0 }}{{ with index hugo.Data.products $id }}<div class="product-box">
<p class="product-name">{{ .name }}</p>
<p class="product-meta">{{ .price }} at {{ .merchant }}, rated {{ .rating }}/5</p>
<ul class="pros">{{ range .pros }}<li>{{ . }}</li>{{ end }}</ul>
<ul class="cons">{{ range .cons }}<li>{{ . }}</li>{{ end }}</ul>
<p><a href="{{ .url }}" rel="sponsored nofollow noopener">Check price</a></p>
</div>{{ else }}{{ errorf "unknown product %q: %s" $id $.Position }}{{ end }}
""",
    "_shortcodes/compare.html": """\
{{ $products := slice }}{{ range .Params }}{{ with index hugo.Data.products . }}{{ $products = $products | append . }}{{ else }}{{ errorf "unknown product %q" . }}{{ end }}{{ end }}
<table class="compare">
<tr><th></th>{{ range $products }}<th>{{ .name }}</th>{{ end }}</tr>
<tr><th>Price</th>{{ range $products }}<td>{{ .price }}</td>{{ end }}</tr>
<tr><th>Rating</th>{{ range $products }}<td>{{ .rating }}</td>{{ end }}</tr>
<tr><th>Pros</th>{{ range $products }}<td>{{ delimit .pros ", " }}</td>{{ end }}</tr>
<tr><th></th>{{ range $products }}<td><a href="{{ .url }}" rel="sponsored nofollow noopener">Check price</a></td>{{ end }}</tr>
</table>
""",
}


# The image corpus only: the partial that makes the resized variants, and where it is called.
PICTURE_PARTIAL = """\
{{- /* The page's featured image (front matter image: /images/NAME, the file assets/images/NAME)
as a <picture>: each of .widths not wider than the original (never an upscale), as JPEG and WebP,
quality 80; the img's src is the largest of them up to .fallback. */ -}}
{{- $page := .page -}}
{{- with $page.Params.image -}}
{{- with resources.Get (strings.TrimPrefix "/" .) -}}
{{- $img := . -}}
{{- $fit := slice -}}
{{- range $.widths -}}{{- if le . $img.Width -}}{{- $fit = $fit | append . -}}{{- end -}}{{- end -}}
{{- if not $fit -}}{{- $fit = slice $img.Width -}}{{- end -}}
{{- $jpeg := slice -}}{{- $webp := slice -}}{{- $src := false -}}
{{- range $fit -}}
{{- $j := $img.Resize (printf "%dx q80" .) -}}
{{- $w := $img.Resize (printf "%dx webp q80" .) -}}
{{- $jpeg = $jpeg | append (printf "%s %dw" $j.RelPermalink $j.Width) -}}
{{- $webp = $webp | append (printf "%s %dw" $w.RelPermalink $w.Width) -}}
{{- if or (not $src) (le . $.fallback) -}}{{- $src = $j -}}{{- end -}}
{{- end -}}
<picture><source type="image/webp" srcset="{{ delimit $webp ", " }}" sizes="{{ $.sizes }}">
<img src="{{ $src.RelPermalink }}" srcset="{{ delimit $jpeg ", " }}" sizes="{{ $.sizes }}" \
width="{{ $src.Width }}" height="{{ $src.Height }}" alt="{{ $page.Params.image_alt }}"{{ if $.lazy }} loading="lazy"{{ end }} decoding="async"></picture>
{{- else -}}
{{- errorf "%s: image %q is not in assets/" $page.File.Path . -}}
{{- end -}}
{{- end -}}
"""
ARTICLE_PICTURE = (
    '{{ partial "picture.html" (dict "page" . "widths" (slice 480 800 1200 1600) "fallback" 800 '
    '"sizes" "(min-width: 800px) 800px, 100vw" "lazy" false) }}\n'
)
CARD_PICTURE = '{{ partial "picture.html" (dict "page" . "widths" (slice 480) "fallback" 480 "sizes" "480px" "lazy" true) }}'


def layouts(images: bool) -> dict[str, str]:
    """The theme's templates; with ``images``, the featured picture on articles and cards."""
    if not images:
        return LAYOUTS
    out = dict(LAYOUTS, **{"_partials/picture.html": PICTURE_PARTIAL})
    heading, card = "<h1>{{ .Title }}</h1>\n", '<article class="card">'
    if heading not in out["single.html"] or card not in out["_partials/card.html"]:
        raise ValueError("the article or card template changed: place the picture partial anew")
    out["single.html"] = out["single.html"].replace(heading, heading + ARTICLE_PICTURE)
    out["_partials/card.html"] = out["_partials/card.html"].replace(card, card + CARD_PICTURE)
    return out


def _shortcode(block: ProductBox | Compare) -> str:
    if isinstance(block, ProductBox):
        return f'{{{{< product "{block.product_id}" >}}}}'
    return "{{< compare " + " ".join(f'"{i}"' for i in block.product_ids) + " >}}"


def article_path(root: Path, slug: str) -> Path:
    """Where an article's source lives in the Hugo site."""
    return root / "content" / "posts" / f"{slug}.md"


def images_folder(root: Path) -> Path:
    """Where the image corpus puts the articles' featured images (Hugo's assets, for resources.Get)."""
    return root / "assets" / "images"


def write_static(corpus: Corpus, root: Path, images: bool = False) -> None:
    """Write hugo.toml, the theme, the product data and the pages."""
    (root / "content" / "posts").mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(exist_ok=True)
    (root / "hugo.toml").write_text(HUGO_TOML, encoding="utf-8")
    for name, text in layouts(images).items():
        path = root / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    write_products_yaml(corpus, root / "data" / "products.yaml")
    for slug, (title, text) in PAGES.items():
        (root / "content" / f"{slug}.md").write_text(f"---\ntitle: {yaml_str(title)}\nslug: {slug}\n---\n{text}\n", encoding="utf-8")


def write_article(article: Article, root: Path, image: bool = False) -> None:
    """Write one article with YAML front matter; ``image``: with its featured image."""
    m = article.meta
    with article_path(root, m.slug).open("w", encoding="utf-8") as out:
        out.write(
            f"---\ntitle: {yaml_str(m.title)}\ndate: {m.date.isoformat()}\nslug: {m.slug}\n"
            f"categories: {yaml_list([m.category.name])}\ntags: {yaml_list(m.tags)}\n"
            f"description: {yaml_str(m.description)}\nproblem: {yaml_str(m.problem)}\n"
            f"solution: {yaml_str(m.solution)}\n"
        )
        if image:
            out.write(image_front_matter(article))
        write_faq_and_body(out, article, _shortcode)
