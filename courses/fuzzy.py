"""Search that forgives: partial words, typos and either script of Uzbek and Kazakh (ADR 0027).

Text and query are both folded to one Latin skeleton (`fold`): case and accents go, Cyrillic
letters become their Latin counterparts following the official Uzbek (1995) and Kazakh (2021)
Latin alphabets, and the letters the two alphabets spell differently (ş/sh, ç/ch, x/h, ñ/ng,
oʻ/ў/ө) meet on one spelling. A query word then matches a text word that contains it, or that
starts with a word within a small edit distance of it (`word_matches`). Pure Python, so SQLite
and PostgreSQL give the same answers.
"""

import re
import unicodedata

# Longer queries are cut here: nobody types more, and matching stays cheap.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 8
MIN_WORD = 2

_CYRILLIC = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e",
    "ё": "yo", "ж": "j", "з": "z", "и": "i", "і": "i", "й": "y", "к": "k", "қ": "q",
    "л": "l", "м": "m", "н": "n", "ң": "ng", "о": "o", "ө": "o", "ў": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ӯ": "u", "ф": "f",
    "х": "h", "һ": "h", "ҳ": "h", "ц": "ts", "ч": "ch", "ҷ": "j", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ӣ": "i", "ҟ": "q",
}  # fmt: skip
_LATIN = {"ş": "sh", "ç": "ch", "ñ": "ng", "ı": "i", "x": "h", "w": "v"}
_APOSTROPHES = "'ʻʼ‘’`´"
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """The Latin skeleton of `text`, lower case, without accents or apostrophes."""
    text = unicodedata.normalize("NFKC", text).casefold()
    out = []
    for char in text:
        if char in _APOSTROPHES:
            continue
        char = _CYRILLIC.get(char, char)
        out.append(_LATIN.get(char, char))
    decomposed = unicodedata.normalize("NFKD", "".join(out))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def query_words(query: str) -> list[str]:
    """The words of a query worth matching: folded, deduplicated, at most `MAX_QUERY_WORDS`."""
    seen: list[str] = []
    for word in words(query[:MAX_QUERY_CHARS]):
        if len(word) >= MIN_WORD and word not in seen:
            seen.append(word)
    return seen[:MAX_QUERY_WORDS]


def allowed_typos(word: str) -> int:
    return 0 if len(word) < 4 else 1 if len(word) < 8 else 2


def distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment edit distance (a swap of two letters counts once), capped."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def word_matches(query_word: str, text_word: str) -> bool:
    if query_word in text_word:
        return True
    limit = allowed_typos(query_word)
    if not limit:
        return False
    # Compare with the text word's beginning as long as the query word, ±1 letter.
    for length in {len(query_word) - 1, len(query_word), len(query_word) + 1}:
        if length >= MIN_WORD and distance(query_word, text_word[:length], limit) <= limit:
            return True
    return False


def score(query: list[str], text_words: set[str]) -> int:
    """How many query words the text matches; 0 unless it matches all of them."""
    if not query:
        return 0
    for word in query:
        if not any(word_matches(word, candidate) for candidate in text_words):
            return 0
    return len(query)
