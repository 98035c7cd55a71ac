"""The pfocr-export command line: convert, validate, formats, check; errors and exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from exporters.cli import main
from exporters.resources import seeds_dir

BROKEN = {
    "not_utf8.md": b"---\nfigid: bad\xff\n---\n",
    "no_front_matter.md": b"figid: x\ngenes: []\n",
    "yaml_error.md": b"---\nfigid: y\ngenes: [\n---\n",
    "wrong_type.md": b"---\nfigid: t\ngenes:\n- word: A\n  entrez: '12a'\n---\n",
    "missing_figid.md": b"---\npmcid: PMC1\ngenes: []\n---\n",
    "unsafe_figid.md": b"---\nfigid: ../../x\ngenes: []\n---\n",
    "control_char.md": b"---\nfigid: \"a\\tb\"\ngenes: []\n---\n",
}


def run_cli(*args: str) -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "-m", "exporters", *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    return proc.returncode, proc.stdout, proc.stderr


def test_convert_seeds_by_default_writes_one_valid_json_per_seed(tmp_path):
    code, out, err = run_cli("convert", "-o", str(tmp_path), "-f", "json", "-j", "1")
    assert code == 0, err
    files = sorted((tmp_path / "json").glob("*.json"))
    assert [f.stem for f in files] == sorted(p.stem.split("_", 1)[0] and json.loads(f.read_text())["figure"]["figid"]
                                             for p, f in zip(sorted(seeds_dir().iterdir()), files))
    assert len(files) == 5
    assert "5 records read, 5 converted, 0 failed" in out and "json 5" in out


def test_a_batch_with_broken_records_converts_the_rest_and_exits_1(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(seeds_dir(), folder)
    for name, content in BROKEN.items():
        (folder / name).write_bytes(content)
    (folder / "duplicate.md").write_bytes((seeds_dir() / "000_2a4a1d3c44822046.txt").read_bytes())
    with open(folder / "huge.md", "wb") as fh:
        fh.write(b"---\nfigid: huge\n---\n")
        fh.truncate(10 * 1024 * 1024 + 1)
    code, out, err = run_cli("convert", str(folder), "-o", str(tmp_path / "out"), "-f", "json", "-j", "2")
    assert code == 1
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err
    assert len(lines) == len(BROKEN) + 2, err  # one line per broken record
    for name in [*BROKEN, "duplicate.md", "huge.md"]:
        assert sum(line.startswith(str(folder / name) + ": ") for line in lines) == 1, (name, err)
    assert any("duplicate.md: figid: 'PMC4493903__nihms699976f1' is also the figid of" in line for line in lines)
    assert f"{folder / 'wrong_type.md'}: genes[0].entrez: '12a' is not a string of digits" in lines
    assert len(list((tmp_path / "out" / "json").glob("*.json"))) == 5
    assert "5 converted, 9 failed" in out


def test_strict_stops_at_the_first_failure(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "0_bad.md").write_bytes(BROKEN["yaml_error.md"])
    shutil.copy(seeds_dir() / "000_2a4a1d3c44822046.txt", folder / "1_good.txt")
    code, out, err = run_cli("convert", str(folder), "-o", str(tmp_path / "out"), "-f", "json", "--strict", "-j", "1")
    assert code == 1 and "--strict" in out
    assert not (tmp_path / "out" / "json").exists()


def test_strict_stop_with_workers_keeps_what_came_before_and_leaves_no_temp_files(tmp_path):
    """Workers write temp files ahead of the parent; a stop must neither publish nor leave them."""
    folder = tmp_path / "in"
    folder.mkdir()
    seed = (seeds_dir() / "000_2a4a1d3c44822046.txt").read_text(encoding="utf-8")
    figid = next(line.split(": ", 1)[1] for line in seed.splitlines() if line.startswith("figid: "))
    for i in range(80):
        (folder / f"{i:03d}.md").write_text(seed.replace(f"figid: {figid}", f"figid: fig{i:03d}"), encoding="utf-8")
    (folder / "040.md").write_bytes(BROKEN["wrong_type.md"])
    code, _, err = run_cli("convert", str(folder), "-o", str(tmp_path / "out"), "-f", "json,gpml", "--strict",
                           "-j", "2")
    assert code == 1 and "040.md: genes[0].entrez" in err
    for fmt, suffix in (("json", ".json"), ("gpml", ".gpml")):
        written = sorted(p.name for p in (tmp_path / "out" / fmt).iterdir())
        assert written == [f"fig{i:03d}{suffix}" for i in range(40)], fmt  # hidden temp files would show here


def test_rerun_gives_byte_identical_files(tmp_path):
    assert main(["convert", "-o", str(tmp_path / "a"), "-f", "json", "-q", "-j", "2"]) == 0
    assert main(["convert", "-o", str(tmp_path / "b"), "-f", "json", "-q", "-j", "1"]) == 0
    first = {p.name: p.read_bytes() for p in (tmp_path / "a" / "json").iterdir()}
    second = {p.name: p.read_bytes() for p in (tmp_path / "b" / "json").iterdir()}
    assert first == second and len(first) == 5
    assert not list((tmp_path / "a").rglob("*.tmp"))  # atomic writes leave no temp files


def test_formats_converted_together_equal_formats_converted_alone(tmp_path):
    """Formats share per-figure work (layout, BioPAX blocks); sharing must not change a byte."""
    formats = ["gpml", "gpml2021", "biopax", "turtle", "cx", "cx2"]
    assert main(["convert", "-o", str(tmp_path / "together"), "-f", ",".join(formats), "-j", "1", "-q"]) == 0
    for name in formats:
        assert main(["convert", "-o", str(tmp_path / name), "-f", name, "-j", "1", "-q"]) == 0
        together = sorted((tmp_path / "together" / name).iterdir())
        alone = sorted((tmp_path / name / name).iterdir())
        assert [p.name for p in together] == [p.name for p in alone]
        assert [p.read_bytes() for p in together] == [p.read_bytes() for p in alone], name


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["convert", "-o", str(tmp_path), "-f", "nosuchformat"]) == 2
    assert "unknown format(s) nosuchformat; installed:" in capsys.readouterr().err
    assert main(["convert", str(tmp_path / "missing"), "-o", str(tmp_path)]) == 2
    with pytest.raises(SystemExit) as info:
        main(["convert"])  # -o is required
    assert info.value.code == 2


def test_validate_reports_records_and_gene_totals(tmp_path, capsys):
    assert main(["validate", "-q"]) == 0
    out = capsys.readouterr().out
    assert "5 records read, 5 valid, 0 failed" in out
    assert "148 resolved, 0 renamed, 0 unknown to their organism's nomenclature" in out
    assert "genes by organism: Homo sapiens 148" in out
    assert not any(tmp_path.iterdir())


def test_validate_of_v2023_records_counts_genes_per_organism_and_flags(capsys):
    assert main(["validate", "-q", str(Path(__file__).parent / "data" / "v2023")]) == 0
    out = capsys.readouterr().out
    assert "12 records read, 12 valid" in out
    assert "genes by organism: Homo sapiens 238, Drosophila melanogaster 24," in out and "Mus musculus 5" in out
    assert "192 flagged for curators, 0 left out" in out


def test_only_figure_organism_leaves_out_genes_of_other_organisms(tmp_path, capsys):
    record = Path(__file__).parent / "data" / "v2023" / "_figures" / "PMC10030845__fimmu-14-1150879-g002.md"
    assert main(["convert", "-q", "-j", "1", "-f", "json", "-o", str(tmp_path), "--only-figure-organism",
                 str(record)]) == 0
    assert "0 flagged for curators, 3 left out (--only-figure-organism)" in capsys.readouterr().out
    doc = json.loads((tmp_path / "json" / "PMC10030845__fimmu-14-1150879-g002.json").read_text())
    assert {g["taxon"] for g in doc["genes"]} == {"9606"} and doc["report"]["dropped"] == 3


def test_formats_lists_builtin_formats(capsys):
    assert main(["formats"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("biopax") or "json" in out
    assert "json       .json  normalised record" in out


def test_help_teaches_with_examples(capsys):
    with pytest.raises(SystemExit):
        main(["convert", "--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "pfocr-export convert -o out" in out and "--bulk" in out


def test_check_validates_existing_files(tmp_path, capsys):
    assert main(["convert", "-o", str(tmp_path), "-f", "json", "-q", "-j", "1"]) == 0
    good = next((tmp_path / "json").iterdir())
    bad = tmp_path / "bad.json"
    doc = json.loads(good.read_text())
    doc["genes"][0]["entrez"] = "X1"
    bad.write_text(json.dumps(doc))
    capsys.readouterr()
    assert main(["check", str(good)]) == 0
    assert main(["check", str(bad)]) == 1
    assert f"{bad}: invalid json: genes[0].entrez: 'X1' does not match" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "x.unknown")]) == 2
