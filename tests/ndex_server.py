"""A stand-in for an NDEx server, for tests: 127.0.0.1, a free port, one thread per request.

It answers what the ``ndex2`` client calls to upload networks (see
``../shared/reference/cx/ndex2-3.12.0-captured-requests.jsonl``) the way
NDEx does, as its OpenAPI description
(``../shared/reference/cx/ndex-openapi-2.5.0.mikefidel.json``) and the
ndex-rest / ndex-object-model code describe it, never by this project's own
rules (``exporters.formats.cx_rules`` is not used here):

- ``POST /v2/network``: 201, ``Location`` header and the same URL as a
  text/plain body; ``POST /v3/networks``: 201, ``Location``, empty body
  (NetworkServiceV3.processRawCX2Network);
- ``PUT /v2/network/{id}``, ``PUT /v3/networks/{id}``: 204 (the methods are
  ``void``; the OpenAPI documents 201, which ``update_status = 201``
  answers instead); ``PUT …/systemproperty``: 204;
  ``POST /v2/networkset/{id}/members``: 201;
- every failure is NDEx's JSON error object; a refused login is 401 with
  ``WWW-Authenticate: Basic`` (BasicAuthenticationFilter: "Invalid password
  for user X.", "User X is not known."), and so is a permission problem
  (UnauthorizedOperationExceptionMapper: "You do not have write permissions
  for this network.", "Signed in user is not the owner of this network set.");
- the file is loaded after the 201, in the background: the summary says
  ``completed: false`` until then. CX1 is read as CxElementReader2 and
  CXNetworkLoader read it, then converted to CX2 as CXToCX2ServerSideConverter
  and CX2VPHolder do (attribute types, node and edge style mappings parsed
  with MappingValueStringParser's grammar, DISCRETE keys read as their column's
  type, edge colours locked by ``arrowColorMatchesEdge``); ``GET /v3/networks/{id}`` serves that
  CX2. A mapping that does not parse is dropped with NDEx's "Corrupted data
  found in DISCRETE mapping on …" warning in the summary; an error ends the
  load with ``errorMessage`` (visibility forced PRIVATE).

``server.fail_next["POST /v2/network"] = [503]`` makes the next matching
request fail once with that status (transient-error tests);
``server.stall_next["POST /v2/network"] = [False, True]`` lets the next one
through and gives the one after no answer at all until the server shuts down
(a server that hangs, for timeout tests).
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import uuid as uuidlib
from collections import defaultdict
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

LOAD_DELAY = 0.05  # seconds before a network is "loaded"
MAPPING_MAX = 30_000  # CXToCX2LargeFileConverter: "The maximium length allowed is 30k."
UNAUTHORIZED = "NDEx_Unauthorized_Operation_Exception"
NOT_FOUND = "NDEx_Object_Not_Found_Exception"


class LoadError(Exception):
    """What NDEx puts in ``errorMessage`` when it cannot load a network."""


class NdexServer(ThreadingHTTPServer):
    """The server and its state: users, networks, network sets, request log."""

    daemon_threads = True

    def __init__(self, users: dict[str, str]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.users = dict(users)
        self.networks: dict[str, dict[str, Any]] = {}
        self.networksets: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str]] = []
        self.fail_next: dict[str, list[int]] = {}
        self.stall_next: dict[str, list[bool]] = {}
        self.closing = threading.Event()
        self.update_status = 204
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> "NdexServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.closing.set()
        self.shutdown()
        self.server_close()

    def add_networkset(self, owner: str) -> str:
        set_id = str(uuidlib.uuid4())
        self.networksets[set_id] = {"owner": owner, "members": []}
        return set_id

    def store(self, owner: str, data: bytes, cx2: bool, visibility: str, network_id: str | None = None) -> str:
        """Save a network, mark it loading, and load it in the background like NDEx."""
        network_id = network_id or str(uuidlib.uuid4())
        summary = {"externalId": network_id, "owner": owner, "completed": False, "isValid": False,
                   "visibility": visibility, "nodeCount": 0, "edgeCount": 0, "warnings": [],
                   "modificationTime": int(time.time() * 1000)}
        with self.lock:
            self.networks[network_id] = {"owner": owner, "cx": None, "cx2": None, "summary": summary}
        threading.Timer(LOAD_DELAY, self._load, (network_id, data, cx2)).start()
        return network_id

    def _load(self, network_id: str, data: bytes, cx2: bool) -> None:
        warnings: list[str] = []
        try:
            doc = json.loads(data)
            cx1_doc, cx2_doc = (None, load_cx2(doc)) if cx2 else (doc, load_cx1(doc, warnings))
            error = None
        except ValueError as exc:
            cx1_doc = cx2_doc = None
            error = f"illegal cx json format: {exc}"
        except LoadError as exc:
            cx1_doc = cx2_doc = None
            error = str(exc)
        with self.lock:
            network = self.networks[network_id]
            summary = network["summary"]
            summary.update(completed=True, isValid=error is None, warnings=warnings)
            if error:
                summary.update(errorMessage=error, visibility="PRIVATE")
                return
            summary.pop("errorMessage", None)
            network.update(cx=cx1_doc, cx2=cx2_doc)
            summary.update(_counts(cx2_doc), cx2FileSize=len(json.dumps(cx2_doc)))


# --- CX1: CxElementReader2 and CXNetworkLoader -------------------------------------------------------------

def _fragments(doc: Any) -> list[tuple[str, list[dict[str, Any]]]]:
    """(aspect name, elements) per fragment, read in CxElementReader2's order checks."""
    if not isinstance(doc, list):
        raise LoadError("illegal cx json format: expected to start with an array")
    fragments = []
    for fragment in doc:
        if not isinstance(fragment, dict) or len(fragment) != 1:
            raise LoadError("Expecting aspect name as a field name in a CX aspect fragment.")
        name, elements = next(iter(fragment.items()))
        if not isinstance(elements, list) or not all(isinstance(e, dict) for e in elements):
            raise LoadError(f"Malformed CX json: the value of aspect {name} must be an array of objects.")
        fragments.append((name, elements))
    names = [name for name, _ in fragments]
    body = names[1:] if names[:1] == ["numberVerification"] else names
    if body[:1] != ["metaData"]:
        raise LoadError("MetaData is expected at the beginning of a CX document.")
    if not names or names[-1] != "status":
        raise LoadError("CX document ends without a Status object defined at the end of the document.")
    meta = [i for i, n in enumerate(names) if n == "metaData"]
    if len(meta) > 1 and any(n != "status" for n in names[meta[-1] + 1:]):
        raise LoadError("Only status aspect is allowed after post metadata section")
    for status in fragments[-1][1]:
        if status.get("error") or status.get("success") is False:
            raise LoadError(f"Error status received in CX document. Error message: {status.get('error', '')}")
    return fragments


