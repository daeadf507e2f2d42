"""The built-in safety rules for English and Chinese: what patient-facing text must never claim, and what the
safety screens must say. Every pattern reads text in kiosk.core.patient_text's normal form (NFKC, case
folded, one space for any run of white space), one clause at a time.

The corpora in tests/corpus/ measure these rules (unsafe caught, safe refused); bench/safety_corpus.py
prints the figures. Change a rule, run it.
"""

from __future__ import annotations

from dataclasses import dataclass

NEVER = r"(?!)"


@dataclass(frozen=True)
class Claim:
    """One kind of unsafe statement, and what makes a match of it safe."""

    pattern: str
    what: str
    unless_before: str = NEVER
    """Searched in the clause before the match ("if", "does not mean", "do not" before "stop")."""
    unless_after: str = NEVER
    """Searched from the match's start to the clause's end ("... without asking your doctor")."""
    unless_clause: str = NEVER
    """Searched in the whole clause (a Chinese question: 吗, 是否, 有没有)."""


@dataclass(frozen=True)
class Language:
    claims: tuple[Claim, ...]
    disclaimer: tuple[str, ...]
    """One of these must be in the disclaimer's `show`, and one in its `say`."""
    tell_staff: str
    """The front-desk screen must tell the patient to tell the front desk or staff..."""
    now: str
    """... now."""
    yes_words: str
    no_words: str
    """On a warning-signs question, `yes` must read as yes and `no` as no (button and phrases)."""


DIAGNOSIS = "a diagnosis"
STOP_MEDICINES = "telling patients to stop their medicines"
AVOID_CARE = "telling patients not to see a doctor or staff"
ALL_CLEAR = "telling patients they are well"

# English ------------------------------------------------------------------------------------------------

