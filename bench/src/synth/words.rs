//! The built-in vocabulary of the synthetic corpus and its Zipf sampler.
//!
//! Owns the word lists (English function words in frequency order, general content
//! words, verb and noun inflections, safeguarding practice terms and acronyms, and
//! the terms of particular harms), their arrangement into one rank order, and
//! [`Lexicon::word`], which draws a word with probability proportional to
//! `1 / rank^s` from a precomputed cumulative table.

use std::collections::HashSet;
use std::sync::OnceLock;

use rand::Rng;

/// The Zipf exponent: the word of rank `r` is drawn with weight `1 / r^ZIPF_S`.
const ZIPF_S: f64 = 1.0;
/// The rank of the first harm term. The general words take ranks 1 to about 3,200;
/// the harm terms rank as they would in a full English vocabulary, after thousands
/// of rarer general words, so that each turns up by chance in about one review in
/// twenty to thirty, and otherwise through the themes the review is about.
const HARM_FIRST_RANK: usize = 10_000;

/// The commonest English words, most frequent first; they take the top ranks.
const FUNCTION_WORDS: &str = "
the of and to a in was that is for with on as by be had not were at this from it
he she her his or an which they their been have there but would no who also when
about all more has any should could into after these other than them out one may
only before did what we over some its being up such two how where so can whether
while within during between through each both because without however although
until since further then those most many very well three four first second often
never again already still later earlier yet much several own same whose whom our
us him i me my you your do does done doing might must shall will whilst upon under
above below against among around across towards per via though unless either
neither nor every few less least just even rather almost perhaps here why once
twice five six seven eight nine ten third last next another same something nothing
anything someone anyone everyone nobody none itself himself herself themselves
along behind beyond despite except inside outside near onto off down away back
therefore thus hence instead indeed whereas whether whereby wherever whenever
";

/// Countable nouns: each also gives its plural by the usual spelling rules.
const NOUNS: &str = "
time year month week day hour evening morning night weekend period date occasion
point stage step part area place room house flat address property bedroom
kitchen bathroom garden car street town city country community neighbour friend
relative grandparent grandmother grandfather aunt uncle cousin sibling sister
brother daughter son partner boyfriend girlfriend stepfather stepmother mother
father parent carer household member adult infant toddler teenager pupil student
girl boy worker practitioner professional manager supervisor officer nurse
doctor visitor clinician consultant paediatrician psychiatrist psychologist
therapist counsellor teacher headteacher governor lead coordinator assistant
receptionist solicitor barrister judge magistrate detective constable sergeant
inspector caseworker keyworker advocate interpreter chair author reviewer panel
board agency service team department unit ward clinic surgery practice centre
nursery college school hospital authority partnership organisation provider
commissioner network charity project programme scheme group forum committee
meeting conference discussion conversation call message letter email text
referral report record note entry summary chronology assessment plan review
strategy enquiry investigation decision action outcome recommendation finding
lesson issue concern risk need factor sign indicator symptom injury mark cut
explanation account history background pattern incident event episode argument
fight assault threat attack allegation disclosure complaint query question
answer response reply request appointment visit contact session interview
examination test scan check procedure process system policy protocol standard
requirement expectation duty role responsibility task job post vacancy caseload
shift rota budget resource cost benefit payment debt loan bill tenancy landlord
eviction hostel refuge shelter placement carer guardian order application
hearing court trial sentence conviction offence offender prison custody warrant
arrest caution statement witness victim perpetrator suspect gang tablet bottle
drink cigarette phone message image video account website device computer laptop
photograph picture story view opinion wish feeling worry fear belief assumption
judgement conclusion theme gap weakness strength challenge barrier obstacle
opportunity improvement change difference problem difficulty mistake error
failure delay drift omission oversight breakdown misunderstanding confusion
priority threshold level category term word language culture religion belief
tradition community background origin nationality passport visa border route
journey trip holiday move transfer handover link relationship connection bond
attachment routine habit behaviour mood temper outburst tantrum illness
condition disorder treatment medication prescription dose admission discharge
bed sofa blanket pillow bottle feed formula meal food cupboard fridge window
door lock key stair floor wall ceiling smell dog animal pet toy shoe uniform
lunch breakfast bath hair weight height measurement centile chart growth
milestone skill ability need difficulty disability impairment wheelchair aid
adaptation therapy class lesson subject exam grade qualification course
apprenticeship job income wage benefit grant allowance voucher parcel landlady
mosque church temple elder leader volunteer coach club activity hobby sport
football friendship peer classmate tutor mentor
";

