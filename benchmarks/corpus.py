"""A deterministic corpus of niche articles (shrimp and aquarium keeping) for the benchmark.

The corpus is tool-neutral: an article body is a list of blocks (paragraphs, headings, lists,
tables, product boxes...), and each site writer renders the blocks in its tool's dialect. Only the
small per-article metadata is kept for the whole corpus; bodies are generated one at a time so the
generator streams.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

# --- vocabulary -------------------------------------------------------------------------------

SPECIES = (
    "cherry shrimp",
    "amano shrimp",
    "crystal red shrimp",
    "blue dream shrimp",
    "ghost shrimp",
    "tiger shrimp",
    "bamboo shrimp",
    "blue velvet shrimp",
    "snowball shrimp",
    "orange sakura shrimp",
    "black rose shrimp",
    "yellow goldenback shrimp",
    "green jade shrimp",
    "chocolate shrimp",
    "blue bolt shrimp",
    "taiwan bee shrimp",
    "vampire shrimp",
    "nerite snails",
    "ramshorn snails",
    "otocinclus",
)
SYMPTOMS = (
    "dying after a water change",
    "losing colour",
    "hiding all day",
    "failing to molt",
    "dropping eggs",
    "turning white",
    "swimming frantically",
    "not eating",
    "climbing out",
    "getting stuck in a molt",
    "breeding slowly",
    "disappearing overnight",
    "turning pale",
    "covered in white fuzz",
    "carrying saddles but no eggs",
    "lying on their side",
    "grouping at the surface",
    "clinging to the filter",
    "avoiding the substrate",
    "growing slowly",
    "dying one by one",
    "losing legs",
    "showing black spots",
    "fighting over food",
    "staying translucent",
)
PROBLEMS = (
    "high nitrates",
    "cloudy water",
    "brown algae",
    "hair algae",
    "planaria",
    "hydra",
    "a pH crash",
    "ammonia spikes",
    "copper contamination",
    "a tds drift",
    "low kh",
    "soft water",
    "hard tap water",
    "a stalled cycle",
    "detritus worms",
    "biofilm shortage",
    "a heat wave",
    "a power cut",
    "a broken heater",
    "a clogged sponge filter",
    "snail overpopulation",
    "vorticella",
    "scutariella",
    "a bacterial bloom",
    "an overfeeding habit",
    "a leaking lid",
    "mineral deposits",
    "an oxygen drop",
    "fluctuating temperature",
    "leaching driftwood",
)
CONTEXTS = (
    "a nano tank",
    "a 10 gallon tank",
    "a planted tank",
    "a bare bottom tank",
    "a breeding tub",
    "a new tank",
    "an old tank",
    "a community tank",
    "a jar setup",
    "a walstad tank",
    "a rimless cube",
    "a quarantine tank",
    "a cold room",
    "a shared office tank",
    "a paludarium",
    "a holiday week",
    "a house move",
    "winter",
    "summer",
    "a first month",
)
NOUNS = (
    "tank",
    "colony",
    "filter",
    "substrate",
    "heater",
    "water",
    "moss",
    "biofilm",
    "molt",
    "parameter",
    "reading",
    "test kit",
    "sponge",
    "pump",
    "light",
    "plant",
    "leaf",
    "root",
    "stone",
    "driftwood",
    "shrimp",
    "berried female",
    "juvenile",
    "snail",
    "algae",
    "detritus",
    "nitrate",
    "nitrite",
    "ammonia",
    "mineral",
    "remineralizer",
    "conditioner",
    "dechlorinator",
    "drip line",
    "bucket",
    "siphon",
    "gravel vac",
    "thermometer",
    "tds meter",
    "ph pen",
    "food",
    "pellet",
    "wafer",
    "powder",
    "blanch",
    "spinach",
    "zucchini",
    "almond leaf",
    "cholla wood",
    "alder cone",
    "bacteria",
    "cycle",
    "bioload",
    "oxygen",
    "surface",
    "current",
    "flow",
    "glass",
    "lid",
    "cover",
    "net",
    "quarantine",
    "acclimation",
    "drip",
    "temperature",
    "hardness",
    "gh",
    "kh",
    "ph",
    "tds",
    "routine",
    "schedule",
    "log",
    "notebook",
    "supplier",
    "breeder",
    "store",
    "hobbyist",
    "keeper",
    "beginner",
    "forum",
    "reader",
    "week",
    "month",
    "day",
    "night",
    "morning",
    "evening",
    "season",
    "batch",
    "generation",
    "grade",
    "colour",
    "pattern",
    "saddle",
    "egg",
    "clutch",
    "exoskeleton",
    "carapace",
    "antenna",
    "leg",
    "tail",
    "gill",
    "gut",
    "appetite",
    "behaviour",
    "stress",
    "shock",
    "loss",
    "die-off",
    "recovery",
    "fix",
    "change",
    "dose",
    "ratio",
    "volume",
    "gallon",
    "litre",
)
ADJECTIVES = (
    "stable",
    "soft",
    "hard",
    "clean",
    "cloudy",
    "fresh",
    "aged",
    "mature",
    "new",
    "small",
    "large",
    "gentle",
    "strong",
    "slow",
    "fast",
    "steady",
    "sudden",
    "gradual",
    "careful",
    "cheap",
    "reliable",
    "accurate",
    "cheaper",
    "healthy",
    "weak",
    "busy",
    "quiet",
    "dense",
    "sparse",
    "planted",
    "bare",
    "warm",
    "cool",
    "cold",
    "tepid",
    "filtered",
    "unfiltered",
    "dechlorinated",
    "buffered",
    "inert",
    "active",
    "tiny",
    "visible",
    "hidden",
    "common",
    "rare",
    "typical",
    "frequent",
    "occasional",
    "daily",
    "weekly",
    "monthly",
    "safe",
    "risky",
    "toxic",
    "harmless",
    "simple",
    "proven",
    "patient",
)
VERBS = (
    "stabilizes",
    "raises",
    "lowers",
    "feeds",
    "shelters",
    "protects",
    "stresses",
    "weakens",
    "clears",
    "clouds",
    "buffers",
    "softens",
    "hardens",
    "cools",
    "warms",
    "oxygenates",
    "filters",
    "traps",
    "releases",
    "absorbs",
    "leaches",
    "supports",
    "improves",
    "reduces",
    "triggers",
    "prevents",
    "hides",
    "reveals",
    "changes",
    "affects",
    "balances",
    "seeds",
    "grows",
    "covers",
    "tolerates",
    "needs",
    "prefers",
    "avoids",
    "handles",
    "survives",
    "follows",
    "matches",
    "measures",
    "tracks",
    "doubles",
    "halves",
    "slows",
    "speeds up",
    "kills",
    "starves",
)
ADVERBS = (
    "slowly",
    "quickly",
    "gradually",
    "rarely",
    "often",
    "usually",
    "always",
    "never",
    "sometimes",
    "carefully",
    "gently",
    "steadily",
    "suddenly",
    "quietly",
    "reliably",
    "mostly",
    "barely",
    "easily",
    "eventually",
    "immediately",
)
OPENERS = (
    "In my experience,",
    "In most tanks,",
    "After a week,",
    "As a rule,",
    "Surprisingly,",
    "For beginners,",
    "Over time,",
    "In practice,",
    "On the other hand,",
    "Most of the time,",
    "According to breeders,",
    "If you test daily,",
    "Before you panic,",
    "Once the tank is cycled,",
    "During a heat wave,",
    "In soft water,",
    "In hard water,",
    "With a sponge filter,",
)
PREPOSITIONS = ("in", "on", "under", "near", "behind", "around", "after", "before", "during", "with")
CONNECTORS = ("because", "while", "although", "when", "until", "unless", "so", "since")
HEADINGS = (
    "What causes {p}",
    "How to spot {p} early",
    "Fixing {p} step by step",
    "Why {n} matters",
    "Testing the {n}",
    "The role of {n}",
    "Common mistakes with {n}",
    "What the {n} tells you",
    "A routine that works",
    "When to change the {n}",
    "Choosing the right {n}",
    "What I would do differently",
    "Signs of recovery",
    "Preventing {p}",
    "Long term care",
    "Feeding after {p}",
    "Water parameters to watch",
    "Tools you need",
    "Quick checklist",
    "Keeping the {n} stable",
)
CATEGORY_NAMES = (
    "Water Quality",
    "Breeding",
    "Feeding",
    "Diseases",
    "Algae Control",
    "Equipment",
    "Tank Setup",
    "Plants",
    "Substrate",
    "Filtration",
    "Lighting",
    "Temperature",
    "Tank Mates",
    "Molting",
    "Colour Grading",
    "Beginners",
    "Cycling",
    "Pests",
    "Maintenance",
    "Buying Shrimp",
)
PRODUCT_KINDS = (
    ("TDS Meter", "tds-meter"),
    ("Sponge Filter", "sponge-filter"),
    ("Nano Heater", "nano-heater"),
    ("GH/KH Test Kit", "gh-kh-test-kit"),
    ("Shrimp Pellets", "shrimp-pellets"),
    ("Java Moss Portion", "java-moss"),
    ("Active Substrate", "active-substrate"),
    ("Clip-on LED Light", "clip-on-led"),
    ("GH+ Remineralizer", "remineralizer"),
    ("Water Conditioner", "water-conditioner"),
    ("Drip Acclimation Kit", "drip-kit"),
    ("Digital Thermometer", "thermometer"),
    ("Ph Pen", "ph-pen"),
    ("Catappa Leaves", "catappa-leaves"),
    ("Cholla Wood", "cholla-wood"),
)
BRANDS = (("Aquafine", "aquafine"), ("Shrimpworks", "shrimpworks"), ("Neo Labs", "neo-labs"), ("Bluewater", "bluewater"))
MERCHANTS = (("AquaShop", "aquashop"), ("Shrimp Supply Co", "shrimpsupply"), ("Tank Depot", "tankdepot"), ("Nano Aquatics", "nanoaquatics"))
PROS = (
    "Accurate",
    "Cheap",
    "Quiet",
    "Easy to clean",
    "Shrimp safe",
    "Lasts for months",
    "Compact",
    "Calibrated out of the box",
    "Low flow",
    "No copper",
    "Sinks quickly",
    "Good value",
    "Clear instructions",
    "Sturdy build",
    "Adjustable",
)
CONS = (
    "No temperature probe",
    "Short cable",
    "Needs calibration",
    "Plastic feels cheap",
    "Small batch size",
    "Slow to dissolve",
    "Bulky",
    "Loud at first",
    "Pricey",
    "Instructions vague",
)
TAG_HEADS = (
    "water",
    "tank",
    "shrimp",
    "filter",
    "algae",
    "molt",
    "food",
    "plant",
    "breeding",
    "test",
    "heater",
    "moss",
    "snail",
    "substrate",
    "light",
    "cycle",
    "colour",
    "pest",
    "gh",
    "kh",
)
TAG_TAILS = ("change", "care", "issues", "basics", "tips")

START = dt.date(2020, 1, 1)
END = dt.date(2026, 12, 31)


# --- model --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Category:
    """One of the site's 20 categories; ``folder`` is its slug and content folder name."""

    name: str
    folder: str