def load_cx1(doc: Any, warnings: list[str]) -> list[dict[str, Any]]:
    """Check a CX1 document as NDEx's loader does and return its CX2 conversion; warnings are appended."""
    aspects: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for name, elements in _fragments(doc):
        aspects[name].extend(elements)
    metadata = {m.get("name"): m for m in aspects["metaData"]}
    if not metadata:
        raise LoadError("No CX metadata found in this CX stream.")
    if "nodes" not in metadata:
        raise LoadError("Nodes aspect is missing.")
    for name, elements in aspects.items():
        if name in ("numberVerification", "metaData", "status"):
            continue
        if name not in metadata:
            warnings.append(f"Aspect {name} is not defined in MetaData section. NDEx is adding one without "
                            "consistency group and id counter.")
        elif metadata[name].get("elementCount") not in (None, len(elements)):
            warnings.append(f"Element count mismatch in aspect {name}. Metadata declared "
                            f"{metadata[name]['elementCount']}, but {len(elements)} received.")
    ids = {}
    for aspect in ("nodes", "edges"):
        seen: set[Any] = set()
        for element in aspects[aspect]:
            if element.get("@id") in seen:
                raise LoadError(f"Duplicate Id {element.get('@id')} found in aspect {aspect}")
            seen.add(element.get("@id"))
        ids[aspect] = seen
    _check_references("nodes", ids["nodes"], {
        "edges": [r for e in aspects["edges"] for r in (e.get("s"), e.get("t"))],
        "nodeAttributes": [a.get("po") for a in aspects["nodeAttributes"]],
        "cartesianLayout": [c.get("node") for c in aspects["cartesianLayout"]],
        "cyVisualProperties": [v.get("applies_to") for v in aspects["cyVisualProperties"]
                               if v.get("properties_of") == "nodes"]})
    _check_references("edges", ids["edges"], {
        "edgeAttributes": [a.get("po") for a in aspects["edgeAttributes"]],
        "cyVisualProperties": [v.get("applies_to") for v in aspects["cyVisualProperties"]
                               if v.get("properties_of") == "edges"]})
    return _to_cx2(aspects, warnings)


