"""Hostile input and faults (issue 14): every attack gives one clear line and the documented exit code,
loses nothing that was there before and leaves no stray files. Real processes, real signals, real disks."""

from __future__ import annotations

import fcntl
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from exporters import registry
from exporters.batch import usable_cores
from exporters.model import Figure, GeneMention
from exporters.pathway import make_pathway
from exporters.records import RecordError, read_record
from exporters.resources import seeds_dir

from test_records import ALIAS_BOMB

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
TIMEOUT = 120  # seconds any one command may take here; a hang fails the test instead of the suite


def cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "exporters", *args], capture_output=True, text=True, env=ENV,
                          timeout=TIMEOUT, **kwargs)


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def copies_of_seeds(folder: Path, per_seed: int) -> Path:
    """per_seed copies of each bundled seed under new figids: a corpus of any size."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed in sorted(seeds_dir().iterdir()):
        text = seed.read_text(encoding="utf-8")
        figid = re.search(r"^figid: (.*)$", text, re.M).group(1)
        for i in range(per_seed):
            (folder / f"{seed.stem}_{i:04d}.md").write_text(text.replace(f"figid: {figid}", f"figid: {figid}_{i:04d}"),
                                                            encoding="utf-8")
    return folder


def temp_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.tmp"))


def corpus_files(out: Path) -> dict[str, bytes]:
    """Every corpus-level file under out (not temp files), by path."""
    return {str(p.relative_to(out)): p.read_bytes() for name in CORPUS_FORMATS for p in (out / name).glob("[!.]*")}


CORPUS_FORMATS = [n for n in registry.available() if registry.load(n).corpus_level]


# --- item 3: YAML aliases -------------------------------------------------------------------------



def test_a_yaml_alias_bomb_in_a_batch_is_one_line_and_the_rest_convert(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(seeds_dir(), folder)
    (folder / "bomb.md").write_bytes(ALIAS_BOMB)
    started = time.perf_counter()
    for command in (["validate", str(folder)], ["convert", str(folder), "-o", str(tmp_path / "out"), "-f", "json"]):
        proc = cli(*command, "-j", "2")
        assert proc.returncode == 1
        assert lines(proc.stderr) == [f"{folder / 'bomb.md'}: line 3: YAML anchors and aliases (&a, *a) are not accepted"]
        assert "5 records read" not in proc.stdout and "6 records read, 5 " in proc.stdout
    assert time.perf_counter() - started < 60
    assert len(list((tmp_path / "out" / "json").iterdir())) == 5


# --- item 5: --strict keeps the previous corpus files ---------------------------------------------

def test_a_strict_stop_leaves_the_previous_corpus_files_as_they_were(tmp_path):
    folder = copies_of_seeds(tmp_path / "in", 8)
    out = tmp_path / "out"
    formats = ",".join(["json", *CORPUS_FORMATS])
    assert cli("convert", str(folder), "-o", str(out), "-f", formats, "-j", "2").returncode == 0
    before = corpus_files(out)
    assert before and all(before.values())
    (folder / "001_00dc568588f0f9ad_0003.md").write_text("---\nfigid: x\ngenes: [\n---\n")  # mid-batch
    for jobs in ("1", "2"):
        proc = cli("convert", str(folder), "-o", str(out), "-f", formats, "-j", jobs, "--strict")
        assert proc.returncode == 1 and "(stopped at the first failure: --strict)" in proc.stdout
        assert corpus_files(out) == before  # not a partial file in their place
        assert temp_files(out) == []


# --- item 7: check never crashes ------------------------------------------------------------------

HOSTILE_CHECK_FILES = {
    "int_ent_text.gpml": b'<?xml version="1.0"?>\n<!DOCTYPE Pathway [<!ENTITY e "text">]>\n'
                         b'<Pathway xmlns="http://pathvisio.org/GPML/2013a" Name="&e;"><Comment>&e;</Comment></Pathway>\n',
    "deep.json": b"[" * 100_000 + b"]" * 100_000,
    "deep.cx": b"[" * 100_000 + b"]" * 100_000,
    "deep.cx2": b"[" * 100_000 + b"]" * 100_000,
    "not_json.json": b"hello",
    "latin1.json": '{"figure": "caf\xe9"}'.encode("latin-1"),
    "huge_int.json": b'{"a": ' + b"9" * 5000 + b"}",
    "huge_int.cx": b'[{"a": ' + b"9" * 5000 + b"}]",
    "odd_shape.cx": b'[{"nodes": [{"@id": [1], "n": {}}]}, {"edges": [{"@id": {}, "s": []}]}]',
    "odd_shape.cx2": b'[{"CXVersion": "2.0"}, {"metaData": [{"name": [1], "elementCount": "x"}]}, '
                     b'{"nodes": [{"id": [1], "v": []}]}, {"status": [{"success": true}]}]',
    "empty.gpml": b"",
    "not_xml.owl": b"hello <<<",
}


def test_check_gives_every_bad_file_one_line_and_goes_on(tmp_path):
    for name, content in HOSTILE_CHECK_FILES.items():
        (tmp_path / name).write_bytes(content)
    os.mkfifo(tmp_path / "fifo.gpml")
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    (tmp_path / "folder.cx").mkdir()
    assert cli("convert", "-o", str(tmp_path / "out"), "-f", "json", "-j", "1").returncode == 0
    good = next((tmp_path / "out" / "json").iterdir())
    bad = [*HOSTILE_CHECK_FILES, "fifo.gpml", "zero.json", "folder.cx"]
    proc = cli("check", *(str(tmp_path / n) for n in bad), str(good))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    errors = lines(proc.stderr)
    assert len(errors) == len(bad), proc.stderr
    for name, line in zip(bad, errors):
        assert line.startswith(f"{tmp_path / name}: "), line
    assert f"{tmp_path / 'fifo.gpml'}: not a regular file (a FIFO)" in errors
    assert f"{tmp_path / 'zero.json'}: not a regular file (a character device)" in errors
    assert f"{tmp_path / 'deep.json'}: invalid json: nested too deeply to check" in errors
    assert f"{tmp_path / 'latin1.json'}: invalid json: not UTF-8 (byte 15)" in errors
    assert f"{tmp_path / 'huge_int.json'}: invalid json: a number with more than 4,300 digits" in errors
    assert f"{tmp_path / 'int_ent_text.gpml'}: invalid gpml: a DOCTYPE or entity declaration (byte 22) is " \
           "refused: GPML needs none" in errors
    assert proc.stdout == f"{good}: valid json\n"  # the last file was still checked


# --- item 8: signals, kills and the temp files they leave -----------------------------------------

def start_big_run(tmp_path: Path, out: Path) -> subprocess.Popen:
    """A -j 2 run over 1,000 figures, returned once it is well under way (its first files renamed)."""
    folder = copies_of_seeds(tmp_path / "big", 200)
    proc = subprocess.Popen([sys.executable, "-m", "exporters", "convert", str(folder), "-o", str(out), "-f",
                             ",".join(["gpml", "json", *CORPUS_FORMATS]), "-j", "2", "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
                            start_new_session=True)
    deadline = time.monotonic() + TIMEOUT
    while sum(1 for _ in (out / "gpml").glob("*.gpml")) < 60 if (out / "gpml").is_dir() else True:
        assert proc.poll() is None and time.monotonic() < deadline, "the run ended before it could be signalled"
        time.sleep(0.02)
    return proc


def group_gone(pgid: int, seconds: float = 10) -> bool:
    """True once no process of the group is left (the workers ended with the parent)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def previous_run(tmp_path) -> tuple[Path, dict[str, bytes]]:
    """An output folder holding a finished small run's files, and its corpus-level files."""
    out = tmp_path / "out"
    assert cli("convert", "-o", str(out), "-f", ",".join(["gpml", "json", *CORPUS_FORMATS]), "-j", "1").returncode == 0
    return out, corpus_files(out)


