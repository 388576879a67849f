"""A small keep-alive HTTP client with cookies and CSRF, for the benchmark.

The standard library only, so the figures measure the service, not a client
library; one connection per simulated user, as a browser would keep.
"""

from __future__ import annotations

import http.client
import re
import ssl
import time
import urllib.parse
import uuid
from html.parser import HTMLParser


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes, seconds: float):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class Client:
    """`ssl_context`: HTTPS (bin/deploy-smoke, through nginx), else HTTP."""

    def __init__(self, host: str, port: int, *, ssl_context: ssl.SSLContext | None = None):
        self.host, self.port = host, port
        self.ssl_context = ssl_context
        self.scheme = "https" if ssl_context is not None else "http"
        self.cookies: dict[str, str] = {}
        self.conn = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        if self.ssl_context is not None:
            return http.client.HTTPSConnection(self.host, self.port, timeout=60,
                                               context=self.ssl_context)
        return http.client.HTTPConnection(self.host, self.port, timeout=60)

    def _request(self, method: str, path: str, body: bytes | None = None,
                 headers: dict[str, str] | None = None) -> Response:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                raw = self.conn.getresponse()
                data = raw.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A worker recycled the keep-alive connection: reconnect once.
                self.conn.close()
                self.conn = self._connect()
                if attempt == 2:
                    raise
        seconds = time.perf_counter() - started
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                val = rest.split(";", 1)[0]
                if 'expires=Thu, 01 Jan 1970' in value or "Max-Age=0" in value:
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = val
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data, seconds)

    def get(self, path: str) -> Response:
        return self._request("GET", path)

    def post(self, path: str, data: dict[str, str] | list[tuple[str, str]]) -> Response:
        pairs = list(data.items()) if isinstance(data, dict) else list(data)
        if not any(k == "csrfmiddlewaretoken" for k, _ in pairs):
            pairs.append(("csrfmiddlewaretoken", self.cookies.get("csrftoken", "")))
        body = urllib.parse.urlencode(pairs).encode()
        return self._request("POST", path, body, {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"{self.scheme}://{self.host}:{self.port}{path}",
        })

    def post_file(self, path: str, fields: dict[str, str], name: str, filename: str,
                  data: bytes, content_type: str) -> Response:
        """A multipart form: the fields first, the file last (as a browser sends
        the upload form)."""
        boundary = "----bench" + uuid.uuid4().hex
        fields = {**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                 .encode() for k, v in fields.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode())
        body = b"".join(parts) + data + f"\r\n--{boundary}--\r\n".encode()
        return self._request("POST", path, body, {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Referer": f"{self.scheme}://{self.host}:{self.port}{path}",
        })

    def login(self, username: str, password: str, path: str = "/accounts/login/") -> None:
        self.get(path)
        done = self.post(path, {"username": username, "password": password})
        if done.status != 302:
            raise RuntimeError(f"login of {username} failed with HTTP {done.status}")

    def close(self) -> None:
        self.conn.close()


class FormParser(HTMLParser):
    """Collect the fields of the page's main form: name -> options / value."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, dict] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            field = self.fields.setdefault(name, {"type": a.get("type", "text"), "options": [],
                                                  "value": None})
            if a.get("type") in ("radio", "checkbox"):
                field["options"].append(a.get("value"))
                if "checked" in a:
                    field["value"] = a.get("value")
            else:
                field["value"] = a.get("value")
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, {"type": "select", "options": [], "value": None})
        elif tag == "option" and self._select:
            self.fields[self._select]["options"].append(a.get("value"))
            if "selected" in a:
                self.fields[self._select]["value"] = a.get("value")
        elif tag == "textarea" and name:
            self.fields.setdefault(name, {"type": "textarea", "options": [], "value": ""})

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_fields(html: str) -> dict[str, dict]:
    parser = FormParser()
    parser.feed(html)
    return parser.fields


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S)


def summarize(samples: list[float]) -> tuple[float, float]:
    return percentile(samples, 50) * 1000, percentile(samples, 99) * 1000


def timed_gets(client: Client, path: str, n: int) -> list[float]:
    out = []
    for _ in range(n):
        response = client.get(path)
        if response.status != 200:
            raise RuntimeError(f"GET {path} gave HTTP {response.status}")
        out.append(response.seconds)
    return out
