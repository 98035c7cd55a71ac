"""pfocr-export review (a curator's list of suspect mentions) and convert's --tier / --drop-flagged."""

from __future__ import annotations

import csv
import io
import json

from exporters.cli import main

from conftest import V2023_DIR


def _table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def test_review_lists_flagged_mentions_likeliest_first_with_readable_reasons(tmp_path, capsys):
    out = tmp_path / "review.tsv"
    assert main(["review", str(V2023_DIR), "-o", str(out)]) == 0
    rows = _table(out.read_text(encoding="utf-8"))
    err = capsys.readouterr().err
    assert f"{len(rows):,} flagged mentions in" in err and "of 12 figures" in err
    likelihoods = [float(r["likelihood"]) for r in rows]
    assert likelihoods == sorted(likelihoods, reverse=True) and likelihoods[0] > 0.9
    # a chemistry abbreviation read as a gene is on the list, with a reason that names the chemical
    imp = [r for r in rows if r["word"] == "IMP"]
    assert imp and all("mesh_chemical" in r["flags"] and "Inosine Monophosphate" in r["reasons"] for r in imp)
    # genes of another organism than the figure's are there too
    assert any("other_organism" in r["flags"] for r in rows)
    assert all(r["figid"] and r["gene"] and r["entrez"].isdigit() and r["reasons"] for r in rows)


def test_review_prints_the_table_and_refuses_a_folder_as_output(tmp_path, capsys):
    assert main(["review"]) == 0  # the seeds
    captured = capsys.readouterr()
    rows = _table(captured.out)
    assert any(r["word"] == "CCD" and "coiled-coil domain" in r["reasons"] for r in rows)
    assert "short_synonym" in captured.err
    assert main(["review", "-o", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def _genes(folder, figid: str) -> list[str]:
    doc = json.loads((folder / "json" / f"{figid}.json").read_text(encoding="utf-8"))
    return [g["symbol"] for g in doc["genes"]]


def test_tier_and_drop_flagged_apply_to_every_format(tmp_path):
    figid = "PMC7513516__12943_2020_1258_Fig1_HTML"
    runs = {}
    for name, extra in {"all": [], "strict": ["--tier", "strict"], "dropped": ["--drop-flagged"]}.items():
        runs[name] = tmp_path / name
        assert main(["convert", "-o", str(runs[name]), "-f", "json,gpml,cx", "-q", *extra]) == 0
    every, strict, dropped = (_genes(runs[n], figid) for n in ("all", "strict", "dropped"))
    assert "RUNX2" in every and "MTTP" in every  # CCD and ABL as the record maps them
    assert "RUNX2" not in strict and "MTTP" not in strict and set(strict) < set(every)
    assert "RUNX2" not in dropped and set(dropped) < set(every)
    for name in ("strict", "dropped"):  # the drawn formats agree with the JSON
        gpml = (runs[name] / "gpml" / f"{figid}.gpml").read_text(encoding="utf-8")
        cx = (runs[name] / "cx" / f"{figid}.cx").read_text(encoding="utf-8")
        assert 'TextLabel="RUNX2"' not in gpml and '"RUNX2"' not in cx
        assert 'TextLabel="STAT3"' in gpml and '"STAT3"' in cx


def test_interactions_can_be_turned_off(tmp_path):
    figid = "PMC5308639__oncotarget-07-61107-g007"
    on, off = tmp_path / "on", tmp_path / "off"
    assert main(["convert", "-o", str(on), "-f", "json", "-q"]) == 0
    assert main(["convert", "-o", str(off), "-f", "json", "-q", "--no-interactions"]) == 0
    read = lambda folder: json.loads((folder / "json" / f"{figid}.json").read_text(encoding="utf-8"))  # noqa: E731
    assert len(read(on)["interactions"]) >= 5 and read(off)["interactions"] == []
    assert main(["convert", "-o", str(off), "-f", "gpml", "--drop-flagged=bogus"]) == 2