@pytest.mark.parametrize("how, code, message", [
    ("SIGTERM to the parent", 128 + signal.SIGTERM, "pfocr-export: terminated"),
    ("two SIGTERMs in a row", 128 + signal.SIGTERM, "pfocr-export: terminated"),
    ("Ctrl-C (SIGINT to the process group)", 130, "pfocr-export: interrupted"),
])
def test_sigterm_and_ctrl_c_stop_cleanly(tmp_path, previous_run, how, code, message):
    out, before = previous_run
    proc = start_big_run(tmp_path, out)
    if how.startswith("Ctrl-C"):
        os.killpg(proc.pid, signal.SIGINT)
    else:
        os.kill(proc.pid, signal.SIGTERM)
        if how.startswith("two"):  # the second lands during the clean-up
            time.sleep(0.01)
            os.kill(proc.pid, signal.SIGTERM)
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == code
    assert lines(err) == [message]  # no worker tracebacks
    assert group_gone(proc.pid)
    assert temp_files(out) == []
    assert corpus_files(out) == before


def test_kill_9_leaves_no_workers_and_the_next_run_removes_its_temp_files(tmp_path, previous_run):
    out, before = previous_run
    proc = start_big_run(tmp_path, out)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=TIMEOUT)
    assert group_gone(proc.pid)  # orphaned workers do not go on (nor print BrokenPipe tracebacks)
    left = temp_files(out)
    assert left  # a killed run cannot clean up: at least its corpus-level temp files are there
    assert corpus_files(out) == before
    rerun = cli("convert", "-o", str(out), "-f", "json", "-j", "1")
    assert rerun.returncode == 0 and temp_files(out) == []
    assert f"removed {len(left)} temp files an interrupted run had left under {out}/" in rerun.stdout


