"""Words that fill a name's slot in the weaker introductions of grader/introductions.py and are not names: what
"hi i'm ..." says of a state ("hi i'm late", "hey this is weird"), a type or a class that code talk names where a
name would be ("this is Counter from collections", "Request here, hello handler", "# Name: Solution"), and the
words of a problem's or a field's name after a bare "Name:" label ("# Name: Merge Intervals", "Name: Description").

Read only by the rules that have no word of their own that says a name follows: lower case after a greeting or
before "speaking", a name before "here" and a greeting, "this is <X> from <Y>" without a greeting, and a bare
"Name:" label. The rules
with such a word ("I'm Priya", "my name is") read `NOT_NAMES` alone. There is no English dictionary here: a name
that is also a listed word is kept by these rules (a candidate introducing themselves as "hi i'm grace" in lower
case), the price of not taking "hi i'm done".
"""

from __future__ import annotations

import itertools

# States, feelings and what a person says they are doing or are, after "I'm" or "this is" (lower case, as
# speech-to-text writes them), and the adverbs and fillers said there; and what one is called for one's character
# ("call me sloppy", "everyone calls me picky": grader/spoken_names.py).
STATES = frozenset(
    """
    late early ok okay alright ready set here there back home in on off out up down over through online offline live
    muted unmuted connected disconnected frozen audible visible able unable sure unsure certain uncertain positive
    negative correct wrong right fine good great well better best bad worse worst cool nice neat fun funny weird odd
    strange hard easy tough tricky simple complex complicated interesting boring tired sleepy hungry thirsty sick ill
    cold hot warm busy free open closed happy sad glad angry upset mad calm nervous anxious excited thrilled
    stressed worried scared afraid confused lost stuck blocked done finished complete completed through new old
    young fresh rusty sorry embarrassed grateful thankful honoured honored pleased delighted here's there's
    alone together curious interested keen eager willing happy hopeful confident optimistic pessimistic
    ambitious motivated passionate humble proud serious honest frank literally basically actually really truly
    totally pretty quite so very too just only also even still yet already almost nearly mostly mainly usually
    often sometimes always never probably maybe perhaps possibly definitely certainly clearly obviously likely
    unlikely lonely silly ugly friendly lovely early daily weekly yes yeah yep nope no not um uh hmm er ah oh
    wow huh mhm uhm eh well like sort kind bit lot little much more less enough same different similar fair
    unfair lucky unlucky wrong right left sorry thanks thank please welcome hi hello hey bye goodbye cheers
    everyone everybody someone somebody anyone anybody nobody noone myself yourself himself herself ourselves
    team teams mate mates buddy pal pals friend friends crew squad gang colleague colleagues reviewer reviewers
    guys folks all both each either neither none one two three four five six seven eight nine ten first second
    third last next previous final main own other another such what which who whom whose where when why how
    going coming leaving starting stopping sharing typing writing reading running testing debugging thinking
    trying looking seeing hearing listening talking speaking saying joining calling waiting working coding doing
    gonna wanna gotta kinda sorta lemme dunno wait hold hang listen look see hear check let give take make
    dumb smart clever stupid human broken taken stolen lifted straight verbatim partly mostly wholly awesome
    amazing awful terrible horrible fantastic perfect fair real fake huge tiny big small large fast slow quick
    quiet loud empty full long short wide narrow deep shallow high low heavy light safe unsafe secure insecure
    clean dirty messy tidy ugly pretty sweet bitter sour spicy blank stuck ghost glitchy laggy buggy flaky
    sane insane crazy wild brave shy calm relaxed chill bored beat exhausted drained overwhelmed swamped rushed
    prepared unprepared ok-ish fine-ish alive dead awake asleep present absent away gone sick healthy familiar
    unfamiliar rusty experienced green junior senior mid entry student grad graduate intern engineer developer
    programmer coder candidate interviewee applicant beginner expert newbie noob pro fan learner
    odd even prime zero negative positive linear quadratic cubic constant exponential logarithmic factorial
    recursive iterative greedy optimal suboptimal naive brute force amortized sorted unsorted ascending
    descending symmetric asymmetric balanced unbalanced cyclic acyclic directed undirected weighted unweighted
    mutable immutable async sync synchronous asynchronous inclusive exclusive stable unstable lazy eager
    deterministic random valid invalid legal illegal possible impossible doable feasible infeasible necessary
    enough plenty overkill trivial nontrivial obvious intuitive tricky subtle elegant ugly hacky janky
    important standard custom internal external plain extra whole local hidden concurrent current unknown exact
    idle available unavailable present absent patient impatient independent different efficient consistent
    relevant useful useless careful careless mixed neutral normal typical usual common rare special general
    specific global private personal professional technical physical mental virtual manual automatic original
    initial natural digital social international national equal total actual critical essential optional
    primary secondary temporary permanent ordinary necessary responsible capable flexible open-minded
    hooked sold convinced impressed surprised shocked amazed stumped baffled puzzled lagging freezing
    unemployed employed hired retired far apart separate distinct isolated detached named renamed claimed
    framed blamed streamed fixed moved added saved based tried typed timed noted
    sloppy picky fussy nitpicky pedantic stubborn cautious skeptical sceptical cynical biased paranoid obsessive
    old-fashioned old-school oldschool traditional conservative cheap stingy bossy nosy moody grumpy cranky geeky
    nerdy cheesy corny fancy particular impulsive reckless sentimental dramatic petty
    """.split()  # noqa: SIM905  # a word list reads better as text
)