/// Nouns used only in the singular (mass nouns and the like).
const UNCOUNTED: &str = "
information evidence advice guidance police staff housing health welfare care
safety training knowledge equipment research progress attendance supervision
management oversight leadership practice support help protection harm abuse
neglect violence cruelty chastisement discipline poverty deprivation
homelessness unemployment accommodation education employment learning
development communication engagement cooperation compliance consent
confidentiality recording documentation assurance quality capacity resilience
vulnerability wellbeing hindsight curiosity optimism bias drift escalation
intervention prevention continuity consistency accountability transparency
reflection scrutiny attention awareness understanding insight trust respect
dignity privacy stability instability uncertainty isolation loneliness stress
anxiety depression self-esteem confidence hygiene heating clothing data
";

/// Nouns with irregular plurals, both forms given.
const IRREGULAR_NOUNS: &str = "
child children person people man men woman women wife wives life lives midwife
midwives foot feet half halves shelf shelves knife knives tooth teeth analysis
analyses crisis crises criterion criteria diagnosis diagnoses hypothesis
hypotheses
";

/// Verbs that take `-s`/`-es`, `-ed` and `-ing` with no change to the stem.
const VERBS_PLAIN: &str = "
visit attend record report request assess discuss consider contact follow reflect
expect remain explain obtain attempt appear happen develop offer answer deliver
monitor register gather enter suggest support assist insist consult conduct collect
connect correct direct protect neglect detect affect act interact accept adopt
alert allow approach check finish establish publish push watch reach search fix
ask wait want need seem look help start turn open listen mention question sign
confirm inform perform form intend extend recommend demand depend end commission
concern learn return warn contain maintain sustain retain train complain claim
stay delay play destroy employ convey display survey point count print review
remind repeat respect result select shout suffer threaten trust walk work
discover recover cover
hinder honour labour mirror order render tender wander weigh caution
";

/// Verbs ending in a silent `e`, which is dropped before `-ed` and `-ing`.
const VERBS_E: &str = "
share raise arrange note decide provide receive believe describe include complete
continue improve close move use argue require escalate advise hope involve invite
cause change place manage notice produce reduce introduce promote locate relate
communicate coordinate facilitate investigate evaluate indicate demonstrate
estimate generate initiate isolate motivate negotiate participate recognise
minimise prioritise emphasise organise realise summarise apologise criticise
authorise supervise compromise challenge engage encourage judge acknowledge
emerge diagnose refuse accuse abuse assume resume persuade exclude conclude define
determine examine imagine combine decline observe preserve resolve revoke smoke
provoke propose expose impose oppose suppose release increase decrease cease
breathe dispute contribute attribute distribute substitute prosecute update state
rate create debate relocate allocate advocate anticipate appreciate associate
circulate collate concentrate dominate educate eliminate formulate hesitate
integrate mediate mitigate navigate operate regulate tolerate validate
accommodate trace replace guide divide reside override disclose scale undermine
";

/// Verbs ending in a consonant and `y`: `identifies`, `identified`, `identifying`.
const VERBS_Y: &str = "
identify notify apply clarify verify specify rely query accompany supply modify
justify occupy satisfy qualify classify certify study copy worry marry hurry carry
try deny reply
";

/// Verbs that double their last consonant before `-ed` and `-ing`.
const VERBS_DOUBLE: &str = "
refer admit commit submit omit transfer plan stop drop occur prefer permit regret
equip control travel label cancel signal model counsel patrol compel stab slap
grab rob ban bar step skip hug chat fit
";

