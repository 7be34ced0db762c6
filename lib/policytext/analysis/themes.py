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

Matching: a token counts for a theme when it contains one of the theme's
words (``生态环境`` through ``生态``), so a dictionary can list stems; the
denominator is the scope's content tokens (no punctuation, no stopwords,
nothing next to a masked character).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .. import paths
from ..errors import PolicyTextError
from ..tokens.filters import content_tokens
from ..tokens.scopes import add_scope, scope_columns

__all__ = ["ThemeDictionary", "load_dictionary", "available_dictionaries", "match_tokens", "score_themes",
           "tag_sentences", "THEME_COLUMNS", "DOMINANCE"]

THEMES_DIR = paths.RESOURCES / "themes"
#: Default of :func:`tag_sentences`: a sentence also gets every theme with at least two thirds of the
#: hits of its strongest one.  Chosen on the development sentences of the hand labels (notebook 04 and
#: the site's Methods page compute the agreement it gives).
DOMINANCE = 0.67
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
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: ten times faster
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (a safe loader)
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


class _Matcher:
    """Which theme words a token contains: for each theme, the longest (the first listed among equals).

    Looks up every substring of a token (up to the longest word) in a hash of the
    dictionary's words, and remembers each token, so a corpus run looks each
    distinct token up once per dictionary.
    """

    def __init__(self, dictionary: ThemeDictionary):
        self.words: dict[str, list[tuple[str, int]]] = {}
        for theme in dictionary.categories:
            for rank, word in enumerate(dictionary.terms[theme]):
                self.words.setdefault(word, []).append((theme, rank))
        self.longest = max(map(len, self.words), default=0)
        self.known: dict[str, tuple[tuple[str, str], ...]] = {}

    def __call__(self, token: str) -> tuple[tuple[str, str], ...]:
        found = self.known.get(token)
        if found is None:
            best: dict[str, tuple[tuple[int, int], str]] = {}
            n = len(token)
            for i in range(n):
                for j in range(i + 1, min(n, i + self.longest) + 1):
                    for theme, rank in self.words.get(token[i:j], ()):
                        key = (j - i, -rank)
                        if theme not in best or key > best[theme][0]:
                            best[theme] = (key, token[i:j])
            found = self.known[token] = tuple((theme, word) for theme, (_, word) in best.items())
        return found


_MATCHERS: dict[tuple, _Matcher] = {}


def _matcher(dictionary: ThemeDictionary) -> _Matcher:
    key = tuple((theme, dictionary.terms[theme]) for theme in dictionary.categories)
    matcher = _MATCHERS.get(key)
    if matcher is None or len(matcher.known) > 500_000:  # bounded memory over long corpus runs
        if len(_MATCHERS) >= 16:
            _MATCHERS.clear()
        matcher = _MATCHERS[key] = _Matcher(dictionary)
    return matcher


def match_tokens(tokens: pd.DataFrame, dictionary: ThemeDictionary, *, include_pos=None, stopwords: bool = True,
                 min_len: int = 2) -> pd.DataFrame:
    """One row per (content token, theme) that matches: the token table's columns plus ``theme, term``.

    A token matches a theme through the longest of the theme's words it contains
    (among words of equal length, the one listed first).  Each distinct token is
    looked up once; the matches are then joined back.  Every POS tag counts by
    default (``include_pos=None``): a theme word is a theme word whatever jieba tags it.
    """
    return _match(content_tokens(tokens, include_pos=include_pos, stopwords=stopwords, min_len=min_len), dictionary)


def _match(content: pd.DataFrame, dictionary: ThemeDictionary) -> pd.DataFrame:
    """The matches of tokens already filtered (see :func:`match_tokens`), in text order."""
    match = _matcher(dictionary)
    rows = [(token, theme, term) for token in content["token"].unique().tolist() for theme, term in match(token)]
    lookup = pd.DataFrame(rows, columns=["token", "theme", "term"])
    matched = content.reset_index(drop=True).merge(lookup, on="token", how="inner", sort=False)
    order = {c: i for i, c in enumerate(dictionary.categories)}
    matched["_order"] = matched["theme"].map(order)
    return matched.sort_values(["clean_start", "_order"], kind="stable").drop(columns="_order").reset_index(drop=True)


