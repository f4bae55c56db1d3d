"""The mirror HTTP server: real host names and paths served from tests/mirror/sites on loopback.

Two addressing schemes reach the same tree:
- host-based: ``Host: www.gansu.gov.cn.localhost:PORT`` (the headless browser; root-relative URLs keep working);
- path-prefix: ``http://127.0.0.1:PORT/www.gansu.gov.cn/path?query`` (plain Scrapy requests).

``python -m tests.mirror.server --port 8000`` runs it in the foreground.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from tests.mirror import endpoints
from tests.mirror.endpoints import MirrorRequest, MirrorResponse, content_type, html_page

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SITES = HERE / "sites"
LOG_PATH = "/__mirror__/log"
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
# Hosts whose files are stored and served in GBK, as the real VSB site does.
GBK_HOSTS = frozenset({"www.tianshui.gov.cn"})


@dataclass
class MirrorServer:
    """A running mirror: where it listens, what it was asked, and how to stop it."""

    httpd: ThreadingHTTPServer
    thread: threading.Thread | None
    log: list[dict] = field(default_factory=list)

    @property
    def port(self) -> int:
        """The bound port."""
        return self.httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT"""
        return f"http://127.0.0.1:{self.port}"

    def url(self, real_url: str) -> str:
        """The path-prefix mirror URL of a real URL."""
        parts = urlsplit(real_url)
        return f"{self.base_url}/{parts.hostname}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")

    def override(self, real_url: str, body: bytes | None) -> None:
        """Serve ``body`` at a real URL from now on (None: answer 404, the page is gone)."""
        parts = urlsplit(real_url)
        self.httpd.mirror_state["overrides"][(parts.hostname, parts.path)] = body  # type: ignore[attr-defined]

    def add_host(self, host: str, handler: Callable[[MirrorRequest], MirrorResponse]) -> None:
        """Answer every request for ``host`` with ``handler`` (a whole test site in code)."""
        self.httpd.mirror_state["extra"][host] = handler  # type: ignore[attr-defined]

    def clear_overrides(self) -> None:
        """Serve the generated tree again everywhere."""
        self.httpd.mirror_state["overrides"].clear()  # type: ignore[attr-defined]

    def stop(self) -> None:
        """Shut the server down and close its socket."""
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.thread:
            self.thread.join(timeout=5)


def route(host_header: str, raw_path: str) -> tuple[str | None, str, str]:
    """(real host, path, query) of a request under either addressing scheme; host None when unroutable."""
    parts = urlsplit(raw_path)
    path, query = unquote(parts.path) or "/", parts.query
    name = host_header.strip().lower()
    if name.startswith("["):
        name = name.split("]")[0] + "]"
    else:
        name = name.rsplit(":", 1)[0] if ":" in name else name
    if name.endswith(".localhost"):
        return name.removesuffix(".localhost"), path, query
    if name in LOOPBACK or not name:
        first, _, rest = path.lstrip("/").partition("/")
        if "." not in first:
            return None, path, query
        return first.lower(), "/" + rest, query
    return name, path, query  # a real host name (proxy-style requests)


def static_file(root: Path, host: str, path: str) -> Path | None:
    """The file for a real host and path, or None; never escapes the host's folder."""
    base = (root / host).resolve()
    if not base.is_dir():
        return None
    rel = path.lstrip("/")
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    target = (base / rel).resolve()
    if not target.is_relative_to(base):
        return None
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def challenge_page(conf: dict) -> MirrorResponse:
    """The 瑞数 HTTP 412 shell: meta r='m', inline $_ts, external script that sets the cookie and reloads."""
    body = (
        '<html><head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
        "<meta content=\"{qVpGk1fQyZ0hT3sWcN8eLmRbA5xJdU2o.9iKvP4gXwY7nE6tHjCzMlBr}\" r='m'>\n"
        "<script type=\"text/javascript\" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=48213;"
        "$_ts.cd=\"qGrAoAlqDqEqqqRrWaVlDqDkmGZrhqEkqGlmWAlqoaGrFGqlkqE9rAcEmGqkxVEqrAlkrqZmHaeqqqq\";</script>\n"
        f"<script type=\"text/javascript\" charset=\"utf-8\" src=\"{conf['script']}\" r='m'></script>\n"
        "</head><body></body></html>\n"
    )
    return MirrorResponse(412, body.encode("utf-8"))


def has_cookie(header: str, name: str) -> bool:
    """True when the Cookie header carries a non-empty `name` (a malformed header counts as absent)."""
    cookie = SimpleCookie()
    try:
        cookie.load(header or "")
    except CookieError:
        return False
    return bool(name in cookie and cookie[name].value)


