"""Reading numerals: Arabic (``1,160``, ``11.5``) and Chinese (``一万一千二百``, ``两``, ``二〇一八``).

The one numeral reader of the library: the number grammar (:mod:`policytext.text.numbers`), the
structure parser (chapter ``一、`` and section ``（十二）`` numbers) and the metadata reader (dates
such as ``二〇一八年三月五日``) all read numbers here.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["CN_DIGIT_VALUE", "CN_DIGITS", "ARABIC", "CHINESE", "parse_number", "chinese_integer", "small_number",
           "year_number"]

#: Chinese digits and their values (两 is 2).
CN_DIGIT_VALUE = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                  "八": 8, "九": 9}
#: The characters of the small numerals that number headings and sections (一、 … 二十、, （十二）).
CN_DIGITS = "〇零一二三四五六七八九十百两"
#: An Arabic number, with thousands separators and decimals (regular expression).
ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
#: A Chinese numeral, with decimals written with 点 (regular expression).
CHINESE = r"[一二两三四五六七八九十][〇零一二两三四五六七八九十百千万亿]*(?:点[〇零一二三四五六七八九]+)?"

_ARABIC_RE = re.compile(ARABIC)
_CHINESE_RE = re.compile(CHINESE)
_NO_PLACE_VALUE = re.compile(r"[一二两三四五六七八九]{2}")
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}


@lru_cache(maxsize=8192)  # the same numerals recur (一, 两, 三, 20, 10.5): parse each once per process
def parse_number(text: str) -> float | None:
    """Value of an Arabic or Chinese numeral (``1,160``, ``11.5``, ``一万一千二百``, ``两``), else None.

    Two Chinese digits with no place value between them (一一, 十三五, 七五) are not a numeral.

    >>> parse_number("1,160"), parse_number("一万一千二百"), parse_number("两"), parse_number("十三五")
    (1160.0, 11200.0, 2.0, None)
    """
    text = text.strip()
    if not text:
        return None
    if _ARABIC_RE.fullmatch(text):
        return float(text.replace(",", ""))
    if not _CHINESE_RE.fullmatch(text) or _NO_PLACE_VALUE.search(text.split("点")[0]):
        return None
    integer, _, decimals = text.partition("点")
    value = chinese_integer(integer)
    if value is None:
        return None
    return float(f"{value}.{''.join(str(CN_DIGIT_VALUE[ch]) for ch in decimals)}" if decimals else value)


def small_number(text: str) -> int | None:
    """A whole number as headings, sections and dates write it (``十二``, ``二十``, ``7``), else None.

    >>> small_number("十二"), small_number("二十"), small_number("七"), small_number("05"), small_number("一二")
    (12, 20, 7, 5, None)
    """
    value = parse_number(text)
    return int(value) if value is not None and value == int(value) else None


def year_number(text: str) -> int | None:
    """A year written in Arabic or Chinese digits (``2018``, ``二〇一八``, ``一九七八``), else None.

    >>> year_number("二〇一八"), year_number("2018"), year_number("二〇一")
    (2018, 2018, None)
    """
    if text.isdigit():
        return int(text) if len(text) == 4 else None
    value = chinese_integer(text) if all(ch in CN_DIGIT_VALUE for ch in text) else None
    return value if value is not None and len(text) == 4 else None


def chinese_integer(text: str) -> int | None:
    """Value of a Chinese integer numeral, or None when it is not well formed.

    Reads 一万一千二百 (11200), 一百零五 (105), 十五 and 二十 (十 needs no 一 before it),
    三百万亿 (万亿 = 10¹²), the spoken abbreviations 一千一 (1100) and 三万五 (35000: a last digit
    right after a unit counts in the next unit down), and digit strings 一零五 (105).  Rejected:
    units out of order (千百, 十十, 五万万), a unit with no digit (百, 万), 零 before a unit, and
    千/百/十 straight after 亿 with no 万 to close them (八亿五千, 二十五亿七千多万: ambiguous, and
    usually the first part of a figure the grammar reads in pieces).
    On well-formed numerals these are the readings of cn2an's "smart" mode (the tests compare the
    two on every numeral up to 120,000 and on the corpus), without its quarter-second import; cn2an
    also reads some malformed runs (十百九 as 100), which this reader refuses.

    >>> chinese_integer("一万一千二百"), chinese_integer("三万五"), chinese_integer("千百")
    (11200, 35000, None)
    """
    if not text or any(ch not in CN_DIGIT_VALUE and ch not in _CN_UNITS for ch in text):
        return None
    if all(ch in CN_DIGIT_VALUE for ch in text):  # 五, 一零五
        return None if len(text) > 1 and text[0] in "〇零" else int("".join(str(CN_DIGIT_VALUE[c]) for c in text))
    total = wan = section = 0  # the parts counted in 亿, in 万, and below 万
    digit: int | None = None  # a digit waiting for its unit
    last_small = 10**4  # the last of 千/百/十 in this section: they must fall
    previous = ""
    for ch in text:
        if ch in CN_DIGIT_VALUE:
            if digit not in (None, 0):
                return None  # two digits with no unit between them
            digit = CN_DIGIT_VALUE[ch]
        else:
            unit = _CN_UNITS[ch]
            if unit < 10**4:  # 十, 百, 千
                if unit >= last_small or digit == 0:
                    return None
                if digit is None:
                    if ch != "十":
                        return None
                    digit = 1  # 十五, 二万十五, 二百十七 (older usage for 二百一十七)
                section += digit * unit
                last_small = unit
            else:
                value = wan + section + (digit or 0) if unit > 10**4 else section + (digit or 0)
                if not value or (unit == 10**4 and wan) or (unit > 10**4 and total and previous != "万"):
                    return None  # 万 alone, 五万万, a second group of 亿
                if unit == 10**4:
                    wan = value * unit
                elif previous == "万":  # 万亿 (10¹²)
                    total, wan = (total + value) * unit, 0
                else:
                    total, wan = total + value * unit, 0
                section, last_small = 0, 10**4
            digit = None
        previous = ch
    if digit == 0:
        return None  # a trailing 零 (五十零)
    if total and not wan and section and text[text.rindex("亿") + 1] not in "〇零":
        return None  # 八亿五千: 8亿 and 5千, or 8.5亿?  (二十五亿七千多万: the 万 comes after 多)
    if digit:  # a last digit counts by itself after 零 or 十, else in the unit below the one before it
        section += digit if text[-2] in "〇零十" else digit * _CN_UNITS[text[-2]] // 10
    return total + wan + section