/// Irregular verbs, every form given.
const VERBS_IRREGULAR: &str = "
say said says saying go went gone goes going get got gets getting make made makes
making know knew known knows knowing take took taken takes taking see saw seen sees
seeing come came comes coming think thought thinks thinking give gave given gives
giving find found finds finding tell told tells telling become became becomes
becoming leave left leaves leaving feel felt feels feeling bring brought brings
bringing begin began begun begins beginning keep kept keeps keeping hold held
holds holding write wrote written writes writing stand stood stands standing hear
heard hears hearing meet met meets run ran runs running pay paid pays paying sit
sat sits sitting speak spoke spoken speaks speaking lead led leads leading
understand understood understands lose lost loses losing fall fell fallen falls
falling send sent sends sending build built builds spend spent spends spending
grow grew grown grows growing show showed shown shows showing read reads reading
sleep slept sleeps sleeping break broke broken breaks breaking hit hits hitting
hurt hurts hurting put puts putting set sets setting shake shook shaken shakes
shaking throw threw thrown throws throwing seek sought seeks seeking teach taught
teaches teaching buy bought buys buying catch caught catches catching choose chose
chosen chooses choosing drink drank drunk drinks drinking eat ate eaten eats eating
drive drove driven drives driving forget forgot forgotten forgets forgetting wake
woke woken wakes waking wear wore worn wears wearing undertake undertook undertaken
undertakes undertaking withdraw withdrew withdrawn withdraws withdrawing mistake
mistook mistaken arise arose arisen arises arising hide hid hidden hides hiding lie
lay lain lies lying fight fought fights fighting feed fed feeds feeding flee fled
flees fleeing swear swore sworn win won wins winning let lets letting cuts cutting
shut shuts shutting spread spreads spreading bleed bled bleeds bleeding bit bitten
bites biting mean meant means meaning deal dealt deals dealing draw drew drawn
draws drawing rise rose risen rises rising strike struck strikes striking sell sold
sells selling oversee oversaw overseen oversees overseeing ring rang rung rings
tear tore torn tears tearing steal stole stolen steals stealing
";

/// Adjectives.
const ADJECTIVES: &str = "
important significant serious previous further additional particular specific
relevant appropriate clear good poor new old young older younger small large
long short high low early late recent current initial final full whole general
local national regional personal social medical clinical physical emotional
mental sexual criminal legal formal informal statutory universal targeted
specialist independent separate joint single multiple different similar other
same main key central major minor wider broader limited effective ineffective
adequate inadequate sufficient insufficient consistent inconsistent reliable
unreliable accurate inaccurate complete incomplete available unavailable aware
unaware concerned worried anxious frightened scared angry upset distressed calm
quiet withdrawn isolated vulnerable fragile resilient healthy unwell ill sick
injured hungry tired dirty unkempt smelly cold warm wet dry safe unsafe secure
insecure stable unstable chaotic volatile aggressive violent controlling
coercive hostile threatening intimidating dismissive evasive reluctant resistant
cooperative compliant engaged disengaged hard difficult easy simple complex
complicated unclear uncertain unknown suspicious concerning worrying alarming
obvious visible invisible hidden apparent evident possible probable likely
unlikely necessary unnecessary urgent immediate prompt timely delayed slow quick
brief detailed thorough careful careless robust weak strong positive negative
neutral open closed honest dishonest direct indirect verbal written electronic
paper shared common regular frequent occasional rare repeated persistent chronic
acute sudden unexpected expected planned unplanned routine standard normal usual
unusual typical exceptional cumulative overall total partial minimal substantial
considerable extensive numerous various certain whole entire actual real true
false proper improper correct wrong right left due able unable willing unwilling
responsible accountable professional parental maternal paternal familial
domestic residential temporary permanent overcrowded damp cluttered bare empty
busy disabled deaf blind verbal nonverbal mobile elder eldest youngest teenage
adolescent adult male female english british foreign overseas international
cultural religious ethnic racial economic financial practical theoretical
strategic operational managerial organisational
";

/// Adverbs.
const ADVERBS: &str = "
subsequently previously immediately promptly appropriately consistently repeatedly
frequently regularly occasionally rarely generally usually particularly
specifically clearly fully properly effectively actively directly jointly
separately independently formally informally routinely adequately sufficiently
significantly seriously increasingly apparently reportedly allegedly initially
finally eventually recently currently shortly quickly slowly carefully accurately
openly honestly reasonably largely mainly mostly partly entirely completely
totally simply merely nearly approximately fairly quite really together meanwhile
nevertheless nonetheless otherwise likewise moreover furthermore accordingly
consequently ultimately overall sometimes unfortunately understandably
inevitably appropriately necessarily potentially possibly probably certainly
clearly evidently unusually typically historically retrospectively
";

