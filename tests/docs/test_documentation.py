"""The README and the documentation site: they build, stay short where they should, and every
link resolves inside the repository (users get the repository alone)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
# [text](target) and ![alt](target); the target ends at whitespace or the closing parenthesis.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*([^)\s]+)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built the way `make docs` builds it (strict: a broken link or anchor fails)."""
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "docs-build", f"DOCS_SITE={out}"],
        cwd=REPO, capture_output=True, text=True, timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def markdown_files() -> Iterator[Path]:
    yield REPO / "README.md"
    yield from sorted((REPO / "docs").rglob("*.md"))


def links(path: Path) -> Iterator[str]:
    text = CODE_SPAN.sub("", FENCE.sub("", path.read_text(encoding="utf-8")))
    for match in LINK.finditer(text):
        yield match.group(1)


def test_the_site_builds_with_every_page_and_the_api_reference(site: Path) -> None:
    for page in ("index.html", "sdk/index.html", "team/index.html", "architecture/index.html"):
        assert (site / page).is_file(), page
    reference = (site / "reference" / "api" / "index.html").read_text(encoding="utf-8")
    # Rendered from the schema of the running code (one anchor per operation), not written by hand.
    assert 'id="get-apirunsrun_idmetrics_step"' in reference
    assert 'id="get-apiv2experiments"' in reference


def test_every_link_resolves_inside_the_repository(site: Path) -> None:
    problems = []
    for path in markdown_files():
        for target in links(path):
            parts = urlsplit(target)
            if parts.scheme in ("http", "https"):
                if parts.hostname not in LOCAL_HOSTS:
                    problems.append(f"{path.relative_to(REPO)}: {target} leaves the repository")
                continue
            if parts.scheme or target.startswith("#"):
                if parts.scheme not in ("", "mailto"):
                    problems.append(f"{path.relative_to(REPO)}: {target}")
                continue
            resolved = (path.parent / unquote(parts.path)).resolve()
            if not resolved.is_relative_to(REPO):
                problems.append(f"{path.relative_to(REPO)}: {target} points outside the repository")
            elif not resolved.exists():
                problems.append(f"{path.relative_to(REPO)}: {target} does not exist")
    assert problems == []


def test_the_readme_stays_short_and_names_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 200
    assert "make run" in readme and "make test" in readme
