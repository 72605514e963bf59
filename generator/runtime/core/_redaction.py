"""What the logs may show of a request or response: allowlists for headers and query keys, masks for bodies.

Rules (all pure functions over one frozen `Redaction` policy):

- Headers: only names in `safe_headers` show their value; every other header shows ``REDACTED``.
  `ALWAYS_MASKED_HEADERS` (Authorization, Cookie, Set-Cookie, X-Api-Key, Proxy-Authorization) are
  masked even if someone adds them to the allowlist.
- Query strings: keys are kept, values show only for keys in `safe_query_keys`.
- Bodies: JSON is parsed and every secret field is masked before rendering (any nesting, inside
  lists); form bodies likewise. A field is secret when its name looks secret (`is_secret_name`:
  password, token, secret, api_key/apikey, authorization, cookie, credential, session, private key;
  any case) or is one of the policy's `secret_fields` (the fields an SDK's spec marks
  ``format: password`` or ``writeOnly``, compared the same way). Other text is scanned for
  ``name=value`` / ``"name": "value"`` pairs with a secret name, then truncated; binary bodies show
  only their size. JSON that cannot be parsed is never shown raw.
- Error messages use the same policy (`_exchange.py`), so they mask exactly the fields the log lines
  mask; the policy travels to them in the request's `REDACTION_EXTENSION`, set by the logging
  transport.
- URLs given as text (a base URL in a repr or a settings error) show their user info, the
  ``user:password@`` part, as ``REDACTED@`` (`mask_userinfo`).
- Known values: the credentials found in the request (auth headers, secret-named query values and
  body fields, at least `MIN_SCRUB_LENGTH` characters long) are also cut out of any other text shown
  for that exchange, e.g. a problem body that echoes the token in its ``detail``.

Masking happens before truncation, so a cut never exposes half a secret.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
from collections.abc import Iterable
from typing import Final
from urllib.parse import parse_qsl, unquote_plus, urlencode

import attrs

from . import httpx
from ._defaults import (
    DEFAULT_MAX_BODY_CHARS,
    DEFAULT_MAX_CAPTURED_BODY_BYTES,
    DEFAULT_SAFE_HEADERS,
    DEFAULT_SAFE_QUERY_KEYS,
    REDACTION_EXTENSION,
)

__all__ = [
    "ALWAYS_MASKED_HEADERS",
    "DEFAULT_REDACTION",
    "DEFAULT_SAFE_HEADERS",
    "DEFAULT_SAFE_QUERY_KEYS",
    "REDACTED",
    "Redaction",
    "is_secret_name",
    "mask_userinfo",
    "redaction_for",
]

REDACTED: Final = "REDACTED"
MIN_SCRUB_LENGTH: Final = 8
"""Shorter request values are not scrubbed from other text (too likely to hit innocent words)."""

ALWAYS_MASKED_HEADERS: Final = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"})

_SECRET_WORDS = ("password", "passwd", "passphrase", "token", "secret", "apikey", "authorization",
                 "cookie", "credential", "session", "privatekey", "signature")  # fmt: skip
_USERINFO = re.compile(r"^(?P<scheme>\s*[A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")
"""The user info of an absolute URL: from ``//`` to the last ``@`` of the authority (RFC 3986 3.2)."""
_SEPARATORS = re.compile(r"[-_.\s]")
_SECRET_NAME_PATTERN = (
    r"pass(?:word|wd|phrase)|token|secret|api[_-]?key|authorization|cookie|credential|session|private[_-]?key|signature"
)


@functools.lru_cache(maxsize=64)
def _text_pair(secret_fields: frozenset[str]) -> re.Pattern[str]:
    """A ``name=value`` / ``"name": "value"`` pair in free text whose name looks secret or spells one of
    `secret_fields` (normalised names, matched with any case and separators)."""
    fields = "".join(f"|{'[-_.]?'.join(map(re.escape, name))}" for name in sorted(secret_fields))
    return re.compile(
        rf"(?i)([\w.-]*(?:{_SECRET_NAME_PATTERN}{fields})[\w.-]*)"
        r"(\"?'?\s*[:=]\s*\"?'?)"
        r"([^\"'&\s,;}]+)"
    )


def _normalised(name: str) -> str:
    """A name compared without case or separators: ``Hardware-Fingerprint`` ~ ``hardware_fingerprint``."""
    return _SEPARATORS.sub("", name.lower())


