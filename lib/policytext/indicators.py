"""Indicator extraction: every quantity a report states, one row per mention, with provenance.

:func:`extract_indicators` runs the number grammar of :mod:`policytext.numbers`
over every sentence, then reads each quantity's context:

* ``subject``: the thing measured, a short noun phrase from the clause.  For a
  count the noun after the classifier (``13家企业`` → 企业); otherwise the noun
  run before the number, without reporting verbs and scope words
  (``完成一般公共预算收入39亿元`` → 一般公共预算收入).  A number with no noun
  of its own (``，增长20%``, ``6个9人``) takes the subject of the number before
  it in the sentence.  Nouns are found with the policy tokenizer's POS tags.
* ``indicator``: the canonical name of a known economic indicator
  (``resources/indicators.tsv``: 社零总额 → 社会消费品零售总额).
* ``kind``: ``level`` (amounts), ``count`` (classifiers), ``growth`` (a change:
  ``增长8%``, ``提高3个百分点``, ``减少1386万人``, ``是…的7.5倍``), ``share``
  (a rate or proportion: ``签约率超过80%``, ``三分之二``), ``rank`` (``排名第一``).
* ``direction``: ``up``/``down`` for changes and for levels reached by a change
  (``提升至12.5万吨``); empty otherwise.
* ``status``: ``estimate`` (预计 in the clause), ``target`` (a tasks chapter,
  or 力争/确保/目标/预期 before the number), ``actual`` (a review chapter, or a
  paragraph of the plan chapter that looks back: 过去一年，…), ``other``.
* ``year``: the year the figure refers to: the year written right before it
  (由2010年的162.4亿元), or a year opening one of its clauses (2017年，…); else
  the chapter's year (one its heading names; review: the year before
  delivery; tasks: the year of delivery); none for five-year periods and for
  changes over several years (比2002年增长65.5%).
* ``headline``: the main results of the past year and the main targets of the
  new one: headline indicators (see the resource) in sentences that list at
  least two of them, or in the sentence announcing the year's main targets;
  the first mention of each indicator and kind.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from . import paths
from .lexicons import read_tsv
from .numbers import SUFFIX_QUALIFIERS, Candidate, scan_numbers

if TYPE_CHECKING:
    from .document import Report
    from .segmentation import PolicyTokenizer

__all__ = ["extract_indicators", "INDICATOR_COLUMNS", "load_indicators", "canonical_indicator"]

INDICATOR_COLUMNS = [
    "doc_id", "start", "end", "number_text", "value", "value_max", "unit", "value_base", "base_unit", "approx",
    "qualifier", "direction", "subject", "indicator", "kind", "status", "year", "headline", "part", "chapter",
    "chapter_role", "section", "paragraph", "sentence", "clean_start", "clean_end", "sentence_text",
]

_CLAUSE_END = "，；：。！？,;:、"
_ESTIMATE = re.compile(r"预计|预估|估计|初步统计|初步测算|初步核算")
_TARGET = re.compile(r"力争|确保|目标|预期|计划|争取|力求|努力实现|控制在|安排为")
_TARGET_LIST = re.compile(r"主要(?:预期)?目标|预期目标|目标(?:是|为|安排为)")
_PERIOD = re.compile(r"五年来|过去五年|今后五年|年均|“十.五”(?:时期|期间)|十.五(?:时期|期间)|\d{4}[—－-]\d{4}年")
_YEAR = re.compile(r"((?:19|20)\d{2})年(?![的以起])")
_LOOKS_BACK = re.compile(r"^(?:过去一年|去年|上年|一年来|刚刚过去的)")
_LOOKS_AHEAD = re.compile(r"^(?:今年|新的一年|我们要|要|将|必须|明年|下一步)")
_OWN_YEAR = re.compile(r"((?:19|20)\d{2})年(?:底|末)?的$")
_LAST_YEAR = re.compile(r"(?<![比较同与])(?:去年|上年)")
_UP = r"增长|增加|提高|提升|上升|上涨|扩大|增|升|涨"
_DOWN = r"下降|减少|降低|回落|缩小|压减|削减|下调|下跌|减|降|跌"
_CHANGE = re.compile(rf"(?P<up>{_UP})|(?P<down>{_DOWN})")
_CHANGE_TO = re.compile(rf"(?:(?P<up>{_UP})|(?P<down>{_DOWN}))(?:至|到|为)$")
_CHANGE_BY = re.compile(rf"(?:(?P<up>{_UP})|(?P<down>{_DOWN}))(?:了)?(?:约|近|超过|逾)?$")
_MULTIPLE = re.compile(r"(?:的|增长|增加|提高|达到|是)$")
_CONJUNCTION_ONLY = re.compile(r"^(?:和|与|及|以及|、|，|分别|和分别)?$")
# POS tags that may belong to a subject noun phrase (jieba / ICTCLAS tags)
_NOUNISH = ("n", "vn", "an", "j", "l", "b", "nz", "nt", "ns", "nr", "ng", "eng", "zg")
#: Verbs that are part of a subject (新增就业, 新开工): kept at its start.
_SUBJECT_VERBS = ("新增", "新建", "新开工", "新注册", "新签约", "新引进", "新入驻", "基本建成", "在谈")
#: Verbs that introduce the thing counted or measured and are not part of it (完成 / 投资 → 投资).
REPORTING_VERBS = set("""完成 实现 推动 推进 获得 争取 引进 建设 建立 组织 提供 举办 开展 实施 启动 发放 形成 吸引 签订
    完善 设立 打造 培育 认定 申报 支持 帮助 办理 受理 清理 拆除 维修 迁移 关闭 取缔 整治 集中整治 督办 追责 问责 创建
    筹建 发展 登记 落实 协调 服务 承办 策划 创作 加快 达到 保持 拥有 入驻 预计 力争 确保 计划 完成了 实现了 共计
    累计 合计 总计 共 新 有 为 是 达 对 将 把 让 向 在 给 已 已经 全部 基本 初步 成功 积极 大力 全面 进一步 切实
    争创 谋划 锁定 划定 整合 建成 投入 落户 吸纳 带动 安置 招聘 培训 救助 资助 帮扶 走访 慰问 化解 办结
    控制 稳定 维持 突破 超过 增至 降至 提高到 完成额""".split())
#: Words that end a clause's subject and carry no meaning of their own (同比增长 → 同比 is not a subject).
_STOP_TOKENS = {"同比", "比上年", "分别", "实际", "约", "近", "共", "累计", "合计", "总计", "其中", "以上", "以下",
                "左右", "多", "余", "达到", "达", "超过", "突破", "为", "是", "的", "了", "由", "从", "至", "到", "共计"}
_TRAILING_FILLERS = {"全部", "全面", "基本", "均", "都"}
_SCOPE_WORDS = {"全区", "全市", "全省", "全国", "全县", "全旗", "全州", "我区", "我市", "我省", "全年", "今年",
                "去年", "当年", "年内", "区级", "市级", "省级", "全社会", "各类", "各级", "其中", "年度", "目前",
                "辖区", "全区上下", "截至", "截至目前"}
MAX_SUBJECT = 15


class _Indicator(NamedTuple):
    canonical: str
    english: str
    synonyms: tuple[str, ...]
    headline: bool
    target: str


@lru_cache(maxsize=1)
def load_indicators() -> tuple[_Indicator, ...]:
    """The canonical indicator table of ``resources/indicators.tsv``."""
    return tuple(_Indicator(canonical, english, tuple(synonyms.split("|")), headline == "yes", target)
                 for canonical, english, synonyms, headline, target, *_ in read_tsv(paths.RESOURCES / "indicators.tsv"))


@lru_cache(maxsize=1)
def _synonyms() -> tuple[tuple[str, _Indicator], ...]:
    pairs = [(s, ind) for ind in load_indicators() for s in ind.synonyms]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def canonical_indicator(text: str) -> str | None:
    """Canonical indicator named in ``text`` (longest synonym wins).

    >>> canonical_indicator("社零总额"), canonical_indicator("规上工业增加值"), canonical_indicator("人均GDP")
    ('社会消费品零售总额', '规模以上工业增加值', '人均地区生产总值')
    """
    for synonym, indicator in _synonyms():
        if synonym in text:
            return indicator.canonical
    return None


def _headline_set() -> set[str]:
    return {i.canonical for i in load_indicators() if i.headline}


# ------------------------------------------------------------------ subject


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
                     and not _CHANGE.fullmatch(tokens[i - 1].text)):
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


def _trim(subject: str) -> str:
    subject = subject.strip("“”\"' 、")
    return subject[-MAX_SUBJECT:] if len(subject) > MAX_SUBJECT else subject


# ------------------------------------------------------------------ one sentence


class _Row(NamedTuple):
    candidate: Candidate
    subject: str
    kind: str
    direction: str
    status: str
    year: int | None


def _clause_start(text: str, pos: int, delimiters: str = _CLAUSE_END) -> int:
    i = pos - 1
    while i >= 0 and text[i] not in delimiters:
        i -= 1
    return i + 1


def _kind(c: Candidate, pre: str, scope: str) -> tuple[str, str]:
    """``(kind, direction)`` of a quantity from its unit and the words before it."""
    to = _CHANGE_TO.search(pre)
    by = _CHANGE_BY.search(pre)
    if c.form == "rank":
        return "rank", ""
    if c.form == "fraction":
        return "share", ""
    unit_kind = c.unit_kind
    if to:
        kind = {"percent": "share", "count": "count"}.get(unit_kind, "level")
        return kind, "up" if to.group("up") else "down"
    if unit_kind == "points":
        change = _last_change(scope)
        return "growth", change or "up"
    if unit_kind in ("percent", "ratio"):
        change = _last_change(scope)
        if change or (unit_kind == "ratio" and _MULTIPLE.search(pre)):
            return "growth", change or "up"
        return ("share" if unit_kind == "percent" else "other"), ""
    if by:
        return "growth", "up" if by.group("up") else "down"
    if unit_kind == "count":
        return "count", ""
    return "level", ""


def _last_change(scope: str) -> str:
    found = [m for m in _CHANGE.finditer(scope) if not scope[:m.start()].endswith(("不", "未", "没有"))]
    if not found:
        return ""
    return "up" if found[-1].group("up") else "down"


def _year(sentence: str, pos: int, role: str | None, report_year: int | None,
          chapter_title: str | None = None) -> int | None:
    """The year a figure refers to: a year opening one of the clauses before it (2017年，… / 截至2017年底),
    else the chapter's year; none for five-year periods."""
    before = sentence[:pos]
    base = re.search(r"比((?:19|20)\d{2})年[^，；。]{0,4}(?:增长|增加|提高|下降|减少)$", before)
    if base:  # 比2002年增长65.5%: a change over several years, not one year's
        return None
    own = _OWN_YEAR.search(before)  # 由2010年的162.4亿元增加到2015年的287.9亿元
    if own and not re.search(r"(?:是|为|相当于|比)$", before[:own.start()]):
        return int(own.group(1))
    years = [m for m in _YEAR.finditer(before)
             if m.start() == _clause_start(before, m.start()) or re.search(r"(?:截至|截止|到|至|在)$", before[:m.start()])]
    if years:
        return int(years[-1].group(1))
    if _PERIOD.search(before) or report_year is None:
        return None
    clause = before[_clause_start(before, len(before), "；。！？"):]
    if _LAST_YEAR.search(clause):
        return report_year - 1 if role == "tasks" else report_year - 2
    return _chapter_year(chapter_title, role, report_year)


