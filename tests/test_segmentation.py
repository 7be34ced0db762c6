"""segment/tokenize: dictionary terms come out whole, numbers keep their units, masks never become words."""

from __future__ import annotations

import re

import pytest

from policytext import paths
from policytext.text.lexicons import USERDICT, load_stopwords, read_userdict
from policytext.document.report import report_from_text
from policytext.tokens.segmentation import PolicyTokenizer, learned_names, segment, tokenize

TERMS = [t.word for t in read_userdict(USERDICT)]
FRAME = "我们要大力推进{}，取得新成效。"


def _bundled_sentences() -> list[str]:
    from policytext import read_report

    return list(read_report(paths.BUNDLED_REPORT).structure.sentences["text"])


SENTENCES = _bundled_sentences()


def _context(term: str) -> str:
    """A real sentence of the bundled report with the term, else a neutral frame."""
    return next((s for s in SENTENCES if term in s), FRAME.format(term))


def _covering_tokens(tokens, start, end):
    return [t for t in tokens if t.start < end and t.end > start]


@pytest.mark.parametrize("term", ["一般公共预算收入", "规上工业增加值", "社零总额", "长江大保护",
                                  "海绵城市", "红色物业", "七军会", "招商引资"])
def test_headline_terms_come_out_whole(term, tokenizer):
    sentence = _context(term)
    assert sentence != FRAME.format(term), f"{term} should occur in the bundled report"
    tokens = segment(sentence, tokenizer=tokenizer)
    for m in re.finditer(re.escape(term), sentence):
        covering = _covering_tokens(tokens, m.start(), m.end())
        assert len(covering) == 1 and term in covering[0].text, (term, [t.text for t in covering])


def test_without_the_dictionary_jieba_splits_most_of_them():
    plain = PolicyTokenizer(userdict=None)
    split = [w for w in ("一般公共预算收入", "规上工业增加值", "社零总额", "长江大保护", "海绵城市", "红色物业",
                         "七军会", "招商引资") if len(segment(w, tokenizer=plain)) > 1]
    assert len(split) >= 6


@pytest.mark.parametrize("term", TERMS)
def test_every_dictionary_term_comes_out_whole_in_context(term, tokenizer):
    sentence = _context(term)
    tokens = segment(sentence, tokenizer=tokenizer)
    m = re.search(re.escape(term), sentence)
    covering = _covering_tokens(tokens, m.start(), m.end())
    # whole: one token covers the term (it may be a longer dictionary term containing it, 海绵城市建设),
    # or the term lost to another dictionary term overlapping it (精准/脱贫攻坚战: both are ours)
    whole = len(covering) == 1 and term in covering[0].text
    rival = any(t.text in TERMS and t.text not in term for t in covering)
    assert whole or rival, (sentence, [t.text for t in covering])


@pytest.mark.parametrize("text, expected", [
    ("完成一般公共预算收入39亿元，增长20%。", ["39亿元", "20%"]),
    ("社零总额145亿元，增长11.5%", ["145亿元", "11.5%"]),
    ("新增参保2.6万人", ["2.6万人"]),
    ("由5万吨提升至12.5万吨", ["5万吨", "12.5万吨"]),
    ("提高3个百分点，是2016年的7.5倍", ["3个百分点", "2016年", "7.5倍"]),
    ("引进博士团队6个9人", ["6个", "9人"]),
    ("截至11月，空气质量优良天数210天", ["11月", "210天"]),
])
def test_numbers_keep_their_units(text, expected, tokenizer):
    tokens = segment(text, tokenizer=tokenizer)
    numbers = [t.text for t in tokens if t.pos in ("m", "t") and re.match(r"\d", t.text)]
    assert numbers == expected


def test_masks_are_dropped_and_neighbours_flagged(tokenizer):
    tokens = segment("进一步降低企业制度**易成本，*推进改革。", tokenizer=tokenizer)
    assert not any("*" in t.text for t in tokens)
    near = [t.text for t in tokens if t.near_mask]
    assert "制度" in near and any(t.startswith("推进") for t in near)


def test_offsets_index_the_segmented_text(tokenizer):
    text = "2017年，预计地区生产总值增长8%、规上工业增加值增长10%。"
    for t in segment(text, tokenizer=tokenizer):
        assert text[t.start:t.end] == t.text


