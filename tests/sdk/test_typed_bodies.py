"""Request bodies as TypedDicts: a dict body is sent as its model, a wrong one is a TypeError naming `body`, and
the type checkers refuse a misspelt key (tests/typing_fail/wrong_body_key.py must fail both)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import httpx
import pytest
from myrvm_sdk import MyRVM
from myrvm_sdk.errors import RequestValidationError

from generator.registry import ROOT

NEGATIVE = ROOT / "tests" / "typing_fail" / "wrong_body_key.py"
SDK_PATHS = [str(ROOT / "sdk" / name) for name in ("myrvm", "xoohoox", "cloudconnexa", "tiktrue")]


@pytest.fixture
def sent() -> list[httpx.Request]:
    return []


@pytest.fixture
def client(sent: list[httpx.Request]) -> Any:
    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        raise AssertionError("recorded, not answered")  # the test reads what was sent, no answer is needed

    with MyRVM("http://127.0.0.1:9", api_token="t", transport=httpx.MockTransport(record)) as made:
        yield made


def test_a_dict_body_is_sent_as_its_model(client: MyRVM, sent: list[httpx.Request]) -> None:
    """{"device_id", "trigger"} goes out as the model's JSON; the enum given by its value."""
    with pytest.raises(Exception, match="recorded, not answered"):
        client.timezone.sync_manual(body={"device_id": "rvm-0042", "trigger": "api"})
    assert json.loads(sent[0].content) == {"device_id": "rvm-0042", "trigger": "api"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"device_id": "rvm-0042"}, "missing required key 'trigger'"),
        ({"device_id": "rvm-0042", "trigger": "api", "triger": "api"}, "unknown key 'triger'"),
        ({"device_id": "rvm-0042", "trigger": "by hand"}, "ValueError: 'by hand' is not a valid ManualSyncTrigger"),
        ("rvm-0042", "must be ManualTimezoneSyncRequest or a dict shaped as ManualTimezoneSyncRequestDict, not str"),
    ],
)
def test_a_body_that_fits_no_shape_is_a_type_error(
    client: MyRVM, sent: list[httpx.Request], body: object, message: str
) -> None:
    """A missing key, a misspelt one (the closed model would drop it), a bad enum value, no dict at all:
    TypeError naming the operation and `body`, and nothing is sent."""
    with pytest.raises(TypeError, match=rf"requestManualTimezoneSync: argument 'body' .*{re.escape(message)}"):
        client.timezone.sync_manual(body=body)  # type: ignore[call-overload]
    assert sent == []


def test_the_request_check_still_applies_to_a_dict_body(client: MyRVM, sent: list[httpx.Request]) -> None:
    """A threshold above the spec's maximum, given as a dict: the request check refuses it as for the model."""
    with pytest.raises(RequestValidationError, match="confidence_threshold"):
        client.config.update_confidence_threshold("rvm-0042", body={"confidence_threshold": 1.5})
    assert sent == []


def _errors(lines: str) -> set[int]:
    """The line numbers of wrong_body_key.py that a checker's output marks as errors."""
    return {int(n) for n in re.findall(r"wrong_body_key\.py:(\d+)(?::\d+)?:? -? ?error", lines)}


def _lines_marked(marker: str) -> set[int]:
    text = NEGATIVE.read_text(encoding="utf-8").splitlines()
    return {number for number, line in enumerate(text, start=1) if marker in line}


def test_mypy_refuses_a_misspelt_key_and_a_wrong_value() -> None:
    """mypy --strict reports exactly the two marked calls of the negative file, and nothing else."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(NEGATIVE)],
        capture_output=True,
        text=True,
        check=False,
        env={"MYPYPATH": ":".join(SDK_PATHS), "PATH": ""},
        cwd=ROOT,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert _errors(result.stdout) == _lines_marked("# WRONG"), result.stdout


def test_pyright_refuses_a_misspelt_key_and_a_wrong_value() -> None:
    """pyright strict (the pinned one, tests/typing's config) reports the same two calls."""
    pyright = ROOT / "mock" / "node_modules" / ".bin" / "pyright"
    if not pyright.exists():
        pytest.skip("pyright is installed by `make install` (npm ci in mock/)")
    result = subprocess.run(
        [str(pyright), "-p", "tests/typing", "--pythonpath", sys.executable, str(NEGATIVE)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert _errors(result.stdout) == _lines_marked("# WRONG"), result.stdout
