"""Everything a query touches: analysis, the bilingual lexicon, query parsing, the engine."""