# Types, classes and values code talk names with a capital where a name would be ("this is Counter from
# collections", "Optional from typing", "Request here, hello handler"), and code's words said in lower case
# ("hi this is undefined").
CODE_WORDS = frozenset(
    """
    array list vector tuple dict dictionary set map hashmap hashset treemap deque queue stack heap heapq tree trie
    graph node edge vertex pointer reference counter defaultdict ordereddict namedtuple optional union any callable
    iterable iterator generator sequence mapping type object class struct enum interface trait record dataclass
    string str int integer float double long short byte bool boolean char character number decimal bigint null
    none nil undefined nan true false void self this super main init new delete return yield lambda function
    method module package library framework import export default static const final public private protected
    request response session client server handler controller service manager factory builder adapter wrapper
    provider consumer producer worker thread process pool lock mutex semaphore future promise task job event
    listener callback hook component element props state context store reducer action router route view model
    template form field column row table schema query index key value entry item element result error exception
    warning logger log config settings options option args kwargs params param input output stream buffer file
    path directory folder reader writer parser lexer token tokens scanner compiler interpreter runtime engine
    solution problem question answer example test tests case cases fixture mock stub spec suite assert check
    cache memo dp bfs dfs sort search merge split join slice range window frame link links button label text
    some ok err box vec rc arc cell refcell ref mut impl fn let var def func proc api sdk cli gui url uri http
    date time datetime timestamp duration timer clock counter random math stats matrix grid board cell point
    interval intervals rectangle circle square line segment shape color colour image audio video player game
    user users account accounts customer order product price cart payment invoice address email phone message
    foo bar baz qux quux spam eggs ham example sample demo dummy placeholder todo fixme xxx hack tbd
    spark kafka redis postgres postgresql mysql sqlite mongo mongodb docker kubernetes pandas numpy scipy torch
    pytorch tensorflow keras express next nuxt svelte rails laravel hadoop airflow celery nginx apache lapack
    blas openssl unicode ascii utf json yaml xml html css csv toml
    """.split()  # noqa: SIM905  # a word list reads better as text
)

