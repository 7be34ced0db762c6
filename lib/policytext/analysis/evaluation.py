"""Score extracted tables against hand annotations, in the open.

:func:`score_indicators` matches predicted quantity mentions to gold ones by
overlapping raw spans (one to one, in text order) and reports precision,
recall, and the accuracy of values, subjects, statuses and headline flags on
the matched pairs, with a row-level comparison for error analysis.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import paths
from ..errors import PolicyTextError

__all__ = [
    # the bundled report's hand annotations
    "IndicatorScore", "score_indicators", "load_indicator_annotations", "indicator_annotations_for",
    "subject_matches", "load_theme_annotations", "theme_annotations_for", "score_theme_labels",
    # the multi-report annotations: indicators
    "level_of", "load_quantity_annotations", "load_headline_annotations", "load_respectively_annotations",
    "subject_identifies", "compare_quantities", "summarize_quantities", "compare_headlines", "summarize_headlines",
    "compare_respectively", "summarize_respectively", "multi_report_scores",
    # the multi-report annotations: themes
    "load_multi_theme_annotations", "theme_label_predictions", "theme_label_scores", "theme_label_scores_by_domain",
    # agreement between coders
    "quantity_agreement", "headline_agreement", "theme_agreement",
]

GOLD_THEMES = paths.ANNOTATIONS / "themes_2018_district_qingshan.csv"

GOLD_INDICATORS = paths.ANNOTATIONS / "indicators_2018_district_qingshan.csv"


def load_indicator_annotations(path=GOLD_INDICATORS) -> pd.DataFrame:
    """The hand-annotated quantities of a report (see ``data/annotations/README.md``)."""
    gold = pd.read_csv(path, encoding="utf-8", keep_default_na=False, na_values={"value": [""], "value_max": [""],
                                                                                   "year": [""]})
    gold["headline"] = gold["headline"].astype(str).str.lower().eq("true")
    return gold


def indicator_annotations_for(doc_id: str) -> pd.DataFrame | None:
    """The hand annotation of a report's quantities (``data/annotations/indicators_<doc_id>.csv``), or None."""
    return _annotation_for("indicators", doc_id, load_indicator_annotations)


def theme_annotations_for(doc_id: str) -> pd.DataFrame | None:
    """The hand labels of a report's sentences (``data/annotations/themes_<doc_id>.csv``), or None."""
    return _annotation_for("themes", doc_id, load_theme_annotations)


def _annotation_for(kind: str, doc_id: str, load) -> pd.DataFrame | None:
    path = paths.ANNOTATIONS / f"{kind}_{doc_id}.csv"
    return load(path) if path.is_file() else None


def _norm(text) -> str:
    """A subject as compared: quotation marks and parenthesised asides (县（市、区）) left out."""
    if not isinstance(text, str):
        return ""
    return re.sub(r"（[^（）]*）|\([^()]*\)", "", text).replace("“", "").replace("”", "").strip()


def subject_matches(predicted, gold) -> bool:
    """Equal, or one contains the other (``项目签约率`` for ``签约率``); both must be non-empty."""
    p, g = _norm(predicted), _norm(gold)
    return bool(p and g) and (p == g or p in g or g in p)


def _same_value(a, b) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    if pd.isna(a) or pd.isna(b):
        return False
    return bool(np.isclose(float(a), float(b), rtol=1e-6, atol=1e-9))


@dataclass(frozen=True)
class IndicatorScore:
    predicted: int
    gold: int
    matched: int
    precision: float
    recall: float
    value_accuracy: float
    subject_accuracy: float
    status_accuracy: float
    kind_accuracy: float
    headline_gold: int
    headline_found: int
    headline_predicted: int

    def as_frame(self) -> pd.DataFrame:
        return pd.Series(asdict(self), name="score").to_frame()


def _match(pred: pd.DataFrame, gold: pd.DataFrame) -> list[tuple[int, int]]:
    """One-to-one pairs ``(pred_index, gold_index)`` of overlapping spans, greedy in text order."""
    pairs, used = [], set()
    gold_sorted = gold.sort_values("start")
    g_starts, g_ends, g_index = (gold_sorted["start"].to_numpy(), gold_sorted["end"].to_numpy(),
                                 gold_sorted.index.to_numpy())
    for i, row in pred.sort_values("start").iterrows():
        candidates = np.nonzero((g_starts < row["end"]) & (g_ends > row["start"]))[0]
        for k in candidates:
            if g_index[k] not in used:
                used.add(g_index[k])
                pairs.append((i, g_index[k]))
                break
    return pairs


