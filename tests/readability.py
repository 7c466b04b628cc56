"""The Flesch-Kincaid grade of a text, counted as textstat 0.7.3 counts it:
words and sentences by its rules, syllables from pyphen's hyphenation points
for en_US. Written out here because textstat's later releases count syllables
with NLTK's cmudict, which they download at run time (there is no network in
the build), and 0.7.3 itself imports pkg_resources, which only setuptools
releases with a known advisory still carry. On every public page this gave
the same grade as textstat 0.7.3 when the change was made."""

from __future__ import annotations

import math
import re

from pyphen import Pyphen

HYPHENATION = Pyphen(lang="en_US")
PUNCTUATION = re.compile(r"[^\w\s]")
SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")


def rounded(number: float, points: int = 1) -> float:
    """Half away from zero, as textstat rounds (not Python's half to even)."""
    scale = 10**points
    return math.floor(number * scale + math.copysign(0.5, number)) / scale


def word_count(text: str) -> int:
    return len(PUNCTUATION.sub("", text).split())


def sentence_count(text: str) -> int:
    """Sentences of three words or more (shorter ones are not counted)."""
    sentences = SENTENCE.findall(text)
    return max(1, len(sentences) - sum(1 for s in sentences if word_count(s) <= 2))


def syllable_count(text: str) -> int:
    words = PUNCTUATION.sub("", text.lower()).split()
    return sum(len(HYPHENATION.positions(word)) + 1 for word in words)


def flesch_kincaid_grade(text: str) -> float:
    words = word_count(text)
    per_sentence = rounded(words / sentence_count(text))
    per_word = rounded(syllable_count(text) / words) if words else 0.0
    return rounded(0.39 * per_sentence + 11.8 * per_word - 15.59)
