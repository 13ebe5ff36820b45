from nichesite.files import decode_text, scan_files


def test_scan_lists_files_in_path_part_order_skipping_ignored_names_and_symlinked_folders(tmp_path) -> None:
    root = tmp_path / "content"
    for rel in ("a/b.md", "a-c.md", "a/z/deep.md", "B.md", "b.md", ".hidden.md", "a/.git/x.md", "a/notes.md~", "a/4913", "img.png"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.md").write_text("o", encoding="utf-8")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "file-link.md").symlink_to(outside / "o.md")
    found = scan_files(root)
    # '/'-separated parts order: 'a/b.md' before 'a-c.md' (a string sort would put it after)
    assert [rel for rel, _, _ in found] == ["B.md", "a/b.md", "a/z/deep.md", "a-c.md", "b.md", "file-link.md", "img.png"]
    assert ("file-link.md", str(root / "file-link.md"), True) in found
    assert all(full == str(root / rel) for rel, full, _ in found)
    assert scan_files(tmp_path / "missing") == []


def test_decode_text_drops_the_bom_normalises_line_ends_and_names_the_bad_line() -> None:
    assert decode_text(b"\xef\xbb\xbfa\r\nb\rc\n", "x.md") == ("a\nb\nc\n", [])
    text, problems = decode_text(b"ok\nstill ok\nbad \xff here\n", "x.md")
    assert text is None and str(problems[0]).startswith("x.md:3: error: file is not UTF-8 text")
