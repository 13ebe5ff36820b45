"""What a serve session keeps from one build to the next (fingerprints of outputs whose inputs are
the same objects) gives what computing everything again gives, edit after edit."""

from __future__ import annotations

from conftest import BASIC_CONFIG, article, write_site

from nichesite import fingerprint, viewdigests
from nichesite.build import Builder, BuildOptions


def test_kept_fingerprints_equal_fingerprints_computed_again(tmp_path, monkeypatch):
    files = {
        f"content/{'water' if i % 2 else 'food'}/a{i}.md": article(
            f"Shrimp problem {i}", f"2026-0{1 + i % 9}-1{i % 9}", tags=f"[t{i % 3}, t{i % 4}]"
        )
        for i in range(14)
    }
    site = write_site(tmp_path / "site", files, BASIC_CONFIG.replace("paginate: 10", "paginate: 3"))
    checked = []

    def checking(*args):
        before = args[-1].by_output  # what the last build kept
        fingerprints, kept = fingerprint.job_fingerprints(*args)
        assert fingerprints == fingerprint.job_fingerprints(*args[:8])[0]  # no views key: every fingerprint computed
        checked.append(sum(found is before.get(output) for output, found in kept.by_output.items()))
        return fingerprints, kept

    monkeypatch.setattr(viewdigests, "job_fingerprints", checking)
    serve = Builder(BuildOptions(site, tmp_path / "serve"), in_place=True)
    assert serve.build().ok
    a3, a4 = site / "content/water/a3.md", site / "content/food/a4.md"
    edits = [
        (a3, lambda t: t + "\nMore words in the body.\n"),
        (a3, lambda t: t.replace("Shrimp problem 3", "Shrimp trouble 3")),
        (a4, lambda t: t.replace("tags: [t1, t0]", "tags: [t2]")),  # its place in the collections changes
        (a4, lambda t: t.replace("date: 2026-05-14", "date: 2026-09-30")),  # and in the order
        (site / "templates/partials/card.html", lambda t: "<p>{{ item.title }} {{ item.word_count }}</p>"),
        (a3, lambda t: t + "\nEven more words.\n"),
        (site / "site.yaml", lambda t: t.replace("paginate: 3", "paginate: 4")),
        (a3, lambda t: t.replace("Shrimp trouble 3", "Shrimp trouble three")),
    ]
    for path, edit in edits:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(edit(path.read_text() if path.exists() else ""))
        assert serve.build().ok
    assert len(checked) == len(edits) + 1
    assert checked[1] > 10 and checked[2] > 10, checked  # a body edit and a title edit kept most of them