def score_indicators(pred: pd.DataFrame, gold: pd.DataFrame) -> tuple[IndicatorScore, pd.DataFrame]:
    """Score ``pred`` (from :func:`~policytext.analysis.indicators.extract_indicators`) against ``gold``.

    Returns the summary and a comparison table with one row per predicted or
    gold mention (``match`` is ``both``, ``missed`` or ``spurious``) and the
    fields that disagree.
    """
    pairs = _match(pred, gold)
    rows = []
    for i, j in pairs:
        p, g = pred.loc[i], gold.loc[j]
        rows.append({
            "match": "both", "start": g["start"], "end": g["end"], "number_text": g["number_text"],
            "value_ok": _same_value(p["value"], g["value"]) and _same_value(p["value_max"], g["value_max"])
            and _norm(p["unit"]) == _norm(g["unit"]),
            "subject_ok": subject_matches(p["subject"], g["subject"]),
            "status_ok": p["status"] == g["status"], "kind_ok": p["kind"] == g["kind"],
            "headline_ok": bool(p["headline"]) == bool(g["headline"]),
            "gold_headline": bool(g["headline"]), "pred_headline": bool(p["headline"]),
            "pred_subject": p["subject"], "gold_subject": g["subject"],
            "pred_status": p["status"], "gold_status": g["status"],
            "sentence_text": g.get("sentence_text", ""),
        })
    matched_pred = {i for i, _ in pairs}
    matched_gold = {j for _, j in pairs}
    for _, g in gold.drop(index=list(matched_gold)).iterrows():
        rows.append({"match": "missed", "start": g["start"], "end": g["end"], "number_text": g["number_text"],
                     "gold_subject": g["subject"], "gold_status": g["status"], "gold_headline": bool(g["headline"]),
                     "sentence_text": g.get("sentence_text", "")})
    for _, p in pred.drop(index=list(matched_pred)).iterrows():
        rows.append({"match": "spurious", "start": p["start"], "end": p["end"], "number_text": p["number_text"],
                     "pred_subject": p["subject"], "pred_status": p["status"], "pred_headline": bool(p["headline"]),
                     "sentence_text": p.get("sentence_text", "")})
    table = pd.DataFrame(rows).sort_values("start", kind="stable").reset_index(drop=True)
    both = table[table["match"] == "both"]
    n = max(len(both), 1)
    gold_headlines = int(gold["headline"].sum())
    found = int((both["gold_headline"] & both["pred_headline"] & both["value_ok"]).sum()) if len(both) else 0
    score = IndicatorScore(
        predicted=len(pred), gold=len(gold), matched=len(pairs),
        precision=round(len(pairs) / max(len(pred), 1), 4), recall=round(len(pairs) / max(len(gold), 1), 4),
        value_accuracy=round(both["value_ok"].sum() / n, 4), subject_accuracy=round(both["subject_ok"].sum() / n, 4),
        status_accuracy=round(both["status_ok"].sum() / n, 4), kind_accuracy=round(both["kind_ok"].sum() / n, 4),
        headline_gold=gold_headlines, headline_found=found, headline_predicted=int(pred["headline"].sum()),
    )
    return score, table


def load_theme_annotations(path=GOLD_THEMES) -> pd.DataFrame:
    """Hand labels of sentences by policy domain (``set, sentence, themes, text``; see themes_guide.md)."""
    return pd.read_csv(path, encoding="utf-8", keep_default_na=False)


def _labels(text: str) -> set[str]:
    return {t for t in str(text).split("|") if t}


