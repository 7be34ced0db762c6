"""Read a report file: detect its encoding and format, refuse bad input clearly.

:func:`read_report` accepts plain text in UTF-8 (with or without BOM),
GB18030/GBK or UTF-16/UTF-32 with a BOM, with LF, CRLF or CR line endings,
web pages saved from a government site (``.html``/``.htm``), whose article
text is extracted with trafilatura, Word files (``.docx``, python-docx) and
PDFs with a text layer (``.pdf``, pypdf).  The raw text is kept exactly as
decoded; for a web page, a Word file or a PDF the extracted text plays that
role (cleaning, the audit and all offsets work on it the same way).  A
scanned PDF without a text layer is refused with a clear message.

Anything that is not a report fails with :class:`~policytext.errors.ReportError`,
whose message is one line naming the file and the problem.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from pathlib import Path

from ..errors import ReportError
from ..options import HTML_SUFFIXES
from ..text.chars import count_han
from .report import Report, make_report

__all__ = ["read_report", "decode_bytes"]

_UNSUPPORTED = {".doc": "Word 97-2003 (.doc)", ".rtf": "RTF", ".odt": "OpenDocument",
                ".xlsx": "Excel", ".xls": "Excel", ".zip": "zip", ".gz": "gzip"}

#: Fewest Chinese characters, and smallest share of the non-space text, for a file to count as Chinese text.
MIN_HAN = 20
MIN_HAN_SHARE = 0.2

_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


def decode_bytes(data: bytes, path: str | Path = "<bytes>", *, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``.

    Order: a byte-order mark decides; otherwise a ``declared`` charset (from
    an HTML ``<meta>``), then strict UTF-8, then GB18030 (a superset of GBK
    and GB2312).  NUL bytes without a BOM mean a binary file.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ReportError(path, f"starts with a {encoding.upper()} byte-order mark "
                                        f"but is not valid {encoding.upper()} ({exc.reason} at byte {exc.start})") from None
            return text.lstrip("\ufeff"), encoding
    if b"\x00" in data:
        raise ReportError(path, "binary file (contains NUL bytes), not text; "
                                "expected UTF-8, GB18030/GBK, or UTF-16 with a byte-order mark")
    candidates = ["utf-8", "gb18030"]
    if declared:
        declared = declared.lower()
        declared = "gb18030" if declared in ("gb2312", "gbk", "gb18030", "x-gbk") else declared
        try:
            codecs.lookup(declared)
            candidates.insert(0, declared)
        except LookupError:
            pass
    for encoding in dict.fromkeys(candidates):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ReportError(path, "cannot be decoded as UTF-8, GB18030/GBK or UTF-16 "
                            "(a binary file, or text in another encoding)")


#: Control (Cc, except tab and line breaks), private-use (Co) and surrogate (Cs) characters, and U+FFFD.
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufffd"
                         "\U000f0000-\U000ffffd\U00100000-\U0010fffd]")


def _check_text(text: str, path: Path) -> None:
    if not text.strip():
        raise ReportError(path, "contains only white space, no text")
    controls = len(_CONTROL_RE.findall(text))
    if controls > max(5, 0.01 * len(text)):
        raise ReportError(path, f"looks binary or garbled: {controls} control or replacement characters "
                                f"in {len(text)} characters")
    han = count_han(text)
    visible = sum(map(len, text.split()))  # characters that are not white space
    if han < MIN_HAN or han < MIN_HAN_SHARE * visible:
        raise ReportError(path, f"no Chinese text: {han} Chinese characters in {visible} non-space characters; "
                                "is this a government work report?")


def _extract_html(html: str, path: Path) -> str:
    import trafilatura  # imported here: only web pages need it, and it is slow to import

    doc = trafilatura.bare_extraction(html, favor_recall=True, include_comments=False,
                                      include_tables=True, with_metadata=True)
    body = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not body:
        body = (trafilatura.html2txt(html) or "").strip()
    if not body:
        raise ReportError(path, "web page has no article text that could be extracted")
    title = (getattr(doc, "title", None) or "").strip() if doc is not None else ""
    if title and "政府工作报告" in title and title not in body[:500]:
        body = f"{title}\n{body}"
    return body


def _extract_docx(path: Path) -> str:
    import zipfile

    from docx import Document
    from docx.opc.exceptions import OpcError

    try:
        document = Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OpcError) as exc:
        raise ReportError(path, f"not a readable Word (.docx) file ({type(exc).__name__})") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines.extend("\t".join(cell.text for cell in row.cells) for row in table.rows)
    return "\n".join(lines)


def _extract_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReportError(path, "PDF is encrypted; save an unprotected copy")
        text = "\n".join((page.extract_text() or "") for page in reader.pages)
    except PdfReadError as exc:
        raise ReportError(path, f"not a readable PDF ({exc})") from None
    if len("".join(text.split())) < MIN_HAN:
        raise ReportError(path, f"PDF has no text layer ({len(reader.pages)} page(s) of images, a scan?); "
                                "run OCR first or save the report as text")
    return text


def read_report(path: str | Path) -> Report:
    """Read a report from ``path`` and return a cleaned :class:`~policytext.document.report.Report`.

    Raises :class:`~policytext.errors.ReportError` (one line: file and problem)
    for a missing file, a directory, an empty or white-space-only file, a
    binary or undecodable file, or a file without Chinese text.
    """
    path = Path(path)
    if not path.exists():
        raise ReportError(path, "no such file")
    if path.is_dir():
        raise ReportError(path, "is a directory, not a report file")
    suffix = path.suffix.lower()
    if suffix in _UNSUPPORTED:
        raise ReportError(path, f"{_UNSUPPORTED[suffix]} files are not supported; "
                                f"save the report as UTF-8 text (.txt) or a web page (.html)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(path, f"cannot be read: {exc.strerror or exc}") from None
    if not data:
        raise ReportError(path, "is empty (0 bytes)")
    head = data[:2048].lstrip().lower()
    is_html = suffix in HTML_SUFFIXES or head.startswith((b"<!doctype html", b"<html"))
    if suffix == ".docx":
        raw, encoding, source_format = _extract_docx(path), "docx", "docx"
    elif suffix == ".pdf" or data.startswith(b"%PDF"):
        raw, encoding, source_format = _extract_pdf(path), "pdf", "pdf"
    elif is_html:
        meta = _META_CHARSET.search(data[:4096])
        html, encoding = decode_bytes(data, path, declared=meta.group(1).decode("ascii") if meta else None)
        raw = _extract_html(html, path)
        source_format = "html"
    else:
        raw, encoding = decode_bytes(data, path)
        source_format = "text"
    _check_text(raw, path)
    report = make_report(raw, path=path, encoding=encoding, source_format=source_format,
                         sha256=hashlib.sha256(data).hexdigest())
    if count_han(report.text) < MIN_HAN:
        raise ReportError(path, "nothing but page furniture is left after cleaning; is this a report?")
    return report
