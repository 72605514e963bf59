"""What a spec check reports: one `Finding` per problem, printed as `file#/json/pointer: [rule] message (line N)`.

Every stage that reads a spec (the lint, the generator, the mock) speaks in findings, so a broken spec is
always reported the same way: the file, the RFC 6901 pointer to the node, the rule that caught it, and the
line when it is known.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs


@attrs.frozen(kw_only=True)
class Finding:
    """One problem in one spec."""

    file: str
    pointer: str
    rule: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line is not None else ""
        return f"{self.file}#{self.pointer}: [{self.rule}] {self.message}{where}"


class SpecError(Exception):
    """A spec that cannot be used; `findings` says why, each naming the file, the pointer and the rule."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = tuple(findings)
        super().__init__("\n".join(str(finding) for finding in self.findings))


def json_pointer(path: Iterable[object]) -> str:
    """RFC 6901 pointer for a path of keys and indexes (`~` and `/` escaped)."""
    parts = [str(part).replace("~", "~0").replace("/", "~1") for part in path]
    return "/" + "/".join(parts) if parts else ""


def pointer_tokens(pointer: str) -> list[str]:
    """The unescaped reference tokens of an RFC 6901 pointer (`""` is the whole document)."""
    return [raw.replace("~1", "/").replace("~0", "~") for raw in pointer.split("/")[1:]] if pointer else []
