"""Every command the READMEs and each command's --help show runs as written (issue 15).

The commands are taken from the ```bash blocks of README.md, examples/README.md and examples/rdf/README.md
and from the 'examples:' part of every subcommand's --help, and run in order, one shell each, in a temporary
copy of the repository's layout (examples/ copied, so commands that write there write the copy; tests/,
seeds/ and schemas/ linked). They must exit 0; a plain ``` block right after a bash block is the last
command's documented output and must be what it prints. The placeholders of the examples are provided:
``pfocr-corpus/`` is a small PFOCR bulk release made from the seeds, and ``../shared`` is the real corpus
when it is there. SKIPPED lists what is not run, and why.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from exporters.cli import build_parser
from exporters.records import find_records, read_record
from exporters.resources import seeds_dir

from conftest import ROOT, SHARED

DOCUMENTS = ("README.md", "examples/README.md", "examples/rdf/README.md")
NODE_TOOLS = ROOT / ".node-tools"

# A pattern of a command (re.search) -> why it is not run here
SKIPPED = {
    r"^python3 -m venv|^\. \.venv/bin/activate|^pip install -e": "installs the project: this test runs in the installed "
                                                                 "environment (.ci/run does the install from scratch)",
    r"python -m pytest": "the test suite itself",
    r"python -m exporters\.data\.build": "downloads 65 MB of wheels; tests/test_xrefs.py::"
                                         "test_build_script_reproduces_committed_tables runs it",
    r"upload-ndex|NDEX_": "needs an NDEx account and the network; tests/test_ndex_upload.py uploads to a stand-in server",
    r"--endpoint|^oxigraph |fuseki-server|PFOCR_SPARQL_": "needs a SPARQL server (and credentials); "
                                                           "tests/test_triplestore.py runs Oxigraph and Virtuoso servers",
    r"--bulk \.\./shared/pfocr-corpus": "converts the whole 2020 corpus (a minute or more); tests/test_bulk.py, "
                                        "test_gmt.py and test_libgpml.py convert it",
    r"^python examples/make_gallery\.py$": "draws every gallery picture (pvjs, Chromium); "
                                           "test_make_gallery_writes_the_committed_text_files runs it with --no-pictures",
}
NEEDS = {  # a pattern -> (what must exist, why the command is skipped without it)
    r"\.\./shared/pfocr-corpus": (SHARED / "pfocr-corpus" / "genes_2020_subsets.tsv",
                                  "needs the PFOCR 2020 corpus in ../shared (set PFOCR_SHARED)"),
    r"draw-with-pvjs": (NODE_TOOLS / "node_modules" / ".bin" / "pvjs",
                        "needs pvjs: run bash .ci/install-node-tools"),
}


@dataclass
class Command:
    where: str  # document and line, or the subcommand's --help
    text: str
    output: str | None = None  # the documented stdout, when the document shows it


def bash_blocks(path: Path) -> list[tuple[int, list[str], str | None]]:
    """(first line number, lines, the plain block right after it) of every ```bash block."""
    blocks, lines = [], path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("```bash"):
            end = lines.index("```", i + 1)
            after = end + 1
            while after < len(lines) and not lines[after].strip():
                after += 1
            output = None
            if after < len(lines) and lines[after] == "```":
                close = lines.index("```", after + 1)
                output = "\n".join(lines[after + 1:close]) + "\n"
            blocks.append((i + 2, lines[i + 1:end], output))
            i = end
        i += 1
    return blocks


def commands(lines: list[str], where: str, first_line: int) -> list[Command]:
    """The shell commands in lines: continuation lines and quotes spanning lines joined, comments dropped."""
    found, pending, start = [], "", 0
    for number, line in enumerate(lines, first_line):
        if not pending and (not line.strip() or line.lstrip().startswith(("#", "("))):
            continue
        start = start if pending else number
        pending = f"{pending}\n{line}" if pending else line.strip()
        if pending.endswith("\\"):
            continue
        try:
            shlex.split(pending, comments=True)
        except ValueError:  # a quote still open: the command goes on
            continue
        found.append(Command(f"{where}:{start}", pending))
        pending = ""
    assert not pending, f"{where}: unterminated command {pending!r}"
    return found


def document_commands(name: str) -> list[Command]:
    found = []
    for first, lines, output in bash_blocks(ROOT / name):
        block = commands(lines, name, first)
        if output is not None:
            block[-1].output = output
        found += block
    return found


def help_commands() -> list[Command]:
    """The examples of every subcommand's --help, in the parser's order."""
    found = []
    for name, parser in _subparsers().items():
        text = parser.format_help()
        assert "\nexamples:\n" in text, f"pfocr-export {name} --help has no examples"
        block = text.split("\nexamples:\n", 1)[1].split("\n\n", 1)[0]
        found += commands([line[2:] for line in block.splitlines()], f"{name} --help", 1)
    return found


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    return dict(next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices)


def skip_reason(command: str) -> str | None:
    for pattern, reason in SKIPPED.items():
        if re.search(pattern, command, re.M):
            return reason
    for pattern, (needed, reason) in NEEDS.items():
        if re.search(pattern, command) and not needed.exists():
            return reason
    return None


