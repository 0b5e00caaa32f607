"""The memo of Chinese runs: exactly the tokens segmenting every run afresh gives."""

from __future__ import annotations

from search.analysis import tokenizer
from search.store.schema import build_schema


def _tokens(analyzer, text: str) -> list[tuple]:
    return [(t.text, t.pos, t.startchar, t.endchar, t.stopped)
            for t in analyzer(text, positions=True, chars=True, mode="index")]


def test_remembered_runs_give_the_tokens_of_fresh_segmentation(corpus_documents, monkeypatch):
    schema = build_schema()
    texts = [p.text for d in corpus_documents for u in d.units for p in u.paragraphs]
    assert len(texts) == 802
    monkeypatch.setenv(tokenizer.MEMO_SETTING, "0")
    fresh = {name: [_tokens(schema[name].analyzer, t) for t in texts] for name in ("text", "text_bigram")}
    monkeypatch.delenv(tokenizer.MEMO_SETTING)
    tokenizer._remembered.cache_clear()
    for name in ("text", "text_bigram"):
        analyzer = schema[name].analyzer
        first = [_tokens(analyzer, t) for t in texts]
        again = [_tokens(analyzer, t) for t in texts]  # every run now answered by the memo
        assert first == fresh[name] and again == fresh[name], name
    info = tokenizer._remembered.cache_info()
    # 6,150 Han runs per field, 3,316 distinct: the rest (and the second pass) are hits.
    assert info.misses == 2 * 3316 and info.hits == 2 * (2 * 6150 - 3316)


def test_the_memo_is_bounded_and_holds_immutable_pieces():
    tokenizer._remembered.cache_clear()
    analyzer = build_schema()["text"].analyzer
    list(analyzer("打击洗钱和腐败", mode="index"))
    assert tokenizer._remembered.cache_info().maxsize == tokenizer.MEMO_RUNS
    tok = tokenizer.ConcordTokenizer("words")
    pieces = tok._han_pieces("打击洗钱和腐败", True)
    assert isinstance(pieces, tuple) and pieces == tuple(tok._segment_run("打击洗钱和腐败", True))
    assert pieces is tok._han_pieces("打击洗钱和腐败", True)  # the same object: so it must be immutable
