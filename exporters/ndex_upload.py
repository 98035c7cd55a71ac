"""``pfocr-export upload-ndex``: put CX/CX2 files on an NDEx server with the official ``ndex2`` client.

NDEx answers 201 even to a file it will later reject, so after each upload
the network summary is polled until ``completed`` and its ``errorMessage``
(if any) is reported, and so are its ``warnings`` (what NDEx dropped while
converting the file, e.g. a style mapping it could not parse). NDEx answers
401 both to refused credentials (the batch stops) and to a network the
account may not change (that file fails, the batch goes on). Credentials
come from ``NDEX_USERNAME`` / ``NDEX_PASSWORD`` or ``~/.netrc`` (machine =
the server's host name), never from the command line (a ``--server`` URL with
``user:password@`` is refused), are sent over plain HTTP only to this machine
or with ``--allow-http``, and are scrubbed from everything printed. Every
request has a timeout (``--timeout``; ndex2 sends its uploads without one, so
``_timed_client`` sends them with it); a server that cannot be reached or stops
answering stops the batch. A manifest (figid → network UUID) makes a re-run
update the networks it created instead of adding duplicates.
"""

from __future__ import annotations

import argparse
import base64
import io
import ipaddress
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
from urllib.parse import quote, urlsplit

from .writing import write_atomic

DEFAULT_SERVER = "https://www.ndexbio.org"
MANIFEST_NAME = "ndex-manifest.json"
RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0)  # seconds before each retry of a transient failure
POLL_DELAYS = (0.2, 0.5, 1.0, 2.0)  # then every 5 s
POLL_TIMEOUT = 600.0  # seconds to wait for NDEx to finish loading one network
DEFAULT_TIMEOUT = 60.0  # seconds a server may stay silent within one request
T = TypeVar("T")


