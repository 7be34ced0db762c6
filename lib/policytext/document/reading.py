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

Limits, so that no input can make a run hang or exhaust memory: only regular files are read (a
FIFO or a device such as ``/dev/zero`` is refused before it is opened); a file may hold at most
:data:`MAX_BYTES` (20 MB, two hundred times the longest report of the corpus;
``POLICYTEXT_MAX_MB`` raises it); the parts of a Word file may expand to at most four times that.

Encodings are decided by evidence: a byte-order mark; strict UTF-8 (a file cut inside its last
character is UTF-8 with the incomplete bytes shown as U+FFFD, which the cleaner removes and
records); GB18030 only when the decoded text reads as Chinese (nearly all of its Han characters in
the GB2312 set, as in every real GBK report, not the rare characters of misdecoded UTF-8).  When no
decoding convinces, the file is refused.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import os
import re
import stat
import warnings
from pathlib import Path

from ..errors import ReportError
from ..files import not_regular
from ..options import HTML_SUFFIXES
from ..text.chars import count_han
from .report import Report, make_report

__all__ = ["read_report", "read_bytes", "decode_bytes", "MAX_BYTES"]

_UNSUPPORTED = {".doc": "Word 97-2003 (.doc)", ".rtf": "RTF", ".odt": "OpenDocument",
                ".xlsx": "Excel", ".xls": "Excel", ".zip": "zip", ".gz": "gzip"}

#: Fewest Chinese characters, and smallest share of the non-space text, for a file to count as Chinese text.
MIN_HAN = 20
MIN_HAN_SHARE = 0.2
#: The largest report file read, in bytes (``POLICYTEXT_MAX_MB`` sets it in megabytes).  The longest
#: work report in the corpus is 0.1 MB.  Memory grows with the text (``make bench`` reports the peak
#: of a 10 MB one), so the limit also bounds the memory of a run.
MAX_BYTES = int(float(os.environ.get("POLICYTEXT_MAX_MB", "20")) * 1_000_000)
#: Share of the Han characters of a GB18030 decoding that must lie in GB2312 for it to be believed:
#: above 0.999 in every real report, about 0.33 in UTF-8 misread as GB18030.
GB_COMMON_SHARE = 0.9

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
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            if encoding == "utf-8" and exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
                # cut inside its last character: UTF-8, the incomplete bytes become U+FFFD (removed by the cleaner)
                return data.decode("utf-8", errors="replace"), "utf-8 (last character incomplete)"
            continue
        if encoding == "gb18030":
            mixed = _utf8_line(data)
            if mixed:
                raise ReportError(path, f"mixed encodings: line {mixed} is UTF-8, other lines are not; "
                                        "save the whole report in one encoding (UTF-8)")
            if not _reads_as_chinese(text):
                raise ReportError(path, "not valid UTF-8, and as GB18030 it does not read as Chinese text "
                                        "(another encoding?); save it as UTF-8")
        return text, encoding
    raise ReportError(path, "cannot be decoded as UTF-8, GB18030/GBK or UTF-16 "
                            "(a binary file, or text in another encoding)")


def _reads_as_chinese(text: str) -> bool:
    """Whether a GB18030 decoding is believable: nearly all Han characters in the common GB2312 set."""
    han = _HAN.findall(text)
    if len(han) < MIN_HAN:
        return True  # too little to judge; the Chinese-text check decides
    common = sum(1 for ch in han if _in_gb2312(ch))
    return common >= GB_COMMON_SHARE * len(han)


_HAN = re.compile("[\u4e00-\u9fff]")


def _utf8_line(data: bytes) -> int | None:
    """The number of the first line of a file that is not UTF-8 as a whole but holds a line of Chinese in
    valid UTF-8 (a GB18030 line is almost never valid UTF-8: its bytes do not form UTF-8 sequences)."""
    for number, line in enumerate(data.split(b"\n"), start=1):
        if len(line) >= 6 and max(line) >= 0x80:
            try:
                decoded = line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            if _HAN.search(decoded):
                return number
    return None


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


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
    return _restore_blocks(body, html)