_COND = (
    r"(?:liver )?cancers?|cirrhosis|hepatitis(?: [abc])?|fatty liver(?: disease)?|"
    r"liver (?:disease|failure|damage|injury|problems?|scarring)|nafld|nash|tumou?rs?|"
    r"(?:an? )?(?:serious |bad |severe |chronic )?(?:diseases?|illness|infection)|an? (?:sick|damaged|failing|bad) liver|hiv|aids"
)
COND = rf"\b(?:{_COND})\b(?!(?: [abc])? (?:tests?|checks?|screening|vaccines?|shots?|germs?|virus(?:es)?)\b)"
_ADV = r"(?: (?:\w+ly|already|still|now|also|indeed|for sure|most likely))*"
_HAVE = (
    r"(?:'ve(?: got)?|'re (?:suffering from|positive for|infected with|sick with|living with)|"
    r" (?:have(?! to\b)(?: got)?|has|got|suffer from|are suffering from|are living with|caught|developed|"
    r"contracted|are positive for|tested positive for|test positive for|are infected with|are sick with|"
    r"are ill with|carry))\b"
)
_NO_HEDGE = r"(?:(?!\b(?:for|about|to|if|whether|when|because|than|no|not|any|without)\b)[^.!?;])"
_INVERSION = r"\b(?:do|does|did|have|has|are|were|can|could|will|would|may|might|should)\s+$"
_CONDITION = r"\b(?:if|whether|unless|in case|when|once|before|until)\s+(?:\w+\s+){0,3}?$"
_REPORT = (
    r"\b(?:said|say|says|told(?: \w+)?|think|thinks|thought|worry|worried|afraid|fear|ask|asks|asked|wonder|"
    r"check|checks|checked|test|tests|find out|learn|suspect)\s+(?:that\s+)?$"
)
_DENIAL = (
    r"(?:\bnot|n't|\bnever|\bno one|\bnobody)(?: \w+){0,2} (?:mean|means|show|shows|prove|proves|say|says|tell|"
    r"tells|sure|know|known)(?: that)?\s+$"
)
_HEDGED = rf"{_INVERSION}|{_CONDITION}|{_REPORT}|{_DENIAL}"
_NEGATED = r"(?:\bnot|n't|\bnever|\bcannot|\bno need to)(?: (?:ever|just|suddenly|simply|yet))?\s+$"
_CARE_GIVER = r"\b(?:doctors?|nurses?|pharmacists?|gp)\b.*$"
MEDS = (
    r"(?:medicines?|medications?|meds?|pills?|tablets?|prescriptions?|prescribed|drugs?|treatments?|doses?|insulin|"
    r"statins?|antivirals?|injections?|therapy)"
)
_STOP = (
    r"(?:stop(?:s|ped|ping)?|quit(?:s|ting)?|discontinu\w*|skip(?:s|ped|ping)?|ceas\w*|com(?:e|ing) off|"
    r"get(?:ting)? off|go off|throw(?:ing)? (?:\w+ )?(?:away|out)|giv(?:e|ing) up|cut(?:ting)? out|"
    r"drop(?:s|ped|ping)?|halt|abandon|ditch|flush|get rid of|no longer (?:take|use|need))"
)
_DONT = r"(?:do not|don't|never|no longer|no need to|don't need to|do not need to|there's no need to)"
_NOT_THESE = (
    r"\b(?:new|extra|more than|other|herbal|store|over-the-counter|someone else's|unknown|old|expired|leftover|"
    r"different|additional|without|unless|until|before|with (?:alcohol|beer|wine)|than|on an empty)\b"
)
_AVOID = (
    r"(?:no need|don't need|do not need|doesn't need|does not need|needn't|need not|not necessary|unnecessary|"
    r"no reason|no point|pointless|don't have to|do not have to|don't bother|do not bother|never|don't|do not)"
)
_SEE = (
    r"(?:see|seeing|visit|visiting|call|calling|tell|telling|ask|asking|talk to|talking to|speak to|go to|"
    r"going to|return to|come back|follow up|check with|book|get|have|repeat|bother)"
)
_CARE = (
    r"(?:doctors?|gp|nurses?|staff|front desk|clinic|hospital|anyone|anybody|check-?ups?|appointments?|"
    r"follow-?ups?|tests?|re-?tests?|re-?checks?|blood tests?|medical (?:help|care|advice))"
)
_WELL = r"(?:fine|healthy|ok|okay|all right|alright|well|cured|clear|not sick|in good health|normal)"

