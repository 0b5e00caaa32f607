"""The arrays written beside the index: the same postings, lengths and columns as Whoosh's."""

from __future__ import annotations

import mmap

import numpy as np
import pytest
from whoosh import index as whoosh_index

from search.store.arrays import TEXT_FIELDS, Arrays
from search.store.generation import current


@pytest.fixture(scope="module")
def opened(real_index):
    """(arrays, whoosh index) of the real corpus."""
    live = current(real_index)
    ix = whoosh_index.open_dir(str(live))
    yield Arrays(live), ix
    ix.close()


def _whoosh_postings(reader, fieldname, term):
    """[(docnum, weight, [(pos, start, end)…])] of one term, read through Whoosh."""
    matcher, found = reader.postings(fieldname, term), []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value_as("characters")))
        matcher.next()
    return found


def _array_postings(field, row, boost):
    rows, docs, tfs = field.postings(row)
    found = []
    for p, (doc, tf) in enumerate(zip(docs, tfs)):
        at = slice(field.pos_start[rows.start + p], field.pos_start[rows.start + p + 1])
        occurrences = [(int(pos), int(s), int(e)) for pos, (s, e) in zip(field.pos[at], field.chars[at])]
        # Whoosh stores each weight (tf × field boost) as a float32.
        found.append((int(doc), float(np.float32(tf * boost)), occurrences))
    return found


@pytest.mark.parametrize("fieldname", TEXT_FIELDS)
def test_terms_and_postings_are_whooshs(opened, fieldname):
    arrays, ix = opened
    field = arrays.fields[fieldname]
    boost = ix.schema[fieldname].format.field_boost
    with ix.reader() as reader:
        terms = list(reader.field_terms(fieldname))
        assert [field.terms[i] for i in range(len(field.terms))] == terms
        for row in range(0, len(terms), 5):  # a fifth of the vocabulary, every kind of term
            assert _array_postings(field, row, boost) == _whoosh_postings(reader, fieldname, terms[row])
        assert field.total_length == reader.field_length(fieldname)
        lengths = arrays.field_length(fieldname)
        assert [int(n) for n in lengths] == [reader.doc_field_length(n, fieldname) or 0
                                            for n in range(reader.doc_count_all())]
    assert field.term("洗钱") >= 0 and field.term("no-such-term") == -1


def test_keyword_columns_and_numbers_hold_the_stored_values(opened):
    arrays, ix = opened
    with ix.reader() as reader:
        for docnum, stored in reader.iter_docs():
            for name, column in arrays.keywords.items():
                if column.multi:
                    keys = {column.keys[v] for v in column.val[column.off[docnum]:column.off[docnum + 1]]}
                    assert keys == {k for k in (stored.get(name) or "").split(",") if k}
                else:
                    ordinal = column.ord[docnum]
                    assert (column.keys[ordinal] if ordinal >= 0 else "") == (stored.get(name) or "")
            assert arrays.numbers["year"][docnum] == stored["year"]
            assert arrays.numbers["doc_order"][docnum] == stored["doc_order"]
            assert arrays.ids[docnum] == stored["id"] and arrays.docnum(stored["id"]) == docnum
    assert arrays.docnum("A-RES-71-209/op99") is None
    assert arrays.live.all() and len(arrays.live) == arrays.doc_count == 802


def test_a_keys_documents_are_those_whose_stored_value_holds_it(opened):
    arrays, ix = opened
    with ix.reader() as reader:
        stored = [fields for _, fields in reader.iter_docs()]
    for name, column in arrays.keywords.items():
        holding = {}
        for docnum, fields in enumerate(stored):
            value = fields.get(name) or ""
            for key in (value.split(",") if column.multi else [value]):
                if key:
                    holding.setdefault(key, []).append(docnum)
        for key, docs in holding.items():
            assert column.docs_with(np.array([column.keys.find(key)])).tolist() == docs, (name, key)
        pairs = list(holding)[:4]  # several keys at once: each document once, ascending
        expected = sorted({d for key in pairs for d in holding[key]})
        assert column.docs_with(np.array([column.keys.find(k) for k in pairs])).tolist() == expected


