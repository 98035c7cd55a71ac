"""The pfocr-export command line: convert, validate, formats, check; errors and exit codes."""

from __future__ import annotations

import json
import os
import re
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


# --- issue 15: choosing figures, options, existing output folders, progress, summaries ---------------

SEED_A, SEED_B = "PMC4493903__nihms699976f1", "PMC5308639__oncotarget-07-61107-g007"


def test_figid_converts_only_the_figures_asked_for_and_reports_unknown_ones(tmp_path):
    code, out, err = run_cli("convert", "-o", str(tmp_path), "-f", "json", "-j", "1", "--figid", SEED_A,
                             "--figid", "no_such_figure")
    assert code == 1
    assert [p.stem for p in (tmp_path / "json").iterdir()] == [SEED_A]
    assert "1 records read, 1 converted, 0 failed" in out and "(4 more read and left out: not a --figid)" in out
    assert err.splitlines() == ["pfocr-export: figid 'no_such_figure': in no input"]


def test_figids_file_selects_from_a_folder_and_from_bulk_tables(tmp_path):
    from test_readme import make_bulk_release

    listed = tmp_path / "figids.txt"
    listed.write_text(f"# two seeds\n{SEED_A}\n\n{SEED_B}  # the IL-6 one\n", encoding="utf-8")
    assert run_cli("validate", "--figids", str(listed), "-j", "1")[1].startswith("2 records read, 2 valid")
    make_bulk_release(tmp_path / "bulk")
    code, out, err = run_cli("convert", "--bulk", str(tmp_path / "bulk"), "--figids", str(listed), "-o",
                             str(tmp_path / "out"), "-f", "json", "-j", "1")
    assert (code, err) == (0, "") and "2 records read, 2 converted" in out and "left out" not in out
    assert sorted(p.stem for p in (tmp_path / "out" / "json").iterdir()) == [SEED_A, SEED_B]
    code, out, err = run_cli("review", "--bulk", str(tmp_path / "bulk"), "--figid", "nope", "-o",
                             str(tmp_path / "review.tsv"))
    assert code == 1 and "figid 'nope': in no input" in err
    code, _, err = run_cli("validate", "--figids", str(tmp_path / "missing.txt"))
    assert code == 2 and err.startswith("pfocr-export: error: --figids ") and err.count("\n") == 1


def test_bulk_progress_knows_the_total(tmp_path):
    import io

    from test_readme import make_bulk_release

    from exporters.cli import Progress, _items, build_parser

    make_bulk_release(tmp_path / "bulk")
    args = build_parser().parse_args(["validate", "--bulk", str(tmp_path / "bulk")])
    items, total = _items(args, None)
    assert total == 5 and len(list(items)) == 5
    stderr, sys.stderr = sys.stderr, io.StringIO()
    try:
        with Progress(200, enabled=True) as progress:
            progress.started -= 10.0  # 50 figures in 10 s: 150 more take 30 s
            progress.update(50)
            progress.last = 0.0
            progress.update(50)
        drawn = sys.stderr.getvalue()
    finally:
        sys.stderr = stderr
    assert "50/200 figures" in drawn and "25%" in drawn and "0:10" in drawn and "0:30 left" in drawn


def test_unknown_option_is_a_usage_error_naming_the_formats_options(tmp_path):
    code, _, err = run_cli("convert", "-o", str(tmp_path), "-f", "gmt,json", "-O", "min_sise=3")
    assert code == 2 and err.count("\n") == 1
    assert "-O min_sise: no chosen format takes it (options of gmt: -O min_size=…, -O release=…; json: none)" in err
    assert not (tmp_path / "gmt").exists()
    code, _, err = run_cli("convert", "-o", str(tmp_path), "-f", "gpml", "-O", "preview=1")
    assert code == 2 and "-O preview: set it with --preview" in err
    assert run_cli("convert", "-o", str(tmp_path), "-f", "gmt", "-O", "min_size=30", "-j", "1")[0] == 0
    sets = (tmp_path / "gmt" / "pfocr-gmt-Homo_sapiens.gmt").read_text().splitlines()
    assert 0 < len(sets) < 5 and all(len(line.split("\t")) - 2 >= 30 for line in sets)


def test_formats_and_convert_help_list_each_formats_options(capsys):
    assert main(["formats"]) == 0
    listing = capsys.readouterr().out
    gmt = listing.split("\ngmt ", 1)[1].split("\ngpml ", 1)[0]
    assert "-O min_size=…: smallest set written" in gmt and "-O release=…" in gmt
    assert "--preview: also <figid>.svg" in listing.split("\ngpml ", 1)[1].split("\ngpml2021", 1)[0]
    with pytest.raises(SystemExit):
        main(["convert", "--help"])
    help_text = capsys.readouterr().out
    assert "--base-uri       biopax, ntriples, turtle: base of the IRIs minted" in help_text
    assert "-O min_size=…    gmt: smallest set written" in help_text and "{format options}" not in help_text