@dataclass(frozen=True, slots=True)
class Product:
    """An affiliate product as it appears in data/products.yaml."""

    id: str
    name: str
    url: str
    merchant: str
    price: str
    rating: float
    pros: tuple[str, ...]
    cons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FaqItem:
    """A question and answer from an article's optional FAQ."""

    q: str
    a: str


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """An article's front matter: everything a list, feed or related block needs."""

    index: int
    title: str
    slug: str
    date: dt.date
    category: Category
    tags: tuple[str, ...]
    problem: str
    solution: str
    description: str


# Blocks of an article body: each writer renders them in its own dialect.
@dataclass(frozen=True, slots=True)
class Heading:
    """A ``##`` (level 2) or ``###`` (level 3) heading."""

    level: int
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Plain text with optional inline links to other articles, as (before, link, after) parts."""

    parts: tuple[str | tuple[str, str], ...]  # str = text, (text, slug) = link to an article


@dataclass(frozen=True, slots=True)
class ListBlock:
    """A bullet or numbered list."""

    ordered: bool
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A small Markdown table."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class ProductBox:
    """A ``{{< product ID >}}`` shortcode on its own line."""

    product_id: str


@dataclass(frozen=True, slots=True)
class Compare:
    """A ``{{< compare A B >}}`` shortcode on its own line."""

    product_ids: tuple[str, ...]


Block = Heading | Paragraph | ListBlock | Table | ProductBox | Compare


@dataclass(frozen=True, slots=True)
class Article:
    """A whole article: metadata, body blocks and an optional FAQ."""

    meta: ArticleMeta
    blocks: tuple[Block, ...]
    faq: tuple[FaqItem, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Corpus:
    """The site-wide part of the corpus, kept in memory; bodies come from :meth:`articles`."""

    seed: int
    categories: tuple[Category, ...]
    tags: tuple[str, ...]
    products: tuple[Product, ...]
    metas: tuple[ArticleMeta, ...]

    def articles(self) -> Iterator[Article]:
        """Yield every article with its body, generated one at a time (deterministic)."""
        for meta in self.metas:
            rng = random.Random(f"{self.seed}:body:{meta.index}")
            yield _article(rng, meta, self)

    @property
    def newest(self) -> ArticleMeta:
        """The single newest article: it is on every tool's home page, so edits show there."""
        return max(self.metas, key=lambda m: (m.date, m.slug))


