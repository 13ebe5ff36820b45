"""The rebuild loop serve and build --watch share."""

from __future__ import annotations

import pytest

from nichesite.rebuild import rebuild_loop
from nichesite.watch import ChangeBatch


class Batches:
    """A watcher that hands out the given batches, then stops the loop as Ctrl-C does."""

    def __init__(self, *batches: ChangeBatch) -> None:
        self.batches = list(batches)

    def next_batch(self, timeout: float | None = None) -> ChangeBatch | None:
        if not self.batches:
            raise KeyboardInterrupt
        return self.batches.pop(0)


def test_an_exception_in_one_rebuild_is_said_and_the_next_save_builds_again(capsys, monkeypatch):
    monkeypatch.delenv("NICHESITE_DEBUG", raising=False)
    built: list[str] = []

    def rebuild(batch: ChangeBatch) -> None:
        built.append(batch.paths[0])
        if len(built) == 1:
            raise OSError(36, "File name too long")

    with pytest.raises(KeyboardInterrupt):
        rebuild_loop(Batches(ChangeBatch(("content/a.md",)), ChangeBatch(("content/b.md",))), rebuild)  # type: ignore[arg-type]
    assert built == ["content/a.md", "content/b.md"]
    err = capsys.readouterr().err
    assert "nichesite: internal error: OSError: [Errno 36] File name too long (set NICHESITE_DEBUG=1 for details); still watching" in err
    assert "Traceback" not in err
