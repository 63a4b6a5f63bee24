"""BERTopic peer for benchmarks/listening_speed.py: runs INSIDE .peer-venvs/bertopic.

Setup (once; keeps torch out of machikoe's own venv):
    python3 -m venv .peer-venvs/bertopic
    .peer-venvs/bertopic/bin/pip install torch==2.13.0
    .peer-venvs/bertopic/bin/pip install bertopic

Usage: python listening_bertopic_peer.py DOCS.jsonl VECTORS.npy OUT.json
BERTopic's own default pipeline (UMAP + HDBSCAN + c-TF-IDF) on the given precomputed vectors,
with a character 2–3-gram CountVectorizer (as in ../shared/data/ja/BASELINES.md; the default
word tokenizer does not split Japanese). Writes topics per document and the time taken.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np


def main() -> None:
    docs_path, vectors_path, out_path = sys.argv[1:4]
    with open(docs_path, encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle]
    vectors = np.load(vectors_path)
    import resource

    from bertopic import BERTopic
    from sklearn.feature_extraction.text import CountVectorizer

    def cpu() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        return own.ru_utime + own.ru_stime

    cpu0 = cpu()
    start = time.perf_counter()
    model = BERTopic(
        embedding_model=None,
        vectorizer_model=CountVectorizer(analyzer="char", ngram_range=(2, 3)),
        calculate_probabilities=False,
    )
    topics, _ = model.fit_transform(texts, vectors)
    elapsed = time.perf_counter() - start
    cpu_used = cpu() - cpu0
    topics = [int(t) for t in topics]
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "seconds": elapsed,
                "cpu": cpu_used,
                "topics": topics,
                "n_topics": len(set(topics) - {-1}),
                "outliers": sum(1 for t in topics if t == -1),
            },
            handle,
        )


if __name__ == "__main__":
    main()
