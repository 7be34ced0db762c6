"""Clean a scraped report without losing anything.

:func:`clean_text` turns raw text into one paragraph per line, removes page
furniture and spam, and normalises characters.  Every change is an audit row
(:class:`~policytext.rewrite.Edit`) in raw coordinates, so any span of the
cleaned text maps back to the raw file and the raw text can be rebuilt
exactly (:func:`~policytext.text.rewrite.restore_raw`).

The passes, in order:

1. ``line_ending``: CRLF and CR become LF.
2. ``paragraph_break``: runs of two or more ideographic spaces (U+3000) or
   tabs inside a line become a line break.  Several reports are stored with
   no line breaks at all, their paragraphs separated only by such runs.
3. ``whitespace``: indentation, trailing spaces and blank lines go, so every
   line is one paragraph.
4. ``boilerplate``: web-page furniture listed in ``resources/boilerplate.tsv``
   (toolbars and page metadata before the report opens, photo captions,
   navigation links, related-article lists and licences after it ends).
5. ``spam``: short fragments appended to paragraphs out of context, such as
   a novel's title inserted by a scraper site.  A fragment counts as spam
   when it trails a finished sentence with no punctuation of its own and
   the same fragment trails two or more paragraphs, or it matches the
   site-spam vocabulary (小说, 最新章节, …).  Every other occurrence of a
   confirmed spam string is removed as well.
6. ``whitespace``: spaces inside numbers (``1 9 9 8``, ``8 ．8 %``).
7. characters: full-width digits and Latin letters to ASCII (``width``);
   ASCII punctuation inside Chinese text to full width (``width``); spaces
   between Chinese characters, including spaced-out titles such as
   ``政 府 工 作 报 告`` (``whitespace``); footnote markers such as ``［1］``
   (``footnote``); stray wiki quote marks (``markup``).

Characters masked by a site filter (``*``, ``**``) are *flagged* (reason
``masked``, action ``flag``) but left in place: the cleaner does not invent
the missing words, and the segmenter drops the masks from the tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Iterator, NamedTuple

from .. import paths
from ..text.chars import CJK, HSPACE, TERMINATORS, Line, is_cjk, split_lines
from ..text.lexicons import cue_pattern, read_tsv
from ..text.rewrite import AUDIT_COLUMNS, Edit, OffsetMap, Rewriter
from .cues import ADDRESS, is_report_text

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CleanText", "clean_text", "AUDIT_COLUMNS"]


@dataclass(frozen=True, eq=False)
class CleanText:
    """A cleaned text with its audit and its map back to the raw text."""

    raw: str
    text: str
    edits: tuple[Edit, ...]
    flags: tuple[Edit, ...]
    offsets: OffsetMap

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw ``(start, end)`` of the cleaned span ``start:end``."""
        return self.offsets.raw_span(start, end)

    @cached_property
    def audit(self) -> "pd.DataFrame":
        """Every change (and every flagged span) as a tidy table, in raw order.

        Columns: ``raw_start, raw_end`` (the span of the raw text), ``clean_start, clean_end`` (where
        its replacement sits in the cleaned text), ``original, replacement, reason, detail`` and
        ``action`` (``replace``, ``delete``, or ``flag`` for spans reported but left as they are).
        :func:`~policytext.text.rewrite.restore_raw` rebuilds the raw text from the cleaned text and
        this table.
        """
        import pandas as pd  # the audit is the only table here: cleaning itself needs no pandas

        rows = sorted(self.edits + self.flags, key=lambda e: (e.raw_start, e.raw_end, e.action))
        df = pd.DataFrame(rows, columns=AUDIT_COLUMNS)
        for col in ("raw_start", "raw_end", "clean_start", "clean_end"):
            df[col] = df[col].astype("int64")
        return df


def clean_text(text: str) -> CleanText:
    """Clean ``text`` (a raw report as decoded) and return it with its audit.

    >>> from policytext.text.rewrite import restore_raw
    >>> c = clean_text("各位代表:\\r\\n\\r\\n2017年,预计增长8%;")
    >>> c.text
    '各位代表：\\n2017年，预计增长8%；'
    >>> restore_raw(c.text, c.audit) == "各位代表:\\r\\n\\r\\n2017年,预计增长8%;"
    True
    """
    rw = Rewriter(text)
    rw.apply(_line_endings(rw.text))
    rw.apply(_paragraph_breaks(rw.text))
    rw.apply(_inferred_breaks(rw.text))
    rw.apply(_layout(rw.text))
    rw.apply(_boilerplate(rw.text))
    rw.apply(_layout(rw.text))  # removing a last line can leave a trailing newline
    rw.apply(_spam(rw.text))
    rw.apply(_spaced_numbers(rw.text))
    rw.apply(_characters(rw.text))
    offsets = rw.offset_map()
    flags = tuple(_masks(rw.text, offsets, text))
    return CleanText(raw=text, text=rw.text, edits=tuple(rw.edits()), flags=flags, offsets=offsets)