def test_a_killed_worker_stops_the_run_with_one_line_instead_of_hanging(tmp_path, previous_run):
    out, before = previous_run
    proc = start_big_run(tmp_path, out)
    worker = int(Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()[0])
    os.kill(worker, signal.SIGKILL)  # what the out-of-memory killer does
    _, err = proc.communicate(timeout=TIMEOUT)  # its task would never complete: no hang
    assert proc.returncode == 1
    assert lines(err) == ["pfocr-export: error: a worker process died (killed, for instance by the out-of-memory "
                          "killer); the figures it was converting are lost; stopped, the corpus-level files of "
                          "the previous run are kept"]
    assert group_gone(proc.pid) and temp_files(out) == [] and corpus_files(out) == before


def test_temp_files_of_a_run_still_writing_are_not_removed(tmp_path):
    out = tmp_path / "out"
    (out / "json").mkdir(parents=True)
    live = out / "json" / ".PMC1__a.json.0123abcd-4242-0.tmp"
    live.write_bytes(b"half")
    (out / "notes").mkdir()
    not_ours = out / "notes" / ".draft.1-2.tmp"  # in no format's folder: never touched
    not_ours.write_bytes(b"mine")
    other_run = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(other_run, fcntl.LOCK_SH)  # what a run writing to out holds
        assert cli("convert", "-o", str(out), "-f", "json", "-j", "1").returncode == 0
        assert live.exists()
    finally:
        os.close(other_run)
    proc = cli("convert", "-o", str(out), "-f", "json", "-j", "1")
    assert not live.exists() and "removed 1 temp files" in proc.stdout
    assert not_ours.exists()


# --- item 9: the figid that names the file --------------------------------------------------------

@pytest.mark.parametrize("figid, reason", [
    ('"\\u3000"', "'' is empty"),
    ("' .x'", "'.x' is not safe as a file name (starts with '.')"),
    ("' x/../y'", "'x/../y' contains a path separator"),
    ("'a b'", "'a b' is not a figure id"),
])
def test_a_figid_that_is_unsafe_once_trimmed_writes_nothing(tmp_path, figid, reason):
    record = tmp_path / "in" / "r.md"
    record.parent.mkdir()
    record.write_text(f"---\nfigid: {figid}\ngenes: []\n---\n", encoding="utf-8")
    proc = cli("convert", str(record), "-o", str(tmp_path / "out"), "-f", "gpml,json", "-j", "1")
    assert proc.returncode == 1
    assert lines(proc.stderr)[0].startswith(f"{record}: figid: {reason}") and len(lines(proc.stderr)) == 1
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file()]


# --- item 10: unbounded reads ---------------------------------------------------------------------

