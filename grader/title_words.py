"""The word lists grader/name_titles.py reads a title by, folded (accents and invisible characters left out, lower
case): the words that stand before a name in a sentence's own grammar (`NOT_TITLES`), the abbreviated titles
(`ABBREVIATED`), the title nouns (`TITLE_WORDS`: read where a capital says nothing, opening a sentence, and those of
them with no everyday sense also in lower case, `LOWER_CASE_TITLES`), and the titles written after a name
(`POST_NOMINALS`: degrees, generations, "Esq")."""

from __future__ import annotations

from grader.matching_form import match_form


def folded(word: str) -> str:
    """`word` as the lists below hold it: in the matching form (accents and invisible characters left out, "ß" as
    "ss"), in lower case: "Adiós" is "adios", "Tschüß" "tschuss"."""
    return "".join(match_form(c) for c in word).lower()


def _folded_set(text: str) -> frozenset[str]:
    return frozenset(folded(word) for word in text.split())


# Words that stand right before a name in a sentence's own grammar (greetings, thanks, answers, function words, verbs
# of address, a verdict on an answer: "Correct Ada" says what the interviewer thought of it), folded (`folded`);
# English, Spanish, French, German and Italian words the interviewer or a program may write. Not "Bienvenida",
# "Querida" nor "Listo": a gendered word is neutral as a title. Months and days: "In March Grace wrote".
NOT_TITLES = _folded_set(
    """
    hi hello hey hiya howdy dear thanks thank cheers bye goodbye welcome congrats congratulations morning afternoon
    evening night yes no yeah yep nope okay ok sure right great good nice cool perfect excellent awesome fine well so
    and but or nor then now oh ah alright sorry please hmm um uh wow bravo go done i we you they it is am are was were
    the a an this that
    be been by for from to with of at in on about as than like meet call called named ask asked tell told
    correct incorrect wrong exactly precisely indeed true false absolutely definitely also actually wait look listen
    hola gracias buenos buenas adiós hasta y o con para por de es soy sí vale bueno bien claro pues entonces correcto
    incorrecto exacto perfecto genial bonjour merci salut bonsoir et ou avec pour oui non alors exactement parfait
    hallo danke tschüss und oder mit für ja nein genau gut richtig falsch ciao grazie buongiorno e
    just only still again even too yet anyway anyways besides otherwise instead meanwhile next last first here there
    plus once maybe perhaps never always sometimes not today tonight tomorrow yesterday soon later
    what why how when where who which whoa oops yay yup nah hm mhm huh aha ooh gotcha agreed understood noted bingo
    ta sweet neat brilliant fantastic superb wonderful terrific splendid solid spot
    come try keep take hold hang remember see relax continue proceed start begin stop thank
    me us him them he she everyone everybody someone anyone
    can could would should shall will may might must do does did have has had let lets any each every some all both
    another several most many few one two three if because until unless whether while since before after through
    monday tuesday wednesday thursday friday saturday sunday
    january february march april june july august september october november december
    solo sólo también tampoco todavía aún ya ahora oye mira vamos venga anda dale muy más menos luego después antes
    primero excelente estupendo ojo cierto verdad perdón disculpa qué cómo cuándo dónde
    aussi encore juste seulement toujours déjà maintenant ensuite puis enfin donc bon allez voilà voici super
    formidable génial pardon quoi
    auch nur noch nochmal schon jetzt dann also prima toll klasse spitze bitte na schön sehr ganz ach servus moin
    willkommen guten tag morgen abend nacht
    allora anche ancora già adesso ora poi bene ottimo perfetto esatto dai ecco salve arrivederci prego scusa
    """
)
# A word before a period is a title only as an abbreviation of one: a word that ends a sentence stands there too
# ("we use Python. [candidate], ..."), and an abbreviation is the one form of a title a short list can hold.
ABBREVIATED = _folded_set(
    """
    mr mrs ms mx dr sr sra srta jr fr st sta lt sgt cpl col gen maj capt cmdr adm brig rev hon prof mme mlle dña
    pres gov sen rep amb supt insp det pvt msgr dott avv ing
    """
)
# Title nouns: honorifics, nobility, faith, rank, office and profession as they stand before a name, in the
# interviewer's languages. Read before the name where its capital tells nothing (opening a sentence: "Master Park,
# your turn", but "Ready Grace?" is no title), and before any of them chained ("Her Royal Highness").
TITLE_WORDS = (
    _folded_set(
        """
    mister miss missus master madam madame mademoiselle monsieur sir dame lady lord doctor professor
    reverend pastor father mother brother sister rabbi imam sheikh sheik shaikh sheikha mullah ayatollah cantor
    bishop archbishop cardinal pope deacon chaplain vicar canon monsignor friar abbot abbess elder swami guru pandit
    pundit acharya ustad ustaz ustadh hajji haji hajja sayyid syed sharif begum sahib sahiba sri shri shrimati smt
    kumari
    king queen prince princess duke duchess earl count countess viscount viscountess baron baroness baronet marquess
    marquis marchioness emperor empress tsar czar tsarina sultan sultana emir amir maharaja maharani raja rani nawab
    highness majesty royal excellency honourable honorable lordship ladyship eminence holiness
    general colonel major captain lieutenant sergeant corporal private admiral commander commodore marshal brigadier
    officer constable inspector detective chief sheriff deputy
    president senator governor mayor minister chancellor ambassador judge justice councillor councilor alderman
    representative congressman congresswoman premier dean provost coach nurse
    senor senora senorita don dona herr frau fraulein signor signore signora signorina dottore dottoressa senhor
    senhora maitre
    """
    )
    | ABBREVIATED
)
# The possessives that open a chain of titles ("Her Majesty", "His Holiness", "Your Excellency"): a title's part only
# before another title, never alone before the name.
CHAIN_OPENERS = _folded_set("his her their your")
# Title nouns with no everyday or coding sense ("master" is a branch, "judge" our sandbox, "general" an adjective):
# read before the name in lower case too ("thanks doctor lovelace"), as the abbreviations are ("dr. smith").
LOWER_CASE_TITLES = _folded_set(
    """
    mister madam madame mademoiselle monsieur sir dame lady lord doctor professor reverend pastor rabbi imam sheikh
    sheikha mullah ayatollah swami sahib sahiba sri shri shrimati begum duchess countess viscount viscountess baron
    baroness marquess marchioness empress sultan maharaja maharani princess prince duke earl colonel lieutenant
    sergeant corporal admiral senator governor ambassador councillor councilor alderman congressman congresswoman
    senor senora senorita dona herr frau fraulein signor signore signora signorina dottore dottoressa senhor senhora
    """
)
# Titles written after a name (degrees, generations, "Esq"), without their dots, as written ("PhD", "MSc") or in
# capitals ("PHD"); in lower case only those of three letters or more and the generations ("phd", "esq", "jr").
# `GENERATIONS` and "Esq" belong to the name wherever the sentence goes on ("King Jr. said"); a degree only where
# its clause ends after it ("Grace Hopper, PhD." but not "Grace, MS Word is open").
GENERATIONS = frozenset({"Jr", "Sr", "II", "III", "IV", "VI", "VII", "VIII", "IX", "Esq"})
POST_NOMINALS = GENERATIONS | frozenset(
    """
    PhD DPhil MD DDS DMD DVM PharmD JD LLM LLB LLD MBA MPA MPH MA MS MSc MEng MPhil MFA MEd MArch MBBS BA BS BSc BEng
    BFA BBA BEd EdD PsyD DSc ScD DBA CPA CFA PE RN NP PMP OBE MBE CBE KBE DBE FRS FREng FRSA QC KC
    """.split()  # noqa: SIM905  # a word list reads better as text
)