# ---------------------------------------------------------------- layout

_H = re.escape(HSPACE)


def _line_endings(text: str) -> Iterator[tuple]:
    for m in re.finditer(r"\r\n?", text):
        if m.group() == "\r\n":
            yield (m.start(), m.start() + 1, "", "line_ending", "CRLF")
        else:
            yield (m.start(), m.end(), "\n", "line_ending", "CR")


_HRUN = re.compile(rf"[{_H}]+")


def _paragraph_breaks(text: str) -> Iterator[tuple]:
    """A run of spaces inside a line holding two ideographic spaces or two tabs is a paragraph break
    (old reports and copied pages indent paragraphs with 　　 and lose the line breaks between them).

    Maximal runs are found in one scan and then judged, in time linear in the text: a pattern with a
    run inside a run (``[ ]*(?:\u3000[ ]*\u3000)``) backtracked quadratically on a long run at a line end.
    """
    for m in _HRUN.finditer(text):
        start, end, run = m.start(), m.end(), m.group()
        inside = 0 < start and end < len(text) and text[start - 1] != "\n" and text[end] != "\n"
        if inside and (run.count("\u3000") >= 2 or run.count("\t") >= 2):
            yield (start, end, "\n", "paragraph_break", "space_run")


#: A line longer than this is not one paragraph: work-report paragraphs stay under 1,000 characters
#: (the longest line of the cleaned corpus is about 700), so a longer one is text whose line breaks
#: were lost (a copy from a web page or a PDF).
LONG_LINE = 3000
#: Where a paragraph starts inside such a line: a chapter, section or part heading after the end of a
#: sentence (。一、…; ：（一）…; 。第二部分 …).  Chinese numerals only: 1、 2、 number list items.
_HEADING_INSIDE = re.compile(rf"(?<=[。！？；：”）])[{_H}]*(?=(?:[一二三四五六七八九十]{{1,3}}、|（[一二三四五六七八九十]{{1,3}}）"
                             r"|第[一二三四五六七八九十]{1,3}(?:部分|章)))")


#: A heading run into its first sentence: a short title without punctuation, then a sentence that
#: opens with a year or a time word (一、2017年工作回顾2017年，是…; 二、今年主要任务今年，…).
_TITLE_THEN_TEXT = re.compile(r"(?:[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）)[^。，,；;：:！？、]{2,40}?"
                              r"(?=(?:19|20)\d{2}年[，,是]|过去一年|过去五年|今年|一年来|五年来|各位代表)")


def _inferred_breaks(text: str) -> Iterator[tuple]:
    """Paragraph breaks before the headings inside a line of more than :data:`LONG_LINE` characters
    (a report whose line breaks were lost), recorded as ``paragraph_break``/``inferred_at_heading``."""
    start = 0
    for line in text.split("\n"):
        if len(line) > LONG_LINE:
            for m in _HEADING_INSIDE.finditer(line):
                if m.end() > m.start():  # spaces before the heading become the break
                    yield (start + m.start(), start + m.end(), "\n", "paragraph_break", "inferred_at_heading")
                else:  # the sentence end before it is kept, the break follows it (edits never insert)
                    end = line[m.start() - 1]
                    yield (start + m.start() - 1, start + m.start(), end + "\n", "paragraph_break", "inferred_at_heading")
                title = _TITLE_THEN_TEXT.match(line, m.end())
                if title:  # 二、2018年主要任务2018年，是…: the heading ends where its first sentence starts
                    at = start + title.end()
                    yield (at - 1, at, line[title.end() - 1] + "\n", "paragraph_break", "inferred_after_heading")
        start += len(line) + 1


#: A maximal run of white space: one scan of the text, linear in its length whatever the run (a
#: pattern that tried ``[ ]*\n`` at every space of a long run took time quadratic in it).
_SPACE_RUN = re.compile(rf"[{_H}\n]+")


def _layout(text: str) -> Iterator[tuple]:
    """Indentation, trailing spaces and blank lines: one paragraph per line.  Spaces inside a line
    are kept (other passes decide about them)."""
    for m in _SPACE_RUN.finditer(text):
        gap = m.group()
        if m.start() == 0 or m.end() == len(text):
            yield (m.start(), m.end(), "", "whitespace", "edge")
        elif "\n" in gap and gap != "\n":
            detail = "blank_lines" if gap.count("\n") > 1 else "line_edges"
            yield (m.start(), m.end(), "\n", "whitespace", detail)


