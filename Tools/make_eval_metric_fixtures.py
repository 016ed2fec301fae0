#!/usr/bin/env python3
"""Write Tests/Fixtures/eval/metrics.json: what the evaluation statistics must give (issue 16),
computed by scipy, scikit-learn and Google's rouge-score — never by our Swift code.

Run by hand from the repository root in a venv with scipy, scikit-learn and rouge-score:

    python3 Tools/make_eval_metric_fixtures.py

  wilson          95% Wilson score interval of k successes in n (scipy binomtest(...).proportion_ci("wilson"))
  mcnemar         exact McNemar p of b and c discordant pairs (scipy binomtest(min(b,c), b+c, 0.5) two-sided)
  classification  confusion matrix (rows: truth, columns: prediction, labels in order), per-class
                  sensitivity (recall), specificity (TN / (TN + FP)), precision and F1, macro-F1 (sklearn)
  text            exact match and token F1 after SQuAD's normalisation (lower case, no punctuation,
                  no articles a/an/the, single spaces; the official v1.1 script's logic, written out
                  here), and ROUGE-L F-measure (rouge-score's RougeScorer(["rougeL"]), no stemming)
"""

import collections
import json
import os
import re
import string

import numpy as np
from rouge_score import rouge_scorer
from scipy.stats import binomtest
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "eval", "metrics.json")


def squad_normalize(s):
    s = s.lower()
    s = "".join(ch for ch in s if ch not in set(string.punctuation))
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


def squad_f1(prediction, reference):
    p, r = squad_normalize(prediction).split(), squad_normalize(reference).split()
    common = collections.Counter(p) & collections.Counter(r)
    same = sum(common.values())
    if len(p) == 0 or len(r) == 0:
        return float(p == r)
    if same == 0:
        return 0.0
    precision, recall = same / len(p), same / len(r)
    return 2 * precision * recall / (precision + recall)


def main():
    wilson = []
    for k, n in [(0, 10), (3, 10), (10, 10), (57, 100), (1, 1), (812, 1273), (0, 1), (49, 50)]:
        ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        wilson.append({"k": k, "n": n, "low": ci.low, "high": ci.high})
    mcnemar = []
    for b, c in [(0, 0), (1, 0), (5, 1), (10, 10), (3, 12), (40, 25), (0, 9), (120, 90)]:
        p = 1.0 if b + c == 0 else binomtest(min(b, c), b + c, 0.5, alternative="two-sided").pvalue
        mcnemar.append({"b": b, "c": c, "p": p})
    rng = np.random.default_rng(7)
    labels = ["normal", "effusion", "cardiomegaly"]
    truth = rng.integers(0, 3, 60)
    predicted = np.where(rng.random(60) < 0.6, truth, rng.integers(0, 3, 60))
    matrix = confusion_matrix(truth, predicted, labels=[0, 1, 2])
    precision, recall, f1, _ = precision_recall_fscore_support(truth, predicted, labels=[0, 1, 2], zero_division=0)
    specificity = []
    for i in range(3):
        tn = matrix.sum() - matrix[i, :].sum() - matrix[:, i].sum() + matrix[i, i]
        fp = matrix[:, i].sum() - matrix[i, i]
        specificity.append(tn / (tn + fp))
    classification = {
        "labels": labels, "truth": truth.tolist(), "predicted": predicted.tolist(), "matrix": matrix.tolist(),
        "sensitivity": recall.tolist(), "specificity": specificity, "precision": precision.tolist(), "f1": f1.tolist(),
        "macroF1": f1_score(truth, predicted, labels=[0, 1, 2], average="macro", zero_division=0),
        "accuracy": float((truth == predicted).mean()),
    }
    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)
    pairs = [
        ("The heart is enlarged.", "Cardiomegaly: the heart is enlarged."),
        ("No acute findings", "no acute cardiopulmonary findings"),
        ("Right lower lobe consolidation, likely pneumonia.", "Consolidation in the right lower lobe; pneumonia likely."),
        ("", "Normal study."),
        ("An effusion on the left", "the left effusion"),
        ("Mass 3.2 cm, RUL!", "RUL mass (3.2 cm)"),
        ("normal", "Normal."),
    ]
    text = []
    for prediction, reference in pairs:
        text.append({"prediction": prediction, "reference": reference,
                     "exact": squad_normalize(prediction) == squad_normalize(reference),
                     "f1": squad_f1(prediction, reference),
                     "rougeL": scorer.score(reference, prediction)["rougeL"].fmeasure})
    with open(OUT, "w") as f:
        json.dump({"wilson": wilson, "mcnemar": mcnemar, "classification": classification, "text": text}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