def _chapter_year(title: str | None, role: str | None, report_year: int) -> int | None:
    """The year a chapter speaks about: one its heading names (2025年工作回顾), none for a five-year
    period (过去五年工作回顾, “十五五”时期主要目标任务), else the year before delivery for a review and
    the year of delivery for tasks."""
    title = title or ""
    named = re.search(r"((?:19|20)\d{2})年", title)
    if named:
        return int(named.group(1))
    if re.search(r"五年|十.五|时期|今后|以来", title):
        return None
    return {"review": report_year - 1, "tasks": report_year}.get(role or "")


def _status(sentence: str, pos: int, role: str | None, part: str, year: int | None, report_year: int | None) -> str:
    scope = sentence[_clause_start(sentence, pos, "；。！？"):pos]
    if _ESTIMATE.search(scope):
        return "estimate"
    if role == "tasks":
        return "actual" if year is not None and report_year and year < report_year else "target"
    if role == "review":
        return "actual"
    if _TARGET.search(sentence[:pos]):
        return "target"
    if part == "body" and re.search(r"完成|实现|达到|累计|已|了", sentence[:pos]):
        return "actual"
    return "other"


def _subject(text: str, c: Candidate, pre_text: str, kind: str, previous: "_Row | None",
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
        after = re.split(f"[{_CLAUSE_END}的]", _strip_parentheses(after))[0]
        subject = _noun_run_after(_tokens(after, tokenizer)) if after else ""
    if not subject:
        tokens = _tokens(_strip_parentheses(pre_text), tokenizer)
        subject = _noun_run_before(tokens)
        if subject and not subject.startswith(tuple(_SUBJECT_VERBS)) and all(
                t.pos == "v" for t in tokens if t.text in subject):
            subject = ""  # only verbs (新开工, 分配入住, 投产): the thing is named earlier in the sentence
    segment_start = _clause_start(text, c.start, "；。！？")
    segment = text[segment_start:c.start]
    if not subject and previous is not None and previous.candidate.start >= segment_start:
        subject = previous.subject  # ，增长20% / 6个9人: the subject of the number before it
    if not subject:  # the last noun phrase of the clause before (切实加快保障房建设，新开工6516套)
        clauses = [p for p in re.split(f"[{_CLAUSE_END}]", _strip_parentheses(segment)) if p]
        for earlier in reversed(clauses[:-1]):
            subject = _noun_run_before(_tokens(earlier, tokenizer))
            if subject:
                break
    return subject


def _sentence_rows(text: str, tokenizer: "PolicyTokenizer", role: str | None, part: str,
                   report_year: int | None, chapter_title: str | None = None) -> list[_Row]:
    rows: list[_Row] = []
    for c in (c for c in scan_numbers(text) if c.accepted):
        clause = _clause_start(text, c.start)
        previous = rows[-1] if rows else None
        local = max(clause, previous.candidate.end if previous and previous.candidate.end > clause else clause)
        pre_text = text[local:c.start]
        first_qualifier = c.qualifier.split("|")[0]
        if first_qualifier and pre_text.endswith(first_qualifier):
            pre_text = pre_text[:len(pre_text) - len(first_qualifier)]
        kind, direction = _kind(c, pre_text, text[clause:c.start])
        if previous and _CONJUNCTION_ONLY.match(pre_text.strip()) and kind in ("share", "other", "level", "count") \
                and previous.kind == "growth" and c.unit_kind == previous.candidate.unit_kind:
            kind, direction = previous.kind, previous.direction  # 分别增长10.4%和7.4%
        subject = _subject(text, c, pre_text, kind, previous, tokenizer)
        year = _year(text, c.start, role, report_year, chapter_title)
        status = _status(text, c.start, role, part, year, report_year)
        rows.append(_Row(c, _trim(subject), kind, direction, status, year))
    return rows


# ------------------------------------------------------------------ the report


class _Sentence(NamedTuple):  # the columns of the sentence table that extraction reads
    part: str
    chapter: object
    chapter_role: object
    chapter_title: object
    section: object
    paragraph: int
    sentence: int
    text: str
    clean_start: int


def extract_indicators(doc: "Report", *, tokenizer: "PolicyTokenizer | None" = None) -> pd.DataFrame:
    """One row per quantity the report states (see the module docstring for the columns).

    ``start``/``end`` are offsets in the raw text (line endings untouched),
    spanning the number with its unit; ``raw_text[start:end]`` is the figure
    as printed (before width normalisation).
    """
    from .segmentation import get_tokenizer

    tokenizer = tokenizer or get_tokenizer()
    report_year = doc.metadata.year
    sentences = doc.structure.sentences
    records = []
    looking_back, paragraph = False, None
    for s in map(_Sentence._make, zip(*(sentences[c].tolist() for c in _Sentence._fields))):  # lists: fast to iterate
        if s.part == "front_matter":
            continue
        role = s.chapter_role if isinstance(s.chapter_role, str) else None
        title = s.chapter_title if isinstance(s.chapter_title, str) else None
        if s.paragraph != paragraph:
            looking_back, paragraph = False, s.paragraph
        if _LOOKS_BACK.match(s.text):
            looking_back = True  # 过去一年，我们… : the plan chapter looks back until the paragraph turns ahead
        elif _LOOKS_AHEAD.match(s.text) or (report_year and s.text.startswith(f"{report_year}年")):
            looking_back = False
        if role == "tasks" and looking_back:
            role, title = "review", None  # the heading names the plan's year, not the year looked back on
        for r in _sentence_rows(s.text, tokenizer, role, s.part, report_year, title):
            c = r.candidate
            indicator = canonical_indicator(r.subject) if r.subject else None
            records.append({
                "number_text": c.number_text, "value": c.value, "value_max": c.value_max, "unit": c.unit,
                "value_base": c.value_base, "base_unit": c.base_unit, "approx": c.approx,
                "qualifier": c.qualifier, "direction": r.direction, "subject": r.subject,
                "indicator": indicator, "kind": r.kind, "status": r.status, "year": r.year,
                "part": s.part, "chapter": s.chapter, "chapter_role": role, "section": s.section,
                "paragraph": s.paragraph, "sentence": s.sentence,
                "clean_start": s.clean_start + c.start, "clean_end": s.clean_start + c.end,
                "sentence_text": s.text,
            })
    df = pd.DataFrame.from_records(records, columns=[c for c in INDICATOR_COLUMNS
                                                     if c not in ("doc_id", "start", "end", "headline")])
    df.insert(0, "doc_id", doc.doc_id)
    if len(df):
        starts, ends = doc.clean.offsets.raw_spans(df["clean_start"].to_numpy(np.int64),
                                                   df["clean_end"].to_numpy(np.int64))
    else:
        starts = ends = np.zeros(0, dtype=np.int64)
    df.insert(1, "start", starts)
    df.insert(2, "end", ends)
    # the figure as printed in the file (full-width digits stay full width): raw[start:end] == number_text
    df["number_text"] = [doc.raw_text[a:b] for a, b in zip(starts, ends)]
    df["headline"] = _headlines(df, report_year)
    for col in ("year", "chapter", "section"):
        df[col] = df[col].astype("Int64")
    return df[INDICATOR_COLUMNS]


def _headlines(df: pd.DataFrame, report_year: int | None) -> pd.Series:
    """Mark the main results of the past year and the main targets of the new year."""
    flags = pd.Series(False, index=df.index)
    if df.empty:
        return flags
    headline = _headline_set()
    is_headline = df["indicator"].isin(headline) & df["kind"].isin(["level", "growth", "share", "count"])
    distinct = df[is_headline].groupby("sentence")["indicator"].nunique()
    listing = set(distinct[distinct >= 2].index)
    announces = set(df.loc[df["sentence_text"].str.contains(_TARGET_LIST), "sentence"])
    candidates: dict[tuple, list[tuple[int, bool]]] = {}
    columns = ["status", "chapter_role", "sentence", "year", "indicator", "kind"]
    rows = df.loc[is_headline, columns]
    for i, status, role, sentence, year, indicator, kind in zip(rows.index, *(rows[c].tolist() for c in columns)):
        year = None if pd.isna(year) else year
        if status in ("actual", "estimate") and role == "review":
            side, expected = "result", (report_year - 1 if report_year else None)
            eligible = sentence in listing
        elif status == "target" and (report_year is None or year == report_year):
            side, expected = "target", report_year
            eligible = sentence in listing or sentence in announces
        else:
            continue
        if eligible:
            on_time = expected is not None and year == expected
            candidates.setdefault((side, indicator, kind), []).append((i, on_time))
    for rows in candidates.values():  # the first mention of the expected year, else the first mention
        chosen = next((i for i, on_time in rows if on_time), rows[0][0])
        flags[chosen] = True
    return flags