@pytest.mark.parametrize("backend", ["rjieba", "jieba"])
def test_a_whole_report_at_once_gives_the_tokens_of_each_sentence(backend):
    """segment_many (the fast path of tokenize) and segment agree, masks, spaces and numbers included."""
    tk = PolicyTokenizer(backend=backend)
    texts = SENTENCES[:60] + ["", "  ", "**", "进一步降低企业制度**易成本，*推进改革。", "增长 8% ，2017年 完成39亿元*",
                              "＊推进＊＊建设＊"]
    index, words, tags, starts, ends, near = tk.segment_many(texts)
    together = list(zip(index.tolist(), words.tolist(), tags.tolist(), starts.tolist(), ends.tolist(), near.tolist()))
    one_by_one = [(i, *t) for i, text in enumerate(texts) for t in tk.segment(text)]
    assert together == one_by_one
    assert any(t[-1] for t in one_by_one) and all(texts[i][a:b] == w for i, w, _, a, b, _ in together)


def test_tokens_table_points_into_the_raw_text(bundled, tokenizer):
    df = tokenize(bundled, tokenizer=tokenizer)
    raw = bundled.raw_text
    width = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"})
    mismatches = [(r.token, raw[r.start:r.end]) for r in df.itertuples() if raw[r.start:r.end].translate(width) != r.token]
    assert mismatches == []
    assert not df["token"].str.contains(r"\*").any()
    assert df["stopword"].any() and df["dict_term"].any()


def test_names_the_segmenter_splits_are_learned_from_the_report(bundled, tokenizer):
    """青山镇 (青/山镇) and 红钢城 (红/钢城) are one token; 钢城 stays a name of its own where it stands alone."""
    split = tokenize(bundled, tokenizer=tokenizer, learn_names=False)
    joined = tokenize(bundled, tokenizer=tokenizer)
    assert {"山镇", "红"} <= set(split["token"]) and not {"山镇", "红"} & set(joined["token"])
    assert {"红钢城", "青山镇老城"} <= set(joined["token"]) and "钢城" in set(joined["token"])
    raw = bundled.raw_text
    assert all(raw[r.start:r.end] == r.token for r in joined[joined["token"].isin(["红钢城", "青山镇老城"])].itertuples())
    assert {"红钢城", "青山镇"} <= set(learned_names(split)["name"])  # 青山镇老城 in the second pass
    assert joined[joined["token"].eq("红钢城")]["pos"].eq("nz").all()


def _plain_learned(words, tags, adjacent, *, min_count=2, share=0.8):
    """The rule of :func:`learned_names`, pair by pair in plain Python (what ``_learn`` computes with arrays)."""
    from collections import Counter

    from policytext.text.lexicons import cue_words
    from policytext.tokens.segmentation import _CJK_WORD, _NOT_A_NAME_PIECE

    suffixes = tuple(cue_words("place_suffixes"))
    alone, pairs = Counter(words), Counter()
    for k in range(len(words) - 1):
        a, b = words[k], words[k + 1]
        if (adjacent[k] and tags[k] not in _NOT_A_NAME_PIECE and _CJK_WORD.match(a) and _CJK_WORD.match(b)
                and b.endswith(suffixes) and 3 <= len(a) + len(b) <= 5):
            pairs[(a, b)] += 1
    return [(a, b, n) for (a, b), n in pairs.most_common()  # most frequent first, ties in order of first occurrence
            if n >= min_count and (n / alone[a] >= share and n / alone[b] >= share
                                   or len(a) == 1 and n / alone[a] >= share)]


@pytest.mark.parametrize("min_count, share", [(2, 0.8), (1, 0.5), (3, 0.9)])
def test_learning_names_with_arrays_agrees_with_the_plain_rule(bundled, tokenizer, min_count, share):
    import numpy as np

    from policytext.tokens.segmentation import _adjacent, _learn

    tokens = tokenize(bundled, tokenizer=tokenizer, learn_names=False)
    words, tags = tokens["token"].to_numpy(dtype=object), tokens["pos"].to_numpy(dtype=object)
    adjacent = _adjacent(tokens["sentence"].to_numpy(), tokens["clean_start"].to_numpy(),
                         tokens["clean_end"].to_numpy())
    learned = _learn(words, tags, adjacent, min_count=min_count, share=share)
    assert learned == _plain_learned(words.tolist(), tags.tolist(), adjacent.tolist(), min_count=min_count, share=share)
    assert learned or min_count > 2
    small = np.array(["红", "钢城", "和", "红", "钢城", "青", "山镇", "青", "山镇"], dtype=object)
    small_tags = np.array(["a", "ns", "c", "a", "ns", "a", "n", "a", "n"], dtype=object)
    for adjacent in (np.ones(8, dtype=bool), np.array([1, 0, 1, 1, 0, 1, 0, 1], dtype=bool)):
        assert _learn(small, small_tags, adjacent, min_count=min_count, share=share) == _plain_learned(
            small.tolist(), small_tags.tolist(), adjacent.tolist(), min_count=min_count, share=share)
    assert _learn(small[:1], small_tags[:1], adjacent[:0]) == []