# --- generation ---------------------------------------------------------------------------------


RESERVED_SLUGS = frozenset({"about", "privacy", "page", "tags", "categories", "search"})
SLUG_MAX = 60  # nichesite limits slug length; short slugs are what publishers use anyway


def slugify(text: str) -> str:
    """Lower-case ASCII slug of at most SLUG_MAX characters, cut at a hyphen."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > SLUG_MAX:
        slug = slug[: SLUG_MAX + 1].rsplit("-", 1)[0]
    return slug


def build_corpus(n: int, seed: int = 1) -> Corpus:
    """Make the corpus's metadata for ``n`` articles from ``seed``: same inputs, same corpus."""
    rng = random.Random(seed)
    categories = tuple(Category(name, slugify(name)) for name in CATEGORY_NAMES)
    tags = _tags(rng)
    products = _products(rng)
    metas = _metas(rng, n, categories, tags)
    return Corpus(seed, categories, tags, products, metas)


def _tags(rng: random.Random) -> tuple[str, ...]:
    combos = [f"{h} {t}" for h in TAG_HEADS for t in TAG_TAILS]
    return tuple(sorted(rng.sample(combos, 100)))


def _products(rng: random.Random) -> tuple[Product, ...]:
    products = []
    for kind, kind_id in PRODUCT_KINDS:
        for brand, brand_id in BRANDS:
            merchant, host = rng.choice(MERCHANTS)
            pid = f"{brand_id}-{kind_id}"
            products.append(
                Product(
                    id=pid,
                    name=f"{brand} {kind}",
                    url=f"https://www.{host}.example/p/{pid}?aff=bench",
                    merchant=merchant,
                    price=f"${rng.randint(4, 89)}.{rng.choice(('00', '49', '95', '99'))}",
                    rating=round(rng.uniform(3.4, 5.0), 1),
                    pros=tuple(rng.sample(PROS, rng.randint(2, 3))),
                    cons=tuple(rng.sample(CONS, rng.randint(1, 2))),
                )
            )
    return tuple(products)  # 15 kinds x 4 brands = 60


