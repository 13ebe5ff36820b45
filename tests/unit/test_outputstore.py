"""The output store: it gives a file only when its bytes are the digest it is asked for, and
holds exactly the outputs it was last told to keep."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from nichesite.outputstore import OutputStore


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def published(tmp_path: Path) -> Path:
    out = tmp_path / "public"
    for name, data in {"a/index.html": b"<p>a</p>", "b/index.html": b"<p>b</p>", "same.html": b"<p>a</p>"}.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    return out


def outputs_of(out: Path, names: list[str]) -> dict[str, str]:
    return {name: sha((out / name).read_bytes()) for name in names}


def stored(store: OutputStore) -> list[str]:
    return sorted(p.name for p in store.root.rglob("*") if p.is_file())


def test_keep_links_the_published_files_once_per_digest(tmp_path: Path, published: Path) -> None:
    store = OutputStore.of(tmp_path / "site")
    outputs = outputs_of(published, ["a/index.html", "b/index.html", "same.html"])
    store.keep(published, outputs)
    assert stored(store) == sorted({sha(b"<p>a</p>"), sha(b"<p>b</p>")})
    path = store.path(sha(b"<p>b</p>"))
    assert path.parent == store.root  # one folder: no folder per two hex digits to make
    assert os.path.samefile(path, published / "b/index.html")  # a hard link: no space, no copying


def test_the_folders_of_the_earlier_layout_give_way_to_one_folder(tmp_path: Path, published: Path) -> None:
    store = OutputStore.of(tmp_path / "site")
    digest = sha(b"<p>a</p>")
    old = store.root / digest[:2] / digest  # a folder per two hex digits, as before
    old.parent.mkdir(parents=True)
    old.write_bytes(b"<p>a</p>")
    store.keep(published, outputs_of(published, ["a/index.html"]))
    assert sorted(p.name for p in store.root.iterdir()) == [digest]
    assert os.path.samefile(store.path(digest), published / "a/index.html")


def test_keep_removes_what_the_last_build_no_longer_has(tmp_path: Path, published: Path) -> None:
    store = OutputStore.of(tmp_path / "site")
    store.keep(published, outputs_of(published, ["a/index.html", "b/index.html"]))
    (store.root / "zz").mkdir()
    (store.root / "stray.tmp").write_bytes(b"x")
    store.keep(published, outputs_of(published, ["b/index.html"]))
    assert stored(store) == [sha(b"<p>b</p>")]
    assert sorted(p.name for p in store.root.iterdir()) == [sha(b"<p>b</p>")]


def test_take_gives_the_file_with_the_digest(tmp_path: Path, published: Path) -> None:
    store = OutputStore.of(tmp_path / "site")
    store.keep(published, outputs_of(published, ["a/index.html"]))
    target = tmp_path / "staging" / "a" / "index.html"
    assert store.take(sha(b"<p>a</p>"), target)
    assert target.read_bytes() == b"<p>a</p>"
    assert not store.take(sha(b"<p>c</p>"), tmp_path / "staging" / "c.html")
    assert not (tmp_path / "staging" / "c.html").exists()
    assert not store.take("../../etc/passwd", tmp_path / "staging" / "d.html")


def test_a_tampered_file_is_not_given_and_is_removed(tmp_path: Path, published: Path) -> None:
    store = OutputStore.of(tmp_path / "site")
    store.keep(published, outputs_of(published, ["b/index.html"]))
    digest = sha(b"<p>b</p>")
    path = store.path(digest)
    path.unlink()  # not through the published file's inode
    path.write_bytes(b"<p>b, changed</p>")
    target = tmp_path / "staging" / "b.html"
    assert not store.take(digest, target)
    assert not target.exists() and not path.exists()


def test_a_symlink_in_the_store_is_never_followed(tmp_path: Path, published: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"<p>a</p>")  # even with the right bytes
    store = OutputStore.of(tmp_path / "site")
    digest = sha(b"<p>a</p>")
    store.path(digest).parent.mkdir(parents=True)
    store.path(digest).symlink_to(secret)
    assert not store.take(digest, tmp_path / "staging" / "a.html")
    store.keep(published, outputs_of(published, ["a/index.html"]))  # replaced by the published file
    assert not store.path(digest).is_symlink() and os.path.samefile(store.path(digest), published / "a/index.html")


def test_across_file_systems_the_store_copies(tmp_path: Path, published: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_link(*args: object, **kwargs: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_link)
    store = OutputStore.of(tmp_path / "site")
    store.keep(published, outputs_of(published, ["a/index.html"]))
    digest = sha(b"<p>a</p>")
    assert not os.path.samefile(store.path(digest), published / "a/index.html")
    target = tmp_path / "staging" / "a.html"
    assert store.take(digest, target) and target.read_bytes() == b"<p>a</p>"
    assert not list(store.root.rglob("*.tmp"))
