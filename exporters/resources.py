"""Where the shipped ``schemas/`` and ``seeds/`` folders are.

In a source checkout they sit beside the package; in an installed wheel
setuptools maps them into it (``exporters/schemas``, ``exporters/seeds``).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _folder(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name}/ folder is missing from this installation")


def schemas_dir() -> Path:
    """The folder holding the JSON Schemas, XSDs, OWL and SHACL files."""
    return _folder("schemas")


def seeds_dir() -> Path:
    """The bundled seed records, the default input of ``pfocr-export convert``."""
    return _folder("seeds")


def schema_path(filename: str) -> Path:
    """Path of one shipped schema file."""
    return schemas_dir() / filename