ENGLISH = Language(
    claims=(
        Claim(rf"\byou{_ADV}{_HAVE}{_NO_HEDGE}{{0,80}}?{COND}", DIAGNOSIS, _HEDGED),
        Claim(
            rf"\byou{_ADV}(?: are|'re| were|'ve been| have been| got| will be)(?: \w+ly)? diagnosed\b",
            DIAGNOSIS,
            _HEDGED,
        ),
        Claim(r"\b(?:your|the|our) (?:diagnosis|condition|illness|disease) is\b", DIAGNOSIS, _HEDGED),
        Claim(
            r"\b(?:this|that|it|these|these results|this result|your (?:results?|tests?|test results?|alt|numbers?|"
            r"blood tests?|levels?|liver tests?))(?: \w+ly)? (?:means?|shows?|proves?|confirms?|is a sign of|points? to)"
            rf"(?: that)? (?:you(?: \w+ly)?(?: have| are|'ve|'re| got)\b|(?:an? |the )?{COND})",
            DIAGNOSIS,
            _HEDGED,
        ),
        Claim(rf"\b(?:this|that|it)(?: is|'s)(?: \w+ly)? (?:an? )?{COND}", DIAGNOSIS, _HEDGED),
        Claim(
            rf"\b{_STOP}\b[^.!?;]{{0,60}}?\b{MEDS}\b",
            STOP_MEDICINES,
            rf"{_NEGATED}|{_CARE_GIVER}|\b(?:before|if|whether|ask|asking)\b(?: \w+){{0,3}}\s+$",
            r"\b(?:only (?:if|when)|unless)\b",
        ),
        Claim(
            rf"\b{MEDS}\b[^.!?;]{{0,40}}\b(?:(?:are|is) not needed|(?:are|is) no longer needed|(?:are|is) unnecessary|"
            r"(?:are|is) not necessary|you do not need|you don't need)\b",
            STOP_MEDICINES,
            _HEDGED,
        ),
        Claim(
            rf"\b(?:throw|toss|bin|put)\b[^.!?;]{{0,30}}?\b{MEDS}\b (?:away|out|in the (?:bin|trash))",
            STOP_MEDICINES,
            rf"{_NEGATED}|{_CARE_GIVER}",
        ),
        Claim(
            rf"\b{_DONT}\s+(?:\w+\s+)?(?:take|use|fill|refill|collect|pick up|buy)\b[^.!?;]{{0,50}}?\b{MEDS}\b",
            STOP_MEDICINES,
            _CARE_GIVER,
            _NOT_THESE,
        ),
        Claim(
            rf"\b{_AVOID}\b(?: (?:to|ever|even|really|again|any more|anymore|go and|bother to|have to))* {_SEE}\b"
            rf"(?:(?!\b(?:before|after|until|for|if|when|unless|without)\b)[^.!?;]){{0,40}}?\b{_CARE}\b",
            AVOID_CARE,
            _NEGATED,
        ),
        Claim(
            rf"\b(?:no need|don't need|do not need|needn't|no reason)\b(?: (?:for|of))?(?: (?:an?|another|any|more|the|your|new))* {_CARE}\b",
            AVOID_CARE,
            _NEGATED,
        ),
        Claim(
            r"\b(?:skip|cancel|miss|avoid|forget|ignore)\b[^.!?;]{0,20}?\b(?:check-?ups?|appointments?|follow-?ups?|"
            r"tests?|doctor visits?|doctors?|staff|front desk)\b",
            AVOID_CARE,
            _NEGATED,
        ),
        Claim(rf"\byou{_ADV}(?: are|'re)(?: \w+ly)? {_WELL}\b", ALL_CLEAR, _HEDGED),
        Claim(
            rf"\byou{_ADV}(?: do not| don't| did not| didn't)(?: \w+ly)? have\b[^.!?;]{{0,40}}?{COND}",
            ALL_CLEAR,
            _HEDGED,
        ),
        Claim(rf"\byou{_ADV}(?: have|'ve)(?: got)? no\b[^.!?;]{{0,40}}?{COND}", ALL_CLEAR, _HEDGED),
        Claim(r"\b(?:nothing(?: is|'s)?|there is nothing|there's nothing) (?:\w+ )?wrong\b", ALL_CLEAR, _HEDGED),
        Claim(
            r"\byour (?:liver|alt|results?|tests?|blood tests?|liver tests?|numbers?|levels?|health)(?: \w+ly)? "
            rf"(?:is|are|looks?|seems?|'s)(?: \w+ly)? (?:{_WELL}|good|perfect)\b",
            ALL_CLEAR,
            _HEDGED,
        ),
        Claim(
            r"\b(?:it is|it's|this is|that is|that's|high alt is|this result is)(?: \w+ly)? (?:nothing|not serious|"
            r"not a problem|harmless|no problem|not dangerous)\b|\bnothing to worry about\b|\bno (?:need|reason) to worry\b",
            ALL_CLEAR,
            _HEDGED,
        ),
    ),
    disclaimer=(
        r"\b(?:does not|doesn't|do not|don't|cannot|can't|will not|won't|not|never) (?:make a |give a |give you a )?diagnos",
        r"\bis not a (?:doctor|diagnosis)\b",
    ),
    tell_staff=(
        r"\b(?:tell|go to|talk to|speak to|see|find|ask|call|wave to|get)\b[^.!?]{0,40}?"
        r"\b(?:front desk|staff|nurse|reception|receptionist|desk)\b"
    ),
    now=r"\b(?:now|right away|at once|straight away|immediately|right now)\b",
    yes_words=r"\b(?:yes|yeah|yep|yup|sure|correct|right|i do|i have|i am|true|ok|okay)\b",
    no_words=r"\b(?:no|nope|not|never|none|nah)\b|n't\b",
)

