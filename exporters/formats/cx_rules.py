"""The cross-element rules the NDEx server enforces on CX1 and CX2 uploads.

JSON Schema (``schemas/cx1-ndex.schema.json``, ``schemas/cx2.schema.json``)
checks each element's shape; these functions check what a schema cannot:
fragment order, unique ids, references that must resolve, element counts and
attribute data types. Messages follow the NDEx server's own wording
(ndexbio/ndex-object-model ``CxElementReader2``, ``cx2/io/CXReader``,
``AttributeDeclaredAspect``; ndexbio/ndex-rest ``CXNetworkLoader``,
``CX2NetworkLoader``, ``AspectElementIdTracker``) so a failure reads like
the ``errorMessage`` NDEx would put in the network summary.

Each checker returns ``(errors, warnings)``: errors make NDEx fail the upload,
warnings are what NDEx only logs (we treat them as errors for our own output).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

Problems = tuple[list[str], list[str]]

SCALAR_TYPES = ("string", "boolean", "double", "integer", "long")
# Spellings the NDEx reader maps onto a CX data type (AttributesAspectUtils.toDataType).
CX1_TYPE_ALIASES = {"float": "double", "byte": "integer", "short": "integer", "char": "string"}
NUMBER_VERIFICATION = 281474976710655
# The CX1 style mapping grammar (CyNDEx-2 StringParser, NDEx's MappingValueStringParser): a definition is a
# comma-separated list of COL=…, T=… and K|V|L|E|G|OV=<index>=… entries; a comma inside a value is doubled.
_MAPPING_ITEM = re.compile(r"(COL|T)=.*|(K|V|L|E|G|OV)=([0-9]+)=.*", re.S)
MAPPING_MAX_CHARS = 30_000  # longer definitions are cut by NDEx's CX1 -> CX2 conversion


def castable(value: Any, dtype: str) -> bool:
    """True when value can be read as an attribute of data type dtype (JSON-native or numeric string)."""
    if dtype == "string":  # the common case first
        return not isinstance(value, list)
    if dtype.startswith("list_of_"):
        return isinstance(value, list) and all(castable(v, dtype[8:]) for v in value)
    if isinstance(value, list):
        return False
    if value is None:
        return True
    if dtype == "boolean":
        return isinstance(value, bool) or (isinstance(value, str) and value.lower() in ("true", "false"))
    if isinstance(value, bool):
        return False
    if dtype in ("integer", "long"):
        if isinstance(value, int):
            return dtype == "long" or -2**31 <= value < 2**31
        if isinstance(value, float):
            return value.is_integer()
        return isinstance(value, str) and _parses(value, int)
    if dtype == "double":
        return isinstance(value, (int, float)) or (isinstance(value, str) and _parses(value, float))
    return False


def _parses(text: str, kind: type) -> bool:
    try:
        kind(text.strip())
    except ValueError:
        return False
    return True


def _missing_refs(aspect: str, ids: set[int], refs: dict[str, list[int]]) -> str | None:
    """AspectElementIdTracker's message for ids referenced by other aspects but absent from aspect."""
    missing = {(ref, other) for other, values in refs.items() for ref in values if ref not in ids}
    if not missing:
        return None
    listed = ", ".join(f"{ref} in {other}" for ref, other in sorted(missing, key=lambda m: (m[1], m[0])))
    return (f"There are {len(missing)} missing elements in aspect {aspect}, and these are the element ids "
            f"that are referenced in other aspects but missing in this aspect: {listed}.")


def _ids_of(value: Any) -> list[int]:
    return value if isinstance(value, list) else [value]


def escape_mapping_value(value: str) -> str:
    """A key or value as a CX1 mapping definition writes it: commas doubled."""
    return value.replace(",", ",,")


def _mapping_entries(definition: str) -> list[str]:
    """A definition split at its single commas (',,' stays inside an entry), as StringParser reads it."""
    entries, current, i = [], [], 0
    while i < len(definition):
        if definition[i] == ",":
            if definition.startswith(",,", i):
                current.append(",,")
                i += 2
                continue
            entries.append("".join(current))
            current = []
        else:
            current.append(definition[i])
        i += 1
    entries.append("".join(current))
    return entries