def _title(rng: random.Random) -> tuple[str, str, str]:
    """A problem-solution title with its problem and solution sentences."""
    species, symptom = rng.choice(SPECIES), rng.choice(SYMPTOMS)
    problem, context = rng.choice(PROBLEMS), rng.choice(CONTEXTS)
    form = rng.randrange(4)
    if form == 0:
        title = f"Why are my {species} {symptom} in {context}?"
    elif form == 1:
        title = f"How to fix {problem} in {context} with {species}"
    elif form == 2:
        title = f"My {species} are {symptom} after {problem}: what to do"
    else:
        title = f"Dealing with {problem} in {context}: a guide for {species}"
    title = title[0].upper() + title[1:]
    prob = f"{species[0].upper() + species[1:]} keep {symptom} when {problem} sets in."
    sol = f"Test the water, fix {problem} {rng.choice(ADVERBS)}, and keep the {rng.choice(NOUNS)} {rng.choice(ADJECTIVES)} for two weeks."
    return title, prob, sol


def _metas(rng: random.Random, n: int, categories: tuple[Category, ...], tags: tuple[str, ...]) -> tuple[ArticleMeta, ...]:
    span = (END - START).days  # the last day is kept for the newest article alone
    seen: set[str] = set()
    seen_titles: set[str] = set()
    metas = []
    for i in range(n):
        title, prob, sol = _title(rng)
        base, part = title, 2
        while title in seen_titles:  # an exact repeat: a sequel, as publishers title them
            title, part = f"{base} (part {part})", part + 1
        seen_titles.add(title)
        slug, extra = slugify(title), 2
        while slug in seen or slug in RESERVED_SLUGS:  # long titles may share a cut slug
            slug, extra = slugify(title)[: SLUG_MAX - 8].rstrip("-") + f"-{extra}", extra + 1
        seen.add(slug)
        date = END if i == n - 1 else START + dt.timedelta(days=rng.randrange(span))
        metas.append(
            ArticleMeta(
                index=i,
                title=title,
                slug=slug,
                date=date,
                category=rng.choice(categories),
                tags=tuple(sorted(rng.sample(tags, rng.randint(2, 4)))),
                problem=prob,
                solution=sol,
                description=f"{prob} {sol}",
            )
        )
    return tuple(metas)


