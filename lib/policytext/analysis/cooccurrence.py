"""Term co-occurrence within sentences, as a table and as a network with communities.

For the ``n`` most frequent content terms, :func:`cooccurrence` counts the
sentences in which two terms occur together and normalises the count by the
Jaccard index (sentences with both / sentences with either), so that two
frequent words are not linked merely for being frequent.
:func:`cooccurrence_graph` keeps the strongest links as a networkx graph and
finds communities by greedy modularity maximisation (Clauset, Newman & Moore
2004); the layout in the plotting module uses a fixed seed.
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd

from ..tokens.filters import content_tokens

__all__ = ["cooccurrence", "cooccurrence_graph"]


#: Nouns only by default: verbs such as 推进 and 加快 co-occur with everything and hide the structure.
NOUNS = ("n", "nz", "ns", "nt", "vn", "j", "l")


def cooccurrence(tokens: pd.DataFrame, *, n: int = 40, include_pos=NOUNS, stopwords: bool = True,
                 min_len: int = 2) -> pd.DataFrame:
    """Pairs of the ``n`` most frequent terms (nouns by default): ``first, second, sentences, jaccard``,
    strongest first."""
    content = content_tokens(tokens, include_pos=include_pos, stopwords=stopwords, min_len=min_len)
    counts = content["token"].value_counts()
    top = sorted(counts.head(n).index, key=lambda t: (-counts[t], t))
    keep = content[content["token"].isin(top)]
    per_sentence = keep.groupby("sentence")["token"].agg(lambda s: sorted(set(s)))
    with_term = {t: set() for t in top}
    pairs: dict[tuple[str, str], int] = {}
    for sentence, terms in per_sentence.items():
        for t in terms:
            with_term[t].add(sentence)
        for a, b in combinations(terms, 2):
            pairs[(a, b)] = pairs.get((a, b), 0) + 1
    rows = [{"first": a, "second": b, "sentences": c,
             "jaccard": c / len(with_term[a] | with_term[b])} for (a, b), c in pairs.items()]
    out = pd.DataFrame(rows, columns=["first", "second", "sentences", "jaccard"])
    return out.sort_values(["jaccard", "first", "second"], ascending=[False, True, True], kind="stable").reset_index(drop=True)


def cooccurrence_graph(pairs: pd.DataFrame, *, min_sentences: int = 3, edges: int = 80):
    """The strongest ``edges`` links seen in at least ``min_sentences`` sentences, with a ``community`` per node."""
    import networkx as nx
    from networkx.algorithms.community import greedy_modularity_communities

    strong = pairs[pairs["sentences"] >= min_sentences].head(edges)
    graph = nx.Graph()
    for row in strong.itertuples():
        graph.add_edge(row.first, row.second, weight=row.jaccard, sentences=row.sentences)
    if graph.number_of_edges():
        communities = greedy_modularity_communities(graph, weight="weight")
        for i, members in enumerate(sorted(communities, key=lambda c: (-len(c), sorted(c)))):
            for node in members:
                graph.nodes[node]["community"] = i
    return graph
