"""Policy themes: attention to each theme as the share of a scope's words that belong to it.

Economists measure a government's attention to a policy area as the share of
its work report's words that belong to a dictionary of that area (陈诗一 &
陈登科 2018 count environment words in city reports).  :func:`score_themes`
does this per report, chapter, section or paragraph, both as a share of
tokens and as a share of sentences, and keeps the matched terms so every
share can be traced to the words behind it.  :func:`tag_sentences` gives
each sentence its themes (multi-label) for validation against hand labels.

Dictionaries are plain YAML files in cntext's schema (``Name, Desc, Refer,
Category, Dictionary``), shipped in ``resources/themes/``; any cntext
dictionary, or one of your own, loads with :func:`load_dictionary`.

Matching (:func:`match_terms`): the entries are found in the text itself, not among the tokens, so
an entry the segmenter splits (风险防控 → 风险/防控) is still found; matches are leftmost-longest,
so 保障性住房 wins over the 住房 inside it, and an entry inside a name (北湖生态新城) does not
count.  Each match is placed on the tokens it covers; a scope's share is its number of hits (entries
matched) over its content tokens (no punctuation, no stopwords, nothing next to a masked character).
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .. import paths
from ..errors import PolicyTextError
from ..tokens.filters import content_tokens, joined_arrays
from ..tokens.scopes import add_scope, scope_columns

__all__ = ["ThemeDictionary", "load_dictionary", "available_dictionaries", "match_terms", "score_themes",
           "tag_sentences", "sentence_themes", "THEME_COLUMNS", "DOMINANCE"]

THEMES_DIR = paths.RESOURCES / "themes"
#: The largest dictionary file read (the shipped ones are under 40 KB).
MAX_DICTIONARY_BYTES = 20_000_000
#: Default of :func:`tag_sentences`: a sentence also gets every theme with at least two thirds of the
#: hits of its strongest one.  Chosen on the development sentences of the hand labels (notebook 04 and
#: the site's Methods page compute the agreement it gives).
DOMINANCE = Fraction(2, 3)
#: The columns of :func:`score_themes` after the scope's key columns.
THEME_COLUMNS = ["theme", "tokens", "content_tokens", "share", "sentences", "n_sentences", "sentence_share", "terms"]


@dataclass(frozen=True)
class ThemeDictionary:
    """A theme dictionary: its name, description, source, categories and words."""

    name: str
    desc: str
    refer: str
    categories: tuple[str, ...]
    terms: dict[str, tuple[str, ...]]
    path: str

    def as_frame(self) -> pd.DataFrame:
        """One row per (theme, term)."""
        return pd.DataFrame([(c, t) for c in self.categories for t in self.terms[c]], columns=["theme", "term"])


def available_dictionaries() -> list[str]:
    """Names of the dictionaries shipped with the library."""
    return sorted(p.stem for p in THEMES_DIR.glob("*.yaml"))


def load_dictionary(source: "ThemeDictionary | str | Path" = "policy_domains") -> ThemeDictionary:
    """Load a dictionary by name (``policy_domains``, ``new_development_concepts``,
    ``environment_attention``) or from a YAML file in cntext's schema (a loaded one is returned as is)."""
    if isinstance(source, ThemeDictionary):
        return source
    path = Path(source)
    if not path.suffix and not path.exists():
        path = THEMES_DIR / f"{source}.yaml"
    return _load(str(path))