def score_theme_labels(tags: pd.DataFrame, gold: pd.DataFrame, categories) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Agreement of dictionary labels (:func:`~policytext.analysis.themes.tag_sentences`) with hand labels.

    Returns a summary per annotation set (``exact`` = same set of labels,
    micro precision / recall / F1 over labels) and per theme precision and
    recall on all labelled sentences.
    """
    predicted = tags.set_index("sentence")["themes"]
    pairs = [(_labels(predicted.get(s, "")), _labels(g), name)
             for s, g, name in zip(gold["sentence"], gold["themes"], gold.get("set", "all"))]
    rows = []
    for name in sorted({n for _, _, n in pairs}) + ["all"]:
        sub = [(p, q) for p, q, n in pairs if name in (n, "all")]
        tp = sum(len(p & q) for p, q in sub)
        fp = sum(len(p - q) for p, q in sub)
        fn = sum(len(q - p) for p, q in sub)
        precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        rows.append({"set": name, "sentences": len(sub), "exact": sum(p == q for p, q in sub) / max(len(sub), 1),
                     "precision": precision, "recall": recall,
                     "f1": 2 * precision * recall / max(precision + recall, 1e-9)})
    per_theme = []
    for theme in categories:
        tp = sum(theme in p and theme in q for p, q, _ in pairs)
        fp = sum(theme in p and theme not in q for p, q, _ in pairs)
        fn = sum(theme in q and theme not in p for p, q, _ in pairs)
        per_theme.append({"theme": theme, "gold": tp + fn, "predicted": tp + fp,
                          "precision": tp / max(tp + fp, 1), "recall": tp / max(tp + fn, 1)})
    return pd.DataFrame(rows).round(3), pd.DataFrame(per_theme).round(3)


# ------------------------------------------------------------------ the multi-report annotations

#: The annotation files: the development set first, then the held-out set (annotated after the rules froze).
#: The annotation sets of the multi-report evaluation, in the order they were made: ``development``
#: (rules revised on it), ``held_out`` (annotated after the first freeze; its errors then revised the
#: rules in round 2) and ``held_out_2`` (annotated after the round-2 freeze, never used to change them).
ANNOTATION_SETS = ("development", "held_out", "held_out_2")
_SUFFIXES = ("", "_held_out", "_held_out_2")
GOLD_QUANTITIES = tuple(paths.ANNOTATIONS / f"quantities{s}.csv" for s in _SUFFIXES)
GOLD_HEADLINES = tuple(paths.ANNOTATIONS / f"headlines{s}.csv" for s in _SUFFIXES)
#: Levels of government by the file-name convention of the corpus (``<year>_<level>_<place>``).
_LEVELS = {"national": "national", "province": "provincial", "provincial": "provincial", "city": "city",
           "district": "district", "county": "county"}


def level_of(doc_id: str) -> str:
    """The level of government a report's ``doc_id`` names (``2026_province_anhui`` → ``provincial``)."""
    parts = doc_id.split("_")
    return _LEVELS.get(parts[1], "other") if len(parts) > 1 else "other"


def _read_annotation(path, sets) -> pd.DataFrame:
    """One annotation table from a file or several (the development and held-out files), ``sets`` kept."""
    files = [path] if isinstance(path, (str, Path)) else [p for p in path if Path(p).is_file()]
    gold = pd.concat([pd.read_csv(f, encoding="utf-8", keep_default_na=False, dtype={"indicator": str},
                                  na_values={c: [""] for c in ("value", "value_max", "year", "period_start",
                                                               "period_end", "start", "end", "list_group")})
                      for f in files], ignore_index=True)
    for col in ("year", "period_start", "period_end", "start", "end", "list_group"):
        if col in gold.columns:
            gold[col] = gold[col].astype("Int64")
    if sets is not None:
        gold = gold[gold["set"].isin([sets] if isinstance(sets, str) else list(sets))]
    return gold.reset_index(drop=True)


def load_quantity_annotations(path=GOLD_QUANTITIES, *, sets=None) -> pd.DataFrame:
    """Every quantity of the drawn sentences of ``quantities.csv`` (see ``data/annotations/README.md``);
    a sentence without any has one row with an empty ``number_text``.  ``sets``: ``development``,
    ``held_out`` or both (default)."""
    return _read_annotation(path, sets)


def load_headline_annotations(path=GOLD_HEADLINES, *, sets=None) -> pd.DataFrame:
    """Every headline figure of the reports of ``headlines.csv`` (``side`` = result or target)."""
    return _read_annotation(path, sets)


def subject_identifies(predicted, subject, subject_min) -> bool:
    """The guide's rule: a predicted subject is right when it contains the shortest identifying phrase
    ``subject_min`` and lies inside the annotated phrase ``subject`` (quotation marks ignored)."""
    p, full, least = _norm(predicted), _norm(subject), _norm(subject_min) or _norm(subject)
    return bool(p and least) and least in p and (p in full or p == full)


def _same_int(a, b) -> bool:
    return (pd.isna(a) and pd.isna(b)) or (not pd.isna(a) and not pd.isna(b) and int(a) == int(b))


def _in_sentences(pred: pd.DataFrame, spans: list[tuple[int, int]]) -> pd.Series:
    starts = pred["start"].to_numpy()
    inside = np.zeros(len(pred), dtype=bool)
    for a, b in spans:
        inside |= (starts >= a) & (starts < b)
    return pd.Series(inside, index=pred.index)


