import os
import socket

import pytest

from nichesite.files import FileTooLarge, NotRegularFile, Skipped, decode_text, read_regular, scan_files, write_atomic


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
    scan = scan_files(root)
    found = scan.files
    # '/'-separated parts order: 'a/b.md' before 'a-c.md' (a string sort would put it after)
    assert [rel for rel, _, _ in found] == ["B.md", "a/b.md", "a/z/deep.md", "a-c.md", "b.md", "file-link.md", "img.png"]
    assert ("file-link.md", str(root / "file-link.md"), True) in found
    assert all(full == str(root / rel) for rel, full, _ in found)
    assert scan.skipped == []
    assert scan_files(tmp_path / "missing").files == []


def test_scan_never_lists_what_is_no_regular_file_and_says_why(tmp_path) -> None:
    root = tmp_path / "content"
    root.mkdir()
    (root / "ok.md").write_text("x", encoding="utf-8")
    os.mkfifo(root / "pipe.md")
    (root / "loop-a.md").symlink_to("loop-b.md")
    (root / "loop-b.md").symlink_to("loop-a.md")
    (root / "self.md").symlink_to("self.md")
    (root / "gone.png").symlink_to("nowhere.png")
    (root / "pipe-link.md").symlink_to("pipe.md")
    for name in ("..md", ".md", ".hidden.md", ".#lock.md"):
        (root / name).write_text("x", encoding="utf-8")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(root / "sock.md"))
        scan = scan_files(root)
    assert [rel for rel, _, _ in scan.files] == ["ok.md"]
    assert scan.skipped == [
        Skipped("..md", "nameless", "the file name '..md' has nothing before the extension"),
        Skipped(".md", "nameless", "the file name '.md' has nothing before the extension"),
        Skipped("gone.png", "broken", "symlink to a file that does not exist"),
        Skipped("loop-a.md", "broken", "symlink loop (the link leads back to itself)"),
        Skipped("loop-b.md", "broken", "symlink loop (the link leads back to itself)"),
        Skipped("pipe-link.md", "special", "a symlink to a named pipe (FIFO)"),
        Skipped("pipe.md", "special", "a named pipe (FIFO)"),
        Skipped("self.md", "broken", "symlink loop (the link leads back to itself)"),
        Skipped("sock.md", "special", "a socket"),
    ]


def test_read_regular_refuses_a_named_pipe_without_waiting_and_stops_at_the_limit(tmp_path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(NotRegularFile, match=r"not a regular file \(a named pipe \(FIFO\)\)"):
        read_regular(tmp_path / "pipe")  # with no writer, a plain open() would block here forever
    with pytest.raises(NotRegularFile, match="a folder"):
        read_regular(tmp_path)
    (tmp_path / "big").write_bytes(b"x" * 2_000_001)
    with pytest.raises(FileTooLarge, match="2,000,001 bytes, over the limit of 1,000,000"):
        read_regular(tmp_path / "big", limit=1_000_000)
    assert read_regular(tmp_path / "big", limit=3_000_000) == b"x" * 2_000_001


def test_read_regular_reads_a_file_that_grew_since_its_size_was_taken_up_to_the_limit(tmp_path, monkeypatch) -> None:
    """A source being written while it is read: the bytes past the size `fstat` gave are read
    too, and the limit still holds for them."""
    (tmp_path / "a.md").write_bytes(b"0123456789" * 10)
    exact = tmp_path / "b.md"
    exact.write_bytes(b"y" * 50)
    real = os.fstat

    def earlier(fd: int) -> os.stat_result:  # the size as it was before the file grew
        st = real(fd)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 10, *st[7:10]))

    monkeypatch.setattr("nichesite.files.os.fstat", earlier)
    assert read_regular(tmp_path / "a.md", limit=200) == b"0123456789" * 10
    assert read_regular(tmp_path / "a.md", limit=100) == b"0123456789" * 10
    with pytest.raises(FileTooLarge, match="100 bytes, over the limit of 99"):
        read_regular(tmp_path / "a.md", limit=99)
    assert read_regular(exact, limit=50) == b"y" * 50
    assert read_regular(tmp_path / "a.md") == b"0123456789" * 10


def test_decode_text_drops_the_bom_normalises_line_ends_and_names_the_bad_line() -> None:
    assert decode_text(b"\xef\xbb\xbfa\r\nb\rc\n", "x.md") == ("a\nb\nc\n", [])
    text, problems = decode_text(b"ok\nstill ok\nbad \xff here\n", "x.md")
    assert text is None and str(problems[0]).startswith("x.md:3: error: file is not UTF-8 text")


def test_write_atomic_writes_a_file_whose_name_is_as_long_as_a_name_may_be(tmp_path) -> None:
    target = tmp_path / ("n" * 250 + ".html")  # 255 bytes: its temporary name must not be longer
    write_atomic(target, b"data")
    assert target.read_bytes() == b"data"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_write_atomic_in_pieces_writes_them_all_or_leaves_the_old_file(tmp_path) -> None:
    target = tmp_path / "state.json"
    write_atomic(target, iter([b"{", b'"a":1', b"}"]))
    assert target.read_bytes() == b'{"a":1}'

    def failing():
        yield b"{"
        raise RuntimeError("given up")

    with pytest.raises(RuntimeError):
        write_atomic(target, failing())
    assert target.read_bytes() == b'{"a":1}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]  # no temporary file left
