"""The exporter interface and the registry that finds exporters by entry point.

A format is a subclass of :class:`Exporter` registered under the
``pfocr_exporters`` entry-point group, built-in and third-party alike::

    [project.entry-points.pfocr_exporters]
    gpml = "exporters.formats.gpml:Gpml2013aExporter"

The core never imports a format module by name.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from functools import lru_cache
from importlib.metadata import EntryPoint, entry_points
from typing import IO, Any, ClassVar

from .pathway import Pathway

ENTRY_POINT_GROUP = "pfocr_exporters"


class ExportError(Exception):
    """An output failed its schema or rule check; the file is not written.

    ``problems`` lists every problem found, when the format gives them (the message names the first).
    """

    def __init__(self, message: str, problems: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


class Exporter:
    """Base class of every output format.

    Subclasses set ``name``, ``suffix`` and ``description`` and implement
    :meth:`serialize`; ``option_help`` names the options it reads from ``self.options`` (the command
    line refuses others). Formats that want one file for all figures (N-Triples) set
    ``corpus_level = True``; each figure's chunk is then appended to ``<corpus_name><suffix>``
    between :meth:`corpus_start` and :meth:`corpus_end` (or, split by :meth:`corpus_parts`, to
    several such files: GMT's one per species).
    """

    name: ClassVar[str]
    suffix: ClassVar[str]  # file suffix with its dot, e.g. ".gpml"
    description: ClassVar[str]  # one line, shown by `pfocr-export formats`
    corpus_level: ClassVar[bool] = False
    corpus_name: ClassVar[str] = "pfocr"
    option_help: ClassVar[dict[str, str]] = {}  # the options it reads: name -> one line of help
    companion_suffixes: ClassVar[tuple[str, ...]] = ()  # suffixes of the files companions() may write

    def __init__(self, **options: Any) -> None:
        self.options = options

    def serialize(self, pathway: Pathway, stream: IO[bytes]) -> None:
        """Write one figure to a binary stream."""
        raise NotImplementedError

    def validate(self, data: bytes, label: str) -> None:
        """Check one written figure against this format's schema; raise ExportError naming label."""

    def checked_as(self, data: bytes) -> str | None:
        """Which variant of the format a check of data holds it to (GPML: its dialect), shown by
        ``pfocr-export check``; None by default."""
        return None

    def notices(self) -> list[str]:
        """What a user should know before a run with these options (a companion that cannot be made); none by default."""
        return []

    def companions(self, pathway: Pathway, data: bytes) -> Iterable[tuple[str, bytes]]:
        """Extra files written next to the figure's file, as (suffix, bytes); none by default."""
        return ()

    @property
    def corpus_file(self) -> str:
        """The corpus-level file a chunk goes to by default."""
        return f"{self.corpus_name}{self.suffix}"

    def corpus_parts(self, chunk: bytes) -> Iterable[tuple[str, bytes]]:
        """Split one figure's chunk among corpus-level files, as (file name, part); all of it goes to
        :attr:`corpus_file` by default. A file is created, and :meth:`corpus_start` called, when its
        first part arrives; when no part arrives at all, :attr:`corpus_file` is written anyway."""
        return ((self.corpus_file, chunk),)

    def corpus_start(self, stream: IO[bytes]) -> None:
        """Write what precedes the first figure in a corpus-level file."""

    def corpus_add(self, chunk: bytes, stream: IO[bytes]) -> None:
        """Append one figure's serialized chunk to a corpus-level file."""
        stream.write(chunk)

    def corpus_end(self, stream: IO[bytes]) -> None:
        """Write what follows the last figure in a corpus-level file."""

    def corpus_trim(self, chunk: bytes) -> bytes:
        """In the worker that made chunk: drop parts this worker already handed over (entities
        shared between figures), so less data crosses between processes. Keeps everything by
        default. Parts dropped here must be ones :meth:`corpus_shared` returns."""
        return chunk

    def corpus_shared(self, chunk: bytes) -> bytes:
        """The parts of a chunk other figures may rely on; handed to :meth:`corpus_add` even when the
        figure itself is skipped (a repeated figid), because :meth:`corpus_trim` may have dropped them
        from later chunks (the BioPAX formats write only those a later figure refers to). Nothing by
        default."""
        return b""

    def to_bytes(self, pathway: Pathway) -> bytes:
        """Serialize and validate one figure; raises ExportError when the output is invalid."""
        buffer = io.BytesIO()
        self.serialize(pathway, buffer)
        data = buffer.getvalue()
        self.validate(data, pathway.figure.figid)
        return data


@lru_cache(maxsize=1)
def _entry_points() -> dict[str, EntryPoint]:
    found: dict[str, EntryPoint] = {}
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (e.name, e.value)):
        found.setdefault(ep.name, ep)
    return found


def available() -> list[str]:
    """Names of every installed format, sorted."""
    return sorted(_entry_points())


def load(name: str) -> type[Exporter]:
    """The exporter class registered under name; KeyError names the installed ones."""
    eps = _entry_points()
    if name not in eps:
        raise KeyError(f"unknown format {name!r}; installed: {', '.join(sorted(eps)) or 'none'}")
    cls = eps[name].load()
    if not (isinstance(cls, type) and issubclass(cls, Exporter)):
        raise TypeError(f"entry point {name!r} ({eps[name].value}) is not an Exporter subclass")
    return cls


def create(name: str, **options: Any) -> Exporter:
    """An instance of the named exporter with options."""
    return load(name)(**options)
