"""``pfocr-export upload-ndex``: put CX/CX2 files on an NDEx server with the official ``ndex2`` client.

NDEx answers 201 even to a file it will later reject, so after each upload
the network summary is polled until ``completed`` and its ``errorMessage``
(if any) is reported, and so are its ``warnings`` (what NDEx dropped while
converting the file, e.g. a style mapping it could not parse). NDEx answers
401 both to refused credentials (the batch stops) and to a network the
account may not change (that file fails, the batch goes on). Credentials
come from ``NDEX_USERNAME`` / ``NDEX_PASSWORD`` or ``~/.netrc`` (machine =
the server's host name), never from the command line, and are never printed.
A manifest (figid → network UUID) makes a re-run update the networks it
created instead of adding duplicates.
"""

from __future__ import annotations

import argparse
import io
import json
import netrc
import os
import re
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

from .writing import write_atomic

DEFAULT_SERVER = "https://www.ndexbio.org"
MANIFEST_NAME = "ndex-manifest.json"
RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0)  # seconds before each retry of a transient failure
POLL_DELAYS = (0.2, 0.5, 1.0, 2.0)  # then every 5 s
POLL_TIMEOUT = 600.0  # seconds to wait for NDEx to finish loading one network
T = TypeVar("T")


class UploadError(Exception):
    """One figure could not be uploaded; the batch goes on. ``uuid``: the network, if NDEx made one;
    ``status``: the HTTP status NDEx answered, if any."""

    def __init__(self, message: str, uuid: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.uuid, self.status = uuid, status


class CredentialsError(Exception):
    """No credentials, or the server refused them; the batch stops."""


# What NDEx's BasicAuthenticationFilter answers (401) when it refuses the login itself; any other 401 is
# about one network or network set ("You do not have write permissions for this network.").
_REFUSED_LOGIN = re.compile(r"Invalid password for user|User .* is not known|Failed to authenticate user"
                            r"|No credentials to authenticate|denied access to a resource")


def register(subparsers: Any) -> None:
    """Add the ``upload-ndex`` subcommand."""
    parser = subparsers.add_parser(
        "upload-ndex", help="upload .cx / .cx2 files to NDEx (needs pfocr-exporters[ndex])",
        description="Upload CX (.cx, POST /v2/network) and CX2 (.cx2, POST /v3/networks) files to NDEx. "
                    "Credentials: NDEX_USERNAME and NDEX_PASSWORD, or ~/.netrc for the server's host.")
    parser.add_argument("paths", nargs="+", metavar="PATH", help=".cx/.cx2 files or folders holding them")
    parser.add_argument("--server", default=DEFAULT_SERVER, help=f"NDEx server URL (default {DEFAULT_SERVER})")
    parser.add_argument("--visibility", choices=("PUBLIC", "PRIVATE"), type=str.upper,
                        help="visibility of the networks (NDEx's default: PRIVATE)")
    parser.add_argument("--networkset", metavar="UUID", help="add every uploaded network to this network set")
    parser.add_argument("--manifest", metavar="FILE", type=Path,
                        help=f"figid -> network UUID record (default: {MANIFEST_NAME} beside the first file)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Upload every file; 0 when all succeeded, 1 when some failed, 2 when nothing could be tried."""
    try:
        from ndex2.client import Ndex2
    except ImportError:
        print("upload-ndex needs the ndex2 client: pip install 'pfocr-exporters[ndex]'", file=sys.stderr)
        return 2
    files = _cx_files(args.paths)
    if not files:
        print("upload-ndex: no .cx or .cx2 files in " + " ".join(args.paths), file=sys.stderr)
        return 2
    server = args.server.rstrip("/")
    try:
        username, password = credentials(server)
    except CredentialsError as exc:
        print(f"upload-ndex: {exc}", file=sys.stderr)
        return 2
    manifest_path = args.manifest or files[0].parent / MANIFEST_NAME
    manifest = _read_manifest(manifest_path, server)
    client = Ndex2(host=server, username=username, password=password, skip_version_check=True)
    uploader = Uploader(client, args.visibility)
    failed: list[str] = []
    done: list[str] = []
    for path in files:
        figid = path.name[: -len(path.suffix)]
        try:
            uuid, action = uploader.upload(path, manifest["networks"].get(figid))
        except CredentialsError as exc:
            print(f"upload-ndex: {_scrub(str(exc), password)}", file=sys.stderr)
            return 2
        except UploadError as exc:
            failed.append(figid)
            print(f"{figid}: FAILED: {_scrub(str(exc), password)}", file=sys.stderr)
            uuid, action = exc.uuid, None
        for warning in uploader.warnings.pop(uuid, []) if uuid else []:
            print(f"{figid}: NDEx warns: {_scrub(warning, password)}", file=sys.stderr)
        if uuid:
            manifest["networks"][figid] = uuid
            write_atomic(manifest_path, _manifest_bytes(manifest))
        if action:
            done.append(uuid)
            print(f"{figid}: {action} {server}/viewer/networks/{uuid}")
    if args.networkset and done:
        try:
            with warnings.catch_warnings():  # ndex2 3.12 prefers folders; NDEx still serves network sets
                warnings.simplefilter("ignore", DeprecationWarning)
                uploader.retry(lambda: client.add_networks_to_networkset(args.networkset, done))
        except UploadError as exc:
            print(f"upload-ndex: could not add networks to set {args.networkset}: {_scrub(str(exc), password)}",
                  file=sys.stderr)
            return 1
    print(f"upload-ndex: {len(done)} uploaded, {len(failed)} failed; manifest {manifest_path}")
    return 1 if failed else 0


def credentials(server: str) -> tuple[str, str]:
    """(username, password) from NDEX_USERNAME/NDEX_PASSWORD, else from ~/.netrc for the server's host."""
    username, password = os.environ.get("NDEX_USERNAME"), os.environ.get("NDEX_PASSWORD")
    if username and password:
        return username, password
    host = urlparse(server).hostname or server
    try:
        entry = netrc.netrc().authenticators(host)
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        entry = None
    if entry and entry[0] and entry[2]:
        return entry[0], entry[2]
    raise CredentialsError(f"no NDEx credentials for {host}: set NDEX_USERNAME and NDEX_PASSWORD, "
                           f"or add 'machine {host} login USER password PASS' to ~/.netrc")


class Uploader:
    """Creates or updates one network per file through an ``ndex2.client.Ndex2``, then waits for NDEx."""

    def __init__(self, client: Any, visibility: str | None, sleep: Callable[[float], None] = time.sleep) -> None:
        self.client, self.visibility, self.sleep = client, visibility, sleep
        self.warnings: dict[str, list[str]] = {}  # network UUID -> what NDEx warned about while loading it

    def upload(self, path: Path, uuid: str | None) -> tuple[str, str]:
        """(network UUID, "created" | "updated"); UploadError(message, uuid or None) on failure."""
        data = path.read_bytes()
        cx2 = path.suffix == ".cx2"
        action = "updated"
        if uuid:
            try:
                self.retry(lambda: self._update(data, uuid, cx2))
            except _Gone:
                uuid = None
            except UploadError as exc:
                if exc.status == 401:
                    raise UploadError(f"{exc} (the manifest's network {uuid} belongs to another account: remove it "
                                      "from the manifest to create a new one)") from None
                raise
        if not uuid:
            action = "created"
            url = self.retry(lambda: self._create(data, cx2))
            uuid = str(url).strip().rsplit("/", 1)[-1]
            if not re.fullmatch(r"[0-9a-fA-F-]{36}", uuid):
                raise UploadError(f"NDEx answered {str(url)[:200]!r} instead of a network URL")
        try:
            summary = self.wait(uuid)
            self.warnings[uuid] = [str(w) for w in summary.get("warnings") or []]
            if summary.get("errorMessage"):
                raise UploadError(f"NDEx rejected the network {uuid}: {summary['errorMessage']}")
            if self.visibility and action == "updated":
                change = (self.client.make_network_public if self.visibility == "PUBLIC"
                          else self.client.make_network_private)
                self.retry(lambda: change(uuid))
        except UploadError as exc:  # the network exists: keep its UUID so a re-run updates it
            raise UploadError(str(exc), uuid) from None
        return uuid, action

    def _create(self, data: bytes, cx2: bool) -> str:
        if cx2:
            return self.client.save_cx2_stream_as_new_network(io.BytesIO(data), visibility=self.visibility)
        return self.client.save_cx_stream_as_new_network(io.BytesIO(data), visibility=self.visibility)

    def _update(self, data: bytes, uuid: str, cx2: bool) -> None:
        try:
            if cx2:
                self.client.update_cx2_network(io.BytesIO(data), uuid)
            else:
                self.client.update_cx_network(io.BytesIO(data), uuid)
        except Exception as exc:
            if _status(exc) == 404:  # deleted on the server since the last run: create it again
                raise _Gone from None
            raise

    def wait(self, uuid: str) -> dict[str, Any]:
        """Poll the network summary until NDEx has finished loading it."""
        waited = 0.0
        delays = iter(POLL_DELAYS)
        while True:
            summary = self.retry(lambda: self.client.get_network_summary(uuid))
            if not isinstance(summary, dict):
                raise UploadError(f"NDEx sent a summary that is not JSON for {uuid}")
            if summary.get("completed"):
                return summary
            if waited >= POLL_TIMEOUT:
                raise UploadError(f"NDEx had not finished loading {uuid} after {POLL_TIMEOUT:.0f} s")
            delay = next(delays, 5.0)
            self.sleep(delay)
            waited += delay

    def retry(self, call: Callable[[], T]) -> T:
        """call(), retried after RETRY_DELAYS on 5xx and connection errors; other errors become UploadError."""
        for attempt in range(len(RETRY_DELAYS) + 1):
            try:
                return call()
            except _Gone:
                raise
            except Exception as exc:  # ndex2 raises requests errors and NDExError subclasses
                status = _status(exc)
                if status == 401 and _REFUSED_LOGIN.search(_message(exc)):
                    raise CredentialsError("NDEx refused the credentials (HTTP 401 Unauthorized): check "
                                           "NDEX_USERNAME / NDEX_PASSWORD or ~/.netrc") from None
                transient = status is None and _is_connection_error(exc) or (status or 0) >= 500 and status != 501
                if not transient or attempt == len(RETRY_DELAYS):
                    reason = f"HTTP {status}" if status else type(exc).__name__
                    tries = f" after {attempt + 1} attempts" if attempt else ""
                    raise UploadError(f"{reason}{tries}: {_message(exc)}", status=status) from None
                self.sleep(RETRY_DELAYS[attempt])
        raise AssertionError("unreachable")


class _Gone(Exception):
    """The manifest's network no longer exists on the server."""


def _response(exc: BaseException) -> Any:
    """The HTTP response behind a requests error, or behind the ndex2 error raised while handling one."""
    for error in (exc, exc.__context__):
        response = getattr(error, "response", None)
        if response is not None and getattr(response, "status_code", None):
            return response
    return None


def _status(exc: BaseException) -> int | None:
    """HTTP status of a requests or ndex2 error, None for connection-level errors."""
    response = _response(exc)
    if response is not None:
        return int(response.status_code)
    match = re.match(r"Caught (\d{3}) from server", str(exc))
    return int(match.group(1)) if match else None


def _message(exc: BaseException) -> str:
    """NDEx's own message (the ``message`` of its JSON error object) when there is one, else the error's text."""
    response = _response(exc)
    text = response.text if response is not None else str(exc).split(" from server: ", 1)[-1]
    try:
        message = json.loads(text).get("message")
    except (ValueError, AttributeError):
        message = None
    return _short(message or text or str(exc))


def _is_connection_error(exc: BaseException) -> bool:
    import requests

    if isinstance(exc, (requests.ConnectionError, requests.Timeout)):
        return True
    return bool(re.match(r"Caught (ConnectionError|ConnectTimeout|ReadTimeout|Timeout|ChunkedEncodingError)",
                         str(exc)))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text[:300] + ("…" if len(text) > 300 else "")


def _scrub(text: str, secret: str) -> str:
    """Belt and braces: a password never reaches the terminal, even inside a server's echo."""
    return text.replace(secret, "********") if secret else text


def _cx_files(paths: Iterable[str]) -> list[Path]:
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in (".cx", ".cx2") and p.is_file())
        elif path.suffix in (".cx", ".cx2") and path.is_file():
            found.append(path)
    return list(dict.fromkeys(found))


def _read_manifest(path: Path, server: str) -> dict[str, Any]:
    try:
        manifest = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {"server": server, "networks": {}}
    except ValueError as exc:
        raise SystemExit(f"upload-ndex: manifest {path} is not JSON: {exc}") from None
    if manifest.get("server") != server:
        raise SystemExit(f"upload-ndex: manifest {path} records networks on {manifest.get('server')}, "
                         f"not {server}; pass --manifest FILE for another server")
    return {"server": server, "networks": dict(manifest.get("networks", {}))}


def _manifest_bytes(manifest: dict[str, Any]) -> bytes:
    manifest = {"server": manifest["server"], "networks": dict(sorted(manifest["networks"].items()))}
    return (json.dumps(manifest, indent=1) + "\n").encode()
