"""API reference of each generated SDK as static HTML: `python -m generator.docs [NAME ...]` (`make docs`).

pdoc renders the package from its docstrings (Google style: each operation's summary, parameters,
errors, example and return type) into `.tmp/docs/<name>/`. The resource classes live in private modules
that users reach through the clients' attributes, so those modules are named explicitly. Afterwards
every link between the pages is followed: a link to a page or an anchor that does not exist fails the
build, naming the page and the link.
"""

from __future__ import annotations

import argparse
import html.parser
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.registry import ROOT, RegistryError, SdkEntry, load_registry, select

DOCS_ROOT = ROOT / ".tmp" / "docs"
SDK_ROOT = ROOT / "sdk"
# The modules a user of the SDK meets, beside the package itself (those present are documented).
_MODULES = ("_clients", "_resources", "errors", "models", "realtime")


class _Anchors(html.parser.HTMLParser):
    """The ids a page defines and the links it holds."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif name == "href" and value and tag == "a":
                self.links.append(value)


def documented_modules(entry: SdkEntry, project_dir: Path) -> list[str]:
    package = project_dir / entry.package
    names = [entry.package]
    for module in _MODULES:
        if (package / f"{module}.py").is_file() or (package / module / "__init__.py").is_file():
            names.append(f"{entry.package}.{module}")
    if entry.modules is not None:
        names += [f"{entry.package}.{path.stem}" for path in sorted(entry.modules.glob("*.py"))]
    return names


def render(entry: SdkEntry, project_dir: Path, out_dir: Path) -> None:
    """Run pdoc in a process of its own, with only this SDK importable, into a fresh folder."""
    shutil.rmtree(out_dir, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(project_dir), "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "pdoc", "--docformat", "google", "--no-show-source", "-o", str(out_dir)]
    result = subprocess.run(
        [*command, *documented_modules(entry, project_dir)], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{entry.name}: pdoc failed: {(result.stderr or result.stdout).strip()[-2000:]}")


def broken_links(out_dir: Path) -> Iterator[str]:
    """`page: link` for each link to a page or an anchor that is not there."""
    pages: dict[Path, _Anchors] = {}
    for page in sorted(out_dir.rglob("*.html")):
        parser = _Anchors()
        parser.feed(page.read_text(encoding="utf-8"))
        pages[page.resolve()] = parser
    for page, parser in pages.items():
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            anchors = pages.get(target)
            if anchors is None and not target.is_file():
                yield f"{page.relative_to(out_dir.resolve())}: link to missing page {link}"
            elif parts.fragment and anchors is not None and unquote(parts.fragment) not in anchors.ids:
                yield f"{page.relative_to(out_dir.resolve())}: link to missing anchor {link}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.docs", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="SDKs (default: all in generator/sdks.toml)")
    parser.add_argument("--out", type=Path, default=DOCS_ROOT, help="where to write (default: .tmp/docs/)")
    args = parser.parse_args(argv)
    try:
        entries = select(args.names, load_registry())
    except RegistryError as exc:
        print(f"docs: {exc}", file=sys.stderr)
        return 2
    failed = False
    for entry in entries:
        out_dir = args.out / entry.name
        try:
            render(entry, SDK_ROOT / entry.name, out_dir)
        except RuntimeError as exc:
            print(f"docs: {exc}", file=sys.stderr)
            failed = True
            continue
        broken = list(broken_links(out_dir))
        for line in broken:
            print(f"docs: {entry.name}: {line}", file=sys.stderr)
        failed = failed or bool(broken)
        print(f"docs: {entry.name}: {out_dir / 'index.html'}{' (broken links above)' if broken else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