@lru_cache(maxsize=16)
def _load(path: str) -> ThemeDictionary:
    import yaml

    if not Path(path).is_file():
        raise PolicyTextError(f"{path}: no such dictionary (shipped: {', '.join(available_dictionaries())})")
    size = Path(path).stat().st_size
    if size > MAX_DICTIONARY_BYTES:
        raise PolicyTextError(f"{path}: dictionary of {size / 1e6:.1f} MB, more than {MAX_DICTIONARY_BYTES / 1e6:.0f} MB")
    try:
        text = Path(path).read_text(encoding="utf-8")
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: ten times faster
        # anchors and aliases are refused before anything is built: a few hundred bytes of nested
        # aliases ("billion laughs") would expand to gigabytes; a word list never needs them
        if any(isinstance(e, yaml.AliasEvent) or getattr(e, "anchor", None) for e in yaml.parse(text, Loader=loader)):
            raise PolicyTextError(f"{path}: YAML anchors and aliases (& and *) are not allowed in a dictionary; "
                                  "write every word out")
        data = yaml.load(text, Loader=loader)  # noqa: S506 (a safe loader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PolicyTextError(f"{path}: not a readable YAML dictionary ({type(exc).__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("Dictionary"), dict):
        raise PolicyTextError(f"{path}: a dictionary needs a 'Dictionary' mapping of category to words "
                              "(cntext schema: Name, Desc, Refer, Category, Dictionary)")
    words = {str(k): tuple(str(w).strip() for w in (v or []) if str(w).strip()) for k, v in data["Dictionary"].items()}
    categories = tuple(str(c) for c in (data.get("Category") or words.keys()))
    missing = [c for c in categories if c not in words]
    if missing:
        raise PolicyTextError(f"{path}: categories without words: {', '.join(missing)}")
    return ThemeDictionary(name=str(data.get("Name") or Path(path).stem), desc=str(data.get("Desc") or ""),
                           refer=str(data.get("Refer") or ""), categories=categories,
                           terms={c: words[c] for c in categories}, path=path)


class _Automaton:
    """The dictionary's entries in an Aho–Corasick automaton (pyahocorasick), read leftmost-longest.

    Every listed entry is found wherever the text has it, whatever the segmenter did with it
    (风险防控 split as 风险/防控 is still 风险防控), and the longest entry wins where entries overlap: 市场
    inside 市场主体, 住房 inside 保障性住房 give no hit of their own.  An entry listed under several
    themes counts for each of them.
    """

    def __init__(self, dictionary: ThemeDictionary):
        import ahocorasick

        themes: dict[str, list[str]] = {}
        for theme in dictionary.categories:
            for word in dictionary.terms[theme]:
                if theme not in themes.setdefault(word, []):
                    themes[word].append(theme)
        self.automaton = ahocorasick.Automaton()
        for word, of in themes.items():
            self.automaton.add_word(word, (word, tuple(of)))
        self.empty = not themes
        if not self.empty:
            self.automaton.make_automaton()

    def find(self, text: str):
        """``(start, end, entry, themes)`` of every match, leftmost-longest, not overlapping."""
        if self.empty:
            return []
        return [(end + 1 - len(word), end + 1, word, themes) for end, (word, themes) in self.automaton.iter_long(text)]


_AUTOMATA: dict[tuple, _Automaton] = {}


def _automaton(dictionary: ThemeDictionary) -> _Automaton:
    key = tuple((theme, dictionary.terms[theme]) for theme in dictionary.categories)
    found = _AUTOMATA.get(key)
    if found is None:
        if len(_AUTOMATA) >= 16:
            _AUTOMATA.clear()
        found = _AUTOMATA[key] = _Automaton(dictionary)
    return found


#: POS tags of names: a dictionary entry inside a name (北湖生态新城, 某生态科技有限公司) is not the topic.
NAME_TAGS = ("nr", "ns", "nt")
MATCH_COLUMNS = ["sentence", "theme", "term", "clean_start", "clean_end", "start", "end"]