def runnable(command: Command) -> tuple[str | None, str]:
    """The part of a command this test runs ('&&' parts that install are left out) and why the rest is not."""
    parts = command.text.split(" && ")
    reasons = [skip_reason(part) for part in parts]
    kept = [part for part, reason in zip(parts, reasons) if reason is None]
    why = "; ".join(dict.fromkeys(r for r in reasons if r))
    return (" && ".join(kept) if kept else None), why


# --- the workspace ---------------------------------------------------------------------------

def make_bulk_release(folder: Path) -> None:
    """The seeds as a PFOCR bulk release: a gene table and a figure table with the columns PFOCR's have."""
    folder.mkdir()
    figures = [read_record(p) for p in find_records([seeds_dir()])]
    with open(folder / "genes_2020_subsets.tsv", "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, delimiter="\t", lineterminator="\n")
        out.writerow(["figid", "pmcid", "word", "symbol", "source", "hgnc_symbol", "entrez"])
        for f in figures:
            out.writerows([f.figid, f.pmcid, g.word, g.symbol, g.source, g.hgnc_symbol, g.entrez] for g in f.genes)
    with open(folder / "figures_2020_sample.tsv", "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, delimiter="\t", lineterminator="\n")
        out.writerow(["figid", "pmcid", "figtitle", "caption", "papertitle", "year", "organisms"])
        out.writerows([f.figid, f.pmcid, f.title, f.caption, f.papertitle, f.year or "", ",".join(f.organisms)]
                      for f in figures)


def make_workspace(base: Path) -> Path:
    """base/repo: the repository's layout for the commands; base/shared: the real ../shared, when present."""
    repo = base / "repo"
    repo.mkdir()
    shutil.copytree(ROOT / "examples", repo / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("tests", "seeds", "schemas", ".node-tools"):
        if (ROOT / name).exists():
            (repo / name).symlink_to(ROOT / name)
    if SHARED.exists():
        (base / "shared").symlink_to(SHARED)
    make_bulk_release(repo / "pfocr-corpus")
    return repo


def run(command: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(["bash", "-c", f"set -o pipefail\n{command}"], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory):
    """One workspace per document, shared by its commands in order."""
    made: dict[str, Path] = {}

    def get(source: str) -> Path:
        if source not in made:
            made[source] = make_workspace(tmp_path_factory.mktemp(re.sub(r"\W", "_", source)))
        return made[source]
    return get


CASES = [(doc, c) for doc in DOCUMENTS for c in document_commands(doc)] + [("--help", c) for c in help_commands()]


@pytest.mark.parametrize("source,command", CASES, ids=[c.where for _, c in CASES])
def test_documented_command_runs_as_written(source, command, workspaces):
    text, why = runnable(command)
    if text is None:
        pytest.skip(f"{command.where}: {why}")
    proc = run(text, workspaces(source))
    assert proc.returncode == 0, f"{command.where}: {text}\nexit {proc.returncode}\n{proc.stderr[-2000:]}"
    assert "Traceback" not in proc.stderr, proc.stderr
    if command.output is not None:
        assert proc.stdout == command.output, f"{command.where}: the output the document shows has changed"


def test_every_document_and_help_has_commands_and_each_skip_has_a_reason():
    for doc in DOCUMENTS:
        assert document_commands(doc), doc
    names = {c.where.split(" --help")[0] for c in help_commands()}
    assert {"convert", "validate", "formats", "check", "review", "load-rdf", "query", "unresolved",
            "upload-ndex"} <= names
    for _, command in CASES:
        text, why = runnable(command)
        assert text is not None or why, command.where


def test_query_help_example_counts_each_figure_once_whatever_is_loaded(workspaces, tmp_path):
    """Issue 15 item 3: the per-figure graphs and the corpus file both hold each organism; the union must not
    count a figure once per graph."""
    example = next(c for c in help_commands() if c.where.startswith("query") and "COUNT(DISTINCT" in c.text)
    repo = make_workspace(tmp_path)
    for step in ("pfocr-export convert -o out -f biopax,ntriples -q", "pfocr-export load-rdf out/biopax",
                 "pfocr-export load-rdf out/ntriples"):
        assert run(step, repo).returncode == 0, step
    proc = run(example.text, repo)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "name\tfigures\nHomo sapiens\t4\nMus musculus\t1\n"
    assert "Homo sapiens 4, Mus musculus 1" in _subparsers()["query"].format_help()


def test_make_gallery_writes_the_committed_text_files(tmp_path):
    """examples/README.md: one command regenerates the gallery; its text files are the committed ones."""
    repo = make_workspace(tmp_path)
    proc = run("python examples/make_gallery.py --no-pictures", repo)
    assert proc.returncode == 0, proc.stderr
    committed = sorted(p.relative_to(ROOT / "examples") for p in (ROOT / "examples").rglob("*")
                       if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".png")
    written = repo / "examples"
    stale = [str(p) for p in committed if not (written / p).is_file()
             or not filecmp.cmp(ROOT / "examples" / p, written / p, shallow=False)]
    assert not stale, f"examples/ is stale: run python examples/make_gallery.py ({', '.join(stale)})"