/// Safeguarding practice terms and acronyms common to reviews of every kind; they
/// rank among the general content words.
const PRACTICE_TERMS: &str = "
safeguarding safeguard safeguards GP GPs CAMHS MASH MARAC ICPC RCPC HV HVs A&E
CSC DV LAC CLA IMR IMRs SCR SCRs LSCB LSCBs CSPR CSPRs CIN PLO EHCP SENCO IDVA
IDVAs DASH CAF EHA EWO MAPPA LADO YOT YOS ED ACPC NHS Ofsted IRO IROs NFA s47 s17
chronologies child-centred multi-agency inter-agency single-agency looked-after
non-engagement non-attendance non-compliance foster fostering kinship placements
residential antenatal postnatal booking midwifery maternity developmental
milestones attendance absence absences disclosed disclosures allegations
paediatric registrar designated named social reviewing temporary cultural faith
ethnicity wishes lived curiosity hindsight caseloads turnover vacancies sickness
audit audits dispute resolution protocols procedures policies thresholds flags
alerts front-door triage screening re-referral step-down step-up closure closed
strategy core section conference plan child-in-need early family parenting
nursery childminder playgroup reception primary secondary academy provision
probation escalated escalating escalations supervisory reflective challenge
challenged professional voice daily experience feelings pre-school school-age
explanation explanations consistent inconsistent delay delayed presentation
presentations baby babies infants unborn adolescents teenage adolescence
accidental
";

/// Terms of particular harms and circumstances, ranked from [`HARM_FIRST_RANK`].
const HARM_TERMS: &str = "
NAI SUDI CSE CCE DNA FII FGM ACEs ABE NEET PRU NRPF bruise bruises bruising
bruised neglectful non-mobile co-sleeping bed-sharing disguised care-experienced
care-leaver guardianship adoption adopted respite pre-birth perinatal neonatal
newborn newborns premature pregnant breastfeeding feeding faltering immunisations
vaccinations autism autistic ADHD epilepsy asthma eczema dental decay head-lice
nappy nappies soiled malnourished underweight obesity obese fracture fractures
metaphyseal rib ribs skull subdural haemorrhage haemorrhages retinal petechiae
abdominal frenulum burn burns scald scalds scalding wound wounds scratch
scratches bite bites ligature overdose overdoses paracetamol self-harm
self-harming suicidal ideation psychosis paranoia schizophrenia bipolar
personality alcohol alcoholic cannabis heroin cocaine methadone drug drugs
intoxicated intoxication detox relapse substance misuse abusive abuser
perpetrators victims survivor coercion strangulation injunction non-molestation
harassment stalking honour-based forced marriage trafficking trafficked
exploitation exploited grooming groomed county lines gangs weapon weapons dealing missing
runaway absconded truancy exclusion excluded exclusions elective home-educated
online internet sexting webcam indecent offenders sexualised harmful
peer-on-peer intrafamilial retracted forensic skeletal survey CT MRI
ophthalmology asylum unaccompanied immigration homeless arrears overcrowding
transient transience out-of-area racism prison remand sentenced convicted
charged acquitted inquest coroner post-mortem pathologist unascertained
safe-sleep cot cots moses mattress bedding smoking overlaying crying colic
inconsolable coping triggers toxic trio unseen step-parent father-figure
start-again cannabis-using drink-driving pregnancy pregnancies concealed
concealment late-booking not-yet-mobile non-accidental inflicted unexplained
mechanism plausible implausible re-presentation
";

/// The built vocabulary: every distinct word form in rank order, with the
/// cumulative Zipf probabilities used to draw them.
pub struct Lexicon {
    words: Vec<String>,
    cdf: Vec<f64>,
}

impl Lexicon {
    /// The shared lexicon, built once.
    pub fn get() -> &'static Lexicon {
        static LEXICON: OnceLock<Lexicon> = OnceLock::new();
        LEXICON.get_or_init(Lexicon::build)
    }

    fn build() -> Lexicon {
        let general = general_words();
        let mut seen: HashSet<String> = general.iter().cloned().collect();
        let harm: Vec<String> = split(HARM_TERMS)
            .into_iter()
            .filter(|word| seen.insert(word.clone()))
            .collect();
        let ranks = (1..=general.len()).chain(HARM_FIRST_RANK..HARM_FIRST_RANK + harm.len());
        let cdf = zipf_cdf(ranks, ZIPF_S);
        let words = general.into_iter().chain(harm).collect();
        Lexicon { words, cdf }
    }

    /// A word drawn by Zipf rank.
    pub fn word(&self, rng: &mut impl Rng) -> &str {
        let u: f64 = rng.random();
        let rank = self.cdf.partition_point(|&c| c < u);
        &self.words[rank.min(self.words.len() - 1)]
    }
}

/// Cumulative probabilities of words of the given ranks under Zipf's law with
/// exponent `s`.
fn zipf_cdf(ranks: impl Iterator<Item = usize>, s: f64) -> Vec<f64> {
    let weights: Vec<f64> = ranks.map(|rank| 1.0 / (rank as f64).powf(s)).collect();
    let total: f64 = weights.iter().sum();
    let mut running = 0.0;
    weights
        .iter()
        .map(|w| {
            running += w / total;
            running
        })
        .collect()
}