# Chinese ------------------------------------------------------------------------------------------------

_ZH_COND = r"(?:肝?癌|肝硬化|肝炎|乙肝|丙肝|脂肪肝|肝病|肝衰竭|肝损伤|肝损害|肝坏了|肿瘤|重病|大病|绝症|艾滋)"
_ZH_NOT_TEST = r"(?!疫苗|检查|检测|的检查|的检测)"
_ZH_IF = r"(?:如果|要是|假如|若是?|万一|是否|怀疑|担心|害怕|问|问问|检查|查一查|查查|看看|确定|说过|告诉过|祝|希望|愿)"
_ZH_DENY = r"(?:不一定|不代表|不等于|并不|不是说|不能说明|不说明|未必|不会|不能|可能|也许|或许)"
_ZH_HEDGED = rf"{_ZH_IF}[^。！？；，]{{0,8}}$|{_ZH_DENY}[^。！？；，]{{0,4}}$"
_ZH_ASKS = r"吗|是否|有没有|是不是|要不要|[？?]$"
_ZH_NEG = r"(?:不要|不能|别|勿|不可以|不可|千万别|千万不要|不得|不应|不该|不用|不必)(?:自己|自行|随便|随意|擅自|马上|突然|轻易)?把?$"
_ZH_DOCTOR = r"医生(?:会|可能|可以|也许|让您?|叫您?|要您?|说|建议|觉得)[^。！？；，]{0,8}$"
"""The doctor decides ("医生可能会让您停药"); not the doctor as a word in the object ("把医生开的药")."""
_ZH_ONLY_SOME = (
    r"乱|自行|自己买|未经|没有医生|没经过|新的?|其他|保健|来历不明|过期|别人|超量|多吃|加量|空腹|喝酒|酒|偏方|不明"
)

