"""The subject of a figure: the noun phrase of its sentence that names what is measured.

For a count the noun after the classifier (``13家企业`` → 企业); otherwise the noun run before the
number, without reporting verbs and scope words (``完成一般公共预算收入39亿元`` → 一般公共预算收入).
A number with no noun of its own (``，增长20%``) takes the subject of the number before it.  Nouns
are found with the policy tokenizer's POS tags; the word lists are the cue lists
``reporting_verbs``, ``subject_stop_words``, ``scope_words``, ``subject_verbs`` and
``trailing_fillers`` of ``resources/cues/``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from ...text.lexicons import cue_words
from ...text.numbers import SUFFIX_QUALIFIERS, Candidate
from .context import CHANGE, CLAUSE_END, clause_start

if TYPE_CHECKING:
    from ...tokens.segmentation import PolicyTokenizer

__all__ = ["REPORTING_VERBS", "MAX_SUBJECT", "subject_of", "trim_subject"]

# POS tags that may belong to a subject noun phrase (jieba / ICTCLAS tags)
_NOUNISH = ("n", "vn", "an", "j", "l", "b", "nz", "nt", "ns", "nr", "ng", "eng", "zg")
#: Verbs that are part of a subject (新增就业, 新开工): kept at its start.
_SUBJECT_VERBS = tuple(sorted(cue_words("subject_verbs")))
#: Verbs that introduce the thing counted or measured and are not part of it (完成 / 投资 → 投资).
REPORTING_VERBS = cue_words("reporting_verbs")
#: Words that end a clause's subject and carry no meaning of their own (同比增长 → 同比 is not a subject).
_STOP_TOKENS = cue_words("subject_stop_words")
_TRAILING_FILLERS = cue_words("trailing_fillers")
_SCOPE_WORDS = cue_words("scope_words")
MAX_SUBJECT = 15


def _strip_parentheses(text: str) -> str:
    return re.sub(r"（[^（）]*）|\([^()]*\)", "", text)


class _Tok(NamedTuple):
    text: str
    pos: str


def _tokens(text: str, tokenizer: "PolicyTokenizer") -> list[_Tok]:
    """Tokens of ``text``; a quoted name (“四上”企业, “助保贷”) is one noun token without its quotes."""
    out: list[_Tok] = []
    pos = 0
    for m in re.finditer(r"“([^”]{1,12})”", text):
        out.extend(_Tok(t.text, t.pos) for t in tokenizer.segment(text[pos:m.start()]))
        out.append(_Tok(m.group(1), "nz"))
        pos = m.end()
    out.extend(_Tok(t.text, t.pos) for t in tokenizer.segment(text[pos:]))
    return [t for t in out if t.text not in "“”"]


def _is_noun(t: _Tok) -> bool:
    return (t.pos.startswith(_NOUNISH) and t.text not in _STOP_TOKENS and t.text not in _SCOPE_WORDS
            and t.text not in REPORTING_VERBS)


def _noun_run_before(tokens: list[_Tok]) -> str:
    """The noun phrase that ends ``tokens``: 完成旧城改造征收面积 → 旧城改造征收面积."""
    i = len(tokens)
    while i and not (_is_noun(tokens[i - 1]) or tokens[i - 1].pos.startswith("v")
                     and tokens[i - 1].text not in _STOP_TOKENS and tokens[i - 1].text not in REPORTING_VERBS
                     and not CHANGE.fullmatch(tokens[i - 1].text)):
        i -= 1  # trailing function words, change and reporting verbs (增长, 完成), qualifiers, numbers
    j = i
    while j and (_is_noun(tokens[j - 1]) or tokens[j - 1].pos.startswith("v") and tokens[j - 1].text not in _STOP_TOKENS):
        j -= 1
    run = tokens[j:i]
    while len(run) > 1 and run[0].text in REPORTING_VERBS:
        run = run[1:]
    if len(run) == 1 and run[0].text in REPORTING_VERBS:
        return ""
    return "".join(t.text for t in run)


def _noun_run_after(tokens: list[_Tok], *, max_chars: int = 10) -> str:
    """The noun phrase a quantity modifies: 13家企业入选… → 企业; 9家见习基地 → 见习基地.

    One verb may sit inside the phrase when a noun follows it (违法排污企业); a
    reporting verb (提供, 进行 …) or a second verb ends it.
    """
    k = 0
    while k < len(tokens) and (tokens[k].pos.startswith(("r", "m", "q")) or tokens[k].text in _SCOPE_WORDS):
        k += 1  # 各级各类 …
    run: list[_Tok] = []
    verbs = 0
    for n, t in enumerate(tokens[k:], start=k):
        following = tokens[n + 1] if n + 1 < len(tokens) else None
        if _is_noun(t) and t.text not in _TRAILING_FILLERS or t.pos.startswith("a") and not run:
            run.append(t)
        elif (t.pos.startswith("v") and t.text not in REPORTING_VERBS and verbs == 0 and following is not None
              and _is_noun(following) and not following.pos.startswith(("ns", "nr", "nt"))):
            verbs += 1
            run.append(t)
        else:
            break
    while run and not _is_noun(run[-1]):
        run.pop()
    text = "".join(t.text for t in run)
    if len(text) > max_chars and run:
        text = run[0].text
    return text


def trim_subject(subject: str) -> str:
    subject = subject.strip("“”\"' 、")
    return subject[-MAX_SUBJECT:] if len(subject) > MAX_SUBJECT else subject


def subject_of(text: str, c: Candidate, pre_text: str, kind: str, previous,
             tokenizer: "PolicyTokenizer") -> str:
    if kind == "rank":  # what is ranked stands before 在 (指标增幅在中心城区排名第一) or inside 在…中
        before_verb = re.split(r"排名|位列|位居|居于|名列|排在|居|列", pre_text)[0]
        head, _, inside = before_verb.partition("在")
        subject = _noun_run_before(_tokens(head, tokenizer)) if head else ""
        if not subject and previous is not None:
            return previous.subject
        return subject or _noun_run_before(_tokens(re.sub(r"中$", "", inside), tokenizer))
    subject = ""
    if kind in ("count", "level", "other"):  # 13家企业, 组建30亿元绿色发展基金, 20吨以下燃煤锅炉
        after = text[c.end:c.end + 28]
        for q in SUFFIX_QUALIFIERS:
            if after.startswith(q):
                after = after[len(q):]
                break
        after = re.split(f"[{CLAUSE_END}的]", _strip_parentheses(after))[0]
        subject = _noun_run_after(_tokens(after, tokenizer)) if after else ""
    if not subject:
        tokens = _tokens(_strip_parentheses(pre_text), tokenizer)
        subject = _noun_run_before(tokens)
        if subject and not subject.startswith(tuple(_SUBJECT_VERBS)) and all(
                t.pos == "v" for t in tokens if t.text in subject):
            subject = ""  # only verbs (新开工, 分配入住, 投产): the thing is named earlier in the sentence
    segment_start = clause_start(text, c.start, "；。！？")
    segment = text[segment_start:c.start]
    if not subject and previous is not None and previous.candidate.start >= segment_start:
        subject = previous.subject  # ，增长20% / 6个9人: the subject of the number before it
    if not subject:  # the last noun phrase of the clause before (切实加快保障房建设，新开工6516套)
        clauses = [p for p in re.split(f"[{CLAUSE_END}]", _strip_parentheses(segment)) if p]
        for earlier in reversed(clauses[:-1]):
            subject = _noun_run_before(_tokens(earlier, tokenizer))
            if subject:
                break
    return subject
