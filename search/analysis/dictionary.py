"""The Chinese word list: jieba's dictionary plus our UN terms, and its on-disk cache.

jieba builds a prefix dictionary of ~500k entries; building it (or unmarshalling jieba's
own cache) costs over a second here, too slow for a fresh process's first query. So the
prefix dictionary, with our user words folded in, is cached once as shards keyed by first
character, and a process loads only the shards of the characters it actually meets.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import marshal
import os
import re
import struct
import sys
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from search.analysis.normalizers import NAME_DOT, is_han, normalize

# Bump whenever the terms produced for some text change: the index then says "rebuild".
ANALYZER_VERSION = "concord-analysis-3"
USERDICT_PATH = Path(__file__).resolve().parent.parent / "lexicon" / "userdict.txt"
# Frequency for glossary terms, which carry none: mid-range on jieba's scale (犯罪 is
# 3002), enough to keep a term whole against its parts, never near everyday words.
LEXICON_TERM_FREQ = 500
_MAGIC = b"CONCORD-ZH-PREFIX-2\n"

log = logging.getLogger(__name__)


def read_userdict(path: Path | None = None) -> dict[str, int]:
    """Parse `word freq` lines (# comments, blank lines allowed) into normalized words."""
    path = path or USERDICT_PATH
    words: dict[str, int] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) not in (2, 3) or not parts[1].isdigit() or int(parts[1]) < 1:
            raise ValueError(f"{path.name}:{lineno}: expected 'word freq [tag]', got {line!r}")
        word = normalize(parts[0])
        if not _usable(word):
            raise ValueError(f"{path.name}:{lineno}: {parts[0]!r} is not a Chinese word")
        words[word] = int(parts[1])
    return words


def _lexicon_terms() -> list[str]:
    """Chinese terms and variants of the glossary (search.lexicon)."""
    from search.lexicon import chinese_terms  # late: the lexicon loads data files

    return chinese_terms()


def _usable(word: str) -> bool:
    """A word the segmenter can ever see: ideographs, possibly joined by name dots."""
    return len(word) > 1 and all(is_han(ch) or ch == NAME_DOT for ch in word) and is_han(word[0])


def word_list() -> dict[str, int]:
    """The final user word list: userdict.txt plus glossary terms, normalized, with freqs."""
    return dict(_current()[0])


def dictionary_checksum() -> str:
    """sha256 over the analyzer version, jieba's version and the final user word list."""
    return _current()[1]


@lru_cache(maxsize=1)
def _current() -> tuple[dict[str, int], str]:
    """The word list and its checksum, computed once per process (see forget_word_list)."""
    # Once per process on purpose: the stamp must describe the dictionary this process
    # segments with, and that is loaded once; a changed file takes effect on restart.
    words = read_userdict()
    terms = [term.strip() for term in _lexicon_terms() if "\n" not in term]
    # One normalize() call for all terms: it keeps lengths, so the lines map back one to one.
    for word in normalize("\n".join(terms)).split("\n"):
        if _usable(word):
            words.setdefault(word, 0)  # 0 = "choose a frequency when building"
    digest = hashlib.sha256()
    digest.update(f"{ANALYZER_VERSION}\njieba {_jieba_version()}\n".encode())
    for word, freq in sorted(words.items()):
        digest.update(f"{word}\t{freq}\n".encode())
    return words, digest.hexdigest()


def forget_word_list() -> None:
    """Re-read the word list on next use (after editing userdict.txt or the glossary)."""
    _current.cache_clear()


def _jieba_version() -> str:
    """jieba's version, read from its source: importing jieba costs a fresh process ~0.2 s."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ImportError("jieba is not installed")
    source = Path(spec.origin).read_text(encoding="utf-8")
    found = re.search(r"^__version__\s*=\s*['\"]([^'\"]+)", source, re.M)
    return found.group(1) if found else "unknown"


def cache_dir() -> Path:
    """Where the prefix cache lives: $CONCORD_CACHE_DIR, else the checkout's or the user's cache.

    In a source checkout (pyproject.toml beside the packages) it is var/cache there; an
    installed copy never writes into site-packages and uses $XDG_CACHE_HOME/concord
    (~/.cache/concord).
    """
    configured = os.environ.get("CONCORD_CACHE_DIR")
    if configured:
        return Path(configured)
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "search" / "analysis").is_dir():
        return root / "var" / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "concord"


_import_lock = threading.Lock()


def import_jieba():
    """Import jieba without pkg_resources, which it only uses to find its own data files."""
    # Importing pkg_resources costs a fresh process 0.1–0.4 s here (a third of the 1 s
    # budget for a first query) and newer setuptools make it warn. jieba's fallback opens
    # the same files beside its module, so the import is refused for jieba alone.
    with _import_lock:
        if "jieba" in sys.modules or "pkg_resources" in sys.modules:
            import jieba

            return jieba
        sys.modules["pkg_resources"] = None  # makes `import pkg_resources` an ImportError
        try:
            import jieba
        finally:
            del sys.modules["pkg_resources"]
        return jieba


def build_prefix_dict(words: dict[str, int]) -> tuple[dict[str, int], int]:
    """jieba's full prefix dictionary with our words added (the slow path, ~1–2 s)."""
    jieba = import_jieba()
    builder = jieba.Tokenizer()
    builder.FREQ, builder.total = builder.gen_pfdict(builder.get_dict_file())
    builder.initialized = True
    for word, freq in sorted(words.items(), key=lambda item: (-len(item[0]), item[0])):
        if not freq:
            freq = max(builder.suggest_freq(word, tune=False), LEXICON_TERM_FREQ)
        # Never lower a word jieba already knows better (移民 is 1231 there).
        builder.add_word(word, max(freq, builder.FREQ.get(word, 0)))
    return builder.FREQ, builder.total