def match_terms(tokens: pd.DataFrame, dictionary: ThemeDictionary | str | Path = "policy_domains") -> pd.DataFrame:
    """Every dictionary entry the report's body text holds, one row per (match, theme).

    The text is rebuilt from the token table (sentence by sentence, in text order; a removed mask or
    space is a break no entry crosses), matched leftmost-longest (:class:`_Automaton`), and each
    match is placed on the tokens it covers.  A match strictly inside one name token (POS
    :data:`NAME_TAGS`: 北湖生态新城) does not count, nor one touching a masked character.

    Returns:
        The token table's scope columns of the match's first token (``chapter, section, paragraph,
        sentence``), ``theme``, ``term`` (the entry matched), its cleaned-text span ``clean_start,
        clean_end``, and ``start, end``, the raw span of the tokens it covers; in text order.
    """
    dictionary = load_dictionary(dictionary)
    columns = ["chapter", "section", "paragraph"] + MATCH_COLUMNS
    in_body = (tokens["part"].eq("body") & tokens["chapter"].notna() & ~tokens["punct"]).to_numpy(dtype=bool)
    at = np.flatnonzero(in_body)  # the body's tokens (rows of ``tokens``), in text order
    at = at[np.argsort(tokens["clean_start"].to_numpy(dtype=np.int64)[at], kind="stable")]
    if not len(at):
        return pd.DataFrame(columns=columns)
    starts = tokens["clean_start"].to_numpy(dtype=np.int64)[at]
    ends = tokens["clean_end"].to_numpy(dtype=np.int64)[at]
    words = tokens["token"].iloc[at].tolist()  # Python strings for the body only
    # one string of the body, and where each token starts in it
    text, joined_at = joined_arrays(words, starts, ends, tokens["sentence"].to_numpy()[at])
    found = _automaton(dictionary).find(text)
    if not found:
        return pd.DataFrame(columns=columns)
    a = np.fromiter((f[0] for f in found), dtype=np.int64, count=len(found))
    b = np.fromiter((f[1] for f in found), dtype=np.int64, count=len(found))
    first = np.searchsorted(joined_at, a, side="right") - 1
    last = np.searchsorted(joined_at, b - 1, side="right") - 1
    masks = np.concatenate(([0], np.cumsum(tokens["near_mask"].to_numpy(dtype=bool)[at])))
    name = tokens["pos"].str.startswith(NAME_TAGS).to_numpy(dtype=bool)[at]
    keep = (masks[last + 1] == masks[first])  # no token of the match touches a mask
    keep &= ~((first == last) & name[first] & (b - a < (ends - starts)[first]))  # not inside a name
    kept = np.flatnonzero(keep).tolist()
    if not kept:
        return pd.DataFrame(columns=columns)
    # one row per (match, theme): an entry listed under several themes counts for each
    themes = [found[k][3] for k in kept]
    match = np.repeat(kept, [len(t) for t in themes])
    theme = [t for of in themes for t in of]
    rank = {c: i for i, c in enumerate(dictionary.categories)}
    clean_start = starts[first[match]] + (a[match] - joined_at[first[match]])
    # in text order, the themes of one match in the dictionary's order
    order = np.lexsort((np.fromiter(map(rank.__getitem__, theme), dtype=np.int64, count=len(theme)), clean_start))
    match = match[order]
    located = tokens[["chapter", "section", "paragraph", "sentence"]].iloc[at[first[match]]].reset_index(drop=True)
    clean_start = clean_start[order]
    return located.assign(theme=[theme[i] for i in order.tolist()], term=[found[k][2] for k in match.tolist()],
                          clean_start=clean_start, clean_end=clean_start + (b - a)[match],
                          start=tokens["start"].to_numpy(dtype=np.int64)[at[first[match]]],
                          end=tokens["end"].to_numpy(dtype=np.int64)[at[last[match]]])