def _check_references(aspect: str, ids: set[Any], refs: dict[str, list[Any]]) -> None:
    """AspectElementIdTracker: every id another aspect names must exist."""
    missing = [(ref, other) for other, values in refs.items() for ref in values if ref not in ids]
    if missing:
        listed = ", ".join(f"{ref} in {other}" for ref, other in missing)
        raise LoadError(f"There are {len(missing)} missing elements in aspect {aspect}, and these are the element "
                        f"ids that are referenced in other aspects but missing in this aspect: {listed}.")


# --- CX1 -> CX2: CXToCX2ServerSideConverter, AspectAttributeStat, CX2VPHolder --------------------------------

_TYPE_ALIASES = {"float": "double", "byte": "integer", "short": "integer", "char": "string"}


def _value(value: Any, dtype: str) -> Any:
    """An attribute value read as its declared type; ValueError like Java's NumberFormatException."""
    if dtype.startswith("list_of_"):
        return [_value(v, dtype[8:]) for v in (value if isinstance(value, list) else [value])]
    if dtype in ("integer", "long"):
        return int(value) if not isinstance(value, str) else int(value.strip())
    if dtype == "double":
        return float(value)
    if dtype == "boolean":
        return value if isinstance(value, bool) else str(value).lower() == "true"
    return value if isinstance(value, str) else json.dumps(value)


def _attributes(elements: list[dict[str, Any]], aspect: str, reserved: tuple[str, ...],
                warnings: list[str]) -> tuple[dict[str, dict[str, str]], dict[Any, dict[str, Any]]]:
    """Declarations and {owner id: {name: value}}; one data type per attribute name (AspectAttributeStat)."""
    declared: dict[str, dict[str, str]] = {}
    values: dict[Any, dict[str, Any]] = defaultdict(dict)
    warned = set()
    for element in elements:
        name = element.get("n")
        dtype = _TYPE_ALIASES.get(element.get("d", "string"), element.get("d", "string"))
        first = declared.setdefault(name, {"d": dtype})["d"]
        if first != dtype:
            raise LoadError(f"Data type error in attribute {name} of aspect {aspect}: data type {dtype.upper()} is "
                            f"inconsistent with previously declared data type {first.upper()}")
        if name in reserved and name not in warned:
            warnings.append(f"Attribute '{name}' on {aspect[:-1]} {element.get('po')} is not allowed in CX "
                            "specification. Please upgrade your cyNDEx-2 and Cytoscape to the latest version and "
                            "reload this network.")
            warned.add(name)
        try:
            values[element.get("po")][name] = _value(element.get("v"), dtype)
        except (TypeError, ValueError) as exc:
            raise LoadError(f"For {aspect[:-1]} attribute id: {element.get('po')} with name '{name}' received fatal "
                            f"parsing error: {exc}") from None
    return declared, values


