"""generator/docs.py (`make docs`): pdoc pages of an SDK, with every link between them checked."""

from __future__ import annotations

import re
from pathlib import Path

from generator.docs import broken_links, render
from generator.registry import ROOT, load_registry


def write(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")


def test_links_to_missing_pages_and_anchors_are_reported(tmp_path: Path) -> None:
    """A link to a page that is not there, or to an id the page lacks, is named with the page holding it."""
    write(tmp_path / "pkg.html", '<a href="pkg/models.html#Widget">ok</a><a href="#Gone">x</a><a id="Here"></a>')
    write(tmp_path / "pkg" / "models.html", '<section id="Widget"></section><a href="../pkg.html#Here">up</a>')
    write(tmp_path / "pkg" / "errors.html", '<a href="missing.html">x</a><a href="https://example.com/#nope">out</a>')
    assert sorted(broken_links(tmp_path)) == [
        "pkg.html: link to missing anchor #Gone",
        "pkg/errors.html: link to missing page missing.html",
    ]


def test_an_sdk_reference_documents_each_operation_with_errors_and_an_example(tmp_path: Path) -> None:
    """The TikTrue reference has its resources' methods, each with Raises, an Example and its return type, and no
    broken link."""
    entry = load_registry()["tiktrue"]
    render(entry, ROOT / "sdk" / entry.name, tmp_path)
    resources = (tmp_path / entry.package / "_resources.html").read_text(encoding="utf-8")
    assert 'id="LicensesResource.validate"' in resources
    section = resources[resources.index('id="LicensesResource.validate"') :]
    section = section[: section.index("</section>") if "</section>" in section else 20000]
    text = re.sub(r"<[^>]+>", "", section)
    for heading in ("Raises:", "Example:"):
        assert heading in text or heading.rstrip(":") in text, heading
    assert "client.licenses.validate(body=...)" in text
    assert "LicenseValidation" in text  # what it returns: the signature's annotation (no Returns: block repeats it)
    assert list(broken_links(tmp_path)) == []