def test_words_that_occur_apart_are_not_joined(tokenizer):
    """和/农村 ends with a place word and recurs, but 农村 stands alone elsewhere: no name."""
    doc = report_from_text("一、工作回顾\n加强城市和农村建设。统筹城市和农村发展。农村面貌改善，农村道路通达。\n")
    tokens = tokenize(doc, tokenizer=tokenizer)
    assert learned_names(tokenize(doc, tokenizer=tokenizer, learn_names=False)).empty
    assert "农村" in set(tokens["token"])


def test_stopwords_combine_general_and_policy_lists():
    words = load_stopwords()
    assert {"的", "我们", "进一步", "不断"} <= words
    assert not {"发展", "建设", "推进", "产业", "企业"} & words


def test_segmentation_is_deterministic(bundled, tokenizer):
    a = tokenize(bundled, tokenizer=tokenizer)
    b = tokenize(bundled, tokenizer=tokenizer)
    assert a.equals(b)


def test_extra_user_dictionary(tmp_path):
    extra = tmp_path / "mine.txt"
    extra.write_text("# my terms\n青山之心 nz\n", encoding="utf-8")
    tk = PolicyTokenizer(extra=[extra])
    assert "青山之心" in [t.text for t in segment("推进青山之心建设", tokenizer=tk)]


# ------------------------------------------------------------------ backends


def test_backends_keep_dictionary_terms_and_tags(bundled):
    jieba_tk, rust_tk = PolicyTokenizer(backend="jieba"), PolicyTokenizer(backend="rjieba")
    text = bundled.text
    a = [(t.text, t.pos) for t in segment(text, tokenizer=jieba_tk) if t.text in jieba_tk.terms]
    b = [(t.text, t.pos) for t in segment(text, tokenizer=rust_tk) if t.text in rust_tk.terms]
    assert a == b  # every dictionary term, in order, with the dictionary's POS tag


@pytest.mark.corpus
def test_backends_agree_for_the_projects_purposes(corpus):
    """rjieba (default, ~10× faster) against jieba (reference) on every corpus report.

    Known differences, measured on 20,422 sentences: tokens identical in 85% of sentences, because
    jieba-rs's HMM joins some unknown sequences that jieba's POS tagger splits (一是, 这是, 强省,
    低碳 …: mostly function words and stopwords).  They do not matter here: the 50 most frequent
    content terms of every report overlap by at least 96%, theme shares differ by well under one
    percentage point, and indicator extraction gives the same spans and values.
    """
    from policytext.analysis import keywords as kw, themes
    from policytext.analysis.indicators import extract_indicators

    jieba_tk, rust_tk = PolicyTokenizer(backend="jieba"), PolicyTokenizer(backend="rjieba")
    for doc_id, report in corpus.items():
        ta, tb = tokenize(report, tokenizer=jieba_tk), tokenize(report, tokenizer=rust_tk)
        top_a = set(kw.term_frequencies(ta).head(50)["term"])
        top_b = set(kw.term_frequencies(tb).head(50)["term"])
        assert len(top_a & top_b) >= 48, doc_id
        sa = themes.score_themes(ta, by="report").set_index("theme")["share"]
        sb = themes.score_themes(tb, by="report").set_index("theme")["share"]
        assert (sa - sb).abs().max() < 0.005, doc_id
        ia = extract_indicators(report, tokenizer=jieba_tk)
        ib = extract_indicators(report, tokenizer=rust_tk)
        assert ia[["start", "end", "value", "unit"]].equals(ib[["start", "end", "value", "unit"]]), doc_id


def test_a_long_report_is_tokenized_in_slices_with_the_same_table(bundled, tokenizer, monkeypatch):
    """Reports of more than _CHUNK sentences are cut into slices (bounded memory); the table is the same."""
    from policytext.tokens import segmentation

    whole = segmentation.tokenize(bundled, tokenizer=tokenizer, learn_names=False)
    joined = segmentation.tokenize(bundled, tokenizer=tokenizer)
    monkeypatch.setattr(segmentation, "_CHUNK", 37)
    assert segmentation.tokenize(bundled, tokenizer=tokenizer, learn_names=False).equals(whole)
    # names are learned slice by slice (documented): only learned names and their pieces may differ
    sliced = segmentation.tokenize(bundled, tokenizer=tokenizer)
    names = {w for t in (joined, sliced) for w in t.loc[t["pos"].eq("nz") & ~t["dict_term"], "token"]}
    spans = lambda t: set(zip(t["clean_start"], t["clean_end"], t["token"]))  # noqa: E731
    differ = spans(sliced) ^ spans(joined)
    assert differ and all(any(w in n for n in names) for _, _, w in differ)
