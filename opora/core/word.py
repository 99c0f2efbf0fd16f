"""Word documents from editable templates (docxtpl): one way to open a template and fill it.

An official may take a template, change it in Word and use their own copy. So a template that is
not a .docx, a broken tag or a misspelt placeholder is refused with a Russian message naming it,
never rendered with a blank in an order or a report.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate


class DocumentTemplateError(ValueError):
    """The Word template cannot be rendered; the message is for the official who edited it."""


def open_template(template: Path | str) -> DocxTemplate:
    """The template, checked to be a Word document."""
    path = Path(template)
    if not path.is_file():
        raise FileNotFoundError(f"Word template not found: {path}")
    document = DocxTemplate(path)
    try:
        document.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise DocumentTemplateError(f"Файл шаблона «{path.name}» не является документом Word (.docx).") from error
    return document


def render_template(document: DocxTemplate, context: dict[str, Any]) -> bytes:
    """The filled document; an unknown placeholder or a broken tag is refused by name."""
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    try:
        document.render(context, environment, autoescape=True)
    except jinja2.UndefinedError as error:
        raise DocumentTemplateError(
            f"В шаблоне неизвестная подстановка ({error.message}). Допустимые: {', '.join(sorted(context))}."
        ) from error
    except jinja2.TemplateSyntaxError as error:
        # docxtpl keeps the document's text around the broken tag: the official can find it in Word.
        nearby = " ".join(line.strip() for line in getattr(error, "docx_context", ()) if line.strip())
        raise DocumentTemplateError(
            f"В шаблоне ошибка в разметке {{{{ … }}}} или {{% … %}}: {error.message}. Рядом с текстом: «{nearby}»."
        ) from error
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
