"""The English fallback's dictionary is prepared once and read back the same."""

from __future__ import annotations

from search.lexicon import cedict


def test_the_prepared_dictionary_reads_back_the_same(tmp_path, monkeypatch):
    monkeypatch.setenv("CONCORD_CACHE_DIR", str(tmp_path))
    cedict.dictionary.cache_clear()
    try:
        fresh = cedict.dictionary()
        written = list(tmp_path.glob("cedict-*.pickle"))
        assert len(written) == 1
        cedict.dictionary.cache_clear()
        prepared = cedict.dictionary()
        assert prepared is not fresh
        for word in ("protection", "victims", "judge", "trafficking"):
            assert prepared.chinese(word) == fresh.chinese(word) and fresh.chinese(word)
        assert prepared.english("保护") == fresh.english("保护") != []
        written[0].write_bytes(b"not a pickle")  # damaged: prepared again, not an error
        cedict.dictionary.cache_clear()
        assert cedict.dictionary().chinese("protection") == fresh.chinese("protection")
    finally:
        cedict.dictionary.cache_clear()
