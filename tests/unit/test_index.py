from nichesite import workers
from nichesite.body import BodyRenderer
from nichesite.content import ParseSettings, parse_entry
from nichesite.index import RELATED_FORK_MIN, article_order, build_index
from nichesite.shortcodes import ShortcodeRules

SETTINGS = ParseSettings("en", "/{slug}/", "", ShortcodeRules(templates=frozenset()))


def entry(name, date, tags=(), category="water", draft=False):
    text = f"---\ntitle: {name}\ndate: {date}\ntags: [{', '.join(tags)}]\ncategory: {category}\ndraft: {str(draft).lower()}\nproblem: p\nsolution: s\n---\nBody\n"
    result, problems = parse_entry(f"content/{name}.md", text, SETTINGS, BodyRenderer())
    assert result is not None, problems
    return result


def test_articles_are_newest_first_with_a_stable_tie_break_and_no_drafts():
    entries = [entry("b", "2026-01-01"), entry("a", "2026-01-01"), entry("c", "2026-02-01"), entry("d", "2026-03-01", draft=True)]
    index = build_index(entries, "en")
    assert [e.slug for e in index.articles] == ["c", "a", "b"]
    assert [e.slug for e in build_index(entries, "en", include_drafts=True).articles] == ["d", "c", "a", "b"]
    assert index.neighbours["content/a.md"] == (index.articles[0], index.articles[2])


def test_the_article_order_is_article_order_with_many_ties():
    entries = [entry(f"e{(i * 7) % 23}-{i}", f"2026-0{1 + i % 3}-0{1 + i % 2}") for i in range(40)]
    assert build_index(entries, "en").articles == tuple(sorted(entries, key=article_order))


def test_the_next_index_of_entries_that_kept_their_places_equals_one_made_again():
    tags = [("tds", "gh"), ("tds",), ("moss", "gh"), ()]
    entries = [entry(f"a{i}", f"2026-01-{1 + i % 5:02}", tags=tags[i % 4], category="water" if i % 3 else "food") for i in range(12)]
    entries.append(entry("page", "2026-01-01"))
    first = build_index(entries, "en")
    edited = list(entries)
    for i in (2, 3, 7):  # a body and a title edited: the same place, tags and collections
        text = f"---\ntitle: New title {i}\ndate: 2026-01-{1 + i % 5:02}\ntags: [{', '.join(tags[i % 4])}]\n"
        text += f"category: {'water' if i % 3 else 'food'}\nproblem: p\nsolution: s\n---\nAnother body\n"
        result, _ = parse_entry(f"content/a{i}.md", text, SETTINGS, BodyRenderer())
        edited[i] = result
    again = build_index(edited, "en", last=first)
    fresh = build_index(edited, "en", previous=first.ranked)
    assert again is not first and again == fresh
    for name in ("articles", "pages"):
        assert all(a is b for a, b in zip(getattr(again, name), getattr(fresh, name), strict=True))
    for a, b in zip((*again.categories, *again.tags), (*fresh.categories, *fresh.tags), strict=True):
        assert a == b and all(x is y for x, y in zip(a.articles, b.articles, strict=True))
    assert {s: tuple(map(id, r)) for s, r in again.related.items()} == {s: tuple(map(id, r)) for s, r in fresh.related.items()}
    assert {s: tuple(map(id, n)) for s, n in again.neighbours.items()} == {s: tuple(map(id, n)) for s, n in fresh.neighbours.items()}
    assert build_index(edited, "en", last=again).articles is again.articles  # nothing changed
    moved = list(edited)
    moved[5] = entry("a5", "2026-02-09", tags=tags[1])  # a new date: made again
    assert build_index(moved, "en", last=again) == build_index(moved, "en", previous=first.ranked)


def test_taxonomies_merge_spellings_and_have_ascii_slugs():
    index = build_index([entry("x", "2026-01-01", tags=("Water Change",)), entry("y", "2026-01-02", tags=("water change", "Вода"))], "bg")
    assert [(t.slug, len(t.articles)) for t in index.tags] == [("water-change", 2), ("voda", 1)]


def test_related_prefers_shared_tags_then_category_then_newest_and_is_deterministic():
    entries = [
        entry("target", "2026-01-10", tags=("tds", "gh")),
        entry("two-tags", "2026-01-01", tags=("tds", "gh"), category="other"),
        entry("one-tag", "2026-01-05", tags=("tds",), category="other"),
        entry("same-cat-old", "2026-01-02"),
        entry("same-cat-new", "2026-01-08"),
        entry("unrelated", "2026-01-09", category="food"),
    ]
    index = build_index(entries, "en")
    related = [e.slug for e in index.related["content/target.md"]]
    assert related == ["two-tags", "one-tag", "same-cat-new", "same-cat-old"]
    assert related == [e.slug for e in build_index(list(reversed(entries)), "en").related["content/target.md"]]


def test_related_articles_ranked_by_a_forked_process_are_those_ranked_here(monkeypatch):
    # Many articles with more than one worker allowed: a forked process ranks them while the
    # build goes on; the related articles (and what the next build reuses) are the same entries.
    forks, real = [], workers.Forked
    monkeypatch.setattr(workers, "Forked", lambda *a: forks.append(a) or real(*a))
    tags = [("tds", "gh"), ("tds",), ("moss", "gh"), (), ("kh", "moss", "tds")]
    categories = ["water", "food", "plants"]
    entries = [
        entry(f"a{i}", f"2026-{1 + i % 12:02}-{1 + i % 28:02}", tags=tags[i % 5], category=categories[i % 3])
        for i in range(RELATED_FORK_MIN + 20)
    ]
    here = build_index(entries, "en")
    forked = build_index(entries, "en", workers=2)
    assert len(forks) == 1
    assert dict(forked.related) == dict(here.related) and len(forked.related) == len(entries)
    assert all(a is b for s in here.related for a, b in zip(here.related[s], forked.related[s], strict=True))
    assert forked.ranked.key == here.ranked.key and dict(forked.ranked.by_source) == dict(here.ranked.by_source)
