"""The methods primer: each method of the book on a toy example small enough to check by hand.

Every number of the page is computed when the site is built, by the formula written on the page
(plain Python over the counts shown); where the library implements the method (TF-IDF, keyness,
average Jaccard) or a reference library does (micro F1 in scikit-learn, modularity in networkx), it
is computed a second time that way and the build stops if the two disagree.  A reader can redo each example with a pencil; a teacher can
change an example and rebuild.
"""

from __future__ import annotations

import math

__all__ = ["primer_page"]


def _table(header, rows) -> str:
    lines = ["| " + " | ".join(map(str, header)) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _same(by_hand: float, library: float, what: str) -> None:
    if not math.isclose(by_hand, library, rel_tol=1e-9, abs_tol=1e-12):
        raise AssertionError(f"primer: {what}: the formula gives {by_hand!r}, the library {library!r}")


def _toy_tokens(paragraphs: list[str]):
    """The tokens of a toy report made of ``paragraphs`` (under one heading, left out), numbered 1, 2, …"""
    from policytext import report_from_text, tokenize

    report = report_from_text("政府工作报告\n一、今年主要任务\n" + "\n".join(paragraphs) + "\n", name="toy.txt")
    tokens = tokenize(report)
    numbers = report.structure.paragraphs.set_index("paragraph")["text"]
    mine = {number: paragraphs.index(text) + 1 for number, text in numbers.items() if text in paragraphs}
    tokens = tokens[tokens["paragraph"].isin(list(mine))].copy()
    tokens["paragraph"] = tokens["paragraph"].map(mine)
    return tokens


def _tfidf() -> list[str]:
    from policytext.analysis import keywords as kw

    paragraphs = ["发展产业，发展企业，建设学校。", "建设医院，建设学校，发展产业。", "保护湖泊，治理湖泊，发展产业。"]
    tokens = _toy_tokens(paragraphs)
    library = kw.tfidf(tokens, by="paragraph")
    counts = library.pivot(index="term", columns="paragraph", values="count").fillna(0).astype(int)
    n = counts.shape[1]
    rows = []
    for term, row in counts.iterrows():
        df = int((row > 0).sum())
        idf = math.log((1 + n) / (1 + df)) + 1
        for paragraph, count in row.items():
            if not count:
                continue
            tf = count / counts[paragraph].sum()
            got = library[(library["term"] == term) & (library["paragraph"] == paragraph)]["score"].iloc[0]
            _same(tf * idf, got, f"tf-idf of {term} in paragraph {paragraph}")
            rows.append((term, paragraph, count, f"{tf:.3f}", df, f"{idf:.3f}", f"{tf * idf:.3f}"))
    rows.sort(key=lambda r: (r[1], r[0]))
    leaders = library.sort_values(["paragraph", "score", "term"], ascending=[True, False, True]).groupby("paragraph").head(1)
    leaders = leaders.set_index("paragraph")
    everywhere = [t for t, row in counts.iterrows() if (row > 0).all()]
    return [
        "## TF-IDF: frequent here, rare elsewhere\n",
        "Three paragraphs of a toy plan (the documents are the paragraphs, as in notebook 02):\n",
        *[f"{i}. {p}" for i, p in enumerate(paragraphs, start=1)], "",
        f"`tf` is the term's share of its paragraph's counted words; `df` the number of paragraphs (of N = {n}) "
        "that contain it; `idf = ln((1 + N) / (1 + df)) + 1` (the smoothed form of scikit-learn and of "
        "`keywords.tfidf`); the score is `tf × idf`.\n",
        _table(["term", "paragraph", "count", "tf", "df", "idf", "tf × idf"], rows),
        "Leading term of each paragraph: " + "; ".join(
            f"{p}: {r.term} ({r.score:.3f})" for p, r in leaders.iterrows()) + ". "
        f"{' and '.join(everywhere)} stand in every paragraph, so their idf is the floor (1.000): they lead only "
        "where they are also the most repeated word. A term in one paragraph only gets the largest idf. With the "
        "paragraphs of one report as the documents, a report's top words stand in many paragraphs, so TF-IDF "
        "mostly reorders the counts; it rewards concentration when the parts compared differ (sections, reports).\n",
    ]


def _log_odds() -> list[str]:
    from policytext.analysis import keywords as kw

    a = _toy_tokens(["完成投资，完成投资，完成项目，改善环境。", "完成投资，完成项目，改善环境。"])
    b = _toy_tokens(["保护生态，保护生态，改善环境，推进项目。", "保护生态，推进项目。"])
    library = kw.keyness(a, b).set_index("term")
    term = library.index[0]  # the most distinctive term of the review
    ya, yb = library.loc[term, "count_a"], library.loc[term, "count_b"]
    na, nb = library["count_a"].sum(), library["count_b"].sum()
    alpha = 0.1 * (library["count_a"] + library["count_b"])
    aw, a0 = alpha[term], alpha.sum()
    delta = math.log((ya + aw) / (na + a0 - ya - aw)) - math.log((yb + aw) / (nb + a0 - yb - aw))
    sigma = math.sqrt(1 / (ya + aw) + 1 / (yb + aw))
    _same(delta / sigma, library.loc[term, "z"], f"z of {term}")
    rows = [(t, int(r.count_a), int(r.count_b), f"{r.delta:+.3f}", f"{r.z:+.2f}") for t, r in library.iterrows()]
    return [
        "## Weighted log-odds with an informative prior, and its z (Monroe, Colaresi & Quinn 2008)\n",
        "A review (part A: 完成投资，完成投资，完成项目，改善环境。完成投资，完成项目，改善环境。) against a plan "
        "(part B: 保护生态，保护生态，改善环境，推进项目。保护生态，推进项目。). The prior gives every term "
        "α_w = 0.1 × its pooled count, which shrinks the log-odds of rare terms towards zero.\n",
        f"For {term}, the review's most distinctive term: y_A = {ya}, y_B = {yb}, n_A = {na}, n_B = {nb}, "
        f"α_w = {aw:.1f}, α_0 = {a0:.1f}.\n",
        f"δ = ln((y_A + α_w) / (n_A + α_0 − y_A − α_w)) − ln((y_B + α_w) / (n_B + α_0 − y_B − α_w)) = {delta:+.3f}\n",
        f"σ = √(1/(y_A + α_w) + 1/(y_B + α_w)) = {sigma:.3f}, so z = δ / σ = {delta / sigma:+.2f} "
        "(positive: a word of the review; negative z marks the plan's words).\n",
        _table(["term", "count in A", "count in B", "δ", "z"], rows),
        f"|z| > 1.96 is the conventional two-sided 5% line; with a few words per part the largest |z| here is "
        f"{library['z'].abs().max():.2f}. "
        "The z of a term grows with its count: a frequent term with a small difference can outrank a rare one "
        "with a large difference, which is the point of the method (a rare word's ratio is noise).\n",
    ]


def _agreement() -> list[str]:
    gold = [{"ecology"}, {"economy"}, {"economy", "innovation"}, {"livelihood"}, set()]
    predicted = [{"ecology"}, {"economy", "urban"}, {"economy"}, set(), set()]
    tp = sum(len(g & p) for g, p in zip(gold, predicted))
    fp = sum(len(p - g) for g, p in zip(gold, predicted))
    fn = sum(len(g - p) for g, p in zip(gold, predicted))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    exact = sum(g == p for g, p in zip(gold, predicted)) / len(gold)
    from sklearn.metrics import f1_score
    from sklearn.preprocessing import MultiLabelBinarizer

    binary = MultiLabelBinarizer().fit(gold + predicted)
    _same(f1, f1_score(binary.transform(gold), binary.transform(predicted), average="micro"), "micro F1")
    show = lambda labels: ", ".join(sorted(labels)) or "(none)"  # noqa: E731
    return [
        "## Precision, recall, F1 and exact match of sentence labels\n",
        "Five sentences, the domains a coder gave them and the domains a labeller predicted:\n",
        _table(["sentence", "hand labels", "predicted", "exact?"],
               [(i, show(g), show(p), "yes" if g == p else "no") for i, (g, p) in enumerate(zip(gold, predicted), 1)]),
        f"Counted over labels (*micro*): true positives {tp}, false positives {fp} (urban on sentence 2), false "
        f"negatives {fn}. Precision = {tp}/({tp}+{fp}) = {precision:.3f}; recall = {tp}/({tp}+{fn}) = {recall:.3f}; "
        f"F1 = 2PR/(P+R) = {f1:.3f}. Exact match counts sentences whose whole set is right: {exact:.0%} here "
        "(sentence 5, with no domain on either side, counts as right). Report both: F1 credits half-right sets, "
        "exact match does not.\n",
        "A perfect score on the sentences the rules were written on is no evidence of accuracy: the Methods page "
        "reports the same measures on *held-out* sentences, labelled after the rules were frozen.\n",
    ]


def _jaccard_and_stability() -> list[str]:
    from policytext.analysis.topics import average_jaccard

    a = ["产业", "企业", "投资", "项目"]
    b = ["企业", "产业", "园区", "投资"]
    rows, total = [], 0.0
    for depth in range(1, len(a) + 1):
        sa, sb = set(a[:depth]), set(b[:depth])
        j = len(sa & sb) / len(sa | sb)
        total += j
        rows.append((depth, " ".join(a[:depth]), " ".join(b[:depth]), f"{len(sa & sb)}/{len(sa | sb)} = {j:.3f}"))
    _same(total / len(a), average_jaccard(a, b), "average Jaccard")
    return [
        "## Jaccard, and topic stability by average Jaccard (Greene, O'Callaghan & Cunningham 2014)\n",
        "The Jaccard index of two sets is |A ∩ B| / |A ∪ B|: 1 for the same set, 0 for disjoint ones. Topics are "
        "ranked lists, so the stability check compares the top terms of a topic fitted on all paragraphs with the "
        "matched topic of a model refitted on a random 80% of them, depth by depth, and averages:\n",
        _table(["depth d", "top d of the full model", "top d of the refit", "Jaccard"], rows),
        f"Average Jaccard = {total / len(a):.3f}. An order swap at the top (产业 and 企业) costs only the first depth; "
        "a new term (园区) costs every depth from where it enters. `topics.choose_k` averages this over the topics "
        "and over several refits for each number of topics k, and picks the k whose topics come back most alike.\n",
    ]


def _nmf() -> list[str]:
    import numpy as np
    from sklearn.decomposition import NMF

    terms = ["企业", "产业", "投资", "湖泊", "污染", "治理"]
    counts = np.array([[3, 2, 2, 0, 0, 0], [2, 3, 1, 0, 0, 1], [0, 0, 0, 3, 2, 2], [0, 1, 0, 2, 3, 2]], dtype=float)
    model = NMF(n_components=2, init="nndsvd", random_state=0, max_iter=500).fit(counts)
    tops = [" ".join(terms[i] for i in np.argsort(-row, kind="stable")[:3]) for row in model.components_]
    weights = model.transform(counts)
    rows = [(f"paragraph {i}", *(f"{w:.2f}" for w in row)) for i, row in enumerate(weights, start=1)]
    return [
        "## NMF topics\n",
        "Non-negative matrix factorisation writes the paragraph × term counts X as W × H, both non-negative: each "
        "row of H is a topic (weights over terms), each row of W says how much of each topic a paragraph has. "
        "Four toy paragraphs over six terms, two topics:\n",
        _table(["paragraph", *terms], [(f"paragraph {i}", *map(int, row)) for i, row in enumerate(counts, start=1)]),
        f"Topics found (top three terms of each row of H): **{tops[0]}** and **{tops[1]}**. Paragraph weights (W):\n",
        _table(["paragraph", "topic 1", "topic 2"], rows),
        "On a real report nobody gives you k, and the topics move with the seed and the paragraphs: that is why "
        "notebook 04 chooses k by stability and prints how stable the chosen k is.\n",
    ]


def _modularity() -> list[str]:
    import networkx as nx

    graph = nx.Graph([("产业", "企业"), ("企业", "投资"), ("投资", "产业"), ("湖泊", "污染"), ("污染", "治理"),
                      ("治理", "湖泊"), ("投资", "治理")])
    communities = sorted((sorted(c) for c in nx.community.greedy_modularity_communities(graph)), key=lambda c: c[0])
    m = graph.number_of_edges()
    terms = []
    for c in communities:
        inside = graph.subgraph(c).number_of_edges()
        degree = sum(d for _, d in graph.degree(c))
        terms.append((" ".join(c), inside, degree, inside / m - (degree / (2 * m)) ** 2))
    q = sum(t[3] for t in terms)
    _same(q, nx.community.modularity(graph, communities), "modularity")
    return [
        "## Communities of a co-occurrence network: modularity (Clauset, Newman & Moore 2004)\n",
        f"Two triangles of words joined by one edge (投资–治理), m = {m} edges. Modularity compares the edges inside "
        "each community with what random wiring of the same degrees would give: Q = Σ_c [L_c / m − (d_c / 2m)²], "
        "L_c the edges inside community c and d_c the sum of its degrees.\n",
        _table(["community", "L_c", "d_c", "L_c/m − (d_c/2m)²"], [(c, L, d, f"{x:.3f}") for c, L, d, x in terms]),
        f"Q = {q:.3f}. The greedy algorithm merges communities while Q rises and finds the two triangles. Q above "
        "about 0.3 is usually read as clear structure; on a report's word network the communities depend on "
        "which words were kept and how edges were weighted, so read them as a map, not a finding.\n",
    ]


def _bootstrap() -> list[str]:
    import numpy as np

    theme = np.array([3, 0, 1, 4, 0, 2])  # words of the theme in each of six paragraphs
    words = np.array([20, 15, 18, 25, 12, 20])  # content words of each paragraph
    rng = np.random.default_rng(2026)
    draws = rng.integers(0, len(words), size=(1000, len(words)))
    shares = theme[draws].sum(axis=1) / words[draws].sum(axis=1)
    low, high = np.quantile(shares, [0.025, 0.975])
    share = theme.sum() / words.sum()
    return [
        "## A bootstrap band for a share (Efron 1979)\n",
        f"A report of six paragraphs has {theme.sum()} theme words among {words.sum()} content words: a share of "
        f"{share:.1%}. How much would the share move if the report had said the same things in other paragraphs? "
        "Resample the paragraphs with replacement (six draws from six), recompute the share, repeat 1,000 times "
        "(seed 2026), and take the middle 95% of the shares:\n",
        _table(["paragraph", *range(1, 7)], [("theme words", *theme), ("content words", *words)]),
        f"95% band: {low:.1%} to {high:.1%}. The band is wide because the theme lives in a few paragraphs; it "
        "says how much the share depends on which paragraphs the report has, not whether the dictionary is right. "
        "Two years whose bands overlap widely should not be told apart.\n",
    ]


def _minhash() -> list[str]:
    from datasketch import MinHash

    a = "坚持稳中求进工作总基调，完整准确全面贯彻新发展理念"
    b = "坚持稳中求进工作总基调，立足新发展阶段，贯彻新发展理念"
    grams = [{s[i:i + 3] for i in range(len(s) - 2)} for s in (a, b)]
    exact = len(grams[0] & grams[1]) / len(grams[0] | grams[1])
    sketches = []
    for g in grams:
        m = MinHash(num_perm=128, seed=1)
        for shingle in sorted(g):
            m.update(shingle.encode("utf-8"))
        sketches.append(m)
    estimate = sketches[0].jaccard(sketches[1])
    return [
        "## MinHash: Jaccard of character n-grams without comparing every pair (Broder 1997)\n",
        f"Two sentences, cut into character 3-grams (shingles): A has {len(grams[0])}, B {len(grams[1])}, "
        f"{len(grams[0] & grams[1])} shared. Exact Jaccard = {exact:.3f}.\n",
        "MinHash keeps, for each of 128 random hash functions, the smallest hash of a text's shingles; two texts "
        f"agree on a function with probability equal to their Jaccard index. Share of agreeing functions here: "
        f"{estimate:.3f}. Locality-sensitive hashing groups the 128 values into bands so that only texts that "
        "agree on a whole band are ever compared: a folder of n reports costs about n sketches instead of n² "
        "comparisons, and the candidate pairs are then aligned passage by passage (`policytext reuse FOLDER`; "
        "notebook 06 compares a few dozen reports, where aligning every pair is quicker).\n",
    ]


def primer_page() -> str:
    """The methods primer as Markdown (MyST), every number computed now."""
    sections = [
        "# Methods primer: each method on a toy example\n",
        "Each method the notebooks use, on an example small enough to redo with a pencil. Every number below "
        "is computed when the site is built by the formula on the page; TF-IDF, keyness, average Jaccard, F1 and "
        "modularity are computed a second time by the library function the notebooks call (or scikit-learn and "
        "networkx), and the build stops if the two disagree. Change an example in `lib/policybook/primer.py` and "
        "rebuild to see a method react.\n",
    ]
    for part in (_tfidf, _log_odds, _agreement, _jaccard_and_stability, _nmf, _modularity, _bootstrap, _minhash):
        sections += part()
    return "\n".join(sections)