def mapping_problems(prop: str, mapping: Any) -> list[str]:
    """Why NDEx cannot parse a CX1 visual-property mapping (empty when it can)."""
    kind = mapping.get("type") if isinstance(mapping, dict) else None
    definition = mapping.get("definition") if isinstance(mapping, dict) else None
    if not isinstance(definition, str):
        return [f"Mapping {prop} has no definition string."]
    if len(definition) > MAPPING_MAX_CHARS:
        return [f"Mapping {prop} definition has {len(definition):,} characters, over NDEx's "
                f"{MAPPING_MAX_CHARS:,}."]
    entries = _mapping_entries(definition)
    keys, values = set(), set()
    for entry in entries:
        item = _MAPPING_ITEM.fullmatch(entry)
        if item is None:
            return [f"Corrupted data found in {kind} mapping on {prop}: entry {entry!r} (a comma in a value "
                    "must be doubled)"]
        if item.group(2) == "K":
            keys.add(item.group(3))
        elif item.group(2) == "V":
            values.add(item.group(3))
    if kind == "DISCRETE" and keys != values:
        return [f"Corrupted data found in DISCRETE mapping on {prop}: keys and values do not pair up"]
    return []


def cx1_problems(doc: Any) -> Problems:
    """Server rules for a CX1 document (a list of single-aspect fragments)."""
    errors: list[str] = []
    warnings: list[str] = []
    if not isinstance(doc, list):
        return ["illegal cx json format: expected to start with an array"], []
    names: list[str] = []
    for i, fragment in enumerate(doc):
        if not isinstance(fragment, dict) or len(fragment) != 1:
            return [f"Expecting aspect name as a field name at fragment {i}: each fragment must be an object "
                    "with exactly one aspect name"], []
        name, elements = next(iter(fragment.items()))
        if not isinstance(elements, list) or not all(isinstance(e, dict) for e in elements):
            return [f"Aspect {name} at fragment {i} must be an array of objects."], []
        names.append(name)

    # Fragment order: [numberVerification] pre-metaData aspects… [post-metaData] status.
    body = names[1:] if names[:1] == ["numberVerification"] else names
    if "numberVerification" in body:
        errors.append("numberVerification is only allowed once, as the first fragment of a CX document.")
    if "metaData" not in names:
        errors.append("No CX metadata found in this CX stream.")
    elif body[:1] != ["metaData"]:
        errors.append("MetaData is expected at the beginning of a CX document.")
    if not names or names[-1] != "status":
        errors.append("CX document ends without a Status object defined at the end of the document.")
    elif names.count("status") > 1:
        errors.append("Only one status aspect is allowed, at the end of a CX document.")
    meta_positions = [i for i, n in enumerate(names) if n == "metaData"]
    if len(meta_positions) > 1:
        post = meta_positions[-1]
        if len(meta_positions) > 2 or any(n != "status" for n in names[post + 1:]):
            errors.append("Only status aspect is allowed after post metadata section")
    status = [e for n, f in zip(names, doc) if n == "status" for e in f["status"]]
    for element in status:
        if element.get("error") or element.get("success") is False:
            errors.append(f"Error status received in CX document. Error message: {element.get('error', '')}")

    elements: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for name, fragment in zip(names, doc):
        elements[name].extend(fragment[name])
    metadata: dict[str, dict[str, Any]] = {}
    for element in elements["metaData"]:
        if isinstance(element.get("name"), str):
            metadata.setdefault(element["name"], {}).update(element)
    if metadata and "nodes" not in metadata:
        errors.append("Nodes aspect is missing.")

    # Unique ids per aspect, then every reference resolving.
    ids: dict[str, set[int]] = {}
    for aspect in ("nodes", "edges"):
        seen: set[int] = set()
        for element in elements[aspect]:
            ident = element.get("@id")
            if ident in seen:
                errors.append(f"Duplicate Id {ident} found in aspect {aspect}")
            seen.add(ident)
        ids[aspect] = seen
    node_refs: dict[str, list[int]] = defaultdict(list)
    edge_refs: dict[str, list[int]] = defaultdict(list)
    for edge in elements["edges"]:
        node_refs["edges"] += [edge.get("s"), edge.get("t")]
    for element in elements["nodeAttributes"]:
        node_refs["nodeAttributes"] += _ids_of(element.get("po"))
    for element in elements["edgeAttributes"]:
        edge_refs["edgeAttributes"] += _ids_of(element.get("po"))
    for element in elements["cartesianLayout"]:
        node_refs["cartesianLayout"].append(element.get("node"))
    for style in ("cyVisualProperties", "visualProperties"):
        for element in elements[style]:
            for prop, mapping in (element.get("mappings") or {}).items():
                errors += mapping_problems(prop, mapping)
            if "applies_to" in element and element.get("properties_of") == "nodes":
                node_refs[style].append(element["applies_to"])
            elif "applies_to" in element and element.get("properties_of") == "edges":
                edge_refs[style].append(element["applies_to"])
    for aspect, refs in (("nodes", node_refs), ("edges", edge_refs)):
        message = _missing_refs(aspect, ids[aspect], refs)
        if message:
            errors.append(message)

    # One data type per attribute name per aspect; values castable to it.
    for aspect in ("networkAttributes", "nodeAttributes", "edgeAttributes"):
        declared: dict[str, str] = {}
        for element in elements[aspect]:
            name = element.get("n")
            dtype = element.get("d", "string")
            dtype = CX1_TYPE_ALIASES.get(dtype, dtype)
            first = declared.setdefault(name, dtype)
            if first != dtype:
                errors.append(f"Data type error in attribute {name} of aspect {aspect[:-10] + 's'}: data type "
                              f"{dtype.upper()} is inconsistent with previously declared data type {first.upper()}")
                declared[name] = dtype
            if "v" in element and not castable(element["v"], dtype):
                errors.append(f"Value {element['v']!r} of attribute {name} in aspect {aspect} "
                              f"can not be cast to {dtype}.")
    context_attrs = [e for e in elements["networkAttributes"] if e.get("n") == "@context"]
    if context_attrs and elements["@context"]:
        errors.append("Invalid CX data: '@context' is definded a network attribute and an aspect.")
    for aspect, reserved in (("nodeAttributes", ("name", "represents")), ("edgeAttributes", ("interaction",))):
        for element in elements[aspect]:
            if element.get("n") in reserved:
                warnings.append(f"Attribute {element['n']} in {aspect} collides with the reserved CX2 attribute "
                                f"of the same name.")
                break

    # What NDEx only warns about: metaData coverage and counts.
    for name in dict.fromkeys(names):
        if name in ("numberVerification", "metaData", "status"):
            continue
        meta = metadata.get(name)
        if meta is None:
            warnings.append(f"Aspect {name} is not defined in MetaData section. NDEx is adding one without "
                            "consistency group and id counter.")
        elif "elementCount" in meta and meta["elementCount"] != len(elements[name]):
            warnings.append(f"Element count mismatch in aspect {name}: metaData has {meta['elementCount']}, "
                            f"{len(elements[name])} received.")
        if meta is not None and not elements[name] and name != "nodes":  # an empty network is a network
            warnings.append(f"Aspect {name} is empty.")
    return errors, warnings


