"""nichesite: a static-site generator for niche publishers (ads, affiliate products, SEO)."""

__version__ = "0.1.0"