# The words of a problem's name, a column's or a section's after a bare "Name:" label ("Name: Merge Intervals",
# "Name: Two Sum", "Name: Description"), weekdays and months.
TITLE_WORDS = frozenset(
    """
    merge valid parentheses palindrome palindromic substring subsequence subarray subset subsets permutation
    permutations combination combinations sum sums pair pairs triplet target longest shortest largest smallest
    maximum minimum max min kth top frequent elements element number numbers islands island median running
    rotate rotated reverse reversed sorted unsorted search binary linear insert remove delete add find count
    contains duplicate duplicates unique distinct anagram anagrams group groups word words ladder break coin
    change climbing stairs house robber jump trapping rain water container most area product except meeting
    rooms course schedule clone graph design implement lru lfu cache serialize deserialize encode decode
    flatten traverse traversal level order inorder preorder postorder depth height diameter balanced symmetric
    invert same subtree ancestor lowest common prefix suffix edit distance regular expression matching wildcard
    decode ways unique paths spiral zigzag string strings integer roman convert converter calculator
    stock buy sell profit best time gas station candy jump game trap median two three four
    description summary details detail title version author owner type kind category status notes note comment
    comments id identifier display full first last given family middle nick user username login handle alias
    monday tuesday wednesday thursday friday saturday sunday january february march april june july august
    september october november december today tomorrow yesterday
    build deploy release lint checkout setup install publish docs format run compile upload download cleanup
    bump migrate migration bootstrap verify validate smoke nightly pipeline workflow job jobs step steps stage
    utils util utility utilities helper helpers imports import constants constant globals main entry point driver
    usage example examples demo sample samples statement statements expression clause block section part match case
    loop body init cleanup teardown fixture fixtures approach idea solution answer complexity analysis space explanation
    """.split()  # noqa: SIM905  # a word list reads better as text
)

NOT_A_NAME_HERE = STATES | CODE_WORDS | TITLE_WORDS


def listed(word: str) -> bool:
    """A word (any case) these lists hold, as written or as a plural of one ("Intervals", "Tests")."""
    low = word.lower()
    return (
        low in NOT_A_NAME_HERE
        or (low.endswith("s") and low[:-1] in NOT_A_NAME_HERE)
        or (low.endswith("es") and low[:-2] in NOT_A_NAME_HERE)
    )


def participle(word: str) -> bool:
    """A word that reads as what is done, or how, rather than who does it: "Checked", "Closing", "thinking",
    "Directly" (a name in -ing has five letters or fewer, "Ming", "Jing"; one in -amed, -hmed or -mmed is Arabic,
    "Mohamed", "Ahmed", "Mohammed": the participles of that shape said here are listed, "named", "renamed")."""
    low = word.lower()
    if low.endswith("ing"):
        return len(low) > 5
    if low.endswith("ly") and len(low) > 6:
        return True  # an adverb ("Directly", "Exactly"); a name in -ly has six letters or fewer, "Emily", "Shelly"
    return low.endswith("ed") and len(low) > 5 and not low.endswith(("amed", "hmed", "mmed"))


# Endings of adjectives that no name in these slots has ("hey i'm hopeless", "this is Serializable from ...").
ADJECTIVE_ENDINGS = ("ous", "ful", "able", "ible", "less", "ive", "ical", "oid")


def weak_name(words: list[str], *, label: bool = False) -> bool:
    """Whether `words`, in a weaker introduction's name slot, may be a name: none of them listed, a participle or
    an adjective by its ending, or written with a capital inside (`TreeNode`, `HashMap`: a type); after a bare
    label not one word in capitals ("Name: LAPACK")."""
    for word in words:
        low = word.lower()
        if listed(word) or participle(word) or (len(low) > 5 and low.endswith(ADJECTIVE_ENDINGS)):
            return False
        if any(a.islower() and b.isupper() for a, b in itertools.pairwise(word)):
            return False
    if label and len(words) == 1 and words[0].isupper():
        return False  # "Name: LAPACK": a project's or a program's name, not a person's
    return bool(words)