def test_prefixes_and_lookups_binary_search_the_sorted_tables(opened):
    arrays, ix = opened
    terms = arrays.fields["text"].terms
    lo, hi = terms.prefix_rows("犯罪")
    with ix.reader() as reader:
        expected = [t for t in reader.field_terms("text") if t.startswith("犯罪")]
    assert expected and [terms[i] for i in range(lo, hi)] == expected
    assert terms.prefix_rows("zzzzzz")[0] == terms.prefix_rows("zzzzzz")[1]
    theme = arrays.keywords["theme"]
    cyber = theme.keys.find("cybercrime")
    assert cyber >= 0 and len(theme.docs_with(np.array([cyber]))) > 0


def test_the_server_maps_the_arrays_rather_than_reading_them(opened):
    arrays, _ = opened
    for array in (arrays.fields["text"].post_doc, arrays.keywords["theme"].val, arrays.ids.data):
        base = array
        while base is not None and not isinstance(base, mmap.mmap):
            base = getattr(base, "base", None) if not isinstance(base, np.ndarray) else base.base
        assert isinstance(base, mmap.mmap) and not array.flags.owndata


def test_an_empty_index_gets_empty_arrays(tmp_path):
    from index.write import write_index
    from search.engine.arrays import ArrayExecutor
    from search.engine.execution import Request
    from search.query import form as F

    write_index([], tmp_path / "index", allow_empty=True)
    arrays = Arrays(current(tmp_path / "index"))
    assert arrays.doc_count == 0 and arrays.fields["text"].term("洗钱") == -1
    found = ArrayExecutor(arrays).run(Request(F.Term("text", "洗钱"), facets=("theme",)))
    assert (found.total, found.page, found.facets) == (0, [], {"theme": {}})


def test_places_key_each_occurrence_by_its_document_and_position_or_start(opened):
    from search.store.arrays import PLACES

    arrays, _ = opened
    for name, field in arrays.fields.items():
        owner = np.repeat(field.post_doc.astype(np.int64), np.diff(field.pos_start))
        where = field.pos if PLACES[name] == "pos" else field.chars[:, 0]
        assert field.place is not None and field.place.tolist() == ((owner << 32) | where).tolist()
        row = field.term("犯罪")
        # Ascending within a term; equal where a stacked inner word repeats at one position.
        assert np.all(np.diff(field.places(row)) >= 0)


@pytest.mark.parametrize("fieldname", TEXT_FIELDS)
def test_the_forward_index_holds_at_each_place_the_term_whoosh_puts_there(opened, fieldname):
    # Read from Whoosh's own postings: every occurrence of every term, by document and
    # position (text) or start character (text_bigram); where two terms share a position
    # (a word and its inner words) the forward index sends a read to the stack table.
    from search.store.arrays import PLACES, STACKED

    arrays, ix = opened
    field = arrays.fields[fieldname]
    held: dict[tuple[int, int], set[int]] = {}
    with ix.reader() as reader:
        for row, term in enumerate(field.terms):
            for doc, _weight, occurrences in _whoosh_postings(reader, fieldname, term):
                for pos, start, _end in occurrences:
                    held.setdefault((doc, pos if PLACES[fieldname] == "pos" else start), set()).add(row)
    stacked = sum(len(rows) > 1 for rows in held.values())
    # The shipped corpus: no two bigrams start at one character; jieba's inner words stack.
    assert stacked == {"text": 5_929, "text_bigram": 0}[fieldname]
    def terms(value: int) -> set[int]:  # a term row, or a shared place's rows in the stack table
        if value > STACKED:
            return {value}
        place = STACKED - value
        return set(field.stack_term[field.stack_start[place]:field.stack_start[place + 1]].tolist())

    for doc in range(arrays.doc_count):
        lo, hi = int(field.fwd_start[doc]), int(field.fwd_start[doc + 1])
        mine = {at: held[doc, at] for at in range(hi - lo) if (doc, at) in held}
        assert (hi - lo) == (max(mine) + 1 if mine else 0)
        assert {i: terms(t) for i, t in enumerate(field.fwd[lo:hi].tolist()) if t != -1} == mine
    assert len(field.fwd) == field.fwd_start[-1]
    assert len(field.stack_start) == stacked + 1  # each shared place in the table once
    assert len(field.stack_term) == sum(len(rows) for rows in held.values() if len(rows) > 1)