def _sentence(rng: random.Random) -> str:
    words: list[str] = []
    if rng.random() < 0.25:
        words.append(rng.choice(OPENERS))
    words += ["the", rng.choice(ADJECTIVES), rng.choice(NOUNS)] if rng.random() < 0.6 else ["the", rng.choice(NOUNS)]
    if rng.random() < 0.3:
        words.append(rng.choice(ADVERBS))
    words += [rng.choice(VERBS), "the", rng.choice(NOUNS)]
    if rng.random() < 0.5:
        words += [rng.choice(PREPOSITIONS), "the", rng.choice(ADJECTIVES), rng.choice(NOUNS)]
    if rng.random() < 0.35:
        words += [rng.choice(CONNECTORS), "the", rng.choice(NOUNS), rng.choice(VERBS), "the", rng.choice(NOUNS)]
    first = words[0]
    words[0] = first[0].upper() + first[1:]
    return " ".join(words) + "."


def _paragraph(rng: random.Random, links: list[tuple[str, str]]) -> tuple[Paragraph, int]:
    sentences = [_sentence(rng) for _ in range(rng.randint(3, 6))]
    text = " ".join(sentences)
    words = text.count(" ") + 1
    if links and rng.random() < 0.35:
        title, slug = links.pop()
        anchor = title.rstrip("?").lower()
        return Paragraph((text + " See also ", (anchor, slug), ".")), words + 2 + anchor.count(" ")
    return Paragraph((text,)), words


