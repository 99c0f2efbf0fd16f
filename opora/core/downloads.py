"""Files the pages send for saving: one response for every download, its Russian name kept."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from opora.core.tables import workbook_bytes

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def download_response(content: bytes, *, filename: str, content_type: str = XLSX_CONTENT_TYPE) -> HttpResponse:
    """A file for the browser to save, its Russian name kept (RFC 6266)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def xlsx_response(
    *,
    filename: str,
    sheet_title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    text_columns: Iterable[int] = (),
) -> HttpResponse:
    content = workbook_bytes(sheet_title=sheet_title, columns=columns, rows=rows, text_columns=text_columns)
    return download_response(content, filename=filename)
