"""The subject of a figure: the noun phrase of its sentence that names what is measured.

For a count the noun after the classifier (``13家企业`` → 企业); otherwise the noun run before the
number, without reporting verbs and scope words (``完成一般公共预算收入39亿元`` → 一般公共预算收入).
A number with no noun of its own (``，增长20%``) takes the subject of the number before it.  The
phrases themselves are read by :mod:`.phrases`; a 分别 list pairs its members with its figures
(:mod:`.lists`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...text.numbers import SUFFIX_QUALIFIERS, Candidate
from .context import CLAUSE_END, clause_start
from .phrases import (REPORTING_VERBS, SUBJECT_VERBS, noun_phrase_after, noun_phrase_before, strip_parentheses,
                      tokens_of)

if TYPE_CHECKING:
    from ...tokens.segmentation import PolicyTokenizer

__all__ = ["REPORTING_VERBS", "MAX_SUBJECT", "subject_of", "trim_subject"]

MAX_SUBJECT = 30
_RANK_MOVE = re.compile(r"(?:[，、]?(?:跃升|提升|上升|升|提高|前移|下降|降)?(?:至|到)|、|和)(?:全国)?")
_COMPARED = re.compile(r"(?:高于|低于|快于|慢于|领先|超出)(?:全国|全省|全市|全区)?[^，；。]{0,20}$")
#: A count's phrase that is only a level or type (国家级, 省级, 示范型) shares the head of the next item.
_LEVEL_ONLY = re.compile(r"[^，；。、]{1,6}[级型类]")
_SHARED_HEAD = re.compile(r"、[^，；。、]{0,12}?[级型类]([^，；。、的]{2,16}?)(?=[，；。、]|$|[和及与]|建成|投入|落地)")
#: A comparison after the subject: 较“十三五”时期增长, 比2012年提高, 较上年 (not 比重, 比例, 比值).
_COMPARISON = re.compile(r"(?:(?<![占对无相类评])(?:较|比)(?![重例值率较])|同比|同期)[^，；。、]{1,14}$")
_RANK_VERB = re.compile(r"排名|位列|位居|居于|名列|排在|居|列|(?:从|由)(?:全国)?$")
_CLAUSE_OR_OF = re.compile(f"[{CLAUSE_END}的]")
_CLAUSE = re.compile(f"[{CLAUSE_END}]")
_IN_END = re.compile(r"中$")  # 在…中
_TARGET_FRAME = re.compile(r"(?:的)?(?:增长|增速|涨幅)?(?:的)?(?:预期|调控|控制)?目标(?:值)?(?:为|是|定为|确定为|设定为)?$")


def trim_subject(subject: str) -> str:
    subject = subject.strip("“”\"' 、")
    return subject[-MAX_SUBJECT:] if len(subject) > MAX_SUBJECT else subject


def subject_of(text: str, c: Candidate, pre_text: str, kind: str, previous,
             tokenizer: "PolicyTokenizer") -> str:
    if kind == "rank":  # what is ranked stands before 在 (指标增幅在中心城区排名第一) or inside 在…中
        if previous is not None and previous.kind == "rank" and _RANK_MOVE.fullmatch(pre_text):
            return previous.subject  # 从第12位跃升至第5位: the second position is of the same thing
        before_verb = _RANK_VERB.split(pre_text)[0]
        head, _, inside = before_verb.partition("在")
        subject = noun_phrase_before(tokens_of(head, tokenizer)) if head else ""
        if not subject and previous is not None:
            return previous.subject
        return subject or noun_phrase_before(tokens_of(_IN_END.sub("", inside), tokenizer))
    compared = _COMPARED.search(pre_text)
    if compared:  # 规上民营工业增加值增速高于全部规上工业2.3个百分点: what is compared stands before 高于
        subject = noun_phrase_before(tokens_of(strip_parentheses(pre_text[:compared.start()]), tokenizer))
        if subject:
            return subject
    subject = ""
    if kind in ("count", "level", "other"):  # 13家企业, 组建30亿元绿色发展基金, 20吨以下燃煤锅炉
        after = text[c.end:c.end + 28]
        for q in SUFFIX_QUALIFIERS:
            if after.startswith(q):
                after = after[len(q):]
                break
        following = strip_parentheses(after)
        after = _CLAUSE_OR_OF.split(following)[0]
        subject = noun_phrase_after(tokens_of(after, tokenizer)) if after else ""
        shared = _SHARED_HEAD.match(following[len(after):]) if _LEVEL_ONLY.fullmatch(subject) else None
        if shared:  # 4个国家级、4个自治区级区域医疗中心: the first item's head is the second's
            subject += shared.group(1)
    if not subject:  # 经济增长预期目标为7%, 广义货币M2增长目标为17%: what the target is set for
        pre_text = _TARGET_FRAME.sub("", pre_text) or pre_text
        pre_text = _COMPARISON.sub("", pre_text) or pre_text  # 高价值发明专利较“十三五”时期增长
        tokens = tokens_of(strip_parentheses(pre_text), tokenizer)
        subject = noun_phrase_before(tokens)
        if subject and not subject.startswith(tuple(SUBJECT_VERBS)) and all(
                t.pos == "v" for t in tokens if t.text in subject):
            subject = ""  # only verbs (新开工, 分配入住, 投产): the thing is named earlier in the sentence
    segment_start = clause_start(text, c.start, "；。！？")
    segment = text[segment_start:c.start]
    if not subject and previous is not None and previous.candidate.start >= segment_start:
        subject = previous.subject  # ，增长20% / 6个9人: the subject of the number before it
    if not subject:  # the last noun phrase of the clause before (切实加快保障房建设，新开工6516套)
        clauses = [p for p in _CLAUSE.split(strip_parentheses(segment)) if p]
        for earlier in reversed(clauses[:-1]):
            subject = noun_phrase_before(tokens_of(earlier, tokenizer))
            if subject:
                break
    return subject