/// Every general word form in rank order, without repeats: function words first,
/// then the content lists interleaved one entry at a time, so that each list's
/// early (commoner) entries rank high.
fn general_words() -> Vec<String> {
    let lists = [
        inflected_nouns(),
        split(UNCOUNTED),
        inflected_verbs(),
        split(ADJECTIVES),
        split(PRACTICE_TERMS),
        split(IRREGULAR_NOUNS),
        split(ADVERBS),
    ];
    let mut seen = HashSet::new();
    let mut ranked = Vec::new();
    let mut keep = |word: String| {
        if seen.insert(word.clone()) {
            ranked.push(word);
        }
    };
    split(FUNCTION_WORDS).into_iter().for_each(&mut keep);
    let longest = lists.iter().map(Vec::len).max().unwrap_or(0);
    for i in 0..longest {
        for list in &lists {
            if let Some(word) = list.get(i) {
                keep(word.clone());
            }
        }
    }
    ranked
}

fn split(list: &str) -> Vec<String> {
    list.split_whitespace().map(str::to_string).collect()
}

fn inflected_nouns() -> Vec<String> {
    split(NOUNS)
        .into_iter()
        .flat_map(|noun| {
            let plural = plural(&noun);
            [noun, plural]
        })
        .collect()
}

fn inflected_verbs() -> Vec<String> {
    let plain = split(VERBS_PLAIN).into_iter().map(|v| {
        let third = sibilant_s(&v);
        [v.clone(), third, format!("{v}ed"), format!("{v}ing")]
    });
    let silent_e = split(VERBS_E).into_iter().map(|v| {
        let stem = v[..v.len() - 1].to_string();
        [
            v.clone(),
            format!("{v}s"),
            format!("{v}d"),
            format!("{stem}ing"),
        ]
    });
    let final_y = split(VERBS_Y).into_iter().map(|v| {
        let stem = &v[..v.len() - 1];
        [
            v.clone(),
            format!("{stem}ies"),
            format!("{stem}ied"),
            format!("{v}ing"),
        ]
    });
    let doubled = split(VERBS_DOUBLE).into_iter().map(|v| {
        let last = &v[v.len() - 1..];
        [
            v.clone(),
            format!("{v}s"),
            format!("{v}{last}ed"),
            format!("{v}{last}ing"),
        ]
    });
    let mut forms: Vec<String> = plain
        .chain(silent_e)
        .chain(final_y)
        .chain(doubled)
        .flatten()
        .collect();
    forms.extend(split(VERBS_IRREGULAR));
    forms
}

/// The plural of a regular noun.
fn plural(noun: &str) -> String {
    let consonant_y =
        noun.ends_with('y') && !noun[..noun.len() - 1].ends_with(['a', 'e', 'i', 'o', 'u']);
    if consonant_y {
        format!("{}ies", &noun[..noun.len() - 1])
    } else {
        sibilant_s(noun)
    }
}

/// `word` + `-es` after a sibilant, else `-s`.
fn sibilant_s(word: &str) -> String {
    if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|end| word.ends_with(end))
    {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn the_vocabulary_is_large_and_starts_with_function_words() {
        let lexicon = Lexicon::get();
        assert!(
            lexicon.words.len() >= 3_000,
            "{} word forms",
            lexicon.words.len()
        );
        assert_eq!(lexicon.words[0], "the");
        for word in [
            "GP", "CAMHS", "MASH", "MARAC", "ICPC", "HV", "A&E", "SUDI", "NAI",
        ] {
            assert!(lexicon.words.iter().any(|w| w == word), "{word}");
        }
    }

    #[test]
    fn inflection_follows_spelling_rules() {
        assert_eq!(plural("enquiry"), "enquiries");
        assert_eq!(plural("day"), "days");
        assert_eq!(plural("approach"), "approaches");
        let verbs = inflected_verbs();
        for form in [
            "assesses",
            "shared",
            "sharing",
            "identified",
            "referred",
            "referring",
        ] {
            assert!(verbs.iter().any(|v| v == form), "{form}");
        }
    }

    #[test]
    fn draws_follow_zipf() {
        let lexicon = Lexicon::get();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let draws = 200_000;
        let the = (0..draws)
            .filter(|_| lexicon.word(&mut rng) == "the")
            .count() as f64;
        let expected = draws as f64 * lexicon.cdf[0];
        assert!(
            (the - expected).abs() < expected * 0.05,
            "{the} vs {expected}"
        );
    }
}
