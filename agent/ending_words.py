"""The words that end an interview (leaving, stopping, giving up) and those that only pause it, English and Spanish.

Going on with the work after a "stop" or a "give up" is read here too; agent.addressing reads turns with these rules.

Each rule is anchored to how the request is phrased, so that words of leaving inside a thought about the code ("I
need to go through the array", "drop the call to foo()", "I give up on this approach") do not end anything.
"""

from __future__ import annotations

import re

from agent.refusals import CLAUSE_END
from agent.transcript_forms import HESITATION_WORDS

FILLERS_EN = r"(?:(?:ok(?:ay)?|so|alright|all right|right|now|and|please|well|um+|uh+|hm+|yeah|yea|yes|yep|yup|hey|oh|sorry|actually|i think|maybe|thanks|thank you|cool|great|perfect)[ ,.!]+)*"
FILLERS_ES = r"(?:(?:vale|bueno|ok(?:ay)?|entonces|y|ahora|pues|por favor|eh+|em+|mm+|si|oye|perdon|creo que|gracias|genial|perfecto)[ ,.!]+)*"


def any_of(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def at_start(fillers: str, body: str) -> str:
    return rf"^{fillers}(?:{body})"


# After a verb of stopping, what makes it about something else than the interview: an object ("this loop", "the
# helper", "my approach"; not "the interview", "the call"), a gerund ("stop using the dict", "finish writing"), a
# pause ("stop for a second") or a condition ("we can stop when the pointers cross"). "Let's finish this loop
# first" is coding talk, and a request to end it would let the model end the interview on a yes to "shall we stop
# here?".
_INTERVIEW_EN = (
    r"(?:interview|call|session|screen|conversation|chat|meeting|whole thing|here|now|please|right)\b"
)
_ELSE_EN = (
    rf"(?! (?:(?:this|the|that|my|our|a|an|these|those|with (?:this|the|that|my)) (?!{_INTERVIEW_EN})[a-z]"
    r"|(?!(?:some|any|no|every)thing\b)[a-z]+ing\b|for a (?:second|sec|moment|minute|bit)\b|(?:it|them) (?:when|once|if|after|before)\b"
    r"|(?:when|once|if|unless|until|whenever|as soon as)\b|at (?!(?:this|that) (?:point|time)\b)[a-z]))"
)
_INTERVIEW_ES = r"(?:entrevista|llamada|sesion|conversacion|aqui|ya|ahora)\b"
_ELSE_ES = rf"(?! (?:(?:este|esta|esto|el|la|los|las|mi|un|una|de|del|al|con) (?!{_INTERVIEW_ES})[a-z]|[a-z]+(?:ando|iendo)\b))"

# Words said between the parts of a request that change nothing of it: hedges and discourse fillers ("can we, like,
# stop here", "I really need to go", "I think I kind of have to drop", "I'm afraid I have to run").
_HEDGE_EN = (
    r"(?:(?:just|really|actually|like|maybe|kind of|sort of|probably|basically|honestly|unfortunately|definitely"
    r"|literally|seriously|totally|sadly|now|so|also|still|then|please|i think|i guess|i'm afraid|i'm sorry|sorry"
    r"|um+|uh+) ){0,3}"
)
# Who asks and how: "I need to", "I'd like to", "I'll have to", "I'm going to have to", "we should", "can we",
# "let's", and, at the start of a turn or a sentence or after "anyway", no one ("gotta run", read "got to run";
# "That's the loop. Anyway gotta run"). Those that must leave (``_MUST``)
# are also those who may "run"; "let's go", "let's run", "can we go" start something.
_MUST_EN = (
    r"(?:\b(?:i|we) {h}(?:need to|have to|has to|got to|must|better|had better|ought to"
    r"|(?:will|might|may|could) (?:have|need) to|(?:am|are) going to (?:have|need) to)"
    r"|\b(?:i|we)'?(?:ll (?:have|need) to|d better|(?:m|re) going to (?:have|need) to)"
    r"|(?:^|[.!?;] |\banyways?,? ){f}{h}(?:have to|need to|got to|must|better|going to have to))"
)
_WANT_EN = (
    r"(?:\b(?:i|we) {h}(?:want to|should|would (?:like|love|prefer) to|would rather|(?:am|are) going to)"
    r"|\b(?:i|we)'?(?:d (?:like|love|prefer) to|d rather|m going to|re going to))"
)
_MUST_EN = _MUST_EN.format(h=_HEDGE_EN, f=FILLERS_EN)
_WANT_EN = _WANT_EN.format(h=_HEDGE_EN)
_ASKER_EN = rf"(?:{_MUST_EN}|{_WANT_EN}|\bwe {_HEDGE_EN}(?:can|could)|\b(?:can|could|may|should|shall) (?:we|i)|\blet'?s)"
# Verbs that end the interview unless an object or a pause follows (above).
_STOP_VERB_EN = (
    r"(?:stop|end|finish|quit|wrap (?:it |this |things )?up|hang up|call it(?: a day| a night| quits)?"
    r"|cut (?:it|this) short)\b"
)
# Verbs of leaving that say so only when nothing else follows them ("I need to go through the array", "I have to
# run the tests", "we need to drop duplicates" are coding talk): the end of the turn or a pause, the time ("now",
# "soon"), an apology or a goodbye, or the call itself ("drop off the call").
_LEAVE_VERB_EN = (
    r"(?:go|leave|drop(?: off)?|head (?:out|off)|take off|get going|get off|hop off|jump off|log off|sign off"
    r"|bounce|bail|dash|split|disconnect)\b"
)
# What may follow a verb of leaving for it to say so (``_NOW_EN``), a closed list: up to three words of time or
# manner ("now", "right now", "soon", "early today", "real quick", "in a minute", "at 3"), then the end of the turn,
# an apology, thanks or a goodbye ("sorry about that", "bye"), the call itself ("drop off the call"), or a reason, a
# closed list too ("for a meeting", "to an appointment", "something came up", "my kid is calling", "can we continue
# tomorrow?"), each with or without a pause before it. Anything else after the verb or its words of time makes it
# about the work, whatever pause comes between: "I need to go now through the second loop", "I have to go now and
# check the left child", "gotta run... one more time", "I need to run, uh, the tests" (its spoken words, "run the
# tests", are read too). A pause alone ends nothing: STTs put one where the speaker stops to think.
_TIME_EN = (
    r"(?:right now|right away|now|soon|today|tonight|early|real quick|quickly|asap|immediately|urgently|please"
    r"|so|too|anyway|actually|guys|folks|everyone|for (?:today|the day|tonight|now)|i think|i guess|i'm afraid"
    r"|in (?:a|one|two|five|ten|\d+) (?:minutes?|mins?|moments?|secs?|seconds?|bit|few|sec)"
    r"|at (?:\d+(?::\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|noon)"
    r"(?: ?(?:am|pm|o'?clock))?)"
)
# Reasons for leaving (``_NOW_EN``), each whole: an engagement ends a phrase or is followed by its time ("for a
# meeting", "to a meeting in five minutes"; not "go to the meeting point", "go to the class definition"), and one of
# the candidate's people or things does something ("my kid is calling", "my battery is dying"; not "drop my
# connection pool").
_ENGAGEMENT_EN = (
    r"(?:meeting|appointment|flight|train|bus|doctor|dentist|emergency|exam|lunch|dinner|interview|standup"
    r"|stand-up|(?<=another )call|(?<=next )call|(?<=work )call)"
    r"(?=\s*[,.!;:?…]|\s*$| (?:now|soon|today|tonight|in|at|sorry|bye|thanks|starting|that|which|i|and|so|but|can|could)\b)"
)
# Words only the work says (a value, a structure, a step of the code): a clause about one of the candidate's people
# or things that names one is about the code ("my left child is null", "my package is missing an import", "my
# computer's compiling"), never a reason, whatever its noun ("child", "package", "computer" are the code's too).
_WORK_EN = (
    r"(?:null|none|nil|nan|undefined|true|false|empty|sorted|unsorted|visited|negative|index|indices|indexes|array"
    r"|arrays|list|lists|node|nodes|tree|trees|subtree|leaf|stack|queue|heap|pointer|pointers|loop|loops|function"
    r"|functions|method|methods|variable|variables|import|imports|module|return|returns|returned|returning|value"
    r"|values|key|keys|string|strings|integer|int|bug|bugs|code|compile|compiles|compiling|compiler|exception"
    r"|overflow|overflows|overflowed|overflowing|recursion|recursive|base case|parse|parsed|parser|parsing|hash"
    r"|hashmap|dict|dictionary|object|instance|bits?|bytes?|length|counter|input|output|params?|parameters?"
    r"|arguments?|edges?|graph|vertex|vertices|matrix|grid|rows?|columns?|memo|cache|off by one|iteration|boolean"
    r"|char|float|elements?|offset|duplicates|substring|subarray|prefix|suffix|intervals?|quer(?:y|ies)|assert"
    r"|(?:left|right) (?:child|children|node|subtree|pointer|side|half))"
)
# Read at the start of such a clause: none of the clause (up to its pause) is a word of the work.
_OF_LIFE_EN = rf"(?![^,.!;:?…]*\b{_WORK_EN}\b)"
_REASON_EN = (
    r"(?:(?:for|to|i have|i've got|i got|i have got|there's|we have|got) (?:a|an|my|another|the|this|an urgent"
    rf"|a quick|my next|a work|a family|a personal) {_ENGAGEMENT_EN}"
    rf"|something (?:just )?(?:came|has come|'s come|come) up|{_OF_LIFE_EN}my (?:kid|kids|son|daughter|baby|child"
    r"|children|wife"
    r"|husband|partner|boss|manager|ride|taxi|uber|cab|flight|train|bus|mom|dad|mother|father|family|dog|internet"
    r"|connection|battery|laptop|meeting|next meeting)(?:'s| is| are| just| has| needs| died| arrived| came"
    r"| called| starts| started)\b|(?:some|any)(?:one|body)(?:'s| is) at the door"
    r"|the door(?:bell)?(?=\s*[,.!;:?…]|\s*$)|(?:it's|it is) (?:getting )?late\b|i'm (?:running )?late\b"
    r"|(?:(?:can|could|shall) we |we can |let's |maybe )?(?:continue|resume|reschedule|pick (?:this|it) up"
    r"|finish (?:this|it|up))(?: this| it)?(?: (?:later|tomorrow|another time|some other time|next time"
    r"|another day)|(?<=reschedule)(?=\s*[,.!;:?…]|\s*$))\b)"
)
_BYE_EN = (
    r"(?:(?:sorry|unfortunately|bye|goodbye|thanks|thank you|see you|talk (?:to you )?(?:later|soon)|take care"
    r"|catch you later|have a (?:good|nice|great)|cheers|i'm (?:sorry|afraid)"
    r"|(?:it was|it's been) (?:nice|great|good|a pleasure))\b"
    r")"
)
_PUNCT = r"[,.!;:?…]"
_PUNCTS = r"[,.!;:?…]*+"  # a run of them, never given back (so a long run is read once)
# Going on with the work, said right after "stop" or "I give up on ...": "okay stop, let me think", "stop, stop, wait,
# I see it", "I give up on this approach, let me try a hash map". A closed list; the stop or the giving up is then
# the candidate's own thinking, never a request to end (leaving said after it, "stop, I need to go", is read by the
# rules of leaving all the same). Up to three hesitations or fillers may come between ("stop, um, let me think"). A
# "stop" that holds the interviewer back from something ("stop, don't run it yet") is going on too.
_THINK_EN = (
    r"(?:let me|lemme|let'?s (?:think|see|try|go back|start over|rethink|do)|give me a (?:sec|second|minute|moment|bit)"
    r"|one (?:sec|second|moment|minute)|hold on|hang on|wait|no wait|i need to (?:think|focus|concentrate|rethink"
    r"|figure)|i'm (?:thinking|confused|trying|going to (?:try|think|rethink|start over))|i (?:think|see|get it"
    r"|got it|know|have an idea)|that's (?:not|wrong)|this is (?:not|wrong)|i have to (?:think|rethink|figure)"
    r"|(?:i'll|i will|i want to|i'd like to|maybe|instead|i should) (?:think|try|rethink|start over|go back"
    r"|redo|fix|change|rewrite|use|do it)|(?:try|use) (?:a|an|another|something|the other|it)"
    r"|(?:don'?t|do not) (?:run|do|touch|change|tell|give|show|say|answer|explain|interrupt|help))\b"
)
_BETWEEN_EN = rf"(?:{_PUNCTS} (?:{HESITATION_WORDS}|ok(?:ay)?|so|well|actually|hmm+)(?=[,.!;:?…\s])){{0,3}}"
_THEN_THINK_EN = rf"{_BETWEEN_EN}{_PUNCTS} {_THINK_EN}"
# "Stop" (said again, or "wait", maybe) followed by going on with the work.
_NOT_PAUSING_EN = rf"(?!(?:[ ,.!;:?…]+(?:stop|wait)\b){{0,3}}{_THEN_THINK_EN})"
_PAUSING_EN = at_start(
    FILLERS_EN, rf"(?:stop|wait|hold on|hang on)\b(?:[ ,.!;:?…]+(?:stop|wait)\b){{0,3}}(?={_THEN_THINK_EN})"
)
# Giving up on a way of doing it is going on with the work: "I give up on this approach", "I'm giving up on recursion",
# "I give up on optimizing it", "I give up on that, let me try sorting first". Giving up on the problem, the
# question, the interview or it ("I give up on this one") is giving up.
_WAY_EN = (
    r"(?:approach(?:es)?|ideas?|solutions?|methods?|ways?|strateg(?:y|ies)|plans?|attempts?|versions?|directions?"
    r"|paths?|routes?|lines? of (?:thought|thinking|attack)|tricks?|optimi[sz]ations?|brute force|designs?"
    rf"|algorithms?|implementations?|formulas?|heuristics?|techniques?|{_WORK_EN})"
)
# Giving up asked about or supposed is not giving up: "should I give up?", "what happens if I give up?" (a question,
# agent.addressing's "question" rules); else it was a request to end, and a yes to "shall we stop here?".
_GIVING_UP_EN = (
    r"(?<!\bif )(?<!\bshould )(?<!\bshall )(?<!\bwhen )(?<!\bdo )(?<!\bcan )(?<!\bmay )(?<!\bunless )"
    r"\bi(?: give|'?m giving| am giving) up\b"
)
# Giving up on a whole task said as a gerund is giving up: "I give up on trying", "I'm giving up on solving it", "I
# give up on coding this"; a way of doing it is not ("I give up on optimizing it").
_GIVE_UP_EN = (
    _GIVING_UP_EN
    + rf"(?! on (?:(?:this|that|the|my|our|a|an|these|those) )?(?:(?:[a-z-]+ ){{0,2}}{_WAY_EN}\b"
    r"|(?!(?:every|some|any|no)?thing\b|(?:try|solv|do|gett|cod|finish|figur|understand|work|writ|complet|answer"
    r"|think|continu|pass)ing\b)[a-z]+ing\b))"
    rf"(?!(?: on (?:this|that|it|(?:this|that|the) [a-z]+))?{_THEN_THINK_EN})"
)
# A reason in words of the candidate's own, beyond the list above: a short clause that ends the turn (or is followed
# by a goodbye) about the candidate's life, never the work. One of their people, pets, rides or devices does
# something, any verb said with a form of be, have or will, a past tense or "-ing" ("my kid's crying", "my little
# brother just got home", "my neighbour is at the door", "my laptop died", up to five words more); they have
# something to be at ("I have a thing", "I've got a family thing at four", "there's an emergency", with words of time
# only after it); or an engagement named alone after a pause ("I need to jump, another call"). What a clause says of
# the work ("my code is broken", "I have a bug", "my test is failing") is no reason: its words are not the life's.
_LIFE_EN = (
    r"(?:kids?|son|daughter|baby|child|children|wife|husband|partner|girlfriend|boyfriend|fiancee?|boss|manager"
    r"|team|colleague|coworker|ride|taxi|uber|lyft|cab|flight|train|bus|mom|mum|dad|mother|father|parents|family"
    r"|brother|sister|grandma|grandpa|grandmother|grandfather|aunt|uncle|cousin|friends?|roommate|flatmate"
    r"|housemate|neighbou?r|landlord|nanny|babysitter|sitter|dog|cat|puppy|pet|internet|wifi|battery|laptop"
    r"|computer|phone|power|electricity|meeting|appointment|shift|delivery|package|car|house|doorbell|alarm)"
)
_THING_EN = (
    r"(?:thing|things|something|stuff|errands?|plans|emergency|appointment|meeting|call|class|lecture|shift"
    r"|commitment|conflict|event|date|delivery|guests|visitors|someone|somebody|pickup|school run)"
)
_TURN_END_EN = rf"(?=\s*+{_PUNCTS}\s*$|{_PUNCTS} {_BYE_EN})"
_CLAUSE_EN = (
    rf"(?:{_OF_LIFE_EN}my (?:[a-z]+ )?{_LIFE_EN}(?:(?:'re| is| are| was| were| has| have| had| just| will| won't| can't"
    r"| needs?| wants?| calls| starts| says| gets| came| woke| went| got| left| fell| broke| ran| [a-z]+ed)"
    r"|(?:'s|s) (?:[a-z]{2,}ing|[a-z]+ed|here|there|home|back|out|outside|at|on|in|up|sick|ill|hurt|late|gone"
    r"|asleep|awake|not|just|got|been|going|coming|about))\b"
    r"(?: [a-z0-9']+){0,5}"
    r"|(?:(?:i|we)(?: have|'ve got| have got| got|'ve)|there'?s|there is)"
    rf"(?: (?:a|an|another|some|one more|my|this|that))?(?: [a-z]+)?(?: [a-z]+)? {_THING_EN}\b"
    r"(?: to (?:do|attend|take care of|deal with|get to|catch|pick up))?"
    rf"(?:{_PUNCTS} {_TIME_EN}\b){{0,3}}"
    rf"|(?<=[,.!;:?…] )(?:a|an|another|my next|one more) {_ENGAGEMENT_EN}(?:{_PUNCTS} {_TIME_EN}\b){{0,3}})"
    rf"{_TURN_END_EN}"
)
_PHRASE_END_EN = rf"(?:\s*+{_PUNCTS}\s*$|{_PUNCTS} (?:{_BYE_EN}|{_REASON_EN}|{_CLAUSE_EN}))"
# The call itself as what is left, right after the verb ("drop the call", "hop off the call", "leave the meeting"):
# part of the verb's phrase, so what follows it is read as what follows the verb. "Drop the call to foo()", "drop
# the call, uh, to sort", "drop off the call stack" and "drop the second call" are about the code.
_CALL_EN = (
    r"(?: (?:(?:off|out of|from) (?:the |this |my )?(?:call|interview|meeting|session|zoom|line|chat)"
    r"|(?:the|this|my) (?:call|interview|meeting|zoom))\b)?"
)
_TIMES_EN = rf"(?:{_PUNCTS} {_TIME_EN}\b){{0,3}}"
_NOW_EN = rf"(?={_CALL_EN}{_TIMES_EN}{_PHRASE_END_EN})"
# Verbs of leaving that may as well be about the work when nothing follows ("at zero we need to jump"): leaving only
# with a goodbye or a reason after them ("I need to jump, another call", "gotta hop, my kid's crying").
_WHY_EN = rf"(?={_CALL_EN}{_TIMES_EN}{_PUNCTS} (?:{_BYE_EN}|{_REASON_EN}|{_CLAUSE_EN}))"
# "Run" as a whole phrase after one who does not have to ("I want to run", "let's run."): a run of the code or
# leaving, left to the classifier (never refused outright).
_STOPPING_EN = (
    rf"(?:{_ASKER_EN} {_HEDGE_EN}(?:{_STOP_VERB_EN}|{_LEAVE_VERB_EN})|{_MUST_EN} {_HEDGE_EN}run\b"
    rf"|{_ASKER_EN} {_HEDGE_EN}run\b{_NOW_EN})"
)
_STOPPING_ES = (
    r"\b(?:quiero|quisiera|podemos|vamos a|necesito|tengo que|tengo q|debo|prefiero|deberiamos)"
    r" (?:parar|terminar|acabar|dejarlo|salir|irme|marcharme|retirarme|desconectarme|colgar|finalizar)\b"
)
_STOPPING_ES_SHORT = r"\b(?:terminemos|paremos|dejemoslo|acabemos)\b"
_LEAVING_ES = (
    r"\b(?:me (?:tengo|tendre) que (?:ir|marchar|retirar|desconectar)|me debo ir|(?:ya )?me (?:voy|retiro))\b"
)
_NOW_ES = r"(?=\s*(?:[,.!;:?…]|$)| (?:ya|ahora|lo siento|perdon|disculpa|adios|gracias|hasta luego)\b)"
STOPPING = any_of(
    _STOPPING_EN,
    at_start(FILLERS_EN, r"(?:stop|let'?s stop)\b"),
    _STOPPING_ES,
    _STOPPING_ES_SHORT,
    _LEAVING_ES,
)
# A word of leaving or stopping anywhere: words that hold one and that the rules do not read as a request are left
# to the classifier, never refused outright ("i must dash off to a meeting", "me largo").
LEAVING_WORD = re.compile(
    r"\b(?:go|going|gone|leave|leaving|drop|dropping|off|bye|goodbye|later|quit|quitting|stop|stopping|wrap|hang"
    r"|bail|bounce|head|heading|dash|exit|disconnect|jump|hop|irme|ir|voy|salir|colgar|terminar|parar|acabar|adios|dejarlo"
    r"|retiro|marcho|largo)\b"
)

# The rules of ending, by language and kind (agent.addressing reads them first, in this order).
ENDING: dict[str, dict[str, re.Pattern[str]]] = {
    "en": {
        "leave": any_of(
            r"\b(?:good ?bye|bye(?: bye)?|see (?:you|ya) (?:later|soon)|talk (?:to you )?(?:later|soon))\b",
            at_start(FILLERS_EN, r"see (?:you|ya)(?: then| around)?[.!]*$"),
            rf"{_ASKER_EN} {_HEDGE_EN}{_STOP_VERB_EN}{_ELSE_EN}{_NOT_PAUSING_EN}",
            rf"(?:{_MUST_EN}|{_WANT_EN}) {_HEDGE_EN}{_LEAVE_VERB_EN}{_NOW_EN}",
            rf"{_MUST_EN} {_HEDGE_EN}run\b{_NOW_EN}",
            rf"(?:{_MUST_EN}|{_WANT_EN}) {_HEDGE_EN}(?:jump|hop)\b{_WHY_EN}",
            rf"\b(?:can|could|may) i {_HEDGE_EN}(?:leave|drop off|hop off|log off|sign off|head out|take off|get off)\b"
            + _NOW_EN,
            r"\b(?:end|stop|finish) (?:the|this) (?:interview|call|session)\b",
            at_start(FILLERS_EN, r"(?:stop|let'?s stop)\b" + _ELSE_EN + _NOT_PAUSING_EN),
            at_start(
                FILLERS_EN,
                rf"(?:i'm|we're) {_HEDGE_EN}(?:leaving|out|off|heading (?:out|off)|taking off|logging off|signing off"
                rf"|dropping(?: off)?|out of here|done for (?:today|the day|tonight))\b{_NOW_EN}",
            ),
        ),
        "give_up": any_of(
            _GIVE_UP_EN,
            r"\bi can'?t do (?:it|this)(?: anymore)?[.!]?$",
            at_start(FILLERS_EN, rf"i {_HEDGE_EN}quit\b{_NOW_EN}"),
        ),
    },
    "es": {
        "leave": any_of(
            r"\b(?:adios|chao|chau|hasta luego|hasta pronto|nos vemos)\b",
            _STOPPING_ES + _ELSE_ES,
            _STOPPING_ES_SHORT + _ELSE_ES,
            _LEAVING_ES + _NOW_ES,
            r"\b(?:termina|terminar|acaba|acabar|finaliza|finalizar) (?:la|esta) (?:entrevista|llamada)\b",
            r"\bme tengo que ir\b",
        ),
        "give_up": any_of(r"\bme rindo\b", r"\bno puedo (?:mas|hacerlo)\b"),
    },
}

END_EN = any_of(_GIVE_UP_EN)
# Read only once neither of the rules above took the turn as ending (agent.addressing ``asks_to_end``).
GOING_ON = any_of(_PAUSING_EN, _GIVING_UP_EN)
END_ES = any_of(r"\bme rindo\b")
# The words that go on with the work, whole: the stop or the giving up (on what), then the thinking said after it.
# What the turn says after them is read again as a turn of its own (``rests``), so that the rules read from a
# turn's start still hear it: "stop, I think I'm done", "I give up on recursion, I'm done" say they are finished.
_GOING_ON_SPAN = any_of(
    rf"\b(?:stop|wait|hold on|hang on)\b(?:[ ,.!;:?…]+(?:stop|wait)\b){{0,3}}{_THEN_THINK_EN}",
    rf"{_GIVING_UP_EN}(?: on [^,.!;:?…]*+)?(?:{_THEN_THINK_EN})?",
)


def rests(reading: str) -> tuple[str, ...]:
    """What a reading says after its first words of going on with the work (``_GOING_ON_SPAN``): from the end of
    the thinking said, and from the end of its clause; nothing when it has none. One span only: a turn's cost
    stays a small multiple of reading it once."""
    found = _GOING_ON_SPAN.search(reading)
    if found is None:
        return ()
    after = reading[found.end() :]
    clause = CLAUSE_END.search(after)
    tails = (after, after[clause.end() :] if clause else "")
    return tuple(r for r in (tail.lstrip(" ,.!;:?…") for tail in tails) if r)


def goes_on(readings: tuple[str, ...], languages: tuple[str, ...]) -> bool:
    """Whether a reading stops or gives up on something only to go on with the work (``GOING_ON``)."""
    return "en" in languages and any(GOING_ON.search(reading) for reading in readings)
