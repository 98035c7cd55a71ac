"""Guards XML passes before a parser sees the bytes: no DOCTYPE or entity declarations (RDF/XML, GPML)."""

from __future__ import annotations

import re

_MARKUP_DECLARATION = re.compile(rb"<!(?!--|\[CDATA\[)")  # <!DOCTYPE, <!ENTITY ... in any case (Oxigraph reads <!doctype)


def declaration_offset(data: bytes) -> int | None:
    """Byte offset of the first DOCTYPE/ENTITY-style markup declaration, None when there is none."""
    found = _MARKUP_DECLARATION.search(data)
    return found.start() if found else None


def xml_declaration_problem(data: bytes) -> str | None:
    """Why an RDF/XML document (bytes or an mmap) must not reach an XML parser: a DOCTYPE or
    entity declaration (entities can expand without bound, the "billion laughs"), or a UTF-16/32
    encoding this byte check cannot see into. None when it may be parsed."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]:
        return "RDF/XML that is not UTF-8 is refused"
    offset = declaration_offset(data)
    if offset is not None:
        return (f"a DOCTYPE or entity declaration (byte {offset}) is refused: XML entities can expand "
                "without bound; give the data as Turtle or N-Triples, or as RDF/XML without a DOCTYPE")
    return None