@functools.lru_cache(maxsize=1024)
def is_secret_name(name: str) -> bool:
    """True when a field, header or parameter name looks like it holds a credential (any case)."""
    normalised = _normalised(name)
    return any(word in normalised for word in _SECRET_WORDS)


def _field_names(names: Iterable[str]) -> frozenset[str]:
    """Secret field names, kept normalised (`_normalised`) so every spelling of one matches."""
    return frozenset(_normalised(name) for name in names)


def mask_userinfo(url: str) -> str:
    """`url` with its user info (``user:password@``) shown as ``REDACTED@``; other URLs unchanged."""
    return _USERINFO.sub(rf"\g<scheme>{REDACTED}@", url)


def _lowercase(names: Iterable[str]) -> frozenset[str]:
    """Header names compare lowercased (httpx reports them that way)."""
    return frozenset(name.lower() for name in names)


@attrs.frozen(kw_only=True)
class Redaction:
    """The logging redaction policy. Defaults: `DEFAULT_SAFE_HEADERS`, `DEFAULT_SAFE_QUERY_KEYS`,
    `DEFAULT_MAX_BODY_CHARS` shown per body, `DEFAULT_MAX_CAPTURED_BODY_BYTES` read for parsing."""

    safe_headers: frozenset[str] = attrs.field(default=DEFAULT_SAFE_HEADERS, converter=_lowercase)
    safe_query_keys: frozenset[str] = DEFAULT_SAFE_QUERY_KEYS
    max_body_chars: int = attrs.field(default=DEFAULT_MAX_BODY_CHARS, validator=attrs.validators.ge(0))
    max_captured_body_bytes: int = attrs.field(
        default=DEFAULT_MAX_CAPTURED_BODY_BYTES, validator=attrs.validators.ge(0)
    )
    secret_fields: frozenset[str] = attrs.field(factory=frozenset, converter=_field_names)
    """Further field names masked like secret-looking ones (an SDK passes its spec's password fields)."""

    def is_secret_field(self, name: str) -> bool:
        """True when a field, header or parameter of this name holds a credential under this policy."""
        return is_secret_name(name) or (bool(self.secret_fields) and _normalised(name) in self.secret_fields)

    def is_credential_header(self, name: str) -> bool:
        """True for a header that carries a credential: `ALWAYS_MASKED_HEADERS` or a secret field's name."""
        return name.lower() in ALWAYS_MASKED_HEADERS or self.is_secret_field(name)

    def target(self, url: httpx.URL) -> str:
        """The path and query, each query value not in `safe_query_keys` replaced by ``REDACTED``.

        Path and query are shown as sent, still percent-encoded, so no control character (a path parameter
        holding a newline, say) reaches a log line; a parameter without ``=`` counts as a value.
        """
        return self.raw_target(url.raw_path)

    def raw_target(self, raw: bytes) -> str:
        """`target` of a request target as sent (``url.raw_path``, or `core._lazy_request.raw_target`, which
        reads it without parsing the URL)."""
        if b"?" not in raw:
            return raw.decode("ascii", "replace")  # no query, nothing to redact: the usual INFO line
        path, _, query = raw.partition(b"?")
        if not query:
            return path.decode("ascii", "replace")
        shown = []
        for pair in query.decode("ascii", "replace").split("&"):
            key, equals, value = pair.partition("=")
            if not equals:
                shown.append(pair if self._safe_key(unquote_plus(pair)) else REDACTED)
            else:
                shown.append(f"{key}={value if self._safe_key(unquote_plus(key)) else REDACTED}")
        return f"{path.decode('ascii', 'replace')}?{'&'.join(shown)}"

    def _safe_key(self, key: str) -> bool:
        return key in self.safe_query_keys and not self.is_secret_field(key)

    def headers(self, headers: httpx.Headers, known: Iterable[str] = ()) -> dict[str, str]:
        """Header name -> shown value (repeated headers joined with ``, ``)."""
        shown: dict[str, str] = {}
        for name, value in headers.multi_items():
            if name in ALWAYS_MASKED_HEADERS or name not in self.safe_headers or self.is_secret_field(name):
                value = REDACTED
            else:
                value = scrub(value, known)
            shown[name] = f"{shown[name]}, {value}" if name in shown else value
        return shown

    def body(self, content: bytes, content_type: str, known: Iterable[str] = (), *, complete: bool = True) -> str:
        """A loggable rendering of a body (see the module docstring); `complete` False if capped."""
        if not content:
            return "(empty)"
        kind = content_type.split(";", 1)[0].strip().lower()
        if "json" in kind:
            if not complete:
                return f"<{len(content)}+ bytes of JSON, too large to log>"
            try:
                data = json.loads(content)
                rendered = json.dumps(self._mask_json(data, tuple(known)), ensure_ascii=False)
            except ValueError:
                return f"<{len(content)} bytes of JSON that does not parse>"
            except RecursionError:  # parsing or masking a value nested past Python's recursion limit
                return f"<{len(content)} bytes of JSON nested too deeply to log>"
            return self._cut(rendered)
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            return f"<{len(content)}{'' if complete else '+'} bytes of {kind or 'binary data'}>"
        if kind == "application/x-www-form-urlencoded":
            pairs = parse_qsl(text, keep_blank_values=True)
            text = urlencode([(k, REDACTED if self.is_secret_field(k) else scrub(v, known)) for k, v in pairs])
            return self._cut(text)
        return self._cut(self.text(text, known))

    def text(self, text: str, known: Iterable[str] = ()) -> str:
        """Free text with secret ``name=value`` pairs masked and known secret values cut out (not truncated)."""

        return scrub(_text_pair(self.secret_fields).sub(rf"\1\2{REDACTED}", text), known)

    def _cut(self, text: str) -> str:
        """Truncate after masking, so only harmless text is ever cut."""
        if len(text) <= self.max_body_chars:
            return text
        return f"{text[: self.max_body_chars]}... ({len(text) - self.max_body_chars} more chars)"

    def _mask_json(self, value: object, known: tuple[str, ...]) -> object:
        """A copy of the JSON value with secret fields masked and known secrets cut from strings."""
        if isinstance(value, dict):
            return {
                key: REDACTED if self.is_secret_field(str(key)) else self._mask_json(item, known)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self._mask_json(item, known) for item in value]
        if isinstance(value, str):
            return scrub(value, known)
        return value

    def known_secrets(self, request: httpx.Request) -> list[str]:
        """Credential values carried by `request`, longest first, for `scrub` (only at DEBUG or on errors)."""
        found: set[str] = set()
        for name, value in request.headers.multi_items():
            if name in ("cookie", "set-cookie"):
                found.update(part.strip().partition("=")[2] for part in value.split(";"))
            elif name in ALWAYS_MASKED_HEADERS or self.is_secret_field(name):
                found.add(value.partition(" ")[2] if name.endswith("authorization") else value)
            else:
                continue
            found.add(value)
        for key, value in parse_qsl(request.url.query.decode("ascii", "replace"), keep_blank_values=True):
            if self.is_secret_field(key):
                found.add(value)
        if isinstance(request.stream, httpx.ByteStream):
            content = b"".join(request.stream)
            if content:
                found.update(self._body_secrets(content, request.headers.get("content-type", "")))
        return sorted((s for s in found if len(s) >= MIN_SCRUB_LENGTH), key=len, reverse=True)

    def _body_secrets(self, content: bytes, content_type: str) -> set[str]:
        """String values of secret fields in a JSON or form request body."""
        found: set[str] = set()
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            return found
        if "json" in content_type:
            with contextlib.suppress(ValueError, RecursionError):  # (nested past Python's recursion limit)
                self._collect_json(json.loads(text), found, secret_parent=False)
        elif "x-www-form-urlencoded" in content_type:
            found.update(v for k, v in parse_qsl(text, keep_blank_values=True) if self.is_secret_field(k))
        return found

    def _collect_json(self, value: object, found: set[str], *, secret_parent: bool) -> None:
        """Walk a JSON value, gathering every string under a secret field."""
        if isinstance(value, dict):
            for key, item in value.items():
                self._collect_json(item, found, secret_parent=secret_parent or self.is_secret_field(str(key)))
        elif isinstance(value, list):
            for item in value:
                self._collect_json(item, found, secret_parent=secret_parent)
        elif isinstance(value, str) and secret_parent:
            found.add(value)


def scrub(text: str, known: Iterable[str]) -> str:
    """`text` with every occurrence of each known secret value replaced by ``REDACTED``."""
    for secret in known:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


DEFAULT_REDACTION: Final = Redaction()
"""The policy of a client that was given none, and of error messages for requests no SDK client sent."""


def redaction_for(request: httpx.Request) -> Redaction:
    """The policy the logging transport lent `request` (`REDACTION_EXTENSION`), else `DEFAULT_REDACTION`."""
    policy = request.extensions.get(REDACTION_EXTENSION)
    return policy if isinstance(policy, Redaction) else DEFAULT_REDACTION
