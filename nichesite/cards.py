"""Share cards for the articles that have no image of their own: drawn once (sharecard.py),
kept in `.nichesite/images/cards/` under the digest of everything drawn on them, published as
`/_img/card-<slug>.<hash>.png`."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

from nichesite import __version__, workers
from nichesite.config import CONFIG_FILE, SiteConfig
from nichesite.content import Entry
from nichesite.errors import Problem, warning
from nichesite.files import write_atomic
from nichesite.imagefile import OUTPUT_DIR, ImageInfo
from nichesite.images import CACHE_DIR
from nichesite.pictures import resolve

WIDTH, HEIGHT = 1200, 630
PARALLEL_MIN = 40  # cards to draw before worker processes pay for themselves

Drawn = Mapping[str, tuple[Entry, tuple, str, tuple[Path, str] | None, tuple[ImageInfo, tuple[str, Path]] | None]]
Card = tuple[str, str, str, str, tuple[str, str, str, str]]  # key, title, site name, category, (colours..., logo path)


def share_cards(
    articles: Sequence[Entry],
    config: SiteConfig,
    site_dir: Path,
    images: Mapping[str, ImageInfo],
    category: Callable[[Entry], str],
    workers_max: int = 1,
    scratch: Path | None = None,
    last: Drawn = MappingProxyType({}),
    prune: bool = True,
) -> tuple[dict[str, ImageInfo], list[tuple[str, Path]], list[Problem], Drawn]:
    """A card per article without a usable image of its own: {source: card}, the files to
    publish, the problems (a logo that cannot be used: the cards are drawn without it), and
    what each card shows with its file, by source: a session's next build passes it as `last`
    and hashes and names again only the cards of entries that are not the very same objects."""
    settings = config.share_cards
    if not settings.enabled or not articles:
        return {}, [], [], MappingProxyType({})
    logo, logo_digest, problems = _logo(config, site_dir, images)
    style = (settings.background, settings.text, settings.accent, str(logo or ""))
    cache = site_dir / CACHE_DIR / "cards"
    write = scratch / "cards" if scratch else cache
    listed = {folder: _names(folder) for folder in dict.fromkeys((cache, write))}
    made = {name.split(".", 1)[0]: (folder, name) for folder, names in listed.items() for name in names}
    wanted: list[tuple[Entry, tuple, str, tuple[Path, str] | None, tuple[ImageInfo, tuple[str, Path]] | None]] = []
    todo: list[Card] = []
    for entry in articles:
        own = resolve(entry.image, "/", "") if entry.image else None
        if entry.image and not own or own in images and not images[own].error and images[own].kind != "svg":
            continue  # an image of its own: on another site (shared as it is), or one of the site's
        drawn = (entry.title, config.title, category(entry), style, logo_digest)
        found = last.get(entry.source)
        if found is None or found[0] is not entry or found[1] != drawn:
            text = repr((__version__, *drawn))
            found = (entry, drawn, hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32], None, None)
        wanted.append(found)
        if found[2] not in made:
            todo.append((found[2], entry.title, config.title, drawn[2], style))
    batches = [todo[i : i + 20] for i in range(0, len(todo), 20)]
    if workers.worth_forking(len(todo), PARALLEL_MIN, workers_max):
        results = [name for names in workers.run_parallel(_draw_batch, [(b, str(write)) for b in batches], workers_max) for name in names]
    else:
        results = [name for batch in batches for name in _draw_batch((batch, str(write)))]
    made.update({name.split(".", 1)[0]: (write, name) for name in results})
    cards: dict[str, ImageInfo] = {}
    files: list[tuple[str, Path]] = []
    kept = {}
    for entry, drawn, key, place, card in wanted:
        if card is None or place != made[key]:
            place = made[key]
            folder, name = place
            output = f"{OUTPUT_DIR}/card-{entry.slug[:60]}.{name.split('.')[1]}.png"
            card = (
                ImageInfo(output, "card", WIDTH, HEIGHT, 0, source=entry.source),
                (output, folder / name),
            )  # its size in bytes is no card's concern
        kept[entry.source] = (entry, drawn, key, place, card)
        cards[entry.source] = card[0]
        files.append(card[1])
    if scratch is None and prune:
        _prune(cache, listed[cache], {key for _, _, key, _, _ in wanted})
    return cards, files, problems, MappingProxyType(kept)


def prune_cards(site_dir: Path, keep: set[str]) -> None:
    """Remove the cached cards of no article (`keep`: the keys of those in use)."""
    cache = site_dir / CACHE_DIR / "cards"
    _prune(cache, _names(cache), keep)


def _prune(cache: Path, names: list[str], keep: set[str]) -> None:
    for name in names:
        if name.split(".", 1)[0] not in keep:
            (cache / name).unlink(missing_ok=True)


def _names(folder: Path) -> list[str]:
    try:
        return [name for name in os.listdir(folder) if name.endswith(".png") and name.count(".") == 2]
    except OSError:
        return []


def _logo(config: SiteConfig, site_dir: Path, images: Mapping[str, ImageInfo]) -> tuple[Path | None, str, list[Problem]]:
    """The logo's file and a digest of it, or why it cannot be used (a warning at its line)."""
    value = config.share_cards.logo
    if not value:
        return None, "", []
    line = config.lines.get("images.share_cards.logo", 1)
    info = images.get(resolve(value, "/", "") or "")
    if info is None or info.error or info.kind not in ("raster", "gif"):
        why = "is no image file of the site" if info is None else "cannot be read" if info.error else "is an SVG; use a PNG, JPEG or WebP"
        return None, "", [warning(CONFIG_FILE, line, f"images.share_cards.logo: {value} {why}: share cards are drawn without a logo")]
    path = site_dir / info.source
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        return None, "", [warning(CONFIG_FILE, line, f"images.share_cards.logo: {value}: {exc.strerror}: cards are drawn without it")]
    return path, digest, []


def _draw_batch(work: tuple[list[Card], str]) -> list[str]:
    """Draw cards into `folder` (in a worker process when there are many); their file names."""
    from nichesite.sharecard import CardError, CardStyle, render_card  # Pillow only when cards are drawn

    batch, folder = work
    names = []
    for key, title, site_name, category, (background, text, accent, logo) in batch:
        style = CardStyle(background, text, accent, Path(logo) if logo else None)
        try:
            data, _ = render_card(title, site_name, category, style)
        except CardError:
            data, _ = render_card(title, site_name, category, CardStyle(background, text, accent))
        name = f"{key}.{hashlib.sha256(data).hexdigest()[:10]}.png"
        write_atomic(Path(folder) / name, data)  # its temporary name ends in .tmp: never taken for a card
        names.append(name)
    return names