# ---------------------------------------------------------------- boilerplate

class _Rule(NamedTuple):
    region: str
    scope: str
    name: str
    pattern: re.Pattern
    confirm: re.Pattern | None


@lru_cache(maxsize=1)
def _rules() -> tuple[_Rule, ...]:
    rules = []
    for region, scope, name, pattern, *rest in read_tsv(paths.RESOURCES / "boilerplate.tsv"):
        confirm = re.compile(rest[0]) if rest and rest[0] else None
        rules.append(_Rule(region, scope, name, re.compile(pattern), confirm))
    return tuple(rules)



def _stripped(line: str) -> str:
    return line.strip(HSPACE)


def _match(rule: _Rule, line: str) -> bool:
    return bool(rule.pattern.fullmatch(_stripped(line)))


def _boilerplate(text: str) -> Iterator[tuple]:
    lines = split_lines(text)
    if not lines:
        return
    rules = _rules()
    removed: dict[int, str] = {}  # line index -> rule name
    # the report opens at the salutation or at the first long paragraph
    opening = next((l.index for l in lines if ADDRESS.search(l.text) or is_report_text(l.text)),
                   len(lines))
    # licences and similar: cut from the matching line to the end (searched near the end only)
    cut = len(lines)
    for rule in (r for r in rules if r.scope == "to_end"):
        for line in lines[max(opening + 1, len(lines) - 80):]:
            if _match(rule, line.text) and rule.confirm and rule.confirm.search(text, line.start):
                cut = min(cut, line.index)
                break
    if cut < len(lines):
        for line in lines[cut:]:
            removed[line.index] = "licence"
    # the trailing block: lines after the last line of report text
    last_text = next((l.index for l in reversed(lines[:cut])
                      if is_report_text(l.text)
                      and not any(_match(r, l.text) for r in rules if r.region == "tail")), -1)
    for line in lines[:cut]:
        if line.index in removed:
            continue
        region = "front" if line.index < opening else "tail" if line.index > last_text else "body"
        for rule in rules:
            if rule.scope == "to_end" or rule.region not in (region, "any"):
                continue
            if _match(rule, line.text):
                removed[line.index] = rule.name
                if rule.scope == "line+short":
                    for follower in lines[line.index + 1:cut]:
                        if len(follower.text) >= 60 or "。" in follower.text:
                            break
                        removed[follower.index] = rule.name
                break
    # one audit row per removed line; a run of lines removed by one rule is one row
    blocks: list[list] = []
    for idx in sorted(removed):
        if blocks and blocks[-1][1] == idx - 1 and blocks[-1][2] == removed[idx]:
            blocks[-1][1] = idx
        else:
            blocks.append([idx, idx, removed[idx]])
    spans = []
    for first, last, name in blocks:
        end = lines[last].end + 1 if lines[last].end < len(text) else lines[last].end
        spans.append([lines[first].start, end, name])
    # lines removed up to the end of the text take the line break before them with them
    k = len(spans) - 1
    if spans and spans[-1][1] == len(text):
        while k > 0 and spans[k - 1][1] == spans[k][0]:
            k -= 1
        spans[k][0] = max(spans[k][0] - 1, 0)
    for start, end, name in spans:
        if end > start:
            yield (start, end, "", "boilerplate", name)


# ---------------------------------------------------------------- spam

_SPAM_WORDS = re.compile(cue_pattern("site_spam"))
_TRAILER = re.compile(rf"(?<=[{TERMINATORS}])([^{TERMINATORS}；，、：“”（）\n]{{2,30}})$")


def _spam(text: str) -> Iterator[tuple]:
    lines = split_lines(text)
    trailers: dict[str, list[Line]] = {}
    for line in lines[:-1]:  # the last line may be a truncated file, not spam
        m = _TRAILER.search(line.text)
        if m and m.start() >= 20 and re.search(f"[{CJK}]", m.group(1)):
            trailers.setdefault(m.group(1).strip(HSPACE), []).append(line)
    spam = sorted({frag for frag, where in trailers.items()
                   if frag and (len(where) >= 2 or _SPAM_WORDS.search(frag))}, key=len, reverse=True)
    if not spam:
        return
    pattern = re.compile("|".join(re.escape(s) for s in spam))
    for m in pattern.finditer(text):
        yield (m.start(), m.end(), "", "spam", "repeated_fragment")


# ---------------------------------------------------------------- characters

