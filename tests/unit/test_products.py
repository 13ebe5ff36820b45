"""data/products.yaml: validated with the product and the line; Amazon recognised by host."""

from __future__ import annotations

from pathlib import Path

import pytest

from nichesite.products import Product, load_catalog

GOOD = """\
tds-meter:
  name: HM Digital TDS-3 Meter
  url: https://www.aquashop.example/tds-3?aff=x
  image: /images/tds.jpg
  merchant: AquaShop
  price: "$16"
  rating: 4.6
  badge: Best for beginners
  pros: [Accurate, Cheap]
  cons: [No temperature probe]
  button: Check price
prime:
  name: Seachem Prime
  url: https://www.amazon.com/dp/B0EXAMPLE1?tag=x-20
"""


def load(tmp_path: Path, text: str):
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "products.yaml").write_text(text, encoding="utf-8")
    catalog, problems = load_catalog(tmp_path)
    return catalog, [str(p) for p in problems.sorted()]


def test_a_valid_catalog_loads_every_field(tmp_path: Path) -> None:
    catalog, problems = load(tmp_path, GOOD)
    assert problems == []
    meter = catalog.get("tds-meter")
    assert meter is not None and meter.price == "$16" and meter.rating == 4.6
    assert meter.pros == ("Accurate", "Cheap") and meter.button == "Check price" and meter.line == 1
    assert list(catalog.products) == ["prime", "tds-meter"]  # sorted: deterministic output
    assert catalog.has_amazon and catalog.get("prime").is_amazon and not meter.is_amazon


def test_no_products_file_is_an_empty_catalog(tmp_path: Path) -> None:
    catalog, problems = load_catalog(tmp_path)
    assert not catalog.products and not problems.items


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ("x:\n  url: https://a.example/\n", "data/products.yaml:1: error: 'x.name' is required"),
        ("x:\n  name: X\n", "data/products.yaml:1: error: 'x.url' is required"),
        ("x:\n  name: X\n  url: javascript:alert(1)\n", "data/products.yaml:3: error: x.url: must be an http:// or https:// URL"),
        ("x:\n  name: X\n  url: ftp://files.example/x\n", "data/products.yaml:3: error: x.url: must be an http:// or https:// URL"),
        ("x:\n  name: X\n  url: https://a.example/a b\n", "data/products.yaml:3: error: x.url: must not contain spaces"),
        ("x:\n  name: X\n  url: https://a.example/\n  rating: 7\n", "data/products.yaml:4: error: x.rating: must be at most 5, got 7"),
        (
            "x:\n  name: X\n  url: https://a.example/\n  image: data:image/png;base64,AAAA\n",
            "data/products.yaml:4: error: x.image: must be a site path",
        ),
        ("x:\n  name: X\n  url: https://a.example/\n  colour: red\n", "data/products.yaml:4: error: unknown key 'x.colour'"),
        (
            "x:\n  name: X\n  url: https://a.example/\nx:\n  name: Y\n  url: https://b.example/\n",
            "data/products.yaml:4: error: invalid YAML: duplicate key 'x'",
        ),
        ("bad id!:\n  name: X\n  url: https://a.example/\n", "data/products.yaml:1: error: product id 'bad id!' must be letters"),
        ("- a\n- b\n", "data/products.yaml:1: error: expected a mapping of product ids to products"),
    ],
)
def test_bad_products_are_errors_naming_file_product_and_line(tmp_path: Path, record: str, expected: str) -> None:
    catalog, problems = load(tmp_path, record)
    assert any(p.startswith(expected) for p in problems), problems
    assert "x" not in catalog.products


def test_amazon_price_and_rating_are_warnings_at_their_lines(tmp_path: Path) -> None:
    _, problems = load(tmp_path, "p:\n  name: P\n  url: https://amzn.to/3xyz\n  price: '$9'\n  rating: 4.5\n")
    assert len(problems) == 2
    assert problems[0].startswith("data/products.yaml:4: warning: p.price: Amazon's operating agreement forbids hand-typed prices")
    assert problems[1].startswith("data/products.yaml:5: warning: p.rating:")


@pytest.mark.parametrize(
    ("url", "amazon"),
    [
        ("https://www.amazon.com/dp/B01", True),
        ("https://www.amazon.co.uk/dp/B01", True),
        ("https://amazon.de/dp/B01", True),
        ("https://amzn.to/3abc", True),
        ("https://a.co/d/abc", True),
        ("https://notamazon.com/x", False),
        ("https://www.amazon.example.org.evil.com/", False),
        ("https://shop.example/amazon.com", False),
    ],
)
def test_amazon_is_recognised_by_host(url: str, amazon: bool) -> None:
    assert Product("p", "P", url).is_amazon is amazon