def test_an_existing_output_folder_reports_stale_files_and_clean_removes_only_ours(tmp_path):
    out = tmp_path / "out"
    assert run_cli("convert", "-o", str(out), "-f", "json,gpml", "--preview", "-j", "1")[0] == 0
    (out / "gpml" / "notes.txt").write_text("mine")
    (out / "elsewhere.json").write_text("{}")
    code, stdout, _ = run_cli("convert", "-o", str(out), "-f", "json,gpml", "--figid", SEED_A, "-j", "1")
    assert code == 0
    # the other 4 figures' json and gpml, and all 5 figures' .svg and .png previews
    assert "files from earlier runs, not written by this one, left under" in stdout and ": json 4, gpml 14 " in stdout
    code, stdout, _ = run_cli("convert", "-o", str(out), "-f", "json,gpml", "--figid", SEED_A, "--clean", "-j", "1")
    assert code == 0 and "--clean removed 20 files of earlier runs first" in stdout and "left under" not in stdout
    assert sorted(p.name for p in (out / "gpml").iterdir()) == [f"{SEED_A}.gpml", "notes.txt"]
    assert [p.name for p in (out / "json").iterdir()] == [f"{SEED_A}.json"] and (out / "elsewhere.json").exists()


def test_preview_says_when_it_draws_nothing_or_no_png(tmp_path):
    code, _, err = run_cli("convert", "-o", str(tmp_path), "-f", "json", "--preview", "-j", "1")
    assert code == 0
    assert err == "pfocr-export: warning: --preview is for gpml, gpml2021, and none of them is chosen (-f json): ignored\n"
    no_cairo = tmp_path / "no_cairo"
    no_cairo.mkdir()
    (no_cairo / "cairosvg.py").write_text("raise ImportError('no cairosvg here')\n")
    proc = subprocess.run([sys.executable, "-m", "exporters", "convert", "-o", str(tmp_path / "out"), "-f",
                           "gpml,gpml2021", "--preview", "-j", "1"], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join([str(no_cairo), str(Path(__file__).parents[1])])})
    assert proc.returncode == 0
    assert proc.stderr.count("\n") == 1 and "--preview: SVG pictures only, no PNG: cairosvg cannot be imported" in proc.stderr
    assert len(list((tmp_path / "out" / "gpml").glob("*.svg"))) == 5 and not list((tmp_path / "out").rglob("*.png"))


def test_summary_says_per_figure_and_distinct_and_what_the_input_lacks(tmp_path):
    from test_readme import make_bulk_release

    code, out, _ = run_cli("validate", "-j", "1")
    assert "genes, each counted once per figure it is on (110 distinct): 148 resolved" in out
    make_bulk_release(tmp_path / "bulk")
    figures = tmp_path / "bulk" / "figures_2020_sample.tsv"
    rows = figures.read_text(encoding="utf-8").splitlines()
    figures.write_text("\n".join(r for r in rows if not r.startswith(SEED_A)) + "\n", encoding="utf-8")
    code, out, _ = run_cli("validate", "--bulk", str(tmp_path / "bulk"), "-j", "1")
    assert code == 0
    assert ("gaps in the input, not errors: 1 of 5 figures have no title (titled 'Untitled PFOCR figure <figid>'), "
            "1 name no organism (1 given their genes' organism)") in out


@pytest.mark.parametrize("command", ["convert", "validate", "review", "unresolved"])
def test_an_empty_folder_is_a_usage_error_for_every_command(tmp_path, command):
    (tmp_path / "empty").mkdir()
    extra = ["-o", str(tmp_path / "out")] if command == "convert" else []
    code, out, err = run_cli(command, str(tmp_path / "empty"), *extra)
    assert (code, out) == (2, "")
    assert err == f"pfocr-export: error: no record files (.md .txt .yaml .yml) in {tmp_path / 'empty'}\n"


def test_check_prints_every_problem_and_the_gpml_dialect(tmp_path, capsys):
    assert main(["convert", "-o", str(tmp_path), "-f", "gpml,gpml2021", "-q", "-j", "1", "--figid", SEED_A]) == 0
    old, new = tmp_path / "gpml" / f"{SEED_A}.gpml", tmp_path / "gpml2021" / f"{SEED_A}.gpml"
    capsys.readouterr()
    assert main(["check", str(old), str(new)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{old}: valid gpml (GPML 2013a)", f"{new}: valid gpml (GPML 2021)"]
    text = old.read_text(encoding="utf-8")
    refs = text.count('GraphRef="')
    bad = tmp_path / "bad.gpml"
    bad.write_text(re.sub(r'GraphRef="[^"]*"', 'GraphRef="nowhere"', text), encoding="utf-8")
    assert refs > 2 and main(["check", str(bad)]) == 1
    lines = capsys.readouterr().err.splitlines()
    dangling = [line for line in lines if "GraphRef 'nowhere' names no GraphId" in line]
    assert len(dangling) == refs and all(line.startswith(f"{bad}: invalid gpml (GPML 2013a): line ") for line in lines)
    assert not any("more)" in line for line in lines)