def test_fifos_and_devices_are_refused_not_read(tmp_path):
    os.mkfifo(tmp_path / "fifo.md")
    (tmp_path / "zero.md").symlink_to("/dev/zero")
    v2023 = tmp_path / "v2023" / "PMC1__a.md"
    (v2023.parent / "_data").mkdir(parents=True)
    v2023.write_text("---\nfigid: PMC1__a\n---\n")
    os.mkfifo(v2023.parent / "_data" / "PMC1__a-genes.tsv")
    proc = cli("validate", str(tmp_path / "fifo.md"), str(tmp_path / "zero.md"), str(v2023), "-j", "1")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert lines(proc.stderr) == [f"{tmp_path / 'fifo.md'}: file: not a regular file (a FIFO)",
                                  f"{tmp_path / 'zero.md'}: file: not a regular file (a character device)",
                                  f"{v2023} (PMC1__a-genes.tsv): genes: not a regular file (a FIFO)"]
    (tmp_path / "bulk").mkdir()
    os.mkfifo(tmp_path / "bulk" / "genes.tsv")
    proc = cli("convert", "--bulk", str(tmp_path / "bulk"), "-o", str(tmp_path / "out"), "-f", "json")
    assert proc.returncode == 2
    assert lines(proc.stderr) == [f"pfocr-export: error: {tmp_path / 'bulk' / 'genes.tsv'}: table: "
                                  "not a regular file (a FIFO)"]


def test_a_bulk_table_with_an_endless_line_is_refused(tmp_path):
    with (tmp_path / "genes.tsv").open("wb") as handle:
        handle.write(b"figid\tpmcid\tword\tsymbol\tsource\thgnc_symbol\tentrez\n")
        handle.write(b"x" * (2 * 1024 * 1024))
    proc = cli("convert", "--bulk", str(tmp_path / "genes.tsv"), "-o", str(tmp_path / "out"), "-f", "json")
    assert proc.returncode == 2
    assert lines(proc.stderr) == [f"pfocr-export: error: {tmp_path / 'genes.tsv'}: line 2: "
                                  "longer than 1,048,576 bytes"]


# --- item 11: -j is capped ------------------------------------------------------------------------

def test_jobs_are_capped_by_cores_and_by_chunks(tmp_path):
    folder = copies_of_seeds(tmp_path / "in", 20)  # 100 figures: the parent's chunk and 6 more
    proc = subprocess.Popen([sys.executable, "-m", "exporters", "convert", str(folder), "-o", str(tmp_path / "out"),
                             "-f", "json", "-j", "100000", "-q"], stdout=subprocess.PIPE, env=ENV)
    most = 0
    while proc.poll() is None:
        try:
            most = max(most, len(Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()))
        except OSError:  # not Linux, or just ended
            pass
        time.sleep(0.002)
    assert proc.wait(TIMEOUT) == 0
    assert most <= min(usable_cores(), 6)
    assert len(list((tmp_path / "out" / "json").iterdir())) == 100


# --- item 12: gene grouping is linear -------------------------------------------------------------

def test_a_figure_with_100000_gene_mentions_groups_in_seconds():
    genes = tuple(GeneMention(word=f"W{i}", label=f"W{i}", symbol="FAM" if i % 2 else f"G{i}",
                              source="bioentities_symbol" if i % 2 else "hgnc_symbol", hgnc_symbol=f"G{i}",
                              entrez=str(10_000_000 + i)) for i in range(100_000))
    started = time.perf_counter()
    pathway = make_pathway(Figure(figid="PMC1__a", title="t", genes=genes))
    assert time.perf_counter() - started < 30  # quadratic grouping did not finish in minutes
    assert len(pathway.genes) == 100_000 and len(pathway.families[0].members) == 50_000


# --- item 13: full or unwritable disks, usage errors, validate == convert ------------------------

def assert_stopped_on_a_write_error(proc: subprocess.CompletedProcess, reason: str) -> None:
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    errors = lines(proc.stderr)
    assert len(errors) == 1 and errors[0].startswith("pfocr-export: error: cannot write to ") and reason in errors[0]
    assert "(stopped: the output could not be written)" in proc.stdout
    assert "internal error" not in proc.stderr and "failed their schema check" not in proc.stdout


def test_a_file_size_limit_stops_the_run_with_one_line_and_keeps_the_corpus_files(tmp_path, previous_run):
    out, before = previous_run
    folder = copies_of_seeds(tmp_path / "in", 40)
    limit = 1024 * 1024  # the corpus-level files outgrow it; the disk-full case without a small disk

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = cli("convert", str(folder), "-o", str(out), "-f", ",".join(["gpml", *CORPUS_FORMATS]), "-j", "2",
               preexec_fn=limited)
    assert_stopped_on_a_write_error(proc, "File too large")
    assert corpus_files(out) == before and temp_files(out) == []


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs (root only; skipped elsewhere)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("mounting a tmpfs needs root (the file-size-limit test covers the same path)")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_stops_the_run_with_one_line(tmp_path, small_disk):
    folder = copies_of_seeds(tmp_path / "in", 100)
    proc = cli("convert", str(folder), "-o", str(small_disk / "out"), "-f", ",".join(["gpml", "json", *CORPUS_FORMATS]),
               "-j", "2")
    assert_stopped_on_a_write_error(proc, "No space left on device")
    assert temp_files(small_disk) == []