def _to_cx2(aspects: dict[str, list[dict[str, Any]]], warnings: list[str]) -> list[dict[str, Any]]:
    network = {}
    for element in aspects["networkAttributes"]:
        dtype = _TYPE_ALIASES.get(element.get("d", "string"), element.get("d", "string"))
        try:
            network[element.get("n")] = _value(element.get("v"), dtype)
        except (TypeError, ValueError) as exc:
            raise LoadError(f"For network attribute '{element.get('n')}' unable to convert value  to "
                            f"'{dtype}' : {exc}") from None
    node_decl, node_values = _attributes(aspects["nodeAttributes"], "nodes", ("name", "represents"), warnings)
    edge_decl, edge_values = _attributes(aspects["edgeAttributes"], "edges", ("interaction",), warnings)
    layout = {c.get("node"): c for c in aspects["cartesianLayout"]}
    nodes = []
    for node in aspects["nodes"]:
        v = {k: node[c] for k, c in (("name", "n"), ("represents", "r")) if c in node}
        v.update(node_values.get(node["@id"], {}))
        element: dict[str, Any] = {"id": node["@id"], "v": v}
        if node["@id"] in layout:
            element.update(x=layout[node["@id"]]["x"], y=layout[node["@id"]]["y"])
        nodes.append(element)
    edges = [{"id": e["@id"], "s": e["s"], "t": e["t"],
              "v": {**({"interaction": e["i"]} if "i" in e else {}), **edge_values.get(e["@id"], {})}}
             for e in aspects["edges"]]
    style, node_bypasses, edge_bypasses = _styles(aspects["cyVisualProperties"] or aspects["visualProperties"],
                                                  warnings)
    declarations = {"networkAttributes": {k: {"d": _cx2_type(v)} for k, v in network.items()},
                    "nodes": {"name": {"d": "string"}, "represents": {"d": "string"}, **node_decl},
                    "edges": {"interaction": {"d": "string"}, **edge_decl}}
    cx2 = [{"CXVersion": "2.0", "hasFragments": False}, {"attributeDeclarations": [declarations]},
           {"networkAttributes": [network]}, {"nodes": nodes}, {"edges": edges}]
    if style:
        cx2.append({"visualProperties": [style]})
    if node_bypasses:
        cx2.append({"nodeBypasses": node_bypasses})
    if edge_bypasses:
        cx2.append({"edgeBypasses": edge_bypasses})
    return cx2 + [{"status": [{"error": "", "success": True}]}]


def _cx2_type(value: Any) -> str:
    if isinstance(value, list):
        return "list_of_" + (_cx2_type(value[0]) if value else "string")
    return {bool: "boolean", int: "long", float: "double"}.get(type(value), "string")


def _label_position(value: str) -> dict[str, Any]:
    """ObjectPosition.createFromCX1Value (+ LabelPosition's justification) of "C,C,c,0.00,0.00"."""
    node_anchor, label_anchor, justification, x, y = value.split(",")

    def vertical(letters: str) -> str:
        return "top" if "N" in letters else "bottom" if "S" in letters else "center"

    def horizontal(letters: str) -> str:
        return "left" if "W" in letters else "right" if "E" in letters else "center"

    return {"HORIZONTAL_ALIGN": horizontal(label_anchor), "VERTICAL_ALIGN": vertical(label_anchor),
            "HORIZONTAL_ANCHOR": horizontal(node_anchor), "VERTICAL_ANCHOR": vertical(node_anchor),
            "MARGIN_X": float(x), "MARGIN_Y": float(y),
            "JUSTIFICATION": {"l": "left", "r": "right"}.get(justification, "center")}


def _number(value: str) -> float:
    return float(value)


_BORDER = {"SOLID": "solid", "DOT": "dotted", "DASH_DOT": "dotted", "PARALLEL_LINES": "double"}
_EDGE_LINE = {"SOLID": "solid", "SINEWAVE": "solid", "CONTIGUOUS_ARROW": "solid", "PARALLEL_LINES": "solid",
              "ZIGZAG": "solid", "DASH_DOT": "dotted", "DOT": "dotted"}  # edgeLineTypeCvtr; others dashed
_ARROW = {"NONE": "none", "CIRCLE": "circle", "OPEN_CIRCLE": "circle", "CROSS_DELTA": "triangle-cross",
          "CROSS_OPEN_DELTA": "triangle-cross", "DIAMOND": "diamond", "DIAMOND_SHORT_1": "diamond",
          "DIAMOND_SHORT_2": "diamond", "OPEN_DIAMOND": "diamond", "SQUARE": "square", "OPEN_SQUARE": "square",
          "T": "tee"}  # arrowShapeCvtr; every other shape is a triangle