def test_phrases_and_substrings_are_where_the_postings_and_the_texts_put_them(opened):
    from search.analysis import normalize
    from search.engine.arrays import ArrayExecutor

    arrays, ix = opened
    with ix.reader() as reader:
        texts = [normalize(fields["text"]) for _, fields in reader.iter_docs()]
    executor = ArrayExecutor(arrays)
    text = arrays.fields["text"]

    def positions(name: str, word: str) -> dict[int, set[int]]:  # docnum → positions
        field = arrays.fields[name]
        rows, docs, _ = field.postings(field.term(word))
        return {int(d): set(field.pos[field.pos_start[p]:field.pos_start[p + 1]].tolist())
                for p, d in zip(range(rows.start, rows.stop), docs)}

    from search.store.arrays import STACKED

    found: dict[str, int] = {}
    through_stacked = 0  # matches whose later word stands where several terms do
    # Word phrases read the forward index (and the keys where words stack: 犯罪 inside
    # 有组织犯罪); the bigram field's (a number before Chinese text) gather positions:
    # both where the postings put the words in a row.
    for name, phrase in [("text", ("国际", "合作")), ("text", ("打击", "腐败")), ("text", ("犯罪", "犯罪")),
                         ("text", ("联合国", "毒品", "和", "犯罪")), ("text", ("打击", "犯罪")),
                         ("text", ("打击", "有组织犯罪")), ("text_bigram", ("2030", "年议", "议程")),
                         ("text_bigram", ("国际", "际合", "合作"))]:
        held = [positions(name, w) for w in phrase]
        expected = sorted((d, p) for d, first in held[0].items() for p in first
                          if all(d in h and p + i in h[d] for i, h in enumerate(held)))
        docs, starts = executor.occurrences(name, phrase)
        assert list(zip(docs.tolist(), starts.tolist())) == expected, phrase
        found[name] = found.get(name, 0) + bool(expected)
        if name == "text":
            field = arrays.fields[name]
            through_stacked += sum(int(field.fwd[field.fwd_start[d] + p + i]) <= STACKED
                                   for d, p in expected for i in range(1, len(phrase)))
    assert found == {"text": 5, "text_bigram": 2}  # not vacuous: all but one phrase are there
    assert through_stacked > 10
    # Substrings are of Chinese text (the bigram field keeps a Latin word whole): exactly
    # where the normalised text spells them (str.find; occurrences may overlap).
    words = [w for w in text.terms][::97][:60]
    han = [w for w in words if len(w) > 1 and all("\u4e00" <= ch <= "\u9fff" for ch in w)]
    assert len(han) > 20
    for sub in ["犯罪合作", "国际合作", "毒品和犯罪问题办公室", "洗钱"] + han:
        docs, starts = executor.spelled("text_bigram", sub)
        expected = [(n, i) for n, t in enumerate(texts) for i in range(len(t)) if t.startswith(sub, i)]
        assert list(zip(docs.tolist(), starts.tolist())) == expected, sub


def test_multi_valued_keys_count_through_their_combinations_as_through_each_value(opened):
    from search.engine.ranking import key_counts

    arrays, _ = opened
    theme = arrays.keywords["theme"]
    combined = theme.combinations
    assert arrays.keywords["cites"].combinations is None  # over 63 keys: counted value by value
    rng = np.random.default_rng(7)
    for size in (0, 1, 40, 400, arrays.doc_count):
        docs = np.sort(rng.choice(arrays.doc_count, size, replace=False)).astype(np.int32)
        expected = np.zeros(len(theme.keys), dtype=np.int64)
        for d in docs:
            for v in theme.val[theme.off[d]:theme.off[d + 1]]:
                expected[v] += 1
        assert key_counts(arrays, "theme", docs).tolist() == expected.tolist(), size
    # Each document's combination holds exactly its keys.
    for d in range(0, arrays.doc_count, 37):
        keys = set(theme.val[theme.off[d]:theme.off[d + 1]].tolist())
        assert set(combined.key[combined.combo == combined.of[d]].tolist()) == keys


