"""The project's documents (``docs/*.md``) as pages: the same Markdown as in the repository.

They are rendered here, with no internet, so an official opens the methodology from the page
that applies it and each parameter links to its section.
"""

from functools import lru_cache
from pathlib import Path

import markdown
from django.conf import settings
from django.http import Http404

DOCS_DIR = Path(settings.BASE_DIR) / "docs"


def document(name: str) -> tuple[str, str]:
    """The HTML of ``docs/<name>.md`` and its table of contents; 404 when the file is absent."""
    path = DOCS_DIR / f"{name}.md"
    if not path.is_file():
        raise Http404(f"Документ «{name}» не найден в поставке.")
    return _render(str(path), path.stat().st_mtime)


@lru_cache(maxsize=8)
def _render(path: str, _mtime: float) -> tuple[str, str]:
    converter = markdown.Markdown(
        extensions=["tables", "fenced_code", "toc", "sane_lists"],
        extension_configs={"toc": {"toc_depth": "2-3", "permalink": False}},
    )
    html = converter.convert(Path(path).read_text(encoding="utf-8"))
    return html, converter.toc