# CXToCX2VisualPropertyConverter, for the visual properties a PFOCR network uses: CX1 name -> (CX2 name, value).
_VISUAL_PROPERTIES = {
    "NETWORK_BACKGROUND_PAINT": ("NETWORK_BACKGROUND_COLOR", str),
    "NODE_FILL_COLOR": ("NODE_BACKGROUND_COLOR", str), "NODE_BORDER_PAINT": ("NODE_BORDER_COLOR", str),
    "NODE_BORDER_WIDTH": ("NODE_BORDER_WIDTH", _number), "NODE_WIDTH": ("NODE_WIDTH", _number),
    "NODE_HEIGHT": ("NODE_HEIGHT", _number), "NODE_LABEL": ("NODE_LABEL", str),
    "NODE_LABEL_COLOR": ("NODE_LABEL_COLOR", str),
    "NODE_LABEL_FONT_SIZE": ("NODE_LABEL_FONT_SIZE", lambda v: int(float(v))),
    "NODE_LABEL_POSITION": ("NODE_LABEL_POSITION", _label_position),
    "NODE_SHAPE": ("NODE_SHAPE", lambda v: "round-rectangle" if v == "ROUND_RECTANGLE" else v.lower()),
    "NODE_TRANSPARENCY": ("NODE_BACKGROUND_OPACITY", lambda v: float(v) / 255.0),
    "NODE_BORDER_STROKE": ("NODE_BORDER_STYLE", lambda v: _BORDER.get(v, "dashed")),
    "NODE_TOOLTIP": ("NODE_TOOLTIP", str),
    "EDGE_STROKE_UNSELECTED_PAINT": ("EDGE_LINE_COLOR", str), "EDGE_WIDTH": ("EDGE_WIDTH", _number),
    "EDGE_SOURCE_ARROW_UNSELECTED_PAINT": ("EDGE_SOURCE_ARROW_COLOR", str),
    "EDGE_TARGET_ARROW_UNSELECTED_PAINT": ("EDGE_TARGET_ARROW_COLOR", str),
    "EDGE_LINE_TYPE": ("EDGE_LINE_STYLE", lambda v: _EDGE_LINE.get(v, "dashed")),
    "EDGE_SOURCE_ARROW_SHAPE": ("EDGE_SOURCE_ARROW_SHAPE", lambda v: _ARROW.get(v, "triangle")),
    "EDGE_TARGET_ARROW_SHAPE": ("EDGE_TARGET_ARROW_SHAPE", lambda v: _ARROW.get(v, "triangle")),
    "EDGE_TRANSPARENCY": ("EDGE_OPACITY", lambda v: float(v) / 255.0),
}
# Arrows the edge key colours follow when arrowColorMatchesEdge is "true" (CX2VPHolder: EDGE_UNSELECTED_PAINT,
# itself not converted, is copied onto these three, properties and mappings alike).
_LOCKED_PAINTS = ("EDGE_SOURCE_ARROW_UNSELECTED_PAINT", "EDGE_STROKE_UNSELECTED_PAINT",
                  "EDGE_TARGET_ARROW_UNSELECTED_PAINT")
_SEGMENT = re.compile(r"((K|V|L|E|G|OV)=([0-9]+))=(.*)", re.S)


