"""A third-party format installed as its own distribution is picked up without changing our code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PLUGIN = Path(__file__).parent / "plugin_dist"


def test_third_party_exporter_is_found_through_entry_points(tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "--target", str(target), str(PLUGIN)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), str(Path(__file__).parents[1])])}
    listing = subprocess.run([sys.executable, "-m", "exporters", "formats"], capture_output=True, text=True,
                             env=env, check=True).stdout
    assert "genelist   .txt   current HGNC symbols" in listing
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "exporters", "convert", "-o", str(out), "-f", "genelist,json",
                           "-j", "1"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    lif = (out / "genelist" / "PMC4493903__nihms699976f1.txt").read_text().splitlines()
    assert lif[0] == "LIF\t3976" and len(lif) == 6


def test_core_never_imports_a_format_module_by_name():
    core = Path(__file__).parents[1] / "exporters"
    for module in core.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert "formats." not in text.replace("exporters.formats.", "") or module.name == "cli.py", module
        assert "from .formats" not in text and "import exporters.formats" not in text, module