def test_single_valued_facets_count_jointly_as_each_alone(opened):
    from search.engine.ranking import key_counts
    from search.facets import COUNTED
    from search.store.arrays import JOINT_KEYS

    arrays, _ = opened
    joint = arrays.joint(COUNTED)
    few = {f for f in COUNTED if not arrays.keywords[f].multi and len(arrays.keywords[f].keys) <= JOINT_KEYS}
    assert {"verb", "session", "body", "kind", "lang", "change"} <= few
    assert joint is not None and set(joint.slices) == few
    assert arrays.joint(COUNTED) is joint and arrays.joint(("verb",)) is None  # kept; one alone: no gain
    rng = np.random.default_rng(11)
    for size in (0, 1, 30, 500, arrays.doc_count):
        docs = np.sort(rng.choice(arrays.doc_count, size, replace=False)).astype(np.int32)
        together = joint.counts(docs)
        for facet in joint.slices:
            column = arrays.keywords[facet]
            alone = np.bincount(column.ord[docs][column.ord[docs] >= 0], minlength=len(column.keys))
            assert together[facet].tolist() == alone.tolist() == key_counts(arrays, facet, docs).tolist()


def test_highlighting_reads_the_same_offsets_from_the_arrays_as_from_whoosh(opened):
    from search.engine.arrays import ArrayExecutor
    from search.engine.highlight import _term_chars

    arrays, ix = opened
    executor = ArrayExecutor(arrays)
    targets = list(range(0, arrays.doc_count, 3))
    with ix.searcher() as searcher:
        for fieldname in ("text", "text_bigram"):
            terms = [arrays.fields[fieldname].terms[i] for i in range(0, len(arrays.fields[fieldname].terms), 211)]
            for term in terms + ["corrupt", "traffick", "不在索引里"]:
                assert dict(executor.term_chars(fieldname, term, targets)) == \
                    dict(_term_chars(searcher, fieldname, term, targets)), (fieldname, term)


def test_each_postings_stored_score_is_its_bm25_computed_term_by_term(opened):
    # Written in chunks over all postings; checked against the formula one term at a time.
    from search.store.scoring import FIELD_BOOSTS, bm25, idf, length_term, mean_length

    arrays, _ = opened
    for name, field in arrays.fields.items():
        lengths = length_term(arrays.field_length(name), mean_length(field.total_length, arrays.doc_count))
        assert len(field.post_score) == len(field.post_doc)
        for row in range(0, len(field.terms), 7):
            rows, docs, tf = field.postings(row)
            computed = bm25(idf(arrays.doc_count, len(docs)), np.asarray(tf), FIELD_BOOSTS[name],
                            lengths[np.asarray(docs)])
            assert np.array_equal(field.post_score[rows], computed), (name, field.terms[row])


def test_the_spelled_table_holds_the_frequent_words_answers_as_str_count_gives_them(opened):
    from search.analysis import normalize
    from search.store import spelled as S

    arrays, ix = opened
    with ix.reader() as reader:
        texts = [normalize(fields["text"]) for _, fields in reader.iter_docs()]
    bigrams, words = arrays.fields["text_bigram"], arrays.fields["text"]
    table = bigrams.spelled
    chosen = S.tabled_words(words, bigrams, arrays.doc_count, S.asked_substrings())
    assert list(table.keys) == chosen and len(chosen) == 325  # the real corpus's
    assert {"会员国", "办公室", "刑事司法"} <= set(chosen) and "枪支" not in chosen
    for word in chosen:
        docs, tf = table.find(word)
        # What the table holds is what the places give, and what str.count counts.
        spelled_docs, spelled_tf = S.counted(*S.spell(bigrams, word), word)
        assert docs.tolist() == spelled_docs.tolist() and tf.tolist() == spelled_tf.tolist(), word
        expected = [(n, t.count(word)) for n, t in enumerate(texts) if word in t]
        assert list(zip(docs.tolist(), tf.tolist())) == expected, word
    assert table.find("枪支") is None  # not frequent enough: found from its places
    assert S.count_spelled(bigrams, "枪支")[0].tolist() == [n for n, t in enumerate(texts) if "枪支" in t]


