"""A name in another script or Unicode form is the candidate's name too (a Latin name in Cyrillic, Greek, Arabic,
Devanagari, Hangul or kana; one on file in those scripts written in Latin letters; accents, full-width letters, a
hyphen): a candidate can write it in a comment or say it to a speech-to-text set to another language. Words of
those scripts that are not the name stay."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Ada Lovelace", "Ада Лавлейс"),
        ("Ada Lovelace", "Ада Ловелас"),
        ("Ada Lovelace", "Άντα Λάβλεϊς"),
        ("Ada Lovelace", "Лав" + "\u200b" + "лейс"),  # an invisible character inside
        ("Dmitry Petrov", "Дмитрий Петров"),
        ("Nikos Papadopoulos", "Νίκος Παπαδόπουλος"),
        ("Priya Raman", "प्रिया रमन"),
        # The other Indian scripts, laid out in Unicode as Devanagari is: Bengali, Gurmukhi, Gujarati, Tamil,
        # Telugu, Kannada, Malayalam.
        ("Priya Raman", "প্রিয়া রমন"),
        ("Priya Raman", "ਪ੍ਰਿਯਾ ਰਮਨ"),
        ("Priya Raman", "પ્રિયા રમન"),
        ("Priya Raman", "ப்ரியா ராமன்"),
        ("Priya Raman", "ప్రియా రమన్"),
        ("Priya Raman", "ಪ್ರಿಯಾ ರಮನ್"),
        ("Priya Raman", "പ്രിയ രമൻ"),
        ("Priya Raman", "Прия Раман"),
        ("Priya Raman", "بريا"),
        ("Mohammed Al-Farsi", "محمد الفارسي"),
        ("Ahmed Khan", "أحمد خان"),
    ],
)
def test_a_latin_name_written_in_another_script_is_redacted(name: str, written: str) -> None:
    r = Redactor(redaction_terms(name, None))
    said = f"Меня зовут {written}, here"
    expected = "Меня зовут " + " ".join(["[candidate]"] * len(written.split())) + ", here"
    assert r.speech(said).text == expected
    assert r.output(said).text == expected
    comment = r.code(f"# {written}\nx = 1\n", "python").text
    assert comment.startswith("# [candidate]") and comment.endswith("\nx = 1\n")
    out = r.speech(said)
    at = out.text.index("[candidate]")
    start, _ = out.original_span(at, at + len("[candidate]"))
    assert start == said.index(written)


@pytest.mark.parametrize(
    "name", ["Ada Lovelace", "Priya Raman", "Dmitry Petrov", "Mohammed Al-Farsi", "Ivan Petrov"]
)
def test_words_of_those_scripts_that_are_not_the_name_stay(name: str) -> None:
    r = Redactor(redaction_terms(name, None))
    texts = [
        "это сортировка слиянием: массив делим пополам, индекс середины, не он и не она",
        "πρώτα ταξινομούμε τον πίνακα και μετά δυαδική αναζήτηση",
        "نستخدم جدول التجزئة للبحث عن العنصر في المصفوفة",
        "हम हैश मैप का उपयोग करेंगे और सूची को क्रमबद्ध करेंगे",
        "நான் ஹாஷ் மேப் பயன்படுத்துவேன், பிறகு பட்டியலை வரிசைப்படுத்துவேன்",
        "আমি হ্যাশ ম্যাপ ব্যবহার করব এবং তালিকাটি সাজাব",
        "నేను హాష్ మ్యాప్ ఉపయోగిస్తాను",
    ]
    for text in texts:
        assert r.speech(text).text == text


@pytest.mark.parametrize(
    ("name", "written"),
    [
        # Chinese names in Cyrillic by the Palladius system, Japanese ones by Polivanov's.
        ("Wei Zhang", "Чжан Вэй"),
        ("Zhang Xiaoming", "Чжан Сяомин"),
        ("Liu Qiang", "Лю Цян"),
        ("Chen Jing", "Чэнь Цзин"),
        ("Shinji Tsuchiya", "Синдзи Цутия"),
        ("Yuki Tanaka", "Юки Танака"),
        ("Kenta Fujimoto", "Кэнта Фудзимото"),
    ],
)
def test_an_east_asian_name_in_cyrillic_by_its_russian_convention_is_redacted(
    name: str, written: str
) -> None:
    r = Redactor(redaction_terms(name, None))
    said = f"Меня зовут {written}, here"
    assert r.speech(said).text == "Меня зовут [candidate] [candidate], here"
    assert r.code(f"# {written}\nx = 1\n", "python").text == "# [candidate] [candidate]\nx = 1\n"


@pytest.mark.parametrize(
    ("name", "written", "expected"),
    [
        ("Kim Minjun", "김민준", "[candidate]"),
        ("Minjun Kim", "저는 김민준입니다", "저는 [candidate]입니다"),
        ("Park Jiwoo", "박지우", "[candidate]"),
        ("Yuki Tanaka", "タナカ・ユキ", "[candidate]・[candidate]"),
        ("Yuki Tanaka", "たなか ゆき", "[candidate] [candidate]"),
        ("Shinji Tsuchiya", "ツチヤシンジです", "[candidate]です"),
        ("Shota Hattori", "はっとり しょうた", "[candidate] [candidate]"),
    ],
)
def test_a_latin_name_in_hangul_or_kana_is_redacted(name: str, written: str, expected: str) -> None:
    r = Redactor(redaction_terms(name, None))
    assert r.speech(f"hi, {written}").text == f"hi, {expected}"
    assert r.code(f"# {written}\nx = 1\n", "python").text == f"# {expected}\nx = 1\n"


@pytest.mark.parametrize("name", ["Kim Minjun", "Lee Jiwoo", "Yuki Tanaka", "Shinji Tsuchiya"])
def test_hangul_and_kana_that_are_not_the_name_stay(name: str) -> None:
    r = Redactor(redaction_terms(name, None))
    for text in [
        "해시 맵을 사용해서 정렬하겠습니다",
        "이 코드는 배열을 정렬합니다",
        "ハッシュマップを使ってソートします",
        "まず配列をソートします",
    ]:
        assert r.speech(text).text == text


@pytest.mark.parametrize(
    ("on_file", "written"),
    [
        ("Дмитрий Петров", "Dmitry Petrov"),
        ("Дмитрий Петров", "dmitrii petrov"),
        ("Дмитрий Петров", "Dmitriy"),
        ("Νίκος Παπαδόπουλος", "Nikos Papadopoulos"),
        ("محمد الفارسي", "Mohammed Al-Farsi"),
        ("محمد الفارسي", "Muhammad Alfarsi"),
        ("प्रिया रमन", "Priya Raman"),
        ("김민준", "Kim Minjun"),
        ("김민준", "Minjun"),
        ("たなか ゆき", "Yuki Tanaka"),
        ("タナカ・ユキ", "Yuki Tanaka"),
    ],
)
def test_a_name_on_file_in_another_script_written_in_latin_letters_is_redacted(
    on_file: str, written: str
) -> None:
    r = Redactor(redaction_terms(on_file, None))
    said = f"hello, {written} here"
    out = r.speech(said).text
    assert out.startswith("hello, [candidate]") and out.endswith(" here"), out
    assert not any(w in out for w in written.replace("-", " ").split()), out
    comment = r.code(f"# {written}\nx = 1\n", "python").text
    assert comment.startswith("# [candidate]") and comment.endswith("\nx = 1\n"), comment


@pytest.mark.parametrize(
    "on_file", ["Дмитрий Петров", "محمد الفارسي", "प्रिया रमन", "김민준", "たなか ゆき", "Чжан Вэй"]
)
def test_latin_words_that_only_resemble_a_name_on_file_in_another_script_stay(on_file: str) -> None:
    r = Redactor(redaction_terms(on_file, None))
    texts = [
        "I'd use a hash map, then sort the array and run a binary search on the middle index.",
        "def merge(intervals): return sorted(intervals, key=lambda x: x[0])  # O(n log n)",
        "Okay, so the time is linear and the memory is constant, thank you.",
    ]
    for text in texts:
        assert r.speech(text).text == text
        assert r.code(text, "python").text == text


def test_a_name_is_redacted_with_or_without_its_accents_and_in_full_width_letters() -> None:
    """Speech-to-text and ASCII comments often drop accents ("José Núñez" heard as "Jose Nunez"); a full-width
    name is the same name. The text the model sees keeps everything else as written."""
    r = Redactor(redaction_terms("José Núñez", "jose.nunez@example.com"))
    said = "Hola, soy Jose Nunez; bueno, NUNEZ. Ａｄｅｍáｓ, Ｊｏｓé aquí. Piñata stays."
    out = r.speech(said)
    assert (
        out.text == "Hola, soy [candidate]; bueno, [candidate]. Ａｄｅｍáｓ, [candidate] aquí. Piñata stays."
    )
    at = out.text.index("[candidate]")
    start, end = out.original_span(at, at + len("[candidate]"))
    assert said[start:end] == "Jose Nunez"
    assert (
        r.code("# Author: Jose Nunez\nnunez = jose = 1\n").text
        == "# Author: [candidate]\n[candidate] = jose = 1\n"
    )


def test_a_hyphenated_name_is_redacted_as_said_and_as_written() -> None:
    """Speech-to-text writes "Jean-Luc" as "Jean Luc"; code writes it joined."""
    r = Redactor(redaction_terms("Jean-Luc Picard", "jl@example.com"))
    said = "Hi, I'm Jean Luc Picard. Jean Luc is fine, or just Luc."
    assert r.speech(said).text == "Hi, I'm [candidate]. [candidate] is fine, or just [candidate]."
    assert r.code("# JeanLucPicard, jean_luc\n").text == "# [candidate], [candidate]\n"


@pytest.mark.parametrize(
    "text",
    [
        "मेरा जवाब ९८७ है",  # Devanagari digits
        "रम॰",  # the abbreviation sign
        "ऩ ऱ ऴ ॊ ॆ ऎ ऒ ॐ ॲ",  # letters and signs no table reads
    ],
)
def test_any_devanagari_character_is_read_without_failing(text: str) -> None:
    """A Devanagari character the tables do not read (a digit, a sign) was read by reading it again, for ever: a
    RecursionError, and the session's grading failed as a bug, for a candidate whose speech-to-text wrote a number
    in Devanagari digits, or who typed one to keep their interview from being graded."""
    r = Redactor(redaction_terms("Priya Raman", None))
    assert r.speech(text).text == text
    assert r.output(text).text == text
    assert r.code(f"# {text}\n", "python").text == f"# {text}\n"
