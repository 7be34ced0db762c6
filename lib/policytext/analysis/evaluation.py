"""Score extracted tables against hand annotations, in the open.

:func:`score_indicators` matches predicted quantity mentions to gold ones by
overlapping raw spans (one to one, in text order) and reports precision,
recall, and the accuracy of values, subjects, statuses and headline flags on
the matched pairs, with a row-level comparison for error analysis.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from .. import paths

__all__ = ["IndicatorScore", "score_indicators", "load_indicator_annotations", "indicator_annotations_for",
           "subject_matches", "load_theme_annotations", "theme_annotations_for", "score_theme_labels"]

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
    return "" if not isinstance(text, str) else text.replace("“", "").replace("”", "").strip()


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