def test_a_read_only_disk_is_a_usage_error(tmp_path, small_disk):
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    proc = cli("convert", "-o", str(small_disk / "out"), "-f", "ntriples")
    assert proc.returncode == 2
    assert lines(proc.stderr) == [f"pfocr-export: error: -o {small_disk / 'out'}: cannot write to {small_disk} "
                                  "(a read-only file system)"]


def test_a_file_as_output_folder_and_a_bad_base_uri_are_usage_errors(tmp_path):
    (tmp_path / "file").write_text("x")
    for args, message in (
        (["-o", str(tmp_path / "file"), "-f", "ntriples"], f"-o {tmp_path / 'file'}: {tmp_path / 'file'} is not a folder"),
        (["-o", str(tmp_path / "out"), "-f", "turtle", "--base-uri", "not a uri"],
         "turtle: base_uri must be an absolute http(s) IRI ending in '/' or '#': 'not a uri'"),
    ):
        proc = cli("convert", *args)
        assert proc.returncode == 2 and lines(proc.stderr) == [f"pfocr-export: error: {message}"]


HOSTILE_VALUES = ["", " ", "\u3000", "-1", -1, 0, 1999.0, 3716.0, 1e308, float("nan"), float("inf"), True, None, [],
                  {}, [[]], "\x00", "\x07", "\ufffe", "<>&\"'", "]]>", "\u202e", "٣٧١٦", "²", "NA", ".na.character",
                  "1\n", "a\tb", "😀", "\u2028", "e\u0301", "0000", "10000", "  x  ", "/", "..", ".", "a/b", "x" * 300,
                  10 ** 18, 10 ** 19, "9" * 19, "007", "999999999", " 2019", "2019\n", "mesh:", "CHEBI:abc", "|",
                  "NO", "~", "*", "&a", "!!str", "#", ":", "- a", "bioentities_symbol", "famplex", "hgnc_symbol"]


def mutants(count: int, seed: int = 14):
    """Seed records with one to three fields set to hostile values (what the attack's fuzzer did)."""
    rnd = random.Random(seed)
    bases = [yaml.safe_load(p.read_text(encoding="utf-8").split("---\n")[1]) for p in sorted(seeds_dir().iterdir())]
    for _ in range(count):
        raw = yaml.safe_load(yaml.safe_dump(rnd.choice(bases)))
        for _ in range(rnd.randint(1, 3)):
            value, where = rnd.choice(HOSTILE_VALUES), rnd.random()
            if where < 0.5 and isinstance(raw.get("genes"), list) and raw["genes"]:
                rnd.choice(raw["genes"])[rnd.choice(["word", "symbol", "source", "hgnc_symbol", "entrez"])] = value
            elif where < 0.65 and isinstance(raw.get("chemicals"), list) and raw["chemicals"]:
                rnd.choice(raw["chemicals"])[rnd.choice(["word", "source", "identifier"])] = value
            else:
                raw[rnd.choice([*raw, "keywords", "organisms_ner", "automl_pathway", "year", "figid"])] = value
        yield "---\n" + yaml.safe_dump(raw, allow_unicode=True) + "---\n"


def test_what_validate_accepts_every_format_writes(tmp_path):
    """No record passes the record checks and then fails a format's output check (or crashes)."""
    exporters = {name: registry.create(name) for name in registry.available()}
    accepted = 0
    for i, text in enumerate(mutants(400)):
        path = tmp_path / f"m{i}.md"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            figure = read_record(path)
        except RecordError as exc:
            assert "\n" not in str(exc) and len(str(exc)) < len(str(path)) + 300
            continue
        accepted += 1
        pathway = make_pathway(figure)
        for name, exporter in exporters.items():
            exporter.to_bytes(pathway)  # raises ExportError when the output would not be written
    assert accepted > 50