def cx2_problems(doc: Any) -> Problems:
    """Server rules for a CX2 document."""
    errors: list[str] = []
    warnings: list[str] = []
    if not isinstance(doc, list) or not doc:
        return ["illegal cx2 json format: expected to start with an array"], []
    first = doc[0]
    if not (isinstance(first, dict) and first.get("CXVersion") == "2.0"):
        return ['The first element in CX2 must be the CXVersion object {"CXVersion":"2.0", ...}.'], []
    names: list[str] = []
    for i, fragment in enumerate(doc[1:], 1):
        if not isinstance(fragment, dict) or len(fragment) != 1:
            return [f"Expecting aspect name as a field name at element {i}."], []
        name, elements = next(iter(fragment.items()))
        if not isinstance(elements, list) or not all(isinstance(e, dict) for e in elements):
            return [f"Aspect {name} at element {i} must be an array of objects."], []
        names.append(name)
    if not names or names[-1] != "status":
        errors.append("CX2 document ends without a status aspect.")
    elements: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for name, fragment in zip(names, doc[1:]):
        elements[name].extend(fragment[name])
    if not first.get("hasFragments"):
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            errors.append(f"Aspect {repeated[0]} appears more than once but hasFragments is not true.")
    if len(elements["status"]) > 1:
        errors.append("Status aspect should have only one element.")
    for element in elements["status"]:
        if element.get("error") or element.get("success") is False:
            errors.append(f"Error status received in CX document. Error message: {element.get('error', '')}")
    if len(elements["networkAttributes"]) > 1:
        errors.append("Only one networkAttributes element is allowed in CX.")
    if len(elements["attributeDeclarations"]) > 1:
        errors.append("Only one attributeDeclarations element is allowed in CX.")

    declarations = elements["attributeDeclarations"][0] if elements["attributeDeclarations"] else {}
    for aspect, entries in (("networkAttributes", elements["networkAttributes"]), ("nodes", elements["nodes"]),
                            ("edges", elements["edges"])):
        scope = declarations.get(aspect) or {}
        by_key: dict[str, tuple[str, str]] = {}  # key used in "v" -> (attribute name, type)
        for attr, decl in scope.items():
            key = decl.get("a", attr)
            by_key[key] = (attr, decl.get("d", "string"))
            if "v" in decl and not castable(decl["v"], decl.get("d", "string")):
                errors.append(f"Default value {decl['v']!r} of attribute {attr} can not be cast to {decl.get('d')}.")
        aliased = {attr for attr, decl in scope.items() if "a" in decl}
        for element in entries:
            values = element if aspect == "networkAttributes" else element.get("v", {})
            for key, value in values.items():
                if key in aliased:
                    errors.append(f"Attribute {key} is declared with an alias in aspect {aspect}; "
                                  f"use its alias {scope[key]['a']}.")
                elif key not in by_key:
                    errors.append(f"Attribute {key} is not declared in attributeDeclarations aspect.")
                elif not castable(value, by_key[key][1]):
                    errors.append(f"Value {value!r} of attribute {by_key[key][0]} in aspect {aspect} "
                                  f"can not be cast to {by_key[key][1]}.")
    errors[:] = list(dict.fromkeys(errors))  # one line per distinct problem

    ids: dict[str, set[int]] = {}
    for aspect in ("nodes", "edges"):
        seen: set[int] = set()
        for element in elements[aspect]:
            if element.get("id") in seen:
                errors.append(f"Duplicate Id {element.get('id')} found in aspect {aspect}")
            seen.add(element.get("id"))
        ids[aspect] = seen
    with_xy = [n for n in elements["nodes"] if "x" in n]
    if with_xy and len(with_xy) != len(elements["nodes"]):
        lacking = next(n for n in elements["nodes"] if "x" not in n)
        errors.append(f"Coordinates missing in node {lacking.get('id')}")
    node_refs = {"edges": [r for e in elements["edges"] for r in (e.get("s"), e.get("t"))],
                 "nodeBypasses": [b.get("id") for b in elements["nodeBypasses"]]}
    edge_refs = {"edgeBypasses": [b.get("id") for b in elements["edgeBypasses"]]}
    for aspect, refs in (("nodes", node_refs), ("edges", edge_refs)):
        message = _missing_refs(aspect, ids[aspect], refs)
        if message:
            errors.append(message)

    counts = {n: len(elements[n]) for n in names}
    for meta in elements["metaData"]:
        name, count = meta.get("name"), meta.get("elementCount")
        if count is not None and count != counts.get(name, 0):
            errors.append(f"Element count mismatch in aspect {name}: metaData has {count}, "
                          f"{counts.get(name, 0)} received.")

    for style in elements["visualProperties"]:
        for scope_name, mappings in (("nodes", style.get("nodeMapping") or {}),
                                     ("edges", style.get("edgeMapping") or {})):
            for prop, mapping in mappings.items():
                definition = mapping.get("definition") or {}
                if "type" not in definition:
                    warnings.append(f"Mapping {prop} has no definition.type (Cytoscape Web and NDEx need it).")
                attr = definition.get("attribute")
                if attr not in (declarations.get(scope_name) or {}) and attr not in ("id", "name"):
                    warnings.append(f"Mapping {prop} uses attribute {attr} that is not declared for {scope_name}.")
    return errors, warnings