def parse_mapping(definition: str) -> dict[str, str]:
    """MappingValueStringParser: split at single commas (each doubled comma is one comma inside a segment),
    then COL=, T= and K|V|L|E|G|OV=<i>= segments; OSError (Java's IOException) for any other segment."""
    segments: list[str] = []
    current: list[str] = []
    commas = 0

    def end_of_commas() -> None:
        current.append("," * (commas // 2))
        if commas % 2:
            segments.append("".join(current))
            current.clear()

    for char in definition:
        if char == ",":
            commas += 1
            continue
        end_of_commas()
        commas = 0
        current.append(char)
    end_of_commas()
    segments.append("".join(current))
    parsed = {}
    for segment in segments:
        if segment.startswith("COL="):
            parsed["COL"] = segment[4:]
        elif segment.startswith("T="):
            parsed["T"] = segment[2:]
        else:
            match = _SEGMENT.fullmatch(segment)
            if match is None:
                raise OSError(f"Failed to parse mapping segment '{segment}' in mapping {definition}.")
            parsed[match.group(1)] = match.group(4)
    return parsed


def _convert(prop: str, value: str) -> tuple[str, Any] | None:
    if prop not in _VISUAL_PROPERTIES:
        return None  # "visual properties not added to these tables will be ignored"
    name, convert = _VISUAL_PROPERTIES[prop]
    try:
        return name, convert(value)
    except ValueError:
        raise LoadError(f"Visual property '{prop}' has non-numeric value '{value}'.") from None


def _mapping(prop: str, mapping: dict[str, Any], warnings: list[str]) -> dict[str, Any] | None:
    """One node mapping in CX2 form (CX2VPHolder.processMappingEntry), None when NDEx drops it."""
    kind, definition = mapping.get("type"), mapping.get("definition", "")
    if kind not in ("PASSTHROUGH", "DISCRETE", "CONTINUOUS"):
        raise LoadError(f"Invalid mapping type '{kind}' found on visual property '{prop}'.")
    if len(definition) > MAPPING_MAX:
        raise LoadError(f"Mapping value on {prop} is too long. The maximium length allowed is 30k.")
    if kind == "PASSTHROUGH":
        return {"type": kind, "definition": {"attribute": parse_mapping(definition).get("COL")}}
    try:
        parsed = parse_mapping(definition)
    except OSError as exc:
        if kind != "DISCRETE":
            raise LoadError(str(exc)) from None
        warnings.append(f"Corrupted data found in DISCRETE mapping on {prop}. Please upgrade your cyNDEx-2 and "
                        f"Cytoscape to the latest version and reload this network. Cause: {exc}")
        return None
    entries, i = [], 0
    while f"K={i}" in parsed:
        if f"V={i}" not in parsed:
            raise LoadError(f"Can't converter {kind} mapping on {prop}. Cause: error: discrete mapping string is "
                            f"corruptted for {definition}")
        entries.append({"v": _key(parsed.get("T", "string"), parsed[f"K={i}"]),
                        "vp": _convert(prop, parsed[f"V={i}"])[1]})
        i += 1
    return {"type": kind, "definition": {"attribute": parsed.get("COL"), "map": entries}} if entries else None


def _key(column_type: str, text: str) -> Any:
    """A DISCRETE mapping key read as its column's type (ConverterUtilities.cvtStringValueToObj)."""
    if column_type == "boolean":
        return text.lower() == "true"
    if column_type in ("integer", "long"):
        return int(text)
    return float(text) if column_type == "double" else text


def _styles(elements: list[dict[str, Any]], warnings: list[str]
            ) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """CX2 visualProperties, nodeBypasses and edgeBypasses of a CX1 style."""
    style: dict[str, Any] = {}
    bypasses: list[dict[str, Any]] = []
    edge_bypasses: list[dict[str, Any]] = []

    def converted(properties: dict[str, str]) -> dict[str, Any]:
        return dict(c for c in (_convert(p, v) for p, v in properties.items()) if c)

    def converted_mappings(mappings: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for prop, mapping in mappings.items():
            if prop in _VISUAL_PROPERTIES:
                new = _mapping(prop, mapping, warnings)
                if new:
                    out[_VISUAL_PROPERTIES[prop][0]] = new
        return out

    for element in elements:
        scope = element.get("properties_of")
        properties = element.get("properties", {})
        if scope == "network":
            style.setdefault("default", {})["network"] = converted(properties)
        elif scope == "nodes:default":
            style.setdefault("default", {})["node"] = converted(properties)
            style["nodeMapping"] = converted_mappings(element.get("mappings") or {})
        elif scope == "edges:default":
            mappings = dict(element.get("mappings") or {})
            if (element.get("dependencies") or {}).get("arrowColorMatchesEdge") == "true":
                properties = {**properties, **dict.fromkeys(_LOCKED_PAINTS, properties.get("EDGE_UNSELECTED_PAINT"))}
                if "EDGE_UNSELECTED_PAINT" in mappings:
                    mappings.update(dict.fromkeys(_LOCKED_PAINTS, mappings.pop("EDGE_UNSELECTED_PAINT")))
            style.setdefault("default", {})["edge"] = converted({p: v for p, v in properties.items() if v is not None})
            style["edgeMapping"] = converted_mappings(mappings)
        elif scope in ("nodes", "edges"):
            bypass = converted(properties)
            if bypass:
                (bypasses if scope == "nodes" else edge_bypasses).append({"id": element.get("applies_to"), "v": bypass})
        else:
            raise LoadError(f"'{scope}' is not a supported Cytoscape visual property group. Please upgrade your "
                            "cyNDEx-2 app to the latest version in Cytoscape and try again.")
    return style, bypasses, edge_bypasses


# --- CX2: CXReader and CX2NetworkLoader ----------------------------------------------------------------------

def load_cx2(doc: Any) -> list[dict[str, Any]]:
    """Check a CX2 document as NDEx's CX2 loader does; returns it."""
    if not isinstance(doc, list) or not doc or not isinstance(doc[0], dict) or doc[0].get("CXVersion") != "2.0":
        raise LoadError('Invalid CX2 document: the first element has to be {"CXVersion":"2.0", ...}.')
    aspects: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for fragment in doc[1:]:
        if not isinstance(fragment, dict) or len(fragment) != 1:
            raise LoadError("Malformed CX2 document: every element after CXVersion must hold one aspect.")
        name, elements = next(iter(fragment.items()))
        aspects[name].extend(elements)
    if len(aspects["status"]) != 1:
        raise LoadError("Status aspect should have one element.")
    if len(aspects["networkAttributes"]) > 1:
        raise LoadError("Only one networkAttributes element is allowed in CX.")
    declarations = (aspects["attributeDeclarations"] or [{}])[0]
    for aspect, rows in (("networkAttributes", aspects["networkAttributes"]),
                         ("nodes", [n.get("v", {}) for n in aspects["nodes"]]),
                         ("edges", [e.get("v", {}) for e in aspects["edges"]])):
        declared = {d.get("a", name): d.get("d", "string") for name, d in (declarations.get(aspect) or {}).items()}
        for row in rows:
            for key, value in row.items():
                if key not in declared:
                    raise LoadError(f"Attribute {key} is not declared in attributeDeclarations aspect.")
                try:
                    _value(value, declared[key])
                except (TypeError, ValueError):
                    raise LoadError(f"Value {value!r} can not be cast to {declared[key]}.") from None
    for meta in aspects["metaData"]:
        count = meta.get("elementCount")
        if count is not None and count != len(aspects[meta.get("name")]):
            raise LoadError(f"Element count mismatch in aspect {meta.get('name')}.")
    node_ids = [n.get("id") for n in aspects["nodes"]]
    if len(set(node_ids)) != len(node_ids):
        raise LoadError("Duplicate node id found in CX2 nodes aspect.")
    if any("x" in n for n in aspects["nodes"]) and not all("x" in n for n in aspects["nodes"]):
        raise LoadError(f"Coordinates missing in node {next(n.get('id') for n in aspects['nodes'] if 'x' not in n)}")
    return doc


def _counts(cx2: list[dict[str, Any]]) -> dict[str, Any]:
    aspects: dict[str, list[Any]] = defaultdict(list)
    for fragment in cx2[1:]:
        for name, elements in fragment.items():
            aspects[name].extend(elements)
    attrs = aspects["networkAttributes"][0] if aspects["networkAttributes"] else {}
    return {"name": attrs.get("name"), "nodeCount": len(aspects["nodes"]), "edgeCount": len(aspects["edges"]),
            "hasLayout": any("x" in n for n in aspects["nodes"])}


# --- HTTP ----------------------------------------------------------------------------------------------------

class _Handler(BaseHTTPRequestHandler):
    server: NdexServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.server.lock:
            self.server.requests.append((method, self.path))
            for key, codes in self.server.fail_next.items():
                if f"{method} {path}".startswith(key) and codes:
                    return self._error(codes.pop(0), "NDEx_Service_Unavailable", "Server is busy, try again later.")
            stall = any(flags.pop(0) for key, flags in self.server.stall_next.items()
                        if f"{method} {path}".startswith(key) and flags)
        if stall:
            self.server.closing.wait()
            self.close_connection = True
            return None
        if method == "GET" and path == "/rest/admin/status":
            return self._json(200, {"properties": {"ServerVersion": "2.5.4"}, "networkCount": 0})
        user = self._user()
        if user is None:
            return
        segments = path.strip("/").split("/")
        if method == "POST" and path in ("/v2/network", "/v3/networks"):
            return self._create(user, body, path == "/v3/networks", query)
        if len(segments) >= 3 and segments[:2] in (["v2", "network"], ["v3", "networks"]):
            return self._network(method, user, segments, body)
        if method == "POST" and segments[:2] == ["v2", "networkset"] and segments[3:] == ["members"]:
            networkset = self.server.networksets.get(segments[2])
            if networkset is None:
                return self._error(404, NOT_FOUND, f"Network set {segments[2]} not found.")
            if networkset["owner"] != user:
                return self._error(401, UNAUTHORIZED, "Signed in user is not the owner of this network set.")
            with self.server.lock:
                networkset["members"] += [n for n in json.loads(body) if n not in networkset["members"]]
            return self._send(201, b"", None, {"Location": f"{self.server.url}/v2/networkset/{segments[2]}"})
        return self._error(404, NOT_FOUND, f"No route for {method} {path}.")

    def _create(self, user: str, body: bytes, cx2: bool, query: dict[str, list[str]]) -> None:
        data = self._cx(body)
        if data is None:
            return self._error(400, "NDEx_Bad_Request_Exception",
                               "Field CXNetworkStream is not found in the POSTed Data.")
        network_id = self.server.store(user, data, cx2, query.get("visibility", ["PRIVATE"])[0])
        location = f"{self.server.url}/v2/network/{network_id}"  # host + REST prefix + "/network/" + uuid
        if cx2:
            return self._send(201, b"", None, {"Location": location})
        return self._send(201, location.encode(), "text/plain", {"Location": location})

    def _network(self, method: str, user: str, segments: list[str], body: bytes) -> None:
        network = self.server.networks.get(segments[2])
        if network is None:
            return self._error(404, NOT_FOUND, f"Network {segments[2]} not found.")
        owner = network["owner"] == user
        if method == "PUT" and len(segments) == 3:
            if not owner:
                return self._error(401, UNAUTHORIZED, "You do not have write permissions for this network.")
            data = self._cx(body)
            if data is None:
                return self._error(400, "NDEx_Bad_Request_Exception",
                                   "Field CXNetworkStream is not found in the POSTed Data.")
            self.server.store(user, data, segments[0] == "v3", network["summary"]["visibility"], segments[2])
            return self._send(self.server.update_status, b"", None)
        if not owner and network["summary"]["visibility"] != "PUBLIC":
            return self._error(401, UNAUTHORIZED, "User doesn't have read access to this network.")
        if method == "GET" and segments[3:] == ["summary"]:
            with self.server.lock:
                return self._json(200, dict(network["summary"]))
        if method == "GET" and len(segments) == 3:
            doc = network["cx2" if segments[0] == "v3" else "cx"]
            if doc is None:
                return self._error(404, NOT_FOUND, f"Network {segments[2]} is not available in this format.")
            return self._json(200, doc)
        if method == "PUT" and segments[3:] == ["systemproperty"]:
            if not owner:
                return self._error(401, UNAUTHORIZED, "You do not have write permissions for this network.")
            props = json.loads(body or b"{}")
            with self.server.lock:
                if "visibility" in props:
                    network["summary"]["visibility"] = props["visibility"]
            return self._send(204, b"", None)
        return self._error(404, NOT_FOUND, f"No route for {method} {'/'.join(segments)}.")

    def _user(self) -> str | None:
        """The signed-in user, or None after answering 401 as BasicAuthenticationFilter does."""
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            self._error(401, "NDEx_Exception", "No credentials to authenticate.")
            return None
        username, _, password = base64.b64decode(header[6:]).decode(errors="replace").partition(":")
        if username not in self.server.users:
            self._error(401, NOT_FOUND, f"User {username} is not known.")
            return None
        if self.server.users[username] != password:
            self._error(401, UNAUTHORIZED, f"Invalid password for user {username}.")
            return None
        return username

    def _cx(self, body: bytes) -> bytes | None:
        """The uploaded file: the multipart field CXNetworkStream, or a raw JSON body."""
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("application/json"):
            return body
        if not content_type.startswith("multipart/form-data"):
            return None
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        for part in message.iter_parts():
            if part.get_param("name", header="content-disposition") == "CXNetworkStream":
                return part.get_payload(decode=True)
        return None

    def _json(self, code: int, payload: Any) -> None:
        self._send(code, json.dumps(payload).encode(), "application/json")

    def _error(self, code: int, error_code: str, message: str) -> None:
        """NDEx's error object (NdexException.getNdexExceptionInJason); 401s ask for Basic auth."""
        body = json.dumps({"errorCode": error_code, "message": message, "description": None, "stackTrace": None,
                           "threadId": None, "timeStamp": int(time.time() * 1000)}).encode()
        self._send(code, body, "application/json", {"WWW-Authenticate": "Basic"} if code == 401 else None)

    def _send(self, code: int, body: bytes, content_type: str | None, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        if content_type:
            self.send_header("Content-Type", content_type)
        for key, value in {"Content-Length": str(len(body)), **(headers or {})}.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)