class MirrorHandler(BaseHTTPRequestHandler):
    """Routes one request: mirror log, challenge, dynamic endpoint, static file, else 404."""

    server_version = "nianbao-mirror/1"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._serve(b"")

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(b"", head=True)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        self._serve(self.rfile.read(length) if length > 0 else b"")

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (signature fixed by http.server)
        logger.debug("%s " + format, self.address_string(), *args)

    def _serve(self, body: bytes, head: bool = False) -> None:
        state = self.server.mirror_state  # type: ignore[attr-defined]
        host, path, query = route(self.headers.get("Host", ""), self.path)
        if host is None and path == LOG_PATH:
            self._send(MirrorResponse(200, json.dumps(state["log"], ensure_ascii=False).encode("utf-8"), "application/json; charset=UTF-8"), head)
            return
        response = self._respond(state, host, path, query, body)
        entry = {
            "host": host,
            "path": path,
            "query": query,
            "method": self.command,
            "user_agent": self.headers.get("User-Agent", ""),
            "referer": self.headers.get("Referer", ""),
            "status": response.status,
        }
        state["log"].append(entry)
        if response.chunks is not None:
            entry["sent"] = self._stream(response, head)
        else:
            self._send(response, head)

    def _respond(self, state: dict, host: str | None, path: str, query: str, body: bytes) -> MirrorResponse:
        if host is None:
            return html_page(404, "404 Not Found", "Unknown host: address pages as /<realhost>/<path> or <realhost>.localhost.")
        data, root = state["data"], state["root"]
        challenge = data.get("challenge")
        if challenge and host == challenge["host"] and path not in challenge["exempt"]:
            if not has_cookie(self.headers.get("Cookie", ""), challenge["cookie"]):
                return challenge_page(challenge)
        extra = state["extra"].get(host)
        if extra is not None:
            return extra(self._request(host, path, query, body))
        if (host, path) in state["overrides"]:
            body = state["overrides"][(host, path)]
            if body is None:
                return html_page(404, "404 Not Found", f"{host}{path} is gone.")
            return self._conditional(MirrorResponse(200, body, content_type(path, "UTF-8")))
        handler = endpoints.find_handler(state["table"], host, path)
        if handler is not None:
            return handler(self._request(host, path, query, body), data, root)
        target = static_file(root, host, path)
        if target is None:
            return html_page(404, "404 Not Found", f"{host}{path} is not in the mirror.")
        response = MirrorResponse(200, target.read_bytes(), content_type(target.name, "GBK" if host in GBK_HOSTS else "UTF-8"))
        return self._conditional(response)

    def _request(self, host: str, path: str, query: str, body: bytes) -> MirrorRequest:
        headers = {k.lower(): v for k, v in self.headers.items()}
        return MirrorRequest(host, path, parse_qs(query, keep_blank_values=True), self.command,
                             headers, endpoints.form_of(body))

    def _conditional(self, response: MirrorResponse) -> MirrorResponse:
        """Static pages carry an ETag and answer If-None-Match with 304, as real CMSs do."""
        etag = '"' + hashlib.sha1(response.body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            return MirrorResponse(304, b"", response.content_type, (("ETag", etag),))
        return MirrorResponse(response.status, response.body, response.content_type,
                              (*response.headers, ("ETag", etag)))

    def _send(self, response: MirrorResponse, head: bool) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if not head:
            try:
                self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):
                # The browser cancels requests it no longer needs (images after the
                # challenge reloads the page); nothing to serve any more.
                logger.debug("client went away before %s was sent", self.path)

    def _stream(self, response: MirrorResponse, head: bool) -> int:
        """Send a streamed body until it ends or the client hangs up; the bytes sent."""
        self.close_connection = True
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        if response.length is not None:
            self.send_header("Content-Length", str(response.length))
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        sent = 0
        if head:
            return sent
        try:
            for chunk in response.chunks():
                self.wfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            logger.debug("client hung up on %s after %d bytes", self.path, sent)
        return sent


def load_state(root: Path) -> dict:
    """Endpoint data and routing table, read once at start (never per request)."""
    data_path = root.parent / "endpoints.json"
    data = json.loads(data_path.read_text(encoding="utf-8")) if data_path.is_file() else {}
    return {"root": root, "data": data, "table": endpoints.endpoint_table(data), "log": [],
            "overrides": {}, "extra": {}}


def start_server(port: int = 0, root: Path = SITES) -> MirrorServer:
    """Start the mirror on 127.0.0.1:`port` (0 = any free port) in a daemon thread."""
    httpd = ThreadingHTTPServer(("127.0.0.1", port), MirrorHandler)
    httpd.daemon_threads = True
    state = load_state(Path(root))
    httpd.mirror_state = state  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, name="mirror-server", daemon=True)
    thread.start()
    return MirrorServer(httpd, thread, state["log"])


def main(argv: list[str] | None = None) -> None:
    """Command line: serve in the foreground until interrupted."""
    parser = argparse.ArgumentParser(description="Serve the offline mirror of the Gansu portals.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--root", type=Path, default=SITES)
    args = parser.parse_args(argv)
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), MirrorHandler)
    httpd.daemon_threads = True
    httpd.mirror_state = load_state(args.root)  # type: ignore[attr-defined]
    print(f"mirror: serving on http://127.0.0.1:{httpd.server_address[1]}", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()


if __name__ == "__main__":
    main()
