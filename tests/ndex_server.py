"""A small stand-in for an NDEx server, for tests: 127.0.0.1, a free port, one thread per request.

It answers what the ``ndex2`` client calls to upload networks (see
``../shared/reference/cx/ndex2-3.12.0-captured-requests.jsonl``):
``GET /rest/admin/status``, ``POST /v2/network``, ``POST /v3/networks``,
``PUT /v2/network/{id}``, ``PUT /v3/networks/{id}``,
``GET /v2/network/{id}/summary``, ``PUT /v2/network/{id}/systemproperty``,
``POST /v2/networkset/{id}/members``. Like NDEx it checks Basic auth, answers
201 before looking at the file, and loads it in the background: the summary
says ``completed: false`` until then, and carries ``errorMessage`` (visibility
forced PRIVATE) when the server's CX rules reject it.

``server.fail_next["POST /v2/network"] = [503]`` makes the next matching
request fail once with that status (transient-error tests).
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid as uuidlib
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from exporters.formats.cx_rules import cx1_problems, cx2_problems

LOAD_DELAY = 0.05  # seconds before a network is "loaded"


class NdexServer(ThreadingHTTPServer):
    """The server and its state: users, networks (bytes + summary), network sets, request log."""

    daemon_threads = True

    def __init__(self, users: dict[str, str]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.users = dict(users)
        self.networks: dict[str, dict[str, Any]] = {}
        self.networksets: dict[str, list[str]] = {}
        self.requests: list[tuple[str, str]] = []
        self.fail_next: dict[str, list[int]] = {}
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> "NdexServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.shutdown()
        self.server_close()

    def store(self, owner: str, data: bytes, cx2: bool, visibility: str, network_id: str | None = None) -> str:
        """Save a network, mark it loading, and check it in the background like NDEx."""
        network_id = network_id or str(uuidlib.uuid4())
        summary = {"externalId": network_id, "owner": owner, "completed": False, "isValid": False,
                   "visibility": visibility, "nodeCount": 0, "edgeCount": 0, "warnings": [],
                   "modificationTime": int(time.time() * 1000)}
        with self.lock:
            self.networks[network_id] = {"owner": owner, "data": data, "cx2": cx2, "summary": summary}
        threading.Timer(LOAD_DELAY, self._load, (network_id, data, cx2)).start()
        return network_id

    def _load(self, network_id: str, data: bytes, cx2: bool) -> None:
        try:
            doc = json.loads(data)
            errors, warnings = (cx2_problems if cx2 else cx1_problems)(doc)
        except ValueError as exc:
            doc, errors, warnings = None, [f"illegal cx json format: {exc}"], []
        with self.lock:
            summary = self.networks[network_id]["summary"]
            summary.update(completed=True, isValid=not errors, warnings=warnings)
            if errors:
                summary.update(errorMessage=errors[0], visibility="PRIVATE")
            else:
                summary.pop("errorMessage", None)
                summary.update(_counts(doc, cx2))


def _counts(doc: list[dict[str, Any]], cx2: bool) -> dict[str, Any]:
    elements: dict[str, list[Any]] = {}
    for fragment in doc:
        for name, values in fragment.items():
            if isinstance(values, list):
                elements.setdefault(name, []).extend(values)
    attrs = elements.get("networkAttributes", [])
    if cx2:
        name = attrs[0].get("name") if attrs else None
        has_layout = any("x" in n for n in elements.get("nodes", []))
    else:
        name = next((a.get("v") for a in attrs if a.get("n") == "name"), None)
        has_layout = bool(elements.get("cartesianLayout"))
    return {"name": name, "nodeCount": len(elements.get("nodes", [])), "edgeCount": len(elements.get("edges", [])),
            "hasLayout": has_layout}


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
                    code = codes.pop(0)
                    return self._error(code, "NDEx_Service_Unavailable", "Server is busy, try again later.")
        if method == "GET" and path == "/rest/admin/status":
            return self._json(200, {"properties": {"ServerVersion": "2.5.4"}, "networkCount": 0})
        user = self._user()
        if user is None:
            return self._error(401, "NDEx_Unauthorized_Operation_Exception", "Invalid username or password.")
        segments = path.strip("/").split("/")
        if method == "POST" and path in ("/v2/network", "/v3/networks"):
            data = self._cx(body)
            if data is None:
                return self._error(400, "NDEx_Bad_Request_Exception",
                                   "Field CXNetworkStream is not found in the POSTed Data.")
            visibility = query.get("visibility", ["PRIVATE"])[0]
            network_id = self.server.store(user, data, path == "/v3/networks", visibility)
            location = f"{self.server.url}{path}/{network_id}"
            if path == "/v3/networks":
                return self._json(201, {"uuid": network_id, "modificationTime": 0}, {"Location": location})
            return self._send(201, location.encode(), "text/plain", {"Location": location})
        if len(segments) >= 3 and segments[:2] in (["v2", "network"], ["v3", "networks"]):
            network = self.server.networks.get(segments[2])
            if network is None:
                return self._error(404, "NDEx_Object_Not_Found_Exception", f"Network {segments[2]} not found.")
            if network["owner"] != user:
                return self._error(403, "NDEx_Unauthorized_Operation_Exception", "User doesn't own this network.")
            if method == "PUT" and len(segments) == 3:
                data = self._cx(body)
                if data is None:
                    return self._error(400, "NDEx_Bad_Request_Exception",
                                       "Field CXNetworkStream is not found in the POSTed Data.")
                self.server.store(user, data, segments[0] == "v3", network["summary"]["visibility"], segments[2])
                return self._send(204, b"", "text/plain")
            if method == "GET" and segments[3:] == ["summary"]:
                with self.server.lock:
                    return self._json(200, dict(network["summary"]))
            if method == "PUT" and segments[3:] == ["systemproperty"]:
                props = json.loads(body or b"{}")
                with self.server.lock:
                    if "visibility" in props:
                        network["summary"]["visibility"] = props["visibility"]
                return self._send(204, b"", "text/plain")
        if method == "POST" and segments[:2] == ["v2", "networkset"] and segments[3:] == ["members"]:
            with self.server.lock:
                members = self.server.networksets.setdefault(segments[2], [])
                members += [n for n in json.loads(body) if n not in members]
            return self._send(204, b"", "text/plain")
        return self._error(404, "NDEx_Object_Not_Found_Exception", f"No route for {method} {path}.")

    def _user(self) -> str | None:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        try:
            username, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return None
        return username if self.server.users.get(username) == password else None

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

    def _json(self, code: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send(code, json.dumps(payload).encode(), "application/json", headers)

    def _error(self, code: int, error_code: str, message: str) -> None:
        self._json(code, {"errorCode": error_code, "message": message, "description": None,
                          "stackTrace": None, "threadId": None, "timeStamp": int(time.time() * 1000)})

    def _send(self, code: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        for key, value in {"Content-Type": content_type, "Content-Length": str(len(body)), **(headers or {})}.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)