class UploadError(Exception):
    """One figure could not be uploaded; the batch goes on. ``uuid``: the network, if NDEx made one;
    ``status``: the HTTP status NDEx answered, if any."""

    def __init__(self, message: str, uuid: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.uuid, self.status = uuid, status


class CredentialsError(Exception):
    """No credentials, or the server refused them; the batch stops."""


class Unreachable(Exception):
    """The server cannot be reached or stopped answering; the batch stops. ``uuid``: a network made before."""

    def __init__(self, message: str, uuid: str | None = None) -> None:
        super().__init__(message)
        self.uuid = uuid


class SetupError(Exception):
    """A ``--server`` that is not used (not http(s), credentials inside, plain HTTP elsewhere) or a manifest that
    cannot be read; nothing is tried."""


# What NDEx's BasicAuthenticationFilter answers (401) when it refuses the login itself; any other 401 is
# about one network or network set ("You do not have write permissions for this network.").
_REFUSED_LOGIN = re.compile(r"Invalid password for user|User .* is not known|Failed to authenticate user"
                            r"|No credentials to authenticate|denied access to a resource")


def register(subparsers: Any) -> None:
    """Add the ``upload-ndex`` subcommand."""
    parser = subparsers.add_parser(
        "upload-ndex", help="upload .cx / .cx2 files to NDEx (needs pfocr-exporters[ndex])",
        description="Upload CX (.cx, POST /v2/network) and CX2 (.cx2, POST /v3/networks) files to NDEx, one\n"
                    "network per file, and record figid -> network UUID in a manifest so that a re-run updates\n"
                    "them. Credentials: NDEX_USERNAME and NDEX_PASSWORD, or ~/.netrc for the server's host.\n"
                    "Exit codes: 0 all uploaded, 1 some failed (or the server went away midway), 2 nothing\n"
                    "tried (no ndex2, no files, a bad --server, no or refused credentials, server unreachable).",
        epilog="examples:\n"
               "  export NDEX_USERNAME=me NDEX_PASSWORD=...   # or ~/.netrc: machine www.ndexbio.org login me ...\n"
               "  pfocr-export upload-ndex out/cx --visibility PUBLIC\n"
               "  pfocr-export upload-ndex out/cx2 --server https://test.ndexbio.org --networkset UUID\n"
               "  pfocr-export upload-ndex out/cx/PMC5308639__oncotarget-07-61107-g007.cx --timeout 120",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", metavar="PATH", help=".cx/.cx2 files or folders holding them")
    parser.add_argument("--server", default=DEFAULT_SERVER,
                        help=f"NDEx server URL, without user:password@ (default {DEFAULT_SERVER})")
    parser.add_argument("--visibility", choices=("PUBLIC", "PRIVATE"), type=str.upper,
                        help="visibility of the networks (NDEx's default: PRIVATE)")
    parser.add_argument("--networkset", metavar="UUID", help="add every uploaded network to this network set")
    parser.add_argument("--manifest", metavar="FILE", type=Path,
                        help=f"figid -> network UUID record (default: {MANIFEST_NAME} beside the first file)")
    parser.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"give up on a server silent this long within one request (default: {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--allow-http", action="store_true",
                        help="send the credentials to a plain-http:// server on another machine (unencrypted)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Upload every file; 0 when all succeeded, 1 when some failed, 2 when nothing could be tried."""
    try:
        import ndex2.client  # noqa: F401
    except ImportError:
        print("upload-ndex needs the ndex2 client: pip install 'pfocr-exporters[ndex]'", file=sys.stderr)
        return 2
    files = _cx_files(args.paths)
    if not files:
        print("upload-ndex: no .cx or .cx2 files in " + " ".join(args.paths), file=sys.stderr)
        return 2
    manifest_path = args.manifest or files[0].parent / MANIFEST_NAME
    try:
        server = server_url(args.server, args.allow_http)
        manifest = _read_manifest(manifest_path, server)
        username, password = credentials(server)
    except (SetupError, CredentialsError) as exc:
        print(f"upload-ndex: {exc}", file=sys.stderr)
        return 2
    if urlsplit(server).scheme == "http":
        print(f"upload-ndex: warning: {server} is plain HTTP: the password is sent unencrypted", file=sys.stderr)
    secrets = _secrets(username, password)
    client = _timed_client(server, username, password, args.timeout)
    uploader = Uploader(client, args.visibility, timeout=args.timeout)
    failed: list[str] = []
    done: list[str] = []
    wrote_manifest = False
    stopped: Exception | None = None
    for path in files:
        figid = path.name[: -len(path.suffix)]
        try:
            uuid, action = uploader.upload(path, manifest["networks"].get(figid))
        except (CredentialsError, Unreachable) as exc:
            stopped, uuid, action = exc, getattr(exc, "uuid", None), None
            if uuid:
                failed.append(figid)
        except UploadError as exc:
            failed.append(figid)
            print(f"{figid}: FAILED: {_clean(str(exc), secrets)}", file=sys.stderr)
            uuid, action = exc.uuid, None
        for warning in uploader.warnings.pop(uuid, []) if uuid else []:
            print(f"{figid}: NDEx warns: {_clean(warning, secrets)}", file=sys.stderr)
        if uuid:
            manifest["networks"][figid] = uuid
            write_atomic(manifest_path, _manifest_bytes(manifest))
            wrote_manifest = True
        if action:
            done.append(uuid)
            print(f"{figid}: {action} {server}/viewer/networks/{uuid}")
        if stopped:
            break
    not_tried = len(files) - len(done) - len(failed)
    if stopped:
        where = f"{server}: " if isinstance(stopped, Unreachable) else ""
        print(f"upload-ndex: {where}{_clean(str(stopped), secrets)}; stopped at {figid}, {not_tried} of "
              f"{len(files)} files not tried", file=sys.stderr)
        if not done and not failed:
            return 2
    status = 1 if failed or stopped else 0
    if args.networkset and done and not stopped:
        try:
            with warnings.catch_warnings():  # ndex2 3.12 prefers folders; NDEx still serves network sets
                warnings.simplefilter("ignore", DeprecationWarning)
                uploader.retry(lambda: client.add_networks_to_networkset(args.networkset, done))
        except (UploadError, Unreachable) as exc:
            print(f"upload-ndex: could not add networks to set {args.networkset}: {_clean(str(exc), secrets)}",
                  file=sys.stderr)
            status = 1
    elif args.networkset and done:
        print(f"upload-ndex: networks not added to set {args.networkset}: the batch stopped", file=sys.stderr)
    untried = f", {not_tried} not tried" if not_tried else ""
    written = f"; manifest {manifest_path}" if wrote_manifest else "; no manifest written"
    print(f"upload-ndex: {len(done)} uploaded, {len(failed)} failed{untried}{written}")
    return status


def server_url(text: str, allow_http: bool = False) -> str:
    """The NDEx base URL to use (https:// when no scheme is given), or SetupError saying why not."""
    url = _with_scheme(text)
    shown = _without_userinfo(url)
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed [IPv6 address
        raise SetupError(f"--server {shown}: not a URL") from None
    if parts.username is not None or parts.password is not None:
        raise SetupError(f"--server {shown}: user:password@ in the URL is not used (it would stay in the "
                             "shell history and the process list): set NDEX_USERNAME and NDEX_PASSWORD, or "
                             "add the server to ~/.netrc")
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise SetupError(f"--server {shown}: not an NDEx server's base URL (like {DEFAULT_SERVER})")
    if parts.scheme == "http" and not allow_http and not _loopback(parts.hostname):
        raise SetupError(f"--server {shown} is plain HTTP: the NDEx password would cross the network "
                             "unencrypted; use https://, or pass --allow-http to send it anyway")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _with_scheme(url: str) -> str:
    """https:// in front of a URL without a scheme, as ndex2 reads it."""
    return url.strip() if "://" in url else "https://" + url.strip()


def _without_userinfo(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    authority, slash, tail = rest.partition("/")
    return f"{scheme}{sep}{authority.rpartition('@')[2]}{slash}{tail}"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < 1e6:
        raise argparse.ArgumentTypeError(f"{text}: not a number of seconds above 0")
    return value


def credentials(server: str) -> tuple[str, str]:
    """(username, password) from NDEX_USERNAME/NDEX_PASSWORD, else from ~/.netrc for the server's host."""
    username, password = os.environ.get("NDEX_USERNAME"), os.environ.get("NDEX_PASSWORD")
    if username and password:
        return username, password
    host = urlsplit(server).hostname or server
    try:
        entry = netrc.netrc().authenticators(host)
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        entry = None
    if entry and entry[0] and entry[2]:
        return entry[0], entry[2]
    raise CredentialsError(f"no NDEx credentials for {host}: set NDEX_USERNAME and NDEX_PASSWORD, "
                           f"or add 'machine {host} login USER password PASS' to ~/.netrc")


def _timed_client(server: str, username: str, password: str, timeout: float) -> Any:
    """An ``ndex2.client.Ndex2`` whose every request gives up after ``timeout`` seconds of silence.

    ndex2 (3.8 to 3.12) passes its timeout to the calls it makes through its session, but sends the
    uploads themselves (``post_multipart``, ``put_multipart``) with a bare ``requests.post``/``put``
    that has none: those two are overridden to send the same request with the timeout. It also
    replaces any host containing "localhost" by http://localhost:8080/ndexbio-rest (and then reads
    the server as NDEx 1.3); the URL given is kept instead, as a v2 server.
    """
    import requests
    from ndex2.client import Ndex2
    from requests_toolbelt import MultipartEncoder

    class TimedNdex2(Ndex2):
        def put_multipart(self, route: str, fields: Any, alt_version_endpoint: str | None = None,
                          returnjsonundertry: bool = True, returnfullresponse: bool = False) -> Any:
            return self._send_multipart("PUT", route, fields, None, alt_version_endpoint,
                                        {"Accept": "application/json"}, returnjsonundertry, returnfullresponse)

        def post_multipart(self, route: str, fields: Any, query_string: str | None = None,
                           alt_version_endpoint: str | None = None, returnjsonundertry: bool = True,
                           returnfullresponse: bool = False) -> Any:
            return self._send_multipart("POST", route, fields, query_string, alt_version_endpoint, {},
                                        returnjsonundertry, returnfullresponse)

        def _send_multipart(self, method: str, route: str, fields: Any, query_string: str | None,
                            endpoint: str | None, accept: dict[str, str], returnjsonundertry: bool,
                            returnfullresponse: bool) -> Any:
            url = self.host + self._get_version_endpoint(alt_version_endpoint=endpoint) + route
            body = MultipartEncoder(fields=fields)
            headers = {"Content-Type": body.content_type, **accept, Ndex2.USER_AGENT_KEY: self._get_user_agent(),
                       "Connection": "close"}
            response = requests.request(method, url + (f"?{query_string}" if query_string else ""), data=body,
                                        headers=headers, auth=self._get_auth_tuple(), timeout=self.timeout)
            return self._return_response(response, returnjsonundertry=returnjsonundertry,
                                         returnfullresponse=returnfullresponse)

    client = TimedNdex2(host=server, username=username, password=password, timeout=timeout,
                        skip_version_check=True)
    if client.host != server:  # the localhost rewrite, which also skips what skip_version_check sets
        client.host, client.version, client.version_endpoint = server, "2.0", "/v2"
    return client


class Uploader:
    """Creates or updates one network per file through an ``ndex2.client.Ndex2``, then waits for NDEx."""

    def __init__(self, client: Any, visibility: str | None, sleep: Callable[[float], None] = time.sleep,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self.client, self.visibility, self.sleep, self.timeout = client, visibility, sleep, timeout
        self.warnings: dict[str, list[str]] = {}  # network UUID -> what NDEx warned about while loading it
        self.answered = False  # the server has sent an HTTP answer in this run

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
                raise UploadError(f"NDEx answered {str(url)!r} instead of a network URL")
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
        except Unreachable as exc:
            raise Unreachable(str(exc), uuid) from None
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
        """call(), retried after RETRY_DELAYS on 5xx and, once the server has answered, on lost connections;
        a timeout, or no connection to a server that never answered, is Unreachable (the batch stops);
        other errors become UploadError."""
        for attempt in range(len(RETRY_DELAYS) + 1):
            try:
                result = call()
                self.answered = True
                return result
            except _Gone:
                self.answered = True
                raise
            except Exception as exc:  # ndex2 raises requests errors and NDExError subclasses
                status = _status(exc)
                self.answered = self.answered or status is not None
                if status == 401 and _REFUSED_LOGIN.search(_message(exc)):
                    raise CredentialsError("NDEx refused the credentials (HTTP 401 Unauthorized): check "
                                           "NDEX_USERNAME / NDEX_PASSWORD or ~/.netrc") from None
                lost = _network_error(exc) if status is None else None
                if lost is not None and (_is_timeout(lost) or not self.answered or attempt == len(RETRY_DELAYS)):
                    tries = f" ({attempt + 1} attempts)" if attempt else ""
                    raise Unreachable(_network_reason(lost, self.timeout) + tries) from None
                transient = lost is not None or (status or 0) >= 500 and status != 501
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
    """NDEx's own message (the ``message`` of its JSON error object) when there is one, else the error's text,
    whole: ``_clean`` scrubs it before shortening it."""
    response = _response(exc)
    text = response.text if response is not None else str(exc).split(" from server: ", 1)[-1]
    try:
        message = json.loads(text).get("message")
    except (ValueError, AttributeError):
        message = None
    return str(message or text or exc)


def _network_error(exc: BaseException) -> BaseException | None:
    """The requests error behind a connection that failed, timed out or broke off (ndex2 wraps some of them
    in an NDExError raised while handling it), else None."""
    import requests

    for error in (exc, exc.__context__):
        if isinstance(error, (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)):
            return error
    return None


def _is_timeout(exc: BaseException) -> bool:
    """A timeout while waiting for an answer, or while sending to a server that does not read."""
    import requests

    return isinstance(exc, requests.Timeout) or "TimeoutError('timed out')" in str(exc)


def _network_reason(exc: BaseException, timeout: float) -> str:
    """What went wrong with the connection, in a few words (requests' own text repeats the URL and pool)."""
    import requests

    if isinstance(exc, requests.ConnectTimeout):
        return f"could not connect within {timeout:g} s (--timeout)"
    if _is_timeout(exc):
        return f"no answer within {timeout:g} s (--timeout)"
    text = str(exc)
    if isinstance(exc, requests.exceptions.SSLError):
        found = re.search(r"\[SSL: [^]]*\] ([^'\"]+)", text)
        return "TLS failed: " + (found.group(1).strip() if found else text)
    if "RemoteDisconnected" in text:
        return "the server closed the connection without answering"
    found = re.search(r"\[Errno -?\d+\] ([^'\")]+)|Error\(-?\d+, '([^']+)'\)", text)
    if not found:
        return f"connection failed ({type(exc).__name__})"
    reason = (found.group(1) or found.group(2)).strip().lower()
    connecting = "NewConnectionError" in text or "NameResolutionError" in text
    return f"cannot connect: {reason}" if connecting else f"connection broken: {reason}"


def _secrets(username: str, password: str) -> list[str]:
    """The forms in which a server could echo the password: as is, URL- and JSON-escaped, and the Basic
    credentials it came in (base64 of user:password, in Latin-1 as requests sends it, or UTF-8)."""
    forms = {password, quote(password, safe=""), json.dumps(password)[1:-1]}
    for encoding in ("latin-1", "utf-8"):
        try:
            basic = base64.b64encode(f"{username}:{password}".encode(encoding)).decode()
        except UnicodeEncodeError:
            continue
        forms |= {basic, basic.rstrip("=")}
    return sorted((form for form in forms if form), key=len, reverse=True)


def _clean(text: str, secrets: Iterable[str]) -> str:
    """The text as printed: every form of the password replaced (wherever it stands as a token of its own, so
    that a short password does not mangle words), on one line, at most 400 characters."""
    for secret in secrets:
        text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])", "********", text)
    text = " ".join(text.split())
    return text[:400] + ("…" if len(text) > 400 else "")


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
    """The manifest's networks for ``server``; one written with user:password@ in its server URL (before
    upload-ndex refused those) is read as that server and rewritten without them."""
    try:
        manifest = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {"server": server, "networks": {}}
    except (OSError, ValueError) as exc:
        raise SetupError(f"manifest {path} cannot be read: {exc}") from None
    networks = manifest.get("networks", {}) if isinstance(manifest, dict) else None
    if not isinstance(networks, dict) or not all(isinstance(v, str) for v in networks.values()):
        raise SetupError(f"manifest {path} is not an upload-ndex manifest (server, networks: figid -> UUID)")
    recorded = _without_userinfo(_with_scheme(str(manifest.get("server")))).rstrip("/")
    if recorded != server:
        raise SetupError(f"manifest {path} records networks on {recorded}, not {server}; pass --manifest FILE "
                         "for another server")
    return {"server": server, "networks": dict(networks)}


def _manifest_bytes(manifest: dict[str, Any]) -> bytes:
    manifest = {"server": manifest["server"], "networks": dict(sorted(manifest["networks"].items()))}
    return (json.dumps(manifest, indent=1) + "\n").encode()