def compare_quantities(predictions: dict[str, pd.DataFrame], gold: pd.DataFrame) -> pd.DataFrame:
    """Predicted quantities of the annotated sentences beside the hand-annotated ones, one row per
    mention: ``match`` (``both``, ``missed``, ``spurious``) and, for matched ones, whether the value,
    subject, kind, status, year (or period) are right, and the 分别 list it belongs to."""
    rows = []
    for doc_id, doc_gold in gold.groupby("doc_id", sort=True):
        pred = predictions[doc_id]
        spans = sorted(set(zip(doc_gold["sentence_start"], doc_gold["sentence_end"])))
        pred = pred[_in_sentences(pred, spans)]
        figures = doc_gold[doc_gold["number_text"].astype(str).str.len() > 0]
        pairs = _match(pred, figures)
        for i, j in pairs:
            p, g = pred.loc[i], figures.loc[j]
            rows.append({
                "doc_id": doc_id, "level": level_of(doc_id), "match": "both", "start": g["start"], "end": g["end"],
                "number_text": g["number_text"], "value_ok": _same_value(p["value"], g["value"]),
                "subject_ok": subject_identifies(p["subject"], g["subject"], g["subject_min"]),
                "subject_empty": not _norm(p["subject"]),
                "kind_ok": p["kind"] == g["kind"], "status_ok": p["status"] == g["status"],
                "year_ok": _same_int(p.get("year"), g["year"]) and _same_int(p.get("period_start"), g["period_start"])
                and _same_int(p.get("period_end"), g["period_end"]),
                "list_group": g["list_group"], "pred_subject": p["subject"], "gold_subject": g["subject"],
                "pred_kind": p["kind"], "gold_kind": g["kind"], "pred_status": p["status"], "gold_status": g["status"],
                "pred_year": p.get("year"), "gold_year": g["year"], "pred_period": _period(p), "gold_period": _period(g),
                "sentence_start": g["sentence_start"],
            })
        matched_pred, matched_gold = {i for i, _ in pairs}, {j for _, j in pairs}
        for j, g in figures.drop(index=list(matched_gold)).iterrows():
            rows.append({"doc_id": doc_id, "level": level_of(doc_id), "match": "missed", "start": g["start"],
                         "end": g["end"], "number_text": g["number_text"], "gold_subject": g["subject"],
                         "gold_kind": g["kind"], "list_group": g["list_group"], "sentence_start": g["sentence_start"]})
        for i, p in pred.drop(index=list(matched_pred)).iterrows():
            rows.append({"doc_id": doc_id, "level": level_of(doc_id), "match": "spurious", "start": p["start"],
                         "end": p["end"], "number_text": p["number_text"], "pred_subject": p["subject"],
                         "pred_kind": p["kind"]})
    return pd.DataFrame(rows).sort_values(["doc_id", "start"], kind="stable").reset_index(drop=True)


def _period(row) -> str:
    a, b = row.get("period_start"), row.get("period_end")
    return "" if a is None or pd.isna(a) else f"{int(a)}–{int(b) if not pd.isna(b) else '?'}"


def summarize_quantities(comparison: pd.DataFrame) -> pd.DataFrame:
    """Scores per level and overall.

    Returns:
        One row per ``level`` (and ``all``): ``predicted, gold, matched, precision, recall``; among
        matched quantities the share right of ``value, subject, kind, status, year``;
        ``empty_subjects``; ``lists, lists_right`` (分别 lists, all figures paired right).
    """
    out = []
    for level, part in [*comparison.groupby("level", sort=True), ("all", comparison)]:
        both = part[part["match"] == "both"]
        n_pred = int((part["match"] != "missed").sum())
        n_gold = int((part["match"] != "spurious").sum())
        lists = both.dropna(subset=["list_group"]).groupby(["doc_id", "sentence_start", "list_group"])["subject_ok"]
        share = (lambda col: round(float(both[col].mean()), 3) if len(both) else float("nan"))
        out.append({"level": level, "predicted": n_pred, "gold": n_gold, "matched": len(both),
                    "precision": round(len(both) / max(n_pred, 1), 3), "recall": round(len(both) / max(n_gold, 1), 3),
                    "value": share("value_ok"), "subject": share("subject_ok"), "kind": share("kind_ok"),
                    "status": share("status_ok"), "year": share("year_ok"),
                    "empty_subjects": int(both["subject_empty"].sum()) if len(both) else 0,
                    "lists": int(lists.ngroups), "lists_right": int(lists.all().sum()) if lists.ngroups else 0})
    return pd.DataFrame(out)


def compare_headlines(predictions: dict[str, pd.DataFrame], gold: pd.DataFrame) -> pd.DataFrame:
    """Predicted headline flags beside the annotated headline figures, per report of ``gold``:
    ``match`` ``both`` (a flagged row on a gold headline of the same side), ``missed``, ``spurious``."""
    rows = []
    for doc_id, doc_gold in gold.groupby("doc_id", sort=True):
        pred = predictions[doc_id]
        flagged = pred[pred["headline"].fillna(False).astype(bool)]
        pairs = _match(flagged, doc_gold)
        good = [(i, j) for i, j in pairs
                if (flagged.loc[i, "status"] == "target") == (doc_gold.loc[j, "side"] == "target")]
        used_pred, used_gold = {i for i, _ in good}, {j for _, j in good}
        for i, j in good:
            rows.append({"doc_id": doc_id, "level": level_of(doc_id), "match": "both", "side": doc_gold.loc[j, "side"],
                         "number_text": doc_gold.loc[j, "number_text"], "indicator": doc_gold.loc[j, "indicator"],
                         "pred_indicator": flagged.loc[i, "indicator"], "start": doc_gold.loc[j, "start"]})
        for j, g in doc_gold.drop(index=list(used_gold)).iterrows():
            rows.append({"doc_id": doc_id, "level": level_of(doc_id), "match": "missed", "side": g["side"],
                         "number_text": g["number_text"], "indicator": g["indicator"], "start": g["start"]})
        for i, p in flagged.drop(index=list(used_pred)).iterrows():
            rows.append({"doc_id": doc_id, "level": level_of(doc_id), "match": "spurious",
                         "side": "target" if p["status"] == "target" else "result", "number_text": p["number_text"],
                         "pred_indicator": p["indicator"], "start": p["start"]})
    return pd.DataFrame(rows).sort_values(["doc_id", "start"], kind="stable").reset_index(drop=True)