def test_the_spelled_table_also_answers_what_the_glossary_searches_for(opened):
    from search.store import spelled as S

    arrays, _ = opened
    bigrams, words = arrays.fields["text_bigram"], arrays.fields["text"]
    asked = S.asked_substrings()
    # Each concept's Chinese forms as its query spells them: traditional ones folded.
    assert {"会员国", "成员国", "联合国反腐败公约", "联合国反贪腐公约"} <= set(asked)
    assert "聯合國反貪腐公約" not in asked and len(asked) == len(set(asked))
    # 员国 is spelled wherever 会员国 is, and the text never holds it as a word.
    assert words.term("员国") < 0 and bigrams.occurrence_count(bigrams.term("员国")) >= S.costly_at(arrays.doc_count)
    plain = S.tabled_words(words, bigrams, arrays.doc_count)
    more = S.tabled_words(words, bigrams, arrays.doc_count, ["员国", "枪支", "员国"])
    assert "员国" not in plain and set(more) - set(plain) == {"员国"}  # 枪支 is not costly
    assert plain == S.tabled_words(words, bigrams, arrays.doc_count, ["会员国"])  # a term already


def test_the_spelled_table_keeps_the_costliest_words_within_its_caps(opened, monkeypatch):
    from search.analysis.normalizers import is_han
    from search.store import spelled as S

    arrays, _ = opened
    bigrams, words = arrays.fields["text_bigram"], arrays.fields["text"]
    occurrences = np.diff(bigrams.pos_start[bigrams.post_start])

    holding = np.diff(bigrams.post_start)

    def cost(word):
        return min(int(occurrences[r]) if r >= 0 else 0 for r in (bigrams.term(b) for b in S.bigrams_of(word)))

    def most(word):  # the documents it may be spelled in: its least-held bigram's
        return min(int(holding[bigrams.term(b)]) for b in S.bigrams_of(word))

    every = S.tabled_words(words, bigrams, arrays.doc_count)
    least = max(arrays.doc_count // S.COSTLY_SHARE, S.COSTLY_MIN)
    han = [w for w in words.terms if len(w) > 1 and all(map(is_han, w))]
    left = sorted((-cost(w), w) for w in han if w not in every and cost(w) >= least)
    # The costliest words first, until the next would pass the budget (here it does).
    assert min(cost(w) for w in every) >= -left[0][0]
    held = sum(map(most, every))
    assert held <= S.SPELLED_BUDGET * arrays.doc_count < held + most(left[0][1])
    assert sum(len(S.count_spelled(bigrams, w)[0]) for w in every) <= held  # the bound holds
    monkeypatch.setattr(S, "SPELLED_CAP", 5)
    five = S.tabled_words(words, bigrams, arrays.doc_count)
    assert len(five) == 5 and min(cost(w) for w in five) >= max(cost(w) for w in every if w not in five)
    monkeypatch.setattr(S, "SPELLED_CAP", 1024)
    monkeypatch.setattr(S, "SPELLED_BUDGET", 8)  # eight postings per document in all
    budgeted = S.tabled_words(words, bigrams, arrays.doc_count)
    assert 0 < len(budgeted) < len(every) and sum(most(w) for w in budgeted) <= 8 * arrays.doc_count


def _adjacent_frequent_pairs(field, documents):
    """{"a b": [docs]} for every two frequent terms standing next to each other, found
    from the postings' positions (not the forward index the build reads)."""
    from collections import defaultdict

    from search.store import spelled as S

    least = S.costly_at(documents)
    at = defaultdict(set)  # (doc, position) -> frequent terms there
    for row in range(len(field.terms)):
        term = field.terms[row]
        if field.occurrence_count(row) < least or " " in term:
            continue
        rows, docs, _ = field.postings(row)
        for posting, doc in zip(range(rows.start, rows.stop), docs.tolist()):
            for pos in field.pos[field.pos_start[posting]:field.pos_start[posting + 1]].tolist():
                at[doc, pos].add(term)
    pairs = defaultdict(set)
    for (doc, pos), terms in at.items():
        for a in terms:
            for b in at.get((doc, pos + 1), ()):
                pairs[f"{a} {b}"].add(doc)
    return {key: sorted(docs) for key, docs in pairs.items()}


def test_the_paired_table_holds_the_documents_of_frequent_adjacent_words(opened, monkeypatch):
    from search.engine.arrays import _distinct, placed
    from search.store import spelled as S

    arrays, _ = opened
    words = arrays.fields["text"]
    every = _adjacent_frequent_pairs(words, arrays.doc_count)
    assert len(every) > 1402  # the budget binds on the real corpus
    table = words.paired
    assert len(table) == 1402 and len(table.doc) == 12825
    held = {table.keys[q]: table.find(table.keys[q])[0].tolist() for q in range(len(table))}
    for key, docs in held.items():  # what the postings say, and what placed finds
        assert docs == every[key], key
        rows = [words.term(w) for w in key.split(" ")]
        assert docs == _distinct(placed(words, rows, range(2))[0]).tolist(), key
    assert "犯罪 合作" in held and len(held["犯罪 合作"]) == 9
    assert S.paired_docs(words, ("犯罪", "合作")).tolist() == held["犯罪 合作"]
    assert S.paired_docs(words, ("洗钱", "犯罪")) is None  # 洗钱 is not frequent
    assert S.paired_docs(words, ("犯罪", "合作", "会员国")) is None  # pairs only
    # Unbounded, the table would hold every pair; bounded, the costliest first.
    monkeypatch.setattr(S, "PAIRED_BUDGET", 10 ** 6)
    whole, floor, anywhere = S.tabled_pairs(words, arrays.doc_count, chunk=100)
    assert {k: d.tolist() for k, d in whole} == every
    assert floor == S.costly_at(arrays.doc_count) and len(anywhere) == len(every)

    def cost(key):
        return min(words.occurrence_count(words.term(w)) for w in key.split(" "))

    ranked = sorted(every, key=lambda k: (-cost(k), [words.term(w) for w in k.split(" ")]))
    kept, total = [], 0
    for key in ranked:
        if total + len(every[key]) > 16 * arrays.doc_count:
            break
        kept.append(key)
        total += len(every[key])
    assert sorted(held) == sorted(kept)
    monkeypatch.setattr(S, "PAIRED_CAP", 5)
    five, _, anywhere = S.tabled_pairs(words, arrays.doc_count)
    assert sorted(k for k, _ in five) == sorted(ranked[:5]) and len(anywhere) == len(every)


def test_two_paired_words_the_table_lacks_are_together_nowhere_unless_listed(opened):
    from search.analysis.normalizers import is_han
    from search.engine.arrays import _distinct, placed
    from search.store import spelled as S

    arrays, _ = opened
    words = arrays.fields["text"]
    every = _adjacent_frequent_pairs(words, arrays.doc_count)  # from the postings' positions
    table = words.paired
    assert table.floor == S.costly_at(arrays.doc_count)
    listed = {f"{words.terms[int(c >> 32)]} {words.terms[int(c & 0xFFFFFFFF)]}" for c in table.anywhere}
    assert listed == set(every) and np.all(np.diff(table.anywhere) > 0)
    paired = sorted({w for key in every for w in key.split(" ")})
    assert len(paired) == 406  # the real corpus's words occurring 25 times or more
    apart = 0
    for i, a in enumerate(paired):
        for j, b in enumerate(paired):
            docs = S.paired_docs(words, (a, b))
            key = f"{a} {b}"
            if key in every and table.find(key) is None:  # left out by the budget
                assert docs is None, key
                continue
            assert docs is not None and docs.tolist() == every.get(key, []), key
            if not len(docs):
                apart += 1
                if (i * len(paired) + j) % 97 == 0:  # reading their places finds nothing
                    assert not len(_distinct(placed(words, [words.term(a), words.term(b)], range(2))[0])), key
    assert apart == len(paired) ** 2 - len(every)
    rare = next(w for w in words.terms if 0 < words.occurrence_count(words.term(w)) < table.floor
                and all(map(is_han, w)))
    assert S.paired_docs(words, (rare, "犯罪")) is None  # a word not paired: read from its places


def test_a_phrase_the_paired_table_holds_scores_as_it_would_unheld(opened):
    from search.engine.arrays import ArrayExecutor
    from search.query import form as F

    arrays, _ = opened
    words = arrays.fields["text"]
    held = ArrayExecutor(arrays)
    without = Arrays(arrays.directory.parent)  # the same files, read as if written without the table
    without.fields["text"].paired = None
    unheld = ArrayExecutor(without)
    for q in range(0, len(words.paired), 7):
        node = F.Phrase("text", tuple(words.paired.keys[q].split(" ")), boost=1.5)
        a, b = held.phrase(node), unheld.phrase(node)
        assert a.docs.tolist() == b.docs.tolist() and a.scores.tolist() == b.scores.tolist(), node
        assert len(a.docs) > 0
