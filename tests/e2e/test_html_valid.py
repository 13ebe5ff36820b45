"""Every page of the example site and of the documentation site passes the Nu Html Checker.

vnu comes from tools/quality (`npm ci --prefix tools/quality`, the vnu-jar package) and runs on
the machine's Java. Locally a missing tool skips the test; in CI (CI=true) it fails instead.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest
from conftest import REPO, run_nichesite

GATE = REPO / "tools" / "quality" / "gate.py"


def load_gate():
    spec = importlib.util.spec_from_file_location("nichesite_quality_gate", GATE)
    assert spec and spec.loader, f"cannot load {GATE}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gate():
    module = load_gate()
    missing = module.missing_tools(("vnu",))
    if missing:
        message = "vnu cannot run: " + ", ".join(missing)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return module


@pytest.mark.slow
@pytest.mark.parametrize("site", ["site_example", "."], ids=["site_example", "documentation"])
def test_every_page_passes_the_nu_html_checker(gate, site: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_nichesite("build", REPO / site, "-o", out)
    assert result.returncode == 0, result.stderr
    checked, errors = gate.run_vnu(out)
    assert checked >= 10, f"only {checked} HTML files were built"
    assert errors == [], "\n".join(gate.format_vnu_error(e) for e in errors[:40])