def summarize_headlines(comparison: pd.DataFrame) -> pd.DataFrame:
    """Precision and recall of the headline flag.

    Returns:
        One row per ``level`` (and ``all``) and ``side`` (``both sides``, ``result``, ``target``):
        ``gold, flagged, found, precision, recall``.
    """
    out = []
    groups = [*comparison.groupby("level", sort=True), ("all", comparison)]
    for level, part in groups:
        for side, sub in (("both sides", part), *part.groupby("side", sort=True)):
            both = int((sub["match"] == "both").sum())
            flagged = both + int((sub["match"] == "spurious").sum())
            gold = both + int((sub["match"] == "missed").sum())
            out.append({"level": level, "side": side, "gold": gold, "flagged": flagged, "found": both,
                        "precision": round(both / max(flagged, 1), 3), "recall": round(both / max(gold, 1), 3)})
    return pd.DataFrame(out)


GOLD_RESPECTIVELY = tuple(paths.ANNOTATIONS / f"respectively{s}.csv" for s in _SUFFIXES)


def load_respectively_annotations(path=GOLD_RESPECTIVELY, *, sets=None) -> pd.DataFrame:
    """Every figure of the 分别 lists of the annotated reports, with the subject it pairs with."""
    return _read_annotation(path, sets)


def compare_respectively(predictions: dict[str, pd.DataFrame], gold: pd.DataFrame) -> pd.DataFrame:
    """Each annotated figure of a 分别 list beside the predicted subject: ``subject_ok`` per figure."""
    rows = []
    for doc_id, g in gold.groupby("doc_id", sort=True):
        pred = predictions[doc_id]
        for row in g.itertuples():
            hit = pred[(pred["start"] < row.end) & (pred["end"] > row.start)]
            subject = hit["subject"].iloc[0] if len(hit) else None
            rows.append({"doc_id": doc_id, "level": level_of(doc_id), "sentence_start": row.sentence_start,
                         "list_group": row.list_group, "number_text": row.number_text, "gold_subject": row.subject,
                         "pred_subject": subject, "found": bool(len(hit)),
                         "subject_ok": subject_identifies(subject, row.subject, row.subject_min)})
    return pd.DataFrame(rows)


def summarize_respectively(comparison: pd.DataFrame) -> pd.DataFrame:
    """Per level and overall: figures of 分别 lists with the right subject, and lists entirely right."""
    out = []
    for level, part in [*comparison.groupby("level", sort=True), ("all", comparison)]:
        lists = part.groupby(["doc_id", "sentence_start", "list_group"])["subject_ok"].all()
        out.append({"level": level, "figures": len(part), "figures_right": int(part["subject_ok"].sum()),
                    "share_right": round(float(part["subject_ok"].mean()), 3) if len(part) else float("nan"),
                    "lists": int(len(lists)), "lists_right": int(lists.sum())})
    return pd.DataFrame(out)


def multi_report_scores(sets=None, *, corpus=None) -> dict[str, pd.DataFrame]:
    """Score the indicator extractor on the multi-report annotations (``sets``: ``development``,
    ``held_out``, or both): the summaries of quantities, headlines and 分别 lists, per level.

    The reports are read from ``corpus`` (default :data:`policytext.paths.CORPUS`).  Returns the
    three summaries and the three comparison tables (keys ``quantities``, ``headlines``,
    ``respectively`` and the same with ``_rows``).
    """
    from ..document.reading import read_report
    from .indicators import extract_indicators

    corpus = paths.CORPUS if corpus is None else corpus
    gold = {"quantities": load_quantity_annotations(sets=sets), "headlines": load_headline_annotations(sets=sets),
            "respectively": load_respectively_annotations(sets=sets)}
    docs = sorted(set().union(*(set(g["doc_id"]) for g in gold.values() if g is not None)))
    predictions = {d: extract_indicators(read_report(corpus / f"{d}.txt")) for d in docs}
    out = {}
    for name, compare, summarize in (("quantities", compare_quantities, summarize_quantities),
                                     ("headlines", compare_headlines, summarize_headlines),
                                     ("respectively", compare_respectively, summarize_respectively)):
        if gold[name] is None or gold[name].empty:
            continue
        rows = compare(predictions, gold[name])
        out[name], out[f"{name}_rows"] = summarize(rows), rows
    return out