class _Blocks:
    """The text of a page cut at its block elements (p, div, br, h1-h6, li, tr …), read as a stream of
    tags, so that unclosed tags (<p><span>… without </p>) still end a block."""

    BLOCK = frozenset("p div br h1 h2 h3 h4 h5 h6 li tr td section article blockquote pre table ul ol dd dt".split())
    SKIP = frozenset(("script", "style", "head", "title", "noscript"))

    def __init__(self, html: str):
        from html.parser import HTMLParser

        blocks, skipping = [[]], [0]

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                if tag in _Blocks.SKIP:
                    skipping[0] += 1
                elif tag in _Blocks.BLOCK:
                    blocks.append([])

            def handle_endtag(self, tag):
                if tag in _Blocks.SKIP:
                    skipping[0] = max(skipping[0] - 1, 0)
                elif tag in _Blocks.BLOCK:
                    blocks.append([])

            def handle_data(self, data):
                if not skipping[0]:
                    blocks[-1].append(data)

        Parser(convert_charrefs=True).feed(html)
        self.lines = [" ".join("".join(b).split()) for b in blocks]
        self.lines = [line for line in self.lines if line]


def _restore_blocks(body: str, html: str) -> str:
    """Line breaks the article extractor lost (a page whose <p> or <span> tags are never closed comes
    out as one line): where a block of the page starts inside a line of the extracted text, the space
    before it becomes a line break.  Text is never added or dropped, only spaces become breaks."""
    if body.count("\n") * 400 >= len(body):  # breaks enough: one per 400 characters or more
        return body
    out, cursor = list(body), 0
    for line in _Blocks(html).lines:  # in page order: each block is looked for after the one before
        head = line[:12]
        at = body.find(head, cursor) if len(head) >= 4 else -1
        if at < 0:
            continue
        if at > 0 and body[at - 1] == " ":
            out[at - 1] = "\n"
        cursor = at + len(head)
    return "".join(out)


def _extract_docx(path: Path) -> str:
    import zipfile

    from docx import Document
    from docx.opc.exceptions import OpcError

    try:
        with zipfile.ZipFile(path) as archive:  # a zip bomb is refused before any part is inflated
            expanded = sum(info.file_size for info in archive.infolist())
        if expanded > 4 * MAX_BYTES:
            raise ReportError(path, f"Word file expands to {expanded / 1e6:.0f} MB, more than the limit of "
                                    f"{4 * MAX_BYTES / 1e6:.0f} MB (four times POLICYTEXT_MAX_MB); a zip bomb?")
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

    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # pypdf logs its own warnings on stderr; ours is the one line
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(str(path))
            if reader.is_encrypted and not reader.decrypt(""):
                raise ReportError(path, "PDF is encrypted; save an unprotected copy")
            text = "\n".join((page.extract_text() or "") for page in reader.pages)
    except PdfReadError as exc:
        raise ReportError(path, f"not a readable PDF ({' '.join(str(exc).split())})") from None
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:  # pypdf on a damaged file
        raise ReportError(path, f"not a readable PDF ({type(exc).__name__})") from None
    finally:
        quiet.setLevel(level)
    if len("".join(text.split())) < MIN_HAN:
        raise ReportError(path, f"PDF has no text layer ({len(reader.pages)} page(s) of images, a scan?); "
                                "run OCR first or save the report as text")
    return text


def read_bytes(path: Path, *, limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` (:data:`MAX_BYTES`) bytes.

    Anything else is refused with one line before it is read: a missing file, a dangling link, a
    directory, a FIFO or device (reading ``/dev/zero`` or a pipe would never end), a file too large.
    """
    limit = MAX_BYTES if limit is None else limit
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ReportError(path, "dangling symbolic link" if os.path.islink(path) else "no such file") from None
    except OSError as exc:
        raise ReportError(path, f"cannot be read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ReportError(path, "is a directory, not a report file")
    problem = not_regular(info.st_mode)
    if problem:  # a FIFO or a device: opening or reading it would never end
        raise ReportError(path, f"{problem}; save the report to a file first")
    if info.st_size > limit:
        raise ReportError(path, f"is {info.st_size / 1e6:.1f} MB, more than the limit of {limit / 1e6:.0f} MB "
                                "(set POLICYTEXT_MAX_MB to raise it)")
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)  # a file that grows while it is read stays bounded too
    except OSError as exc:
        raise ReportError(path, f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise ReportError(path, f"is more than the limit of {limit / 1e6:.0f} MB (set POLICYTEXT_MAX_MB to raise it)")
    return data


def read_report(path: str | Path) -> Report:
    """Read a report from ``path`` and return a cleaned :class:`~policytext.document.report.Report`.

    Raises :class:`~policytext.errors.ReportError` (one line: file and problem)
    for a missing file, a directory, an empty or white-space-only file, a
    binary or undecodable file, or a file without Chinese text.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    data = read_bytes(path)
    if suffix in _UNSUPPORTED:
        raise ReportError(path, f"{_UNSUPPORTED[suffix]} files are not supported; "
                                f"save the report as UTF-8 text (.txt) or a web page (.html)")
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