CHINESE = Language(
    claims=(
        Claim(
            r"(?:您|你)(?:已经|肯定|一定|确实|确定|真的|的确|显然|明显|恐怕|应该|就|也)*是?"
            r"(?:得了|患有|患了|患上了?|得上了?|有|染上了?|感染了?|查出了?|确诊了?|诊断出了?|被诊断为|是)"
            rf"[^。！？；，]{{0,12}}?{_ZH_COND}{_ZH_NOT_TEST}",
            DIAGNOSIS,
            _ZH_HEDGED,
            unless_clause=_ZH_ASKS,
        ),
        Claim(r"(?:您|你)(?:已经)?被?(?:确诊|诊断)(?:为|出|了)", DIAGNOSIS, _ZH_HEDGED, unless_clause=_ZH_ASKS),
        Claim(
            rf"(?:您|你)(?:这|得的|患的|的病|这个病)(?:就|肯定|一定)?是[^。！？；，]{{0,6}}?{_ZH_COND}",
            DIAGNOSIS,
            _ZH_HEDGED,
            unless_clause=_ZH_ASKS,
        ),
        Claim(
            r"(?:您|你)的肝(?:已经|肯定|一定|确实)?(?:坏了|出问题了|有病|不行了|硬化了|有毛病)",
            DIAGNOSIS,
            _ZH_HEDGED,
            unless_clause=_ZH_ASKS,
        ),
        Claim(
            r"(?:说明|表示|意味着|证明|代表|显示|可见|看来)(?:您|你)?(?:已经|肯定|一定)?(?:有|得了|患了?|是)?"
            rf"[^。！？；，]{{0,6}}?{_ZH_COND}{_ZH_NOT_TEST}",
            DIAGNOSIS,
            rf"{_ZH_DENY}[^。！？；，]{{0,2}}$|(?:不|并不|未必|可能|也许|或许)$|{_ZH_IF}[^。！？；，]{{0,8}}$",
            unless_clause=_ZH_ASKS,
        ),
        Claim(
            r"(?:停(?:用|服|吃|掉|了)?|戒掉|断掉|扔掉?|丢掉?|放弃|不再(?:吃|服|用))[^。！？；，]{0,8}?药",
            STOP_MEDICINES,
            rf"{_ZH_NEG}|{_ZH_DOCTOR}|(?:如果|要是|假如)[^。！？；，]{{0,8}}$",
            r"^[^。！？；，]*?药(?:物)?(?:前|之前|以前)",
        ),
        Claim(
            r"药(?:(?!不要|别|不能|千万)[^。！？；，]){0,4}?(?:都|全|全部)?"
            r"(?:停|扔|丢|断|不吃|别吃|不用吃|不必吃|不要吃|不需要吃|可以不吃|就不用)",
            STOP_MEDICINES,
            rf"{_ZH_NEG}|{_ZH_DOCTOR}",
        ),
        Claim(
            r"(?:别|不要|不用|不必|无需|不需要|没必要|用不着|可以不|不再|不)再?(?:吃|服|用|拿|买)[^。！？；，]{0,4}?药",
            STOP_MEDICINES,
            _ZH_DOCTOR,
            unless_clause=_ZH_ONLY_SOME,
        ),
        Claim(
            r"(?:不用|不必|不需要|无需|没必要|用不着|别|不要|千万别|没有必要)再?去?"
            r"(?:看医生|看病|找医生|告诉|就医|就诊|复查|检查|去医院|问医生|见医生|叫人|找人|找工作人员|麻烦)",
            AVOID_CARE,
        ),
        Claim(
            r"(?:不用|不必|不需要|无需|没必要|别|不要)(?:跟|和|对|向|告诉)(?:工作人员|前台|医生|护士|任何人|别人)(?:说|讲|提)?",
            AVOID_CARE,
        ),
        Claim(
            r"(?:复查|检查|看医生|医院|看病|前台)[^。！？；，]{0,4}?"
            r"(?:可以不去|不用去|不必去|就不用去了|不去也行|可以不做|不用做|不用了|不用再去)",
            AVOID_CARE,
        ),
        Claim(
            r"(?:您|你)的?(?:肝|身体|指标|结果|alt)?[^。！？；，]{0,2}?一?点?(?:问题|毛病|事)(?:都|也)没有",
            ALL_CLEAR,
            _ZH_HEDGED,
            unless_clause=_ZH_ASKS,
        ),
        Claim(
            r"(?:您|你)的?(?:肝|身体|指标|结果|alt)?(?:很|挺|都|是|已经|完全|非常|十分)*"
            r"(?:没事|没问题|很健康|健康|正常|一切正常|没病|没有病|好好的|挺好|很好|不错)",
            ALL_CLEAR,
            _ZH_HEDGED,
            unless_clause=_ZH_ASKS,
        ),
        Claim(
            rf"(?:您|你)(?:没有|没|并没有)(?:得|患)?[^。！？；，]{{0,4}}?{_ZH_COND}",
            ALL_CLEAR,
            _ZH_HEDGED,
            unless_clause=_ZH_ASKS,
        ),
        Claim(r"没什么大不了|不要紧|不碍事|没什么问题|没什么事|问题不大", ALL_CLEAR, unless_clause=_ZH_ASKS),
    ),
    disclaimer=(r"不能代替医生", r"不(?:能|会|做)?诊断", r"不是诊断", r"不能看病"),
    tell_staff=r"(?:告诉|找|去|联系|通知|叫|到)[^。！？]{0,6}?(?:前台|工作人员|护士|医护人员)",
    now=r"现在|马上|立刻|立即|赶快|赶紧|尽快",
    yes_words=r"是|对|有|嗯|会|好",
    no_words=r"不|没|否|无|别",
)

BUILT_IN = {"en": ENGLISH, "zh": CHINESE}
