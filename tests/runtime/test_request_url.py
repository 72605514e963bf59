"""`PathJoiner` gives exactly ``httpx.URL(base + path)``, or None so that httpx parses the path itself."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from runtime.pipeline._request_url import PathJoiner

BASES = ["http://127.0.0.1:8080", "https://api.example.test/v1/", "https://api.example.test/api/v%C3%A9/", "http://h"]

# Path segments the way generated code builds them: literal template parts and quote(str(value), safe="").
_segment = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12).map(
        lambda value: quote(value, safe="")
    ),
    st.text(alphabet="abcxyz-_.~!$&'()*+,;=:@%[]? #", max_size=8),  # literal parts, some of them unusual
    st.sampled_from([".", "..", "%2e", "%zz", "%41", ""]),
)
_path = st.lists(_segment, min_size=1, max_size=5).map(lambda parts: "/" + "/".join(parts))


def _same(joined: httpx.URL, expected: httpx.URL) -> None:
    assert str(joined) == str(expected)
    assert joined == expected
    assert (joined.raw_path, joined.path, joined.host, joined.port, joined.scheme, joined.netloc) == (
        expected.raw_path,
        expected.path,
        expected.host,
        expected.port,
        expected.scheme,
        expected.netloc,
    )
    assert joined.params == expected.params


@pytest.mark.parametrize("base", BASES)
@given(path=_path)
@example(path="/items/5")
@example(path="/items/a%20b/c")
@example(path="/items/../x")
@example(path="/./x")
@example(path="/x/.")
@example(path="/items?x=1")
@example(path="/a#frag")
@example(path="/a b")
@example(path="/ü")
@example(path="/a[1]")
def test_joined_url_equals_httpx_parse(base: str, path: str) -> None:
    base_url = httpx.URL(base if base.endswith("/") else base + "/")  # as a client holds it: with a final slash
    joined = PathJoiner(base_url).join(path)
    expected = httpx.URL(str(base_url).rstrip("/") + path)
    if joined is not None:
        _same(joined, expected)


def test_common_paths_take_the_short_way() -> None:
    joiner = PathJoiner(httpx.URL("https://api.example.test/v1/"))
    for path in ("/items/5", "/items/a%20b", "/users/me@example.com/keys:rotate", "/x/y-z_~.json"):
        assert joiner.join(path) is not None, path


@pytest.mark.parametrize(
    "path", ["/a b", "/ü", "/../x", "/a/./b", "/q?x=1", "/f#x", "/%zz", "/a[1]", "/" + "a" * 70000]
)
def test_paths_httpx_would_change_are_left_to_httpx(path: str) -> None:
    assert PathJoiner(httpx.URL("https://api.example.test/")).join(path) is None


@pytest.mark.parametrize("base", ["https://api.example.test/v1/?key=1", "https://api.example.test/#top"])
def test_a_base_with_query_or_fragment_is_left_to_httpx(base: str) -> None:
    assert PathJoiner(httpx.URL(base)).join("/items") is None


def test_an_httpx_that_stores_urls_differently_turns_the_short_way_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PathJoiner, "available", False)
    assert PathJoiner(httpx.URL("https://api.example.test/")).join("/items") is None
