"""One shared SudachiPy tokenizer per thread (loading the dictionary takes ~0.3 s and memory).

Use `tokenize(text, mode="C")` for morphemes; every module that needs Sudachi goes through
here so the dictionary is loaded once per process.
"""

from __future__ import annotations

import threading
from typing import Any, Literal

from sudachipy import Dictionary, SplitMode

Mode = Literal["A", "B", "C"]
_MODES = {"A": SplitMode.A, "B": SplitMode.B, "C": SplitMode.C}
_local = threading.local()
_dictionary_lock = threading.Lock()
_dictionary: Dictionary | None = None

# Sudachi refuses inputs over ~49,149 bytes; callers split longer texts at this many characters.
MAX_CHARS_PER_CALL = 12_000


def dictionary() -> Dictionary:
    global _dictionary
    with _dictionary_lock:
        if _dictionary is None:
            _dictionary = Dictionary(dict="core")
        return _dictionary


def tokenizer() -> Any:
    """This thread's tokenizer (Sudachi tokenizers are not thread-safe)."""
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        dic = dictionary()
        # SudachiPy 0.7 deprecates create() in favour of tokenizer(); older ones lack it.
        tok = dic.tokenizer() if hasattr(dic, "tokenizer") else dic.create()
        _local.tokenizer = tok
    return tok


def tokenize(text: str, mode: Mode = "C") -> list[Any]:
    """Morphemes of `text`, splitting very long input into chunks Sudachi accepts."""
    tok = tokenizer()
    split_mode = _MODES[mode]
    if len(text) <= MAX_CHARS_PER_CALL:
        return list(tok.tokenize(text, split_mode))
    morphemes: list[Any] = []
    for start in range(0, len(text), MAX_CHARS_PER_CALL):
        morphemes.extend(tok.tokenize(text[start : start + MAX_CHARS_PER_CALL], split_mode))
    return morphemes