def _list_item(rng: random.Random) -> str:
    item = f"{rng.choice(VERBS).capitalize()} the {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
    if rng.random() < 0.5:
        item += f" {rng.choice(PREPOSITIONS)} the {rng.choice(NOUNS)}"
    return item


def _table(rng: random.Random) -> Table:
    header = ("Parameter", "Target", "Too low", "Too high")
    rows = []
    for name in rng.sample(("pH", "GH", "KH", "TDS", "Temperature", "Nitrate", "Ammonia"), 5):
        lo = rng.randint(1, 20)
        rows.append((name, f"{lo}-{lo + rng.randint(2, 9)}", rng.choice(SYMPTOMS), rng.choice(SYMPTOMS)))
    return Table(header, tuple(rows))


def _article(rng: random.Random, meta: ArticleMeta, corpus: Corpus) -> Article:
    target = rng.randint(850, 1000)
    others = rng.sample(corpus.metas, min(len(corpus.metas), 6))
    links = [(m.title, m.slug) for m in others if m.slug != meta.slug][: rng.randint(2, 4)]
    product_ids = [p.id for p in rng.sample(corpus.products, 4)]
    blocks: list[Block] = []
    words = 0
    for _ in range(2):
        para, w = _paragraph(rng, [])
        blocks.append(para)
        words += w
    blocks.append(ProductBox(product_ids[0]))
    has_table = rng.random() < 0.25
    second_box = rng.random() < 0.5
    has_compare = rng.random() < 0.2
    section = 0
    while words < target or links:
        section += 1
        blocks.append(Heading(2, rng.choice(HEADINGS).format(p=rng.choice(PROBLEMS), n=rng.choice(NOUNS))))
        for _ in range(rng.randint(1, 3)):
            para, w = _paragraph(rng, links)
            blocks.append(para)
            words += w
        roll = rng.random()
        if roll < 0.35:
            items = tuple(_list_item(rng) for _ in range(rng.randint(3, 6)))
            blocks.append(ListBlock(ordered=rng.random() < 0.4, items=items))
            words += sum(i.count(" ") + 1 for i in items)
        elif roll < 0.55:
            blocks.append(Heading(3, rng.choice(HEADINGS).format(p=rng.choice(PROBLEMS), n=rng.choice(NOUNS))))
            para, w = _paragraph(rng, links)
            blocks.append(para)
            words += w
        if section == 2 and has_table:
            blocks.append(_table(rng))
            words += 30
        if section == 3 and second_box:
            blocks.append(ProductBox(product_ids[1]))
        if section == 3 and has_compare:
            blocks.append(Compare((product_ids[2], product_ids[3])))
    faq: tuple[FaqItem, ...] = ()
    if rng.random() < 0.3:
        faq = tuple(FaqItem(f"How often should I check the {rng.choice(NOUNS)}?", _sentence(rng)) for _ in range(rng.randint(2, 3)))
    return Article(meta, tuple(blocks), faq)


def image_name(index: int) -> str:
    """The file name of article ``index``'s featured image in the image corpus (run.py --images)."""
    return f"a-{index}.jpg"


def article_words(article: Article) -> int:
    """Words of running text in an article's body (paragraphs, headings, lists, tables)."""
    total = 0
    for block in article.blocks:
        match block:
            case Paragraph(parts):
                total += sum(len((p if isinstance(p, str) else p[0]).split()) for p in parts)
            case Heading(_, text):
                total += len(text.split())
            case ListBlock(_, items):
                total += sum(len(i.split()) for i in items)
            case Table(header, rows):
                total += sum(len(c.split()) for row in (header, *rows) for c in row)
    return total