def score_themes(tokens: pd.DataFrame, *, dictionary: ThemeDictionary | str | Path = "policy_domains",
                 by: str = "section", include_pos=None, stopwords: bool = True, min_len: int = 2) -> pd.DataFrame:
    """Attention to each theme per scope: share of content tokens and share of sentences.

    Args:
        tokens: a token table (:func:`~policytext.tokens.segmentation.tokenize`).
        dictionary: a shipped dictionary's name, a YAML file in cntext's schema, or a loaded one.
        by: ``report``, ``chapter``, ``section`` or ``paragraph``.
        include_pos, stopwords, min_len: the content-token filter (every POS tag by default).

    A hit is an entry of the dictionary found in the text (:func:`match_terms`); the share is the
    number of hits over the number of content tokens, the usual dictionary measure of attention.

    Returns:
        One row per scope and theme (in the dictionary's order): the scope's key columns, ``theme``,
        ``tokens`` (hits: entries matched), ``content_tokens`` (the scope's denominator), ``share``,
        ``sentences`` (with at least one match), ``n_sentences``, ``sentence_share``, and ``terms``,
        the matched words with their counts (``生态×9 环保×3``), for provenance.
    """
    dictionary = load_dictionary(dictionary)
    keys = scope_columns(by)
    content = add_scope(content_tokens(tokens, include_pos=include_pos, stopwords=stopwords, min_len=min_len), by)
    # a sentence lies in one scope: count per sentence, then add up per scope (no tuple per token)
    _, first, per_sentence = np.unique(content["sentence"].to_numpy(), return_index=True, return_counts=True)
    scopes = list(zip(*(content[k].take(first).tolist() for k in keys))) if keys else [()] * len(first)
    totals: Counter = Counter()  # content tokens per scope
    sentence_totals: Counter = Counter()  # sentences with a content token per scope
    for scope, n in zip(scopes, per_sentence.tolist()):
        totals[scope] += n
        sentence_totals[scope] += 1
    matched = add_scope(match_terms(tokens, dictionary), by)
    matched = matched.assign(_scope=list(zip(*(matched[k].tolist() for k in keys))) if keys else [()] * len(matched))
    matched = matched[matched["_scope"].isin(set(totals))]  # a plain Python count: a few hundred rows
    hit_sentences = {key: len(set(group)) for key, group in _group(matched, ["_scope", "theme"], "sentence").items()}
    terms = {key: Counter(group) for key, group in _group(matched, ["_scope", "theme"], "term").items()}
    rows = []
    for scope in sorted(totals, key=_numeric_key):
        for theme in dictionary.categories:
            counts = sorted(terms.get((scope, theme), {}).items(), key=lambda kv: (-kv[1], kv[0]))
            n_tokens = sum(n for _, n in counts)
            n_sentences = hit_sentences.get((scope, theme), 0)
            rows.append({
                **dict(zip(keys, scope)), "theme": theme, "tokens": n_tokens,
                "content_tokens": totals[scope], "share": n_tokens / totals[scope],
                "sentences": n_sentences, "n_sentences": sentence_totals[scope],
                "sentence_share": n_sentences / sentence_totals[scope],
                "terms": " ".join(f"{t}×{n}" for t, n in counts),
            })
    out = pd.DataFrame(rows, columns=keys + THEME_COLUMNS)
    for c in keys:
        out[c] = out[c].astype("Int64")
    return out


def _group(df: pd.DataFrame, keys: list[str], column: str) -> dict[tuple, list]:
    """The values of ``column`` for each combination of ``keys``, in row order."""
    out: dict[tuple, list] = {}
    for *key, value in zip(*(df[k].tolist() for k in keys), df[column].tolist()):
        out.setdefault(tuple(key), []).append(value)
    return out


def _numeric_key(scope: tuple) -> tuple:
    """Scopes in numeric order, a missing number (text outside chapters) last."""
    return tuple((pd.isna(x), 0 if pd.isna(x) else int(x)) for x in scope)