_FW_ALNUM = re.compile("[０-９Ａ-Ｚａ-ｚ％]")
_FW_DOT = re.compile(r"(?<=[0-9０-９])．(?=[0-9０-９])")
#: Spaces inside a number (1 9 9 8, 8 ．8 %, 1 0 %): between digits, or between a digit and its decimal
#: point or percent sign.  Typeset reports of the 1950s-2000s space out digits; the number grammar
#: reads them once the spaces are gone.
_SPACED_NUMBER = re.compile(r"(?<=[0-9０-９])[ \xa0]+(?=[0-9０-９．.%％])|(?<=[0-9０-９][．.])[ \xa0]+(?=[0-9０-９])")
_INNER_SPACE = re.compile(f"[{_H}]+")
_ASCII_PUNCT = re.compile(r"[,;:?!]")
_PARENS = re.compile(r"\(([^()\n]{0,100})\)")
_FOOTNOTE = re.compile(r"［[0-9０-９]{1,3}］|\[[0-9]{1,3}\]")
_STRAY_QUOTE = re.compile(r"^'+|'+$", re.M)
_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


def _neighbours(text: str, start: int, end: int) -> tuple[str, str]:
    """The nearest non-space characters before ``start`` and after ``end``."""
    i = start - 1
    while i >= 0 and text[i] in " \xa0":
        i -= 1
    j = end
    while j < len(text) and text[j] in " \xa0":
        j += 1
    return (text[i] if i >= 0 else ""), (text[j] if j < len(text) else "")


def _spaced_numbers(text: str) -> Iterator[tuple]:
    for m in _SPACED_NUMBER.finditer(text):
        yield (m.start(), m.end(), "", "whitespace", "spaced_digits")


def _characters(text: str) -> list[tuple]:
    edits: list[tuple] = []
    for m in re.finditer("\ufffd+", text):  # bytes that could not be decoded (a file cut inside a character)
        edits.append((m.start(), m.end(), "", "encoding", "undecodable_bytes"))
    for m in _FW_ALNUM.finditer(text):
        ch = m.group()
        edits.append((m.start(), m.end(), chr(ord(ch) - 0xFEE0), "width", "fullwidth_alnum"))
    for m in _FW_DOT.finditer(text):
        edits.append((m.start(), m.end(), ".", "width", "fullwidth_alnum"))
    for m in _FOOTNOTE.finditer(text):
        edits.append((m.start(), m.end(), "", "footnote", "marker"))
    for m in _STRAY_QUOTE.finditer(text):
        before, after = _neighbours(text, m.start(), m.end())
        if is_cjk(before) or is_cjk(after):
            edits.append((m.start(), m.end(), "", "markup", "stray_quote"))
    for m in _INNER_SPACE.finditer(text):
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if before and after and before != "\n" and after != "\n" and (is_cjk(before) or is_cjk(after)):
            edits.append((m.start(), m.end(), "", "whitespace", "inner_space"))
    for m in _PARENS.finditer(text):
        before, after = _neighbours(text, m.start(), m.end())
        if re.search(f"[{CJK}]", m.group(1)) or is_cjk(before) or is_cjk(after):
            edits.append((m.start(), m.start() + 1, "（", "width", "ascii_punct"))
            edits.append((m.end() - 1, m.end(), "）", "width", "ascii_punct"))
    for m in _ASCII_PUNCT.finditer(text):
        ch = m.group()
        before, after = _neighbours(text, m.start(), m.end())
        if ch in ",:" and before.isdigit() and after.isdigit():
            continue  # 1,000 and 10:30
        cjk_context = is_cjk(before) or is_cjk(after)
        number_then_end = (before.isdigit() or before == "%") and after in ("", "\n")
        if cjk_context or number_then_end:
            edits.append((m.start(), m.end(), _TO_FULL[ch], "width", "ascii_punct"))
    return _first_wins(edits)


def _first_wins(edits: list[tuple]) -> list[tuple]:
    """Drop edits that overlap an earlier-starting one (rules never need to stack)."""
    kept: list[tuple] = []
    for e in sorted(set(edits), key=lambda e: (e[0], -e[1])):
        if kept and e[0] < kept[-1][1]:
            continue
        kept.append(e)
    return kept


# ---------------------------------------------------------------- masks

_MASK = re.compile(r"[*＊]+")


def _masks(text: str, offsets: OffsetMap, raw: str) -> Iterator[Edit]:
    for m in _MASK.finditer(text):
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if re.match(f"[{CJK}]", before) or re.match(f"[{CJK}]", after) or before in ("", "\n", "。", "，"):
            rs, re_ = offsets.raw_span(m.start(), m.end())
            yield Edit(rs, re_, m.start(), m.end(), raw[rs:re_], m.group(), "masked",
                       f"{len(m.group())} character(s) masked by a site filter", "flag")
