"""Which tokens an analysis counts: the content-token filter shared by every analysis.

Keyword counts, theme shares, topics and co-occurrence all start from the same filter, so that a
share in one notebook and a count in another are computed on the same words.  Each analysis takes
the filter's options as explicit keyword arguments (``include_pos=``, ``stopwords=``,
``min_len=``, as textacy does) and passes them here; none changes an option it was not given.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..text.lexicons import load_content_words

__all__ = ["DEFAULT_POS", "content_tokens", "joined_text", "joined_arrays"]

#: POS tags kept by default: nouns (n, nz, ns, nt, ng, vn …), verbs (v), fixed expressions (l, i),
#: abbreviations (j).  Person names (nr) and time words (t) are left out.
DEFAULT_POS = ("n", "nz", "ns", "nt", "ng", "nl", "vn", "v", "l", "i", "j", "an")


def content_tokens(tokens: pd.DataFrame, *, include_pos: tuple[str, ...] | None = DEFAULT_POS,
                   stopwords: bool = True, min_len: int = 2, body_only: bool = True,
                   content_words: bool = True) -> pd.DataFrame:
    """The tokens worth counting: chosen POS tags, no stopwords or punctuation, at least ``min_len`` characters.

    Args:
        tokens: a token table (:func:`~policytext.tokens.segmentation.tokenize`).
        include_pos: POS tag prefixes to keep (``None`` keeps every tag); numbers (``m``), time
            words (``t``) and person names (``nr``) are never kept when a tag list is given.
        stopwords: drop the stopwords (flag ``stopword`` of the token table).
        min_len: fewest characters of a kept token.
        body_only: keep the report's body (its chapters), leaving out front matter, the closing
            and appendices.
        content_words: with a tag list, also keep the policy words the tagger mis-tags
            (``resources/content_words.txt``: 落实 and 健全 tagged as adjectives, 养老 as a name).

    Returns:
        The kept rows of ``tokens``, unchanged (punctuation and tokens next to a masked
        character are always dropped).
    """
    keep = tokens["token"].str.len() >= min_len
    keep &= ~tokens["punct"] & ~tokens["near_mask"]
    if include_pos is not None:
        tagged = tokens["pos"].str.startswith(tuple(include_pos)) & ~tokens["pos"].str.startswith(("m", "t", "nr"))
        keep &= (tagged | tokens["token"].isin(load_content_words())) if content_words else tagged
    if stopwords:
        keep &= ~tokens["stopword"]
    if body_only:
        keep &= tokens["part"].eq("body") & tokens["chapter"].notna()
    return tokens[keep]


def joined_text(tokens: pd.DataFrame) -> tuple[str, np.ndarray]:
    """The text of ``tokens`` (in their order) as one string, and where each token starts in it.

    Adjacent tokens are joined; a ``\\0`` stands where text was dropped between two tokens (a mask,
    white space, a token filtered out) or a sentence ends, so that nothing searched in the string
    (a dictionary entry, a term) crosses it.  The text that term searches and dictionary matches run
    on, rebuilt from the tokens they count.
    """
    return joined_arrays(tokens["token"].tolist(), tokens["clean_start"].to_numpy(dtype=np.int64),
                         tokens["clean_end"].to_numpy(dtype=np.int64), tokens["sentence"].to_numpy())


def joined_arrays(words: list[str], starts: np.ndarray, ends: np.ndarray,
                  sentence: np.ndarray) -> tuple[str, np.ndarray]:
    """:func:`joined_text` of tokens given as their columns ``token`` (a list), ``clean_start``,
    ``clean_end`` and ``sentence`` (arrays)."""
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    breaks = np.zeros(len(words), dtype=bool)
    breaks[1:] = (starts[1:] != ends[:-1]) | (sentence[1:] != sentence[:-1])
    text = "".join(["\0" + w if brk else w for w, brk in zip(words, breaks.tolist())])
    return text, np.cumsum(lengths + breaks) - lengths