# ------------------------------------------------------------------ agreement between two coders


def _kappa(a: list, b: list) -> float:
    """Cohen's kappa of two codings of the same items (1 when they agree on every item)."""
    from sklearn.metrics import cohen_kappa_score

    if not a:
        return float("nan")
    if len(set(a) | set(b)) == 1:
        return 1.0
    return round(float(cohen_kappa_score(a, b)), 3)


def quantity_agreement(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Agreement of two annotations of the same drawn sentences (``quantities.csv`` and a second coder's).

    Returns one row of measures: quantities found by both (span agreement as F1 of one coder against
    the other), and on the quantities both found, the share with the same subject (either coder's
    subject identifies the other's by the scoring rule), the same year or period, Cohen's kappa of
    kind and of status.
    """
    sentences = set(zip(second["doc_id"], second["sentence_start"]))
    a = first[[k in sentences for k in zip(first["doc_id"], first["sentence_start"])]]
    a, b = (x[x["number_text"].astype(str).str.len() > 0].reset_index(drop=True) for x in (a, second))
    pairs = []
    for doc_id in sorted(set(a["doc_id"]) | set(b["doc_id"])):
        da, db = a[a["doc_id"] == doc_id], b[b["doc_id"] == doc_id]
        pairs += _match(da, db)
    both = len(pairs)
    f1 = 2 * both / max(len(a) + len(b), 1)
    same_subject = [subject_identifies(a.loc[i, "subject"], b.loc[j, "subject"], b.loc[j, "subject_min"])
                    or subject_identifies(b.loc[j, "subject"], a.loc[i, "subject"], a.loc[i, "subject_min"])
                    for i, j in pairs]
    same_time = [all(_same_int(a.loc[i, c], b.loc[j, c]) for c in ("year", "period_start", "period_end"))
                 for i, j in pairs]
    return pd.DataFrame([{
        "quantities_first": len(a), "quantities_second": len(b), "both": both, "span_f1": round(f1, 3),
        "same_subject": round(sum(same_subject) / max(both, 1), 3), "same_year_or_period": round(sum(same_time) / max(both, 1), 3),
        "kappa_kind": _kappa([a.loc[i, "kind"] for i, _ in pairs], [b.loc[j, "kind"] for _, j in pairs]),
        "kappa_status": _kappa([a.loc[i, "status"] for i, _ in pairs], [b.loc[j, "status"] for _, j in pairs]),
    }])


def headline_agreement(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Agreement of two coders' headline figures on the reports both annotated: span F1 per side."""
    a = first[first["doc_id"].isin(set(second["doc_id"]))].reset_index(drop=True)
    b = second.reset_index(drop=True)
    rows = []
    for side in ("result", "target"):
        sa, sb = a[a["side"] == side], b[b["side"] == side]
        both = sum(len(_match(sa[sa["doc_id"] == d], sb[sb["doc_id"] == d])) for d in set(sb["doc_id"]))
        rows.append({"side": side, "first": len(sa), "second": len(sb), "both": both,
                     "f1": round(2 * both / max(len(sa) + len(sb), 1), 3)})
    return pd.DataFrame(rows)


def theme_agreement(first: pd.DataFrame, second: pd.DataFrame, categories) -> pd.DataFrame:
    """Agreement of two coders' theme labels of the same sentences (matched by report and raw start):
    exact-set agreement, and Cohen's kappa of each domain (present or not) and pooled over domains."""
    merged = first.merge(second, on=["doc_id", "start"], suffixes=("_a", "_b"))
    sets_a, sets_b = [_labels(x) for x in merged["themes_a"]], [_labels(x) for x in merged["themes_b"]]
    rows = [{"domain": "all (agreement: exact set; kappa: pooled over domains)", "sentences": len(merged),
             "agreement": round(sum(x == y for x, y in zip(sets_a, sets_b)) / max(len(merged), 1), 3),
             "kappa": _kappa([int(c in x) for x in sets_a for c in categories],
                             [int(c in y) for y in sets_b for c in categories])}]
    for c in categories:
        a, b = [int(c in x) for x in sets_a], [int(c in y) for y in sets_b]
        rows.append({"domain": c, "sentences": sum(a) + sum(b),
                     "agreement": round(sum(x == y for x, y in zip(a, b)) / max(len(a), 1), 3), "kappa": _kappa(a, b)})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ theme labels on many reports

GOLD_THEME_SETS = (paths.ANNOTATIONS / "themes.csv", paths.ANNOTATIONS / "themes_held_out.csv")


def load_multi_theme_annotations(*, sets=None) -> pd.DataFrame:
    """The hand labels of sentences of the corpus reports (``themes.csv``, ``themes_held_out.csv``)."""
    files = [f for f in GOLD_THEME_SETS if f.is_file()]
    gold = pd.concat([pd.read_csv(f, encoding="utf-8", keep_default_na=False) for f in files], ignore_index=True)
    if sets is not None:
        gold = gold[gold["set"].isin([sets] if isinstance(sets, str) else list(sets))]
    return gold.reset_index(drop=True)


def _micro(pairs) -> dict:
    tp = sum(len(p & g) for p, g in pairs)
    fp = sum(len(p - g) for p, g in pairs)
    fn = sum(len(g - p) for p, g in pairs)
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {"exact": sum(p == g for p, g in pairs) / max(len(pairs), 1), "precision": precision, "recall": recall,
            "f1": 2 * precision * recall / max(precision + recall, 1e-9)}


def _bootstrap(pairs, *, n: int = 1000, seed: int = 2026) -> dict:
    """95% percentile intervals (``exact_low``, ``exact_high``, ``f1_low``, ``f1_high``) of exact agreement
    and micro F1, resampling sentences with replacement (Efron 1979); seeded, so reruns agree."""
    rng = np.random.default_rng(seed)
    exact, f1 = [], []
    for _ in range(n):
        sample = [pairs[i] for i in rng.integers(0, len(pairs), len(pairs))]
        m = _micro(sample)
        exact.append(m["exact"])
        f1.append(m["f1"])
    return {f"{name}_{end}": round(float(np.percentile(values, q)), 3)
            for name, values in (("exact", exact), ("f1", f1)) for end, q in (("low", 2.5), ("high", 97.5))}


_LABEL_SETS = ("gold", "dictionary", "classifier")


def theme_label_predictions(*, corpus=None, dictionary="policy_domains", cache: str | Path | None = None,
                            **classifier_options) -> pd.DataFrame:
    """The dictionary's and the supervised baseline's labels of every hand-labelled corpus sentence.

    The classifier (TF-IDF and the dictionary's hits, :mod:`policytext.analysis.classify`) labels the
    development sentences by leaving each report out in turn, and the held-out sentences after
    training on every development sentence (the bundled report's development labels included, its
    held-out ones never).  ``classifier_options`` go to
    :func:`~policytext.analysis.classify.train_theme_classifier` (``use_dictionary=False``: words only).

    ``cache``: a folder where the table is kept, named by a digest of everything it is computed from
    (the library's code and resources, the dictionary, the hand annotations, the corpus, the bundled
    report, ``classifier_options``): a notebook rerun reads it instead of labelling again.  One file
    is kept per dictionary and options: a new version of the library replaces the earlier file.

    Returns:
        One row per labelled sentence of the corpus reports: ``doc_id, level, set, start`` (raw offset
        of the sentence), ``gold``, ``dictionary`` and ``classifier`` (sets of themes).
    """
    if cache is not None:
        from ..files import replaced, tree_digest
        from .themes import load_dictionary

        loaded = load_dictionary(dictionary)
        recipe = repr((loaded.categories, sorted(loaded.terms.items()), sorted(classifier_options.items())))
        setting = hashlib.sha256(recipe.encode("utf-8")).hexdigest()[:8]  # the dictionary and the options
        key = tree_digest(Path(__file__).parents[1], paths.ANNOTATIONS, paths.CORPUS if corpus is None else corpus,
                          paths.BUNDLED_REPORT, seed=recipe.encode("utf-8"))[:16]
        stored = Path(cache) / f"theme-labels-{setting}-{key}.parquet"
        if stored.is_file():
            table = pd.read_parquet(stored)
            for column in _LABEL_SETS:
                table[column] = [_labels(x) for x in table[column]]
            return table
        table = theme_label_predictions(corpus=corpus, dictionary=loaded, **classifier_options)
        flat = table.assign(**{c: ["|".join(sorted(x)) for x in table[c]] for c in _LABEL_SETS})
        stored.parent.mkdir(parents=True, exist_ok=True)
        with replaced(stored) as temporary:  # complete or absent
            flat.to_parquet(temporary, index=False)
        for old in Path(cache).glob(f"theme-labels-{setting}-*.parquet"):  # this setting's earlier versions
            if old != stored:
                old.unlink(missing_ok=True)
        return table
    from ..document.reading import read_report
    from ..tokens.segmentation import tokenize
    from .classify import evaluate_by_report, sentence_examples, train_theme_classifier
    from .themes import load_dictionary, tag_sentences

    corpus = paths.CORPUS if corpus is None else corpus
    dictionary = load_dictionary(dictionary)
    gold = load_multi_theme_annotations()
    bundled = load_theme_annotations().assign(doc_id=paths.BUNDLED_REPORT.stem)
    bundled = bundled[bundled["set"] == "development"]
    rows = []
    for doc_id in sorted(set(gold["doc_id"]) | {paths.BUNDLED_REPORT.stem}):
        own = doc_id == paths.BUNDLED_REPORT.stem
        report = read_report(paths.BUNDLED_REPORT if own else Path(corpus) / f"{doc_id}.txt")
        tokens = tokenize(report)
        tags = tag_sentences(tokens, dictionary=dictionary).set_index("sentence")["themes"]
        examples = sentence_examples(tokens, dictionary=dictionary).set_index("sentence")
        sentences = report.structure.sentences.set_index("sentence")["start"]
        numbers = pd.Series(sentences.index, index=sentences.to_numpy())
        for row in (bundled if own else gold[gold["doc_id"] == doc_id]).itertuples():
            sentence = int(row.sentence) if own else int(numbers.get(int(row.start), -1))
            if sentence not in examples.index:
                raise PolicyTextError(f"{doc_id}: no sentence starts at {row.start} (annotation out of step)")
            rows.append({"doc_id": doc_id, "level": level_of(doc_id), "set": row.set,
                         "start": int(sentences[sentence]), "gold": _labels(row.themes),
                         "dictionary": _labels(tags.get(sentence, "")), "tokens": examples.loc[sentence, "tokens"],
                         "hits": examples.loc[sentence, "hits"]})
    table = pd.DataFrame(rows)
    development = table[table["set"] == "development"].reset_index(drop=True)
    table["classifier"] = None
    table.loc[(table["set"] == "development").to_numpy(), "classifier"] = pd.Series(
        map(set, evaluate_by_report(development, development["gold"].tolist(), dictionary.categories,
                                    **classifier_options))).to_numpy()
    held = table["set"] == "held_out"
    if held.any():
        model = train_theme_classifier(development, development["gold"].tolist(), dictionary.categories,
                                       **classifier_options)
        table.loc[held, "classifier"] = pd.Series(map(set, model.predict(table[held]))).to_numpy()
    table = table[table["doc_id"] != paths.BUNDLED_REPORT.stem]
    return table.drop(columns=["tokens", "hits"]).reset_index(drop=True)


def theme_label_scores(predictions: pd.DataFrame | None = None, *, bootstrap: int = 1000) -> pd.DataFrame:
    """The dictionary labeller and the supervised baseline against the multi-report hand labels.

    Args:
        predictions: :func:`theme_label_predictions` (computed when not given).
        bootstrap: resamples for the 95% intervals (``0`` leaves them out).

    Returns:
        One row per labeller, set (development, held_out) and level (and ``all``): ``sentences``,
        ``exact`` (same set of labels), micro ``precision, recall, f1``, and the intervals
        ``exact_low, exact_high, f1_low, f1_high``.
    """
    table = theme_label_predictions() if predictions is None else predictions
    out = []
    for labeller in ("dictionary", "classifier"):
        for name in ("development", "held_out"):
            part = table[table["set"] == name]
            for level, sub in [*part.groupby("level", sort=True), ("all", part)]:
                if sub.empty:
                    continue
                pairs = list(zip(sub[labeller], sub["gold"]))
                scores = {k: round(v, 3) for k, v in _micro(pairs).items()}
                out.append({"labeller": labeller, "set": name, "level": level, "sentences": len(sub), **scores,
                            **(_bootstrap(pairs, n=bootstrap) if bootstrap else {})})
    return pd.DataFrame(out)


def theme_label_scores_by_domain(predictions: pd.DataFrame) -> pd.DataFrame:
    """Precision, recall and F1 of each labeller for each domain, per set (which labeller is better for what).

    Returns:
        One row per set, domain and labeller: ``gold`` (sentences with the domain by hand),
        ``predicted``, ``precision, recall, f1``.
    """
    rows = []
    domains = sorted(set().union(*predictions["gold"], *predictions["dictionary"]))
    for name, part in predictions.groupby("set", sort=True):
        for domain in domains:
            gold = part["gold"].map(lambda g: domain in g)
            for labeller in ("dictionary", "classifier"):
                said = part[labeller].map(lambda p: domain in p)
                tp = int((gold & said).sum())
                precision, recall = tp / max(int(said.sum()), 1), tp / max(int(gold.sum()), 1)
                rows.append({"set": name, "domain": domain, "labeller": labeller, "gold": int(gold.sum()),
                             "predicted": int(said.sum()), "precision": round(precision, 3),
                             "recall": round(recall, 3),
                             "f1": round(2 * precision * recall / max(precision + recall, 1e-9), 3)})
    return pd.DataFrame(rows)
