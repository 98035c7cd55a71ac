"""Atomic file output: a reader never sees a half-written file.

Data goes to a hidden temp file beside the target (``.<name>.<tag><pid>-<n>.tmp``),
which is then renamed onto the target. ``os.open`` with ``O_EXCL`` on that name
replaces ``tempfile.mkstemp`` + ``chmod`` + a ``mkdir`` per file: fewer system
calls per file, which counts at 100,000 figures per format.
"""

from __future__ import annotations

import itertools
import os
from contextlib import contextmanager
from collections.abc import Iterator
from pathlib import Path
from typing import IO

_serial = itertools.count()


def _open_temp(target: Path, tag: str = "") -> tuple[int, str]:
    """Create an exclusive temp file beside target (making its folder when missing)."""
    tmp = f"{target.parent}{os.sep}.{target.name}.{tag}{os.getpid()}-{next(_serial)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        return os.open(tmp, flags, 0o666), tmp
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        return os.open(tmp, flags, 0o666), tmp


def discard(tmp: str) -> None:
    """Remove a temp file that will not be renamed."""
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass


@contextmanager
def atomic_open(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """Open a temp file beside path for binary writing; rename it onto path on success."""
    fd, tmp = _open_temp(Path(path))
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
        os.replace(tmp, path)
    except BaseException:
        discard(tmp)
        raise


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write data to path atomically (temp file + rename)."""
    tmp = write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        discard(tmp)
        raise


def write_temp(path: str | os.PathLike[str], data: bytes, tag: str = "") -> str:
    """Write data to a new hidden temp file beside path and return its name: the first half of an
    atomic write, for a process other than the writer to finish with ``os.replace(tmp, path)``
    (or :func:`discard`). tag marks the temp files of one batch, for :func:`remove_temps`."""
    fd, tmp = _open_temp(Path(path), tag)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
    except BaseException:
        discard(tmp)
        raise
    return tmp


def remove_temps(folder: Path, tag: str) -> None:
    """Remove the temp files a stopped batch left in folder (those whose name carries tag)."""
    for tmp in folder.glob(f".*.{tag}*.tmp"):
        discard(str(tmp))