def _write_shards(path: Path, freq: dict[str, int], total: int, checksum: str) -> None:
    """Write the prefix dictionary as marshalled shards, one per first character."""
    shards: dict[str, dict[str, int]] = {}
    for word, count in freq.items():
        shards.setdefault(word[0], {})[word] = count
    blobs, index, offset = [], {}, 0
    for ch, shard in shards.items():
        blob = marshal.dumps(shard)
        index[ch] = (offset, len(blob))
        blobs.append(blob)
        offset += len(blob)
    header = marshal.dumps({"checksum": checksum, "total": total, "index": index,
                            "size": offset})
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".zh-prefix-")
    with os.fdopen(fd, "wb") as out:
        out.write(_MAGIC + struct.pack("<Q", len(header)) + header)
        out.writelines(blobs)
    os.chmod(tmp, 0o644)  # mkstemp makes it private; a server may run as another user
    os.replace(tmp, path)  # atomic: a concurrent reader sees the old file or the new one
    _prune(path.parent)


def _prune(directory: Path, keep: int = 3) -> None:
    """Delete all but the newest few caches (each word-list change leaves ~10 MB behind)."""
    caches = []
    for cache in directory.glob("zh-prefix-*.bin"):
        try:
            caches.append((cache.stat().st_mtime, cache))
        except FileNotFoundError:  # another process pruned it first
            continue
    for _, stale in sorted(caches)[:-keep]:
        stale.unlink(missing_ok=True)  # readers hold their bytes in memory, not the file


class PrefixStore:
    """The prefix dictionary, loaded shard by shard into one plain dict (jieba's FREQ)."""

    def __init__(self, checksum: str, total: int, index: dict, data: bytes | None):
        self.checksum = checksum
        self.total = total
        self.freq: dict[str, int] = {}
        self._index = index
        self._data = data
        self._loaded: set[str] = set()
        self._lock = threading.Lock()

    @classmethod
    def from_memory(cls, checksum: str, freq: dict[str, int], total: int) -> PrefixStore:
        """A store whose every shard is already loaded (no cache file available)."""
        store = cls(checksum, total, {}, None)
        store.freq = freq
        return store

    @classmethod
    def from_file(cls, path: Path, checksum: str) -> PrefixStore | None:
        """Open a shard file; None when it is missing, damaged or for another word list."""
        try:
            data = path.read_bytes()
            if not data.startswith(_MAGIC):
                return None
            start = len(_MAGIC) + 8
            (size,) = struct.unpack("<Q", data[len(_MAGIC) : start])
            header = marshal.loads(data[start : start + size])
        except (OSError, ValueError, EOFError, TypeError, struct.error):
            return None
        body = memoryview(data)[start + size :]
        if not isinstance(header, dict) or header.get("checksum") != checksum:
            return None
        if header.get("size") != len(body):  # truncated: a shard would fail mid-query
            return None
        return cls(checksum, header["total"], header["index"], body)

    def ensure(self, text: str) -> None:
        """Load the shards of every character in text (every word a DAG over text can use)."""
        missing = set(text) - self._loaded
        if not missing or self._data is None:
            return
        with self._lock:
            for ch in missing - self._loaded:
                span = self._index.get(ch)
                if span is not None:
                    offset, size = span
                    self.freq.update(marshal.loads(self._data[offset : offset + size]))
                self._loaded.add(ch)


def open_prefix_store() -> PrefixStore:
    """The prefix store for the current word list: from the cache, else built (and cached)."""
    checksum = dictionary_checksum()
    path = cache_dir() / f"zh-prefix-{checksum[:20]}.bin"
    store = PrefixStore.from_file(path, checksum)
    if store is not None:
        return store
    freq, total = build_prefix_dict(word_list())
    try:
        _write_shards(path, freq, total, checksum)
    except OSError as exc:  # read-only install: still works, just without the fast start
        log.warning("cannot write the Chinese dictionary cache %s: %s", path, exc)
    return PrefixStore.from_memory(checksum, freq, total)
