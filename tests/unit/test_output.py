from pathlib import Path

import pytest

from nichesite.output import MARKER, StagedOutput, UnsafeOutput, check_output_dir


@pytest.fixture
def site_dir(tmp_path):
    site = tmp_path / "repo" / "docs"
    (site / "content").mkdir(parents=True)
    return site


@pytest.mark.parametrize("target", [".", "..", "../..", "content", "content/sub", "static"])
def test_refuses_site_its_parents_and_source_folders(site_dir, target):
    with pytest.raises(UnsafeOutput):
        check_output_dir(site_dir, site_dir / target)


def test_refuses_home_and_root(site_dir):
    for target in (Path.home(), Path("/")):
        with pytest.raises(UnsafeOutput):
            check_output_dir(site_dir, target)


def test_sibling_with_a_shared_prefix_is_not_mistaken_for_a_parent(site_dir):
    check_output_dir(site_dir, site_dir.parent / "docs.out")  # /repo/docs vs /repo/docs.out


def test_refuses_a_non_empty_folder_without_the_marker_but_accepts_ours(site_dir, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.txt").write_text("mine")
    with pytest.raises(UnsafeOutput, match="did not create"):
        check_output_dir(site_dir, other)
    (other / MARKER).write_text("")
    check_output_dir(site_dir, other)
    check_output_dir(site_dir, tmp_path / "empty-or-new")


def test_refuses_a_symlink_to_the_site(site_dir, tmp_path):
    link = tmp_path / "link"
    link.symlink_to(site_dir)
    with pytest.raises(UnsafeOutput):
        check_output_dir(site_dir, link)


def test_staging_publish_swaps_and_never_writes_outside(tmp_path):
    out = tmp_path / "public"
    staged = StagedOutput.create(out)
    staged.write("a/index.html", b"new")
    with pytest.raises(UnsafeOutput):
        staged.write("../escape.html", b"x")
    assert not out.exists()
    staged.publish()
    assert (out / "a/index.html").read_bytes() == b"new" and (out / MARKER).is_file()
    assert not (tmp_path / "escape.html").exists()
    second = StagedOutput.create(out)
    second.write("b.html", b"b")
    second.discard()
    assert (out / "a/index.html").is_file() and not (out / "b.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]
