"""Shared fixtures: the bundled seeds and, when present, the real PFOCR corpus in ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from exporters.pathway import make_pathway
from exporters.records import find_records, read_record
from exporters.resources import seeds_dir

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PFOCR_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "pfocr-corpus"


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return find_records([seeds_dir()])


@pytest.fixture(scope="session")
def seed_figures(seed_paths):
    return [read_record(p) for p in seed_paths]


@pytest.fixture(scope="session")
def seed_pathways(seed_figures):
    return [make_pathway(f) for f in seed_figures]


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not (CORPUS / "genes_2020_subsets.tsv").is_file():
        pytest.skip(f"the real PFOCR corpus is not at {CORPUS} (set PFOCR_SHARED)")
    return CORPUS


V2023_DIR = ROOT / "tests" / "data" / "v2023"  # twelve real v2023 records (see its README.md)


@pytest.fixture(scope="session")
def v2023_pathways():
    return [make_pathway(read_record(p)) for p in find_records([V2023_DIR])]