def tag_sentences(tokens: pd.DataFrame, *, dictionary: ThemeDictionary | str | Path = "policy_domains",
                  min_hits: int = 1, dominance: float | Fraction = DOMINANCE,
                  fallback: str | None = "paragraph") -> pd.DataFrame:
    """Each sentence's themes (multi-label), with the hits behind them.

    A sentence gets every theme with at least ``min_hits`` hits (:func:`match_terms`) and at least
    ``dominance`` × the hits of its strongest theme: with the default of two thirds, a theme with 2
    hits beside one with 3 is kept, one with 1 beside 3 is not (0 keeps every theme that occurs; 1
    keeps only the strongest).  A sentence without any hit takes the strongest theme(s) of its
    paragraph with ``fallback="paragraph"`` (the default: a sentence continues its paragraph's
    subject, 严厉打击偷逃骗税… after a sentence on market order), none with ``fallback=None``;
    ``source`` says which.

    Returns:
        One row per body sentence: ``sentence``, ``paragraph``, ``themes`` (``|``-joined, by hits),
        ``hits`` (``theme:n``), ``terms`` (the entries matched) and ``source`` (``terms``,
        ``paragraph`` or empty).
    """
    dictionary = load_dictionary(dictionary)
    if fallback not in (None, "paragraph"):
        raise ValueError(f"unknown fallback {fallback!r}: use 'paragraph' or None")
    matched = match_terms(tokens, dictionary)
    sentences = (content_tokens(tokens, include_pos=None)[["sentence", "paragraph"]]
                 .drop_duplicates("sentence").sort_values("sentence"))
    dominance = Fraction(dominance).limit_denominator(1000)
    order = {c: i for i, c in enumerate(dictionary.categories)}
    by_sentence: dict = {}  # sentence -> {theme: hits}, and the entries matched in it
    terms_of: dict = {}
    for sentence, theme, term in zip(matched["sentence"].tolist(), matched["theme"].tolist(), matched["term"].tolist()):
        counts = by_sentence.setdefault(sentence, {})
        counts[theme] = counts.get(theme, 0) + 1
        terms_of.setdefault(sentence, set()).add(term)
    by_paragraph: dict = {}
    for paragraph, theme in zip(matched["paragraph"].tolist(), matched["theme"].tolist()):
        counts = by_paragraph.setdefault(paragraph, {})
        counts[theme] = counts.get(theme, 0) + 1
    rows = []
    for sentence, paragraph in zip(sentences["sentence"].tolist(), sentences["paragraph"].tolist()):
        counts = by_sentence.get(sentence)
        if counts is None:
            themes_, source = [], ""
            if fallback == "paragraph" and paragraph in by_paragraph:
                strongest = max(by_paragraph[paragraph].values())
                themes_ = sorted((t for t, n in by_paragraph[paragraph].items() if n == strongest), key=order.get)
                source = "paragraph"
            rows.append({"sentence": sentence, "paragraph": paragraph, "themes": "|".join(themes_), "hits": "",
                         "terms": "", "source": source})
            continue
        top = max(counts.values())
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], order[kv[0]]))
        chosen = [t for t, n in ranked if n >= min_hits and n >= dominance * top]
        rows.append({"sentence": sentence, "paragraph": paragraph, "themes": "|".join(chosen),
                     "hits": " ".join(f"{t}:{n}" for t, n in ranked), "terms": " ".join(sorted(terms_of[sentence])),
                     "source": "terms"})
    return pd.DataFrame(rows, columns=["sentence", "paragraph", "themes", "hits", "terms", "source"])


def sentence_themes(tokens: pd.DataFrame, sentences: pd.DataFrame, *,
                    dictionary: ThemeDictionary | str | Path = "policy_domains", **options) -> pd.DataFrame:
    """One row per body sentence with its themes, for reading and auditing the labels.

    ``sentences`` is the report's sentence table (``report.structure.sentences``); ``options`` are
    those of :func:`tag_sentences`.

    Returns:
        ``doc_id, chapter, section, paragraph, sentence, start, end, text``, ``themes`` (a list of
        labels, empty for none), ``terms`` (the entries matched), ``hits`` and ``source``.
    """
    tags = tag_sentences(tokens, dictionary=dictionary, **options)
    located = sentences[["doc_id", "chapter", "section", "paragraph", "sentence", "start", "end", "text"]]
    out = located.merge(tags.drop(columns="paragraph"), on="sentence", how="inner")
    out["themes"] = [[x for x in s.split("|") if x] for s in out["themes"]]
    return out[["doc_id", "chapter", "section", "paragraph", "sentence", "start", "end", "text", "themes", "terms",
                "hits", "source"]]