def score_themes(tokens: pd.DataFrame, *, dictionary: ThemeDictionary | str | Path = "policy_domains",
                 by: str = "section", include_pos=None, stopwords: bool = True, min_len: int = 2) -> pd.DataFrame:
    """Attention to each theme per scope: share of content tokens and share of sentences.

    Args:
        tokens: a token table (:func:`~policytext.tokens.segmentation.tokenize`).
        dictionary: a shipped dictionary's name, a YAML file in cntext's schema, or a loaded one.
        by: ``report``, ``chapter``, ``section`` or ``paragraph``.
        include_pos, stopwords, min_len: the content-token filter (every POS tag by default).

    Returns:
        One row per scope and theme (in the dictionary's order): the scope's key columns, ``theme``,
        ``tokens`` (matching tokens), ``content_tokens`` (the scope's denominator), ``share``,
        ``sentences`` (with at least one match), ``n_sentences``, ``sentence_share``, and ``terms``,
        the matched words with their counts (``生态×9 环保×3``), for provenance.
    """
    dictionary = load_dictionary(dictionary)
    keys = scope_columns(by)
    content = add_scope(content_tokens(tokens, include_pos=include_pos, stopwords=stopwords, min_len=min_len), by)
    content = content[keys + ["sentence", "token", "clean_start"]]
    content = content.assign(_scope=list(zip(*(content[k].tolist() for k in keys))) if keys else [()] * len(content))
    totals = content.groupby("_scope").size()
    sentence_totals = content.groupby("_scope")["sentence"].nunique()
    matched = _match(content, dictionary)  # a few hundred rows per report: counted in plain Python
    hit_sentences = {key: len(set(group)) for key, group in _group(matched, ["_scope", "theme"], "sentence").items()}
    terms = {key: Counter(group) for key, group in _group(matched, ["_scope", "theme"], "term").items()}
    rows = []
    for scope in sorted(totals.index, key=_numeric_key):
        for theme in dictionary.categories:
            counts = sorted(terms.get((scope, theme), {}).items(), key=lambda kv: (-kv[1], kv[0]))
            n_tokens = sum(n for _, n in counts)
            n_sentences = hit_sentences.get((scope, theme), 0)
            rows.append({
                **dict(zip(keys, scope)), "theme": theme, "tokens": n_tokens,
                "content_tokens": int(totals[scope]), "share": n_tokens / totals[scope],
                "sentences": n_sentences, "n_sentences": int(sentence_totals[scope]),
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
                  min_hits: int = 1, dominance: float = DOMINANCE, include_pos=None, stopwords: bool = True,
                  min_len: int = 2) -> pd.DataFrame:
    """Each sentence's themes (multi-label), with the hits behind them.

    A sentence gets every theme with at least ``min_hits`` matching tokens and
    at least ``dominance`` × the hits of its strongest theme (0 keeps every
    theme that occurs; 1 keeps only the strongest).  Columns: ``sentence,
    themes`` (``|``-joined, sorted by hits), ``hits`` (``theme:n``), ``terms``.
    """
    dictionary = load_dictionary(dictionary)
    matched = match_tokens(tokens, dictionary, include_pos=include_pos, stopwords=stopwords, min_len=min_len)
    sentences = content_tokens(tokens, include_pos=None)["sentence"].drop_duplicates().sort_values()
    rows = []
    by_sentence = dict(tuple(matched.groupby("sentence")))
    for sentence in sentences:
        hits = by_sentence.get(sentence)
        if hits is None:
            rows.append({"sentence": sentence, "themes": "", "hits": "", "terms": ""})
            continue
        counts = hits["theme"].value_counts()
        top = counts.max()
        order = sorted(counts.items(), key=lambda kv: (-kv[1], dictionary.categories.index(kv[0])))
        chosen = [t for t, n in order if n >= min_hits and n >= dominance * top]
        rows.append({"sentence": sentence, "themes": "|".join(chosen),
                     "hits": " ".join(f"{t}:{n}" for t, n in order),
                     "terms": " ".join(sorted(set(hits["term"])))})
    return pd.DataFrame(rows, columns=["sentence", "themes", "hits", "terms"])
