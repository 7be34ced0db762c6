"""What a report says about itself: title, year delivered, place, level, speaker.

Read from the cleaned text where the report states it (the date line
``——2018年1月5日在青山区第十四届人民代表大会…``, the title, the chapter
headings), with a ``*_source`` field saying where each value came from, so a
researcher can tell a stated year from an inferred one.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass

from ..text.chars import CJK
from ..text.numerals import small_number, year_number
from .cues import SPEAKER, heading_role

__all__ = ["Metadata", "extract_metadata", "LEVELS"]

#: Administrative levels, top down.
LEVELS = ("national", "provincial", "city", "district", "county")

_CN_NUM = "一二三四五六七八九十"
_YEAR = r"((?:19|20)\d{2}|[〇零一二三四五六七八九]{4})"
_MD = rf"(\d{{1,2}}|[{_CN_NUM}]{{1,3}})"
_DATE_LINE = re.compile(rf"{_YEAR}年{_MD}月{_MD}日在(.{{0,40}}?)(?:第?[{_CN_NUM}]+届)?(全国)?人民代表大会")
_TITLE = re.compile(r"^([^，。：；！？]{0,24}?政府工作报告)")
_TITLE_YEAR = re.compile(rf"{_YEAR}年.{{0,20}}政府工作报告")
_HEADING_YEAR = re.compile(rf"^[{_CN_NUM}]+、.{{0,6}}?((?:19|20)\d{{2}})年(.{{0,12}})$")
_OPENING = re.compile(r"我代表(国务院|[\u4e00-\u9fff]{0,8}?(?:省|自治区|市|区|县|旗)(?=人民政府))")
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
# candidate names of the speaker's own place: two or three characters before 区/县/市…, not followed
# by a character that makes the suffix part of another word (区级, 区委, 区域, 区块 …)
_PLACE_NAME = re.compile(rf"(?=([{CJK}]{{2,3}})(省|自治区|市|区|县|旗)(?![级委域块内间属划长政人]))")
# last characters of words that end in 区/市/县 but do not name a place (城区, 示范区, 园区, 社区 …)
_GENERIC_LAST = set("城园片社地小街景域心工业范验务护镇村乡发游流区市县省旗全我本各该两三新这")
_GENERIC_FIRST = set("全我本各该两三四五新这对在和与并请推进动接受抓等是")


@dataclass(frozen=True)
class Metadata:
    """Facts a report states about itself; ``None`` where it does not state them."""

    title: str | None = None
    year: int | None = None
    year_source: str | None = None
    date: str | None = None
    place: str | None = None
    place_source: str | None = None
    level: str | None = None
    speaker: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def _level_of(place: str) -> str | None:
    if not place:
        return None
    if place in ("全国", "国务院", "中华人民共和国", "中央人民政府"):
        return "national"
    if place.endswith(("省", "自治区")) or place in _MUNICIPALITIES:
        return "provincial"
    if place.endswith(("市", "州", "盟")):
        return "city"
    if place.endswith("区"):
        return "district"
    if place.endswith(("县", "旗")):
        return "county"
    return None


def _frequent_place(text: str, suffix: str) -> str | None:
    """The most mentioned ``X区``/``X县``… name (a guess: ``place_source`` says so)."""
    names = Counter(m.group(1) for m in _PLACE_NAME.finditer(text)
                    if m.group(2) == suffix and m.group(1)[-1] not in _GENERIC_LAST
                    and m.group(1)[0] not in _GENERIC_FIRST)
    # a three-character name hides a two-character suffix of itself (海拉尔 / 拉尔): keep the longer
    for name in [n for n in names if len(n) == 3]:
        if names.get(name[1:], 0) <= names[name]:
            names.pop(name[1:], None)
    ranked = sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ranked or ranked[0][1] < 3:
        return None
    return ranked[0][0] + suffix


def extract_metadata(text: str, *, file_name: str | None = None) -> Metadata:
    """Read title, year, place, level and speaker from a cleaned report text.

    >>> m = extract_metadata("2026年安徽省政府工作报告\\n——2026年2月5日在安徽省第十四届人民代表大会第四次会议上\\n各位代表：")
    >>> (m.title, m.year, m.date, m.place, m.level)
    ('2026年安徽省政府工作报告', 2026, '2026-02-05', '安徽省', 'provincial')
    """
    lines = text.split("\n")
    head_lines = lines[:25]
    head = "".join(head_lines)
    title = next((m.group(1) for m in map(_TITLE.match, head_lines) if m), None)
    values: dict = {"title": title}

    date = _DATE_LINE.search(head)
    if date:
        year = year_number(date.group(1))
        month, day = small_number(date.group(2)) or 0, small_number(date.group(3)) or 0
        values.update(year=year, year_source="date line")
        if 1 <= month <= 12 and 1 <= day <= 31:
            values["date"] = f"{year:04d}-{month:02d}-{day:02d}"
        place = "全国" if date.group(5) else date.group(4).strip("，,、 ")
        if place in ("", "中华人民共和国"):
            place = "全国"
        values.update(place=place, place_source="date line", level=_level_of(place))
    if "year" not in values and title and _TITLE_YEAR.search(title):
        values.update(year=year_number(_TITLE_YEAR.search(title).group(1)), year_source="title")
    if "year" not in values:
        for line in lines:
            m = _HEADING_YEAR.match(line)
            if not m:
                continue
            year, role = int(m.group(1)), heading_role(m.group(2))
            if role in ("review", "tasks"):  # a review of year Y is delivered in Y+1
                values.update(year=year + (role == "review"), year_source="chapter heading")
                break
    if "year" not in values and file_name:
        m = re.match(r"((?:19|20)\d{2})\D", file_name)
        if m:
            values.update(year=int(m.group(1)), year_source="file name")

    if values.get("place") is None:
        if title:
            named = re.sub(rf"^\s*{_YEAR}年(?:度)?", "", title)  # 2016年海拉尔区政府工作报告: the place follows the year
            m = re.search(rf"([{CJK}]{{2,8}}?(?:省|自治区|市|区|县|旗))政府工作报告", named)
            if m and not m.group(1).startswith("国务院"):
                values.update(place=m.group(1), place_source="title", level=_level_of(m.group(1)))
            elif "国务院" in title:
                values.update(place="全国", place_source="title", level="national")
    if values.get("level") is None:
        m = _OPENING.search(text[:3000])
        if m:
            who = m.group(1)
            level = "national" if who == "国务院" else _level_of(who)
            values["level"] = level
            if values.get("place") is None:
                if level == "national":
                    values.update(place="全国", place_source="opening")
                elif len(who) > 1:
                    values.update(place=who, place_source="opening")
                else:
                    place = _frequent_place(text, who)
                    if place:
                        values.update(place=place, place_source="most mentioned place name")

    for line in head_lines:
        m = SPEAKER.search(line)
        if m and len(line) <= 40:
            values["speaker"] = m.group(1)
            break
    return Metadata(**values)
