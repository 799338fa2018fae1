"""NLP for Central Asian Languages — taught in English by Demo Tashkent Institute of Data Science,
co-taught by the other three partners, each bringing its own language."""

from .blocks import callout, code, heading, lesson, module, question, quiz, text

COURSE = {
    "slug": "nlp-central-asian-languages",
    "university": "demo-tids",
    "co_teaching": ["demo-dtu", "demo-adu", "demo-bpu"],
    "language": "en",
    "level": "advanced",
    "ects": "6.0",
    "effort_hours": 60,
    "min_quiz_average": 60,
    "capacity": 300,
    "title": "NLP for Central Asian Languages",
    "summary": (
        "Process Tajik, Kazakh, Uzbek and Kyrgyz text: scripts and encodings, morphology, "
        "small corpora, and honest evaluation of language tools."
    ),
    "description": """
<p>Most language technology is built for English and a handful of large languages. Tajik,
Kazakh, Uzbek and Kyrgyz together have more than seventy million speakers, but far less digital
text, fewer annotated datasets and several scripts in use at once. This course teaches the
techniques that work in that setting.</p>
<p>Each partner university contributes material on its own language. You will finish with a
working text classifier for one of the region's languages and a clear account of where it
fails.</p>
""",
    "outcomes": [
        "Normalise text across Cyrillic and Latin scripts and Unicode variants.",
        "Tokenise agglutinative languages with subword models.",
        "Collect and document a small corpus responsibly.",
        "Evaluate a language tool per language and per script, not only on average.",
    ],
    "modules": [
        module(
            "Text in the region's languages",
            "text-in-the-region",
            "<p>Before any model: getting characters, scripts and words right.</p>",
            [
                lesson(
                    "Scripts, alphabets and Unicode",
                    "scripts-and-unicode",
                    minutes=30,
                    body=[
                        text("""
<p>Uzbek is written in a Latin alphabet officially and in Cyrillic in much of daily life;
Kazakh is moving from Cyrillic to Latin; Tajik uses Cyrillic with six extra letters
(<i>ғ, ӣ, қ, ӯ, ҳ, ҷ</i>); Kyrgyz uses Cyrillic with <i>ң, ө, ү</i>. A dataset scraped from the
web will mix all of these, often with look-alike substitutes: a Latin <i>o</i> inside a Cyrillic
word, or the Uzbek <i>oʻ</i> typed with any of four different apostrophes.</p>
<p>The first step of every pipeline is therefore <b>normalisation</b>: apply Unicode NFC so that
composed and decomposed letters compare equal, map apostrophe variants to one character, and
detect the script of each token. Text that looks identical on screen can be different bytes, and
a model sees bytes.</p>
"""),
                        code("""
import unicodedata

APOSTROPHES = {"'": "ʻ", "`": "ʻ", "‘": "ʻ", "’": "ʻ"}

def normalise_uzbek(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    for variant, standard in APOSTROPHES.items():
        text = text.replace("o" + variant, "o" + standard).replace("g" + variant, "g" + standard)
    return text

print(normalise_uzbek("O'zbekiston") == normalise_uzbek("O‘zbekiston"))  # True
"""),
                        callout(
                            "<p>Never transliterate silently. Keep the original text next to the "
                            "normalised one, so errors can be traced and fixed.</p>",
                            "warning",
                        ),
                    ],
                ),
                lesson(
                    "Words, suffixes and subword tokens",
                    "tokenisation-morphology",
                    minutes=35,
                    body=[
                        text("""
<p>Turkic languages such as Kazakh, Uzbek and Kyrgyz are <b>agglutinative</b>: grammar is
expressed by chains of suffixes. The Kazakh <i>мектептерімізде</i> means "in our schools" —
<i>мектеп</i> (school) + <i>-тер</i> (plural) + <i>-іміз</i> (our) + <i>-де</i> (in). A
vocabulary of whole words would need millions of entries and would still miss forms it has
never seen.</p>
<p><b>Subword tokenisers</b> (byte-pair encoding, unigram models) solve this by learning
frequent pieces from the corpus itself. Train the tokeniser on text in the languages you
serve: a tokeniser trained mostly on English splits Kyrgyz words into many meaningless
fragments, which makes models slower and worse.</p>
"""),
                        code("""
import sentencepiece as spm

spm.SentencePieceTrainer.train(
    input="kk_corpus.txt", model_prefix="kk_unigram",
    vocab_size=16000, character_coverage=1.0,   # keep every Kazakh letter
)
sp = spm.SentencePieceProcessor(model_file="kk_unigram.model")
print(sp.encode("мектептерімізде", out_type=str))
"""),
                        quiz(
                            "Scripts and tokens",
                            [
                                question(
                                    "Why normalise text to Unicode NFC first?",
                                    [
                                        (
                                            "So that letters that look the same are also the "
                                            "same bytes",
                                            True,
                                        ),
                                        ("To translate Cyrillic into Latin", False),
                                        ("To remove all punctuation", False),
                                    ],
                                ),
                                question(
                                    "What makes word-level vocabularies a poor fit for Kazakh?",
                                    [
                                        (
                                            "Suffix chains create a huge number of word forms",
                                            True,
                                        ),
                                        ("Kazakh has no spaces between words", False),
                                        ("Kazakh is written right to left", False),
                                    ],
                                ),
                                question(
                                    "Which letters belong to the Tajik Cyrillic alphabet but not "
                                    "to Russian? (choose all that apply)",
                                    [("ҷ", True), ("ӯ", True), ("ы", False), ("щ", False)],
                                ),
                            ],
                        ),
                    ],
                ),
            ],
        ),
        module(
            "Building and evaluating language tools",
            "building-language-tools",
            "<p>Small data, careful annotation and evaluation that reports who the tool fails.</p>",
            [
                lesson(
                    "Corpora for low-resource languages",
                    "low-resource-corpora",
                    minutes=30,
                    body=[
                        heading("Where the text comes from"),
                        text("""
<p>Useful sources include government and parliamentary publications, news sites, Wikipedia,
textbooks with an open licence, and transcribed radio. Each has a bias: news over-represents
politics and the capital city's dialect; parliamentary text is formal. Record the source,
licence, date and script of every document in a <b>datasheet</b>, so that later users know what
the corpus can and cannot represent.</p>
"""),
                        heading("Getting more from little data"),
                        text("""
<p>Three strategies help when labelled data is scarce. <b>Transfer</b>: start from a
multilingual model that has seen related languages — Kazakh and Kyrgyz share much vocabulary.
<b>Active learning</b>: let the model choose the examples it is least sure about, so annotators
label the most informative ones first. <b>Careful augmentation</b>: transliterate Cyrillic
examples to Latin to cover both scripts, but check samples by hand.</p>
"""),
                    ],
                ),
                lesson(
                    "Evaluating per language and per script",
                    "evaluation",
                    minutes=30,
                    body=[
                        text("""
<p>A classifier that is 90% accurate on average can be 95% accurate on Russian and 70% on
Tajik. Averages hide exactly the users this course is about. Always report metrics
<b>separately</b> for each language, each script and, where possible, each region, and include
the number of test examples behind every figure — a score on 40 sentences is a hint, not a
result.</p>
<p>Build the test set before you build the model, from data the model will never see in
training, and have native speakers check a sample of the labels. Disagreement between two
annotators tells you the ceiling: no model is meaningfully better than the people who
labelled its test data.</p>
"""),
                        quiz(
                            "Corpora and evaluation",
                            [
                                question(
                                    "A model scores 90% overall. What should the report add?",
                                    [
                                        (
                                            "Scores per language and script, with the number of "
                                            "test examples",
                                            True,
                                        ),
                                        ("Only the training accuracy", False),
                                        ("Nothing: the average is enough", False),
                                    ],
                                ),
                                question(
                                    "Which strategy lets annotators label the most informative "
                                    "examples first?",
                                    [
                                        ("Active learning", True),
                                        ("Data augmentation", False),
                                        ("Early stopping", False),
                                    ],
                                ),
                                question(
                                    "What should a corpus datasheet record for each document?",
                                    [
                                        ("Source, licence, date and script", True),
                                        ("Only the number of words", False),
                                        ("The annotator's password", False),
                                    ],
                                ),
                            ],
                        ),
                    ],
                ),
            ],
        ),
    ],
}
