"""The bilingual lexicon: crime themes, the English-Chinese glossary of UN terms, facet labels.

Data lives beside this module (themes.toml, glossary.tsv, labels.toml); this code loads it
once and answers three questions: which themes is a paragraph about (:func:`tag_themes`),
which glossary terms occur in a text (:func:`match_english`, :func:`match_chinese`), and
how is a facet value called in each language (:func:`label`).
"""

from search.lexicon.folding import chinese_key, fold_chinese
from search.lexicon.glossary import (GLOSSARY_COLUMNS, TERM_TYPES, Term, chinese_terms, glossary,
                                     match_chinese, match_english)
from search.lexicon.labels import chinese_numeral, label
from search.lexicon.themes import Theme, tag_themes, theme, themes

__all__ = [
    "GLOSSARY_COLUMNS", "TERM_TYPES", "Term", "Theme", "chinese_key", "chinese_numeral",
    "chinese_terms", "fold_chinese", "glossary", "label", "match_chinese", "match_english",
    "tag_themes", "theme", "themes",
]
