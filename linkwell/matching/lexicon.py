"""What a link worker hears in a referral, written down: everyday phrases → need codes and conditions.

A referral says "he's been on his own since his wife died and barely leaves the house", not "needs
befriending". These hand-written patterns turn such words into need codes (loneliness, bereavement) on the
query side, and find the same needs in a listing's own words on the service side. Patterns are regular
expressions matched on lower-case text with word boundaries; keep them short and obvious, and add a test
sentence to tests/test_lexicon.py for each new one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_REL = (
    r"(?:wife|husband|partner|son|daughter|mother|father|mum|dad|mam|brother|sister|friend|child|baby|"
    r"grandson|granddaughter)"
)
_POSS = r"(?:his|her|their|my|our|your)"


def _whole_words(pattern: str) -> re.Pattern[str]:
    """A pattern matched only as whole words (not inside a longer word or number)."""
    return re.compile(r"(?<![a-z0-9])(?:" + pattern + r")(?![a-z0-9])")


def _phrases(pairs: tuple[tuple[str, str], ...]) -> list[tuple[re.Pattern[str], str]]:
    return [(_whole_words(pattern), words) for pattern, words in pairs]


@dataclass(frozen=True, slots=True)
class Need:
    code: str
    label: str
    # Patterns read on both sides, on the referral only, and on the listing only.
    both: tuple[str, ...]
    query_only: tuple[str, ...] = ()
    service_only: tuple[str, ...] = ()
    # Words a listing for this need tends to use: added to the query for BM25 and the embedding.
    expansion: str = ""


NEEDS: tuple[Need, ...] = (
    Need(
        "loneliness",
        "loneliness",
        (
            r"lonel\w*",
            r"isolat\w*",
            r"befriend\w*",
            r"friendship\w*",
            r"companionship",
            r"coffee mornings?",
            r"lunch club",
            r"social contact",
            r"meet (?:new )?people",
            r"make (?:new )?friends",
        ),
        query_only=(
            rf"on {_POSS} own",
            r"by (?:himself|herself|themselves|myself)",
            r"lives? alone",
            r"living alone",
            r"no one to talk to",
            r"nobody to talk to",
            r"barely (?:leaves|goes out)",
            r"rarely (?:leaves|goes out)",
            r"(?:doesn't|does not|don't|never) (?:go|get) out",
            r"housebound",
            r"no friends",
            r"doesn't see anyone",
            r"sees no one",
            r"stuck (?:at|in) (?:the )?ho\w+",
            r"hardly (?:leaves|goes out|gets out|sees anyone)",
            r"(?:doesn'?t|does not|don'?t) know (?:anyone|anybody|a soul)",
            r"knows? (?:nobody|no one)",
            r"nobody (?:visits|calls|comes)",
            r"cut off",
            r"keeps? (?:himself|herself|themselves) to (?:himself|herself|themselves)",
            r"(?:sits?|sat|sitting) in (?:the|his|her|their) chair",
            r"(?:telly|tv|television) on all day",
        ),
        service_only=(r"company", r"chat", r"social group", r"get together"),
        expansion="befriending company friendship social group coffee morning meet people lonely isolated",
    ),
    Need(
        "low_mood",
        "low mood",
        (
            r"low mood",
            r"depress\w*",
            r"anxi\w*",
            r"stress\w*",
            r"mental health",
            r"mental wellbeing",
            r"panic",
            r"self[- ]esteem",
            r"confidence",
            r"talking therap\w*",
            r"counsell\w*",
        ),
        query_only=(
            r"feel(?:s|ing)? (?:low|down|flat|hopeless|sad|fed up)",
            r"fed up",
            r"struggling to cope",
            r"not coping",
            r"tearful",
            r"worr(?:y|ied|ies) a lot",
        ),
        expansion="mental wellbeing low mood anxiety talking therapy peer support confidence",
    ),
    Need(
        "debt",
        "money worries",
        (
            r"debts?",
            r"arrears",
            r"budget\w*",
            r"bailiffs?",
            r"money advice",
            r"money worries",
            r"financial",
            r"fuel poverty",
            r"energy bills?",
        ),
        query_only=(
            r"struggling with money",
            r"money problems",
            r"can'?t pay",
            r"cannot pay",
            r"bills?",
            r"owes?",
            r"skint",
            r"in the red",
            r"loan sharks?",
            r"cost of living",
            r"borrow(?:s|ing|ed)? (?:money )?(?:to|from|off)",
            r"payday loans?",
            r"overdra(?:wn|ft)",
            r"behind (?:on|with) (?:the |his |her |their )?"
            r"(?:rent|council tax|gas|electric\w*|bills|mortgage|payments)",
            r"(?:key|prepayment|pre-payment) meter",
            r"(?:lost|gambled away|spent) (?:all )?(?:his|her|their) savings",
        ),
        expansion="debt advice money budgeting bills arrears financial",
    ),
    Need(
        "benefits",
        "benefits",
        (
            r"benefits?",
            r"universal credit",
            r"\bpip\b",
            r"attendance allowance",
            r"pension credit",
            r"welfare rights",
            r"\besa\b",
            r"\bdwp\b",
            r"carer'?s allowance",
        ),
        query_only=(r"sanction\w*", r"entitled to", r"claim\w*"),
        expansion="benefits advice welfare rights universal credit claims forms",
    ),
    Need(
        "housing",
        "housing",
        (r"housing", r"homeless\w*", r"evict\w*", r"landlord", r"tenanc\w*", r"damp", r"mould"),
        query_only=(
            r"rent arrears",
            r"sofa[- ]surf\w*",
            r"nowhere to live",
            r"losing (?:his|her|their) home",
            r"(?:cover|pay|behind (?:on|with)) (?:the )?rent",
            r"(?:given|served) (?:him |her |them )?notice",
            r"(?:has|have|needs?) to (?:move out|leave (?:the|his|her|their) (?:flat|house|home|accommodation))",
            r"somewhere to live",
        ),
        expansion="housing advice tenancy homelessness landlord",
    ),
    Need(
        "employment",
        "work and jobs",
        (r"employment", r"unemploy\w*", r"jobs?", r"\bcvs?\b", r"job ?search\w*", r"careers?", r"interviews?"),
        query_only=(
            r"out of work",
            r"looking for work",
            r"back (?:in)?to work",
            r"lost (?:his|her|their) job",
            r"find work",
            r"keen to (?:work|get a job|find a job)",
            r"(?:wants?|would like|hoping) to (?:work|get a job|find a job|get back to work)",
        ),
        service_only=(r"into work", r"work skills"),
        expansion="employment jobs work skills cv interview careers",
    ),
    Need(
        "physical_inactivity",
        "getting active",
        (
            r"exercis\w*",
            r"physical activit\w*",
            r"walk(?:s|ing)?",
            r"gym",
            r"swim\w*",
            r"keep fit",
            r"fitness",
            r"chair[- ]based",
            r"yoga",
            r"tai chi",
            r"sports?",
            r"cycl\w*",
            r"active",
        ),
        query_only=(
            r"inactiv\w*",
            r"sits? (?:at home|indoors|in (?:the|his|her|their) chair)",
            r"sedentary",
            r"doesn'?t move much",
            r"unfit",
        ),
        expansion="exercise walking physical activity fitness active keep fit",
    ),
    Need(
        "weight",
        "weight",
        (r"weight", r"obes\w*", r"overweight", r"\bbmi\b", r"healthy eating", r"slimming", r"diet\w*"),
        expansion="weight management healthy eating diet",
    ),
    Need(
        "long_term_condition",
        "living with a long-term condition",
        (
            r"long[- ]term (?:health )?conditions?",
            r"copd",
            r"diabet\w*",
            r"arthriti\w*",
            r"chronic pain",
            r"heart (?:failure|condition|disease|attacks?)",
            r"strokes?",
            r"parkinson'?s?",
            r"dementia",
            r"multiple sclerosis",
            r"cancer",
            r"asthma",
            r"fibromyalgia",
            r"long covid",
            r"pulmonary rehab\w*",
            r"breathless\w*",
        ),
        expansion="long-term condition self-management peer support",
    ),
    Need(
        "bereavement",
        "bereavement",
        (r"bereave\w*", r"grief", r"griev\w*", r"widow\w*", r"loss of a loved one"),
        query_only=(
            rf"{_REL} (?:has |had )?(?:died|passed away|passed on|passed)",
            rf"lost {_POSS} {_REL}",
            rf"death of {_POSS} {_REL}",
            rf"since {_POSS} {_REL} (?:died|passed)",
            r"took (?:his|her|their) own li(?:fe|ves)",
            r"lost (?:\w+ )?to suicide",
        ),
        expansion="bereavement grief loss widowed",
    ),
    Need(
        "caring",
        "caring for someone",
        (r"unpaid carers?", r"caring (?:role|responsibilit\w*)", r"respite", r"young carers?"),
        query_only=(
            r"cares? for",
            r"caring for",
            rf"looks? after {_POSS} (?:\w+ )?{_REL}",
            rf"looking after (?:of )?{_POSS} (?:\w+ )?{_REL}",
            r"(?:is|as|a) (?:the )?(?:main |full[- ]time |sole )?carer (?:for|of|to)",
            r"(?:does|do|doing) (?:most|all|much|a lot) of the (?:looking after|caring)",
            rf"{_POSS} {_REL}'?s (?:drinking|gambling|drug use|drug taking|addiction)",
            rf"{_REL} (?:is|has been|keeps) (?:drinking|gambling|using|on drugs)",
            rf"{_REL} who (?:drinks|gambles|uses drugs|is an alcoholic|is on drugs)",
            rf"(?:alcoholic|addict) {_REL}",
            r"keeps? the house going|keeping the house going|runs the house for",
        ),
        service_only=(r"carers?\b",),
        expansion="carers support caring respite",
    ),
    Need(
        "substance_use",
        "alcohol or drugs",
        (r"alcohol\w*", r"drugs?", r"substance", r"addiction\w*", r"gambl\w*", r"drinking"),
        query_only=(
            r"drinks? too much",
            r"drinking too much",
            r"problem drink\w*",
            r"booze",
            r"bett(?:ing|s)",
            r"bookies",
            r"slot machines?",
            r"casinos?",
        ),
        expansion="alcohol drugs gambling recovery addiction",
    ),
    Need(
        "food",
        "food",
        (r"food ?banks?", r"food parcels?", r"food poverty", r"pantry", r"hunger", r"free meals?", r"community meals?"),
        query_only=(r"hungry", r"can'?t afford food", r"not eating", r"empty cupboards?"),
        expansion="food bank meals pantry",
    ),
    Need(
        "learning",
        "learning",
        (
            r"learn\w*",
            r"courses?",
            r"classes",
            r"esol",
            r"literacy",
            r"numeracy",
            r"education",
            r"college",
            r"english lessons?",
        ),
        query_only=(
            r"(?:improve|learn|practise|practice|better) (?:his|her|their|my|your)? ?english",
            r"(?:little|not much|poor|limited|basic) english",
            r"english (?:isn'?t|is not|not) (?:great|good|very good|fluent)",
            r"english is (?:basic|poor|limited|weak|not great)",
            r"(?:struggles?|struggling|trouble|difficulty|problems?) with "
            r"(?:reading|writing|spelling|forms|maths|numbers)",
            r"can'?t (?:read|write)(?: or (?:read|write))?(?: very)? well",
            r"(?:speaks?|has) (?:little|no|hardly any|very little) english",
        ),
        expansion="learning courses classes skills",
    ),
    Need(
        "arts",
        "arts and creativity",
        (
            r"arts?",
            r"crafts?\w*",
            r"paint\w*",
            r"drawing",
            r"sing(?:s|ing)?",
            r"choirs?",
            r"music\w*",
            r"creativ\w*",
            r"knit\w*",
            r"pottery",
            r"poetry",
            r"creative writing",
            r"theatre",
            r"drama",
            r"photograph\w*",
        ),
        expansion="arts crafts creative music singing",
    ),
    Need(
        "volunteering",
        "volunteering",
        (r"volunteering",),
        query_only=(r"volunteer\w*", r"give something back", r"feel useful", r"be useful"),
        service_only=(r"volunteering opportunit\w*", r"become a volunteer", r"volunteer with us"),
        expansion="volunteering opportunities volunteer",
    ),
    Need(
        "nature",
        "nature and gardening",
        (r"garden\w*", r"allotments?", r"nature", r"outdoors?", r"green spaces?", r"conservation", r"wildlife"),
        expansion="gardening nature outdoors allotment green",
    ),
    Need(
        "digital",
        "digital skills",
        (r"digital", r"computers?", r"internet", r"smartphones?", r"tablets?", r"\bipads?\b", r"online skills"),
        expansion="digital skills computers internet smartphone",
    ),
)

# What a person likes or used to do, in everyday words, and the activities a link worker would think of. Read on
# the referral only; the words are added to the search (BM25) and embedded as a sentence of their own.
INTERESTS: tuple[tuple[str, str], ...] = (
    (
        r"good with (?:his|her|their|my) hands|handy|diy|woodwork\w*|joiner\w*|carpent\w*|tinker\w*|"
        r"fix(?:es|ing)? things|mend(?:s|ing)? things|engineer\w*|mechanic\w*",
        "woodwork making and fixing things repair workshop tools",
    ),
    (
        r"falls?|fell|falling|fallen|keeps? going over|unsteady on (?:his|her|their|my) feet|wobbly",
        "strength and balance exercise falls prevention tai chi chair-based exercise",
    ),
    (r"fishing|angling|angler|with a rod", "fishing angling by the water"),
    (r"kick-?abouts?|football|footie|five-a-side", "football"),
    (r"sing(?:s|ing)?|sang|choirs?|music|musical|bands?|guitar|piano|instruments?", "music singing choir"),
    (
        r"(?<!struggles with )(?<!struggle with )(?<!trouble with )(?<!difficulty with )(?<!problems with )"
        r"(?<!can't do )(?:books?|reading|reader|read(?:s)? a lot|librar\w*|poetry|poems?)",
        "reading books library",
    ),
    (r"local history|history|heritage|family tree", "local history heritage"),
    (r"garden\w*|allotments?|growing (?:veg\w*|things)|plants", "gardening growing outdoors"),
    (r"outdoors|outside|fresh air|countryside|nature|wildlife|birds?", "outdoors nature conservation walks"),
    (r"cook(?:s|ing)?|bak(?:e|es|ing)", "cooking baking"),
    (r"swim(?:s|ming)?|swam|pool", "swimming water exercise"),
    (r"danc(?:e|es|ing)", "dance"),
    (
        r"paint(?:s|ing)?|draw(?:s|ing)?|art|arty|creative|crafts?|knit\w*|sew\w*",
        "art painting drawing crafts creative",
    ),
    (r"board games|chess|cards|dominoes|bingo|quiz\w*|puzzles?", "games cards dominoes chess quiz"),
    (r"running|jogging|cycling|bike|gym|fitness|sport\w*", "sport running cycling exercise"),
    (r"gaming|computer games|video games", "games young people"),
    (
        r"give (?:something )?back|help others|helping others|be useful|feel useful|volunteer\w*",
        "volunteering giving back",
    ),
)
_INTEREST_PATTERNS = _phrases(INTERESTS)


def interests_in(text: str) -> list[str]:
    """The activity words for the interests a referral mentions, in the order of INTERESTS."""
    low = normalise(text)
    return [words for pattern, words in _INTEREST_PATTERNS if pattern.search(low)]


# What a link worker would think of on hearing of a situation: the kinds of service, in listing words. Read on the
# referral only, like INTERESTS: added to the search and embedded as sentences of their own.
SITUATIONS: tuple[tuple[str, str], ...] = (
    (
        r"(?:recently|newly|just|only just) diagnosed|new diagnosis|diagnosis (?:last|this) (?:week|month|year)",
        "information and advice after a new diagnosis, support group",
    ),
    (
        r"refugees?|asylum|fled|resettle\w*|(?:arrived|came over|came here) from|new to (?:the )?(?:country|uk)",
        "refugee and asylum seeker support, English conversation, welcome, help to claim benefits and find housing",
    ),
    (
        r"panic\w*|anxiety attacks?|(?:bad|his|her|their) nerves|on edge|(?:learn|how) to cope|"
        r"calm (?:down|him|her|them)",
        "managing anxiety, relaxation, mindfulness, calm breathing",
    ),
    (
        r"gentle|low[- ]impact|not too (?:strenuous|energetic)|(?:bad|dodgy|stiff|sore|painful) (?:knees?|hips?|back|"
        r"joints)|arthriti\w*|frail\w*",
        "gentle low-impact exercise, seated yoga, chair-based exercise, tai chi, exercise in water",
    ),
    (
        r"hears? voices|hearing voices|mental health team|cmht|psychiatri\w*|psychosis|bipolar|schizophren\w*|"
        r"sectioned",
        "mental health recovery, recovery college courses, peer support",
    ),
    (
        r"caribbean|windrush|jamaica\w*|west indi\w*|barbad\w*|trinidad\w*",
        "Caribbean community, elders, Windrush heritage",
    ),
    (
        r"autis\w*|adhd|asperger'?s?|special (?:educational )?needs|\behcp\b|disabled (?:son|daughter|child)",
        "parent carers of disabled children, family support, inclusive activities",
    ),
    (
        r"under (?:his|her|their) feet|time on (?:his|her|their) hands|nothing to do|bored\w*|"
        r"(?:lost|no) (?:sense of )?purpose|at a loose end|(?:days|weeks) (?:all )?blur",
        "something to do: a club, a practical project, volunteering",
    ),
    (
        r"moved (?:here|to the area|to town|up here|down here)|new (?:to|in) (?:the )?(?:area|town)|just moved|"
        r"relocated",
        "meet people locally, social clubs, groups",
    ),
    (
        r"wheelchair|mobility scooter|walking (?:frame|stick)|can'?t walk far",
        "accessible seated activities, step-free",
    ),
    (
        r"sanction\w*|benefits? (?:stopped|cut|delayed)|waiting for (?:his|her|their) first payment",
        "help to claim benefits and universal credit, food bank",
    ),
    (
        r"entitled to|what help (?:is|there|he|she|they)|what support (?:is|there)",
        "advice on what help is available: assessments, social care, benefits check",
    ),
    (r"evenings?|after work|nights are", "evening sessions"),
    (r"before work|early (?:in the )?mornings?", "early morning sessions"),
    (r"heart attack|cardiac|bypass|stents?", "cardiac rehabilitation, gentle exercise, walking"),
)
# Read only when the referral is about a carer: a worn-out carer needs a break, anyone else something else.
CARER_SITUATIONS: tuple[tuple[str, str], ...] = (
    (
        r"worn out|exhausted|shattered|running on empty|at the end of (?:his|her|their) tether|"
        r"never gets? a (?:break|minute)|can'?t leave (?:him|her|them)",
        "a break from caring: carer's assessment, respite, support for carers",
    ),
)
_SITUATION_PATTERNS = _phrases(SITUATIONS)
_CARER_SITUATION_PATTERNS = _phrases(CARER_SITUATIONS)


def situations_in(text: str, *, carer: bool = False) -> list[str]:
    """The service words a link worker would think of for the situations a referral describes."""
    low = normalise(text)
    patterns = _SITUATION_PATTERNS + (_CARER_SITUATION_PATTERNS if carer else [])
    return [words for pattern, words in patterns if pattern.search(low)]


_HOUSEBOUND = re.compile(
    r"(?<![a-z0-9])(?:housebound|house-bound|bed-?bound|confined to (?:the |her |his |their )?(?:house|home|bed)|"
    r"can(?:'t|not) (?:get|go) out of (?:the|her|his|their) (?:house|home|flat)|unable to (?:leave|get out of) "
    r"(?:the|her|his|their) (?:house|home|flat)|(?:can't|cannot|doesn't|does not) leave (?:the|her|his|their) "
    r"(?:house|home|flat))(?![a-z0-9])"
)


def housebound_in(text: str) -> bool:
    """Whether a referral says the person cannot leave home (then only home, phone and online services reach them)."""
    return bool(_HOUSEBOUND.search(normalise(text)))


_ADULT = re.compile(
    r"(?<![a-z0-9])(?:(?:his|her|my|their) (?:late )?(?:wife|husband)|widow(?:ed|er|s)?|retired|retirement|"
    r"(?:state )?pension(?:er|ers)?|grand(?:children|child|son|daughter|kids))(?![a-z0-9])"
)


def adult_in(text: str) -> bool:
    """Whether a referral plainly describes an adult (a husband or wife, widowed, retired, a grandparent)."""
    return bool(_ADULT.search(normalise(text)))


_OWN_SEX_GROUP = re.compile(
    r"(?<![a-z0-9])(?:(?:other|with|among|just|only|some) (?:other )?(?:blokes|men|lads|fellas|guys|chaps|women|ladies|"
    r"girls|mums|dads)|(?:women|men|ladies|female|male)[- ]only|all[- ](?:women|men|female|male)|"
    r"single[- ]sex|(?:men|women)'?s (?:group|groups|space|spaces|company))(?![a-z0-9])"
)


def own_sex_group_in(text: str) -> bool:
    """Whether the referral says the person wants a group of their own sex ("with other blokes", "just women")."""
    return bool(_OWN_SEX_GROUP.search(normalise(text)))


_NUMBER = r"(?:\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen)"
_YOUNG_CHILD = re.compile(
    rf"(?<![a-z0-9])(?:{_NUMBER}[- ](?:month|week)s?[- ]old|(?:new|newborn|first|her|his|their|a|the) "
    r"(?:baby|babies|toddlers?)|newborn|pregnan\w*|expecting (?:a baby|her first|their first|twins)|postnatal|"
    r"maternity leave|(?:one|two|three|four|1|2|3|4)[- ]year[- ]old|"
    r"(?:kids|children|son|daughter|boy|girl|little one)s? \(?(?:aged )?[1-4](?![0-9]))(?![a-z0-9])"
)


def young_child_in(text: str) -> bool:
    """Whether a referral says the person has (or expects) a baby or a young child."""
    return bool(_YOUNG_CHILD.search(normalise(text)))


# Where someone is from, or the language named, as the language a link worker would expect them to speak.
_SPOKEN: tuple[tuple[str, str], ...] = (
    (r"polish|poland|pole", "polish"),
    (r"urdu|pakistani|pakistan", "urdu"),
    (r"punjabi", "punjabi"),
    (r"bengali|bangla|bangladeshi|bangladesh", "bengali"),
    (r"arabic|syrian?|sudan(?:ese)?|iraqi?|yemen(?:i)?|libyan?|egyptian", "arabic"),
    (r"somali(?:a)?", "somali"),
    (r"cantonese|hong kong", "cantonese"),
    (r"mandarin", "mandarin"),
    (r"romanian?|romania", "romanian"),
    (r"lithuanian?|lithuania", "lithuanian"),
    (r"portuguese|portugal|brazilian", "portuguese"),
    (r"gujarati", "gujarati"),
    (r"tamil", "tamil"),
    (r"turkish|turkey", "turkish"),
    (r"kurdish", "kurdish"),
    (r"farsi|iranian|iran", "farsi"),
    (r"pashto|afghan(?:istan)?", "pashto"),
    (r"tigrinya|eritrean?", "tigrinya"),
    (r"ukrainian?|ukraine", "ukrainian"),
    (r"russian?", "russian"),
    (r"hindi", "hindi"),
    (r"welsh|wales", "welsh"),
)
_SPOKEN_PATTERNS = _phrases(_SPOKEN)


def languages_in(text: str) -> frozenset[str]:
    """Languages other than English a referral suggests the person speaks ("Polish lady", "from Syria")."""
    low = normalise(text)
    return frozenset(code for pattern, code in _SPOKEN_PATTERNS if pattern.search(low))


_SUICIDE_LOSS = re.compile(
    r"(?<![a-z0-9])(?:took (?:his|her|their) own life|died by suicide|(?:killed|hanged) (?:himself|herself|themselves)|"
    r"lost (?:his|her|their|my) \w+ to suicide|suicide of (?:his|her|their|my))(?![a-z0-9])"
)


def suicide_loss_in(text: str) -> bool:
    """Whether the referral says someone close to the person took their own life."""
    return bool(_SUICIDE_LOSS.search(normalise(text)))


NEED_LABELS: dict[str, str] = {n.code: n.label for n in NEEDS}
NEED_EXPANSIONS: dict[str, str] = {n.code: n.expansion for n in NEEDS}

# Conditions a listing may be restricted to, and that a referral may mention.
CONDITIONS: dict[str, tuple[str, str]] = {
    # code: (label, pattern)
    "dementia": (
        "dementia",
        r"dementia|alzheimer'?s?|memory loss|memory problems|memory (?:is )?(?:going|getting worse|failing)",
    ),
    "parkinsons": ("Parkinson's", r"parkinson'?s?"),
    "copd": ("COPD", r"copd|chronic obstructive|emphysema|lung conditions?|breathing problems|breathless\w*"),
    "stroke": ("stroke", r"strokes?"),
    "cancer": ("cancer", r"cancer"),
    "diabetes": ("diabetes", r"diabet\w*"),
    "heart": ("a heart condition", r"heart (?:failure|condition|disease|attacks?)|cardiac"),
    "ms": ("MS", r"multiple sclerosis|\bms\b"),
    "arthritis": ("arthritis", r"arthriti\w*"),
    "chronic_pain": ("chronic pain", r"chronic pain|fibromyalgia"),
    "mental_health": (
        "a mental health condition",
        r"severe mental illness|mental health (?:condition|problem|diagnos\w*)s?|psychosis|bipolar|schizophren\w*",
    ),
    "autism": ("autism", r"autis\w*|asperger'?s?"),
    "learning_disability": ("a learning disability", r"learning disabilit\w*|learning difficult\w*"),
    "sight_loss": (
        "sight loss",
        r"sight loss|visual(?:ly)? impair\w*|blind\w*|partially sighted|losing (?:his|her|their|my) sight|eyesight|"
        r"macular\w*(?: degeneration)?|glaucoma|cataracts?",
    ),
    "hearing_loss": ("hearing loss", r"hearing loss|deaf\w*|hard of hearing"),
    "long_covid": ("long COVID", r"long covid"),
    # Not an illness, but a stop smoking service is for smokers as a COPD group is for people with COPD.
    "smoking": ("a smoking habit", r"smok(?:es|er|ers|ing)|cigarettes?|vap(?:es|ing)|tobacco|nicotine"),
}


def _compile(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return _whole_words("|".join(patterns))


_QUERY_PATTERNS = [(n.code, _compile(n.both + n.query_only)) for n in NEEDS]
_SERVICE_PATTERNS = [(n.code, _compile(n.both + n.service_only)) for n in NEEDS]
_CONDITION_PATTERNS = {code: _compile((pattern,)) for code, (_, pattern) in CONDITIONS.items()}


def normalise(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").split())


def needs_in_referral(text: str) -> frozenset[str]:
    """Need codes a link worker would read in a referral's or assessment's own words."""
    low = normalise(text)
    return frozenset(code for code, pattern in _QUERY_PATTERNS if pattern is not None and pattern.search(low))


def needs_in_listing(text: str) -> frozenset[str]:
    """Need codes a listing's own words are about."""
    low = normalise(text)
    return frozenset(code for code, pattern in _SERVICE_PATTERNS if pattern is not None and pattern.search(low))


_CARED_FOR = re.compile(
    rf"(?<![a-z0-9])(?:{_REL}|grandm\w+|grandad\w*|grandf\w+|nan|nana|looks? after|looking after|cares? for|"
    r"caring for)(?![a-z0-9])"
)


def cared_for_conditions_in(text: str) -> frozenset[str]:
    """Conditions a referral names only in sentences about someone else ("looks after his mum, heart failure"):
    for a carer, those are the cared-for person's, not their own."""
    theirs: set[str] = set()
    own: set[str] = set()
    for sentence in re.split(r"(?<=[.!?;])\s+|\n+", normalise(text)):
        found = conditions_in(sentence)
        (theirs if _CARED_FOR.search(sentence) else own).update(found)
    return frozenset(theirs - own)


def conditions_in(text: str) -> frozenset[str]:
    """Condition codes mentioned in a text."""
    low = normalise(text)
    return frozenset(
        code for code, pattern in _CONDITION_PATTERNS.items() if pattern is not None and pattern.search(low)
    )


def need_label(code: str) -> str:
    return NEED_LABELS.get(code, code.replace("_", " "))


def condition_label(code: str) -> str:
    return CONDITIONS[code][0] if code in CONDITIONS else code.replace("_", " ")
