//! The anonymisation check: likely identifying details in a summary before it is
//! published, each reported with the text around it. Names of people (a common given name
//! with a surname, a title with a surname, a known given name alone), dates of birth,
//! street addresses, postcodes, phone numbers, email addresses and NHS numbers.
//! Pseudonyms ("Child A", "Baby T", "Mr X", "Mother") and anything the review lists in
//! `pseudonyms` are allowed. Heuristic: it raises doubts for a person to settle.

use std::sync::LazyLock;

use regex::Regex;

use crate::types::Warning;

/// Characters of context on each side of a finding.
const CONTEXT_CHARS: usize = 40;

const MONTHS: &str = "January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec";

fn compile(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

static TITLE_NAME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Master)\.?\s+([A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?)\b")
});
static CAPITALISED_PAIR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r"\b([A-Z][a-z]+)(?:\s+[A-Z]\.)?\s+([A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?|Mc[A-Z][a-z]+|O['’][A-Z][a-z]+)\b",
    )
});
static CAPITALISED_WORD: LazyLock<Option<Regex>> = LazyLock::new(|| compile(r"\b[A-Z][a-z]+\b"));
/// A hyphenated given name ("Lily-Mae"), with the surname after it if there is one.
static HYPHENATED_GIVEN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r"\b([A-Z][a-z]+)[-‐‑]([A-Z][a-z]+)\b(?:\s+([A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?|Mc[A-Z][a-z]+|O['’][A-Z][a-z]+)\b)?",
    )
});
/// A capitalised word before a double-barrelled surname ("Kayla Smith-Jones").
static DOUBLE_BARRELLED: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"\b([A-Z][a-z]+)\s+([A-Z][a-z]{2,})[-‐‑]([A-Z][a-z]{2,})\b"));
/// Capitalised halves of hyphenated words that are not names ("Multi-Agency",
/// "Follow-Up", "Mark-Up").
const COMPOUND_WORDS: &[&str] = &[
    "Multi",
    "Inter",
    "Cross",
    "Non",
    "Pre",
    "Post",
    "Self",
    "Co",
    "Anti",
    "Sub",
    "Ex",
    "Mid",
    "Semi",
    "Well",
    "Long",
    "Short",
    "High",
    "Low",
    "Full",
    "Part",
    "Half",
    "Face",
    "Follow",
    "Check",
    "Step",
    "Re",
    "Up",
    "Down",
    "In",
    "Out",
    "On",
    "Off",
    "Term",
    "Based",
    "Led",
    "Level",
    "Agency",
    "Agencies",
    "Harm",
    "Aged",
    "Year",
    "Years",
    "Time",
    "Day",
    "Week",
    "Month",
    "Birth",
    "Natal",
    "Care",
    "Going",
    "Making",
    "Sharing",
    "Taking",
    "Working",
    "Parenting",
    "Old",
    "New",
    "Under",
    "Over",
    "Upon",
    "Super",
    "Le",
    "By",
    "Hand",
];
static DATE_OF_BIRTH: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let date = format!(
        r"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\.?,?\s+\d{{4}}|(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    );
    compile(&format!(
        r"(?i:\bborn\s+on\s+(?:the\s+)?|\bborn\s+|\bd\.?o\.?b\.?\s*(?:[:\-]|is|was)?\s*|\bdate\s+of\s+birth\s*(?:[:\-]|is|was|of)?\s*(?:the\s+)?){date}"
    ))
});
static ADDRESS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r"\b\d{1,4}[A-Za-z]?,?\s+(?:[A-Z][A-Za-z'’\-]+\s+){1,3}(?:Road|Street|Avenue|Lane|Close|Drive|Crescent|Way|Court|Place|Terrace|Gardens|Grove|Square|Row|Walk|Mews|Rise|Hill|Park|Parade|View|Green|Rd|St|Ave)\b\.?",
    )
});
static POSTCODE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b")
});
static PHONE: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"(?:\+44\s?(?:\(0\)\s?)?|\(?\b0)\d[\d\s\-()]{7,14}\d\b"));
static EMAIL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\b")
});
static NHS_NUMBER: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"\b\d{3}[\s\-]?\d{3}[\s\-]?\d{4}\b"));
static NHS_CONTEXT: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"(?i)\bnhs\s*(?:no\.?|number|num)?\s*[:.]?\s*$"));

/// Common given names (England, over the decades a review's adults and children were
/// born in). Names that are also everyday words ("May", "Grace", "Will") are in
/// [`AMBIGUOUS_GIVEN_NAMES`] and count only before a surname.
const GIVEN_NAMES: &[&str] = &[
    "Aaron",
    "Abigail",
    "Adam",
    "Adrian",
    "Aidan",
    "Aimee",
    "Alan",
    "Alex",
    "Alexander",
    "Alexandra",
    "Alfie",
    "Alice",
    "Alison",
    "Amanda",
    "Amelia",
    "Amy",
    "Andrea",
    "Andrew",
    "Angela",
    "Ann",
    "Anna",
    "Anne",
    "Anthony",
    "Archie",
    "Ashley",
    "Barbara",
    "Barry",
    "Ben",
    "Benjamin",
    "Beth",
    "Bethany",
    "Billy",
    "Bradley",
    "Brandon",
    "Brian",
    "Callum",
    "Cameron",
    "Carl",
    "Carol",
    "Caroline",
    "Catherine",
    "Charlie",
    "Charlotte",
    "Chelsea",
    "Chloe",
    "Chris",
    "Christine",
    "Christopher",
    "Claire",
    "Clare",
    "Colin",
    "Connor",
    "Craig",
    "Daniel",
    "Danielle",
    "Darren",
    "David",
    "Dean",
    "Debbie",
    "Deborah",
    "Declan",
    "Denise",
    "Dennis",
    "Derek",
    "Donna",
    "Dylan",
    "Edward",
    "Eleanor",
    "Elizabeth",
    "Ella",
    "Ellie",
    "Emily",
    "Emma",
    "Eric",
    "Ethan",
    "Evie",
    "Finley",
    "Fiona",
    "Frances",
    "Freya",
    "Gary",
    "Gemma",
    "George",
    "Georgia",
    "Gillian",
    "Graham",
    "Hannah",
    "Harley",
    "Harriet",
    "Harry",
    "Harvey",
    "Hayley",
    "Helen",
    "Ian",
    "Isaac",
    "Isabella",
    "Isabelle",
    "Jack",
    "Jacob",
    "Jade",
    "Jake",
    "James",
    "Jamie",
    "Jane",
    "Janet",
    "Jason",
    "Jayden",
    "Jennifer",
    "Jessica",
    "Joanne",
    "Joe",
    "Joel",
    "John",
    "Jonathan",
    "Jordan",
    "Joseph",
    "Josh",
    "Joshua",
    "Julie",
    "Karen",
    "Kate",
    "Katie",
    "Kayleigh",
    "Keith",
    "Kelly",
    "Kerry",
    "Kevin",
    "Kieran",
    "Kirsty",
    "Kyle",
    "Laura",
    "Lauren",
    "Leah",
    "Lee",
    "Leon",
    "Lewis",
    "Liam",
    "Linda",
    "Lisa",
    "Logan",
    "Louise",
    "Lucy",
    "Luke",
    "Lydia",
    "Mandy",
    "Maria",
    "Martin",
    "Mason",
    "Matthew",
    "Megan",
    "Melissa",
    "Michael",
    "Michelle",
    "Mohammed",
    "Muhammad",
    "Molly",
    "Nathan",
    "Neil",
    "Nicola",
    "Nicole",
    "Niamh",
    "Noah",
    "Oliver",
    "Olivia",
    "Oscar",
    "Paul",
    "Paula",
    "Peter",
    "Philip",
    "Rachel",
    "Rebecca",
    "Reece",
    "Rhys",
    "Richard",
    "Riley",
    "Robert",
    "Ryan",
    "Samantha",
    "Samuel",
    "Sandra",
    "Sarah",
    "Scott",
    "Sean",
    "Sharon",
    "Shaun",
    "Sophie",
    "Stacey",
    "Stephen",
    "Steven",
    "Stuart",
    "Susan",
    "Tanya",
    "Thomas",
    "Tina",
    "Toby",
    "Tom",
    "Tracey",
    "Tyler",
    "Vanessa",
    "Victoria",
    "Wayne",
    "William",
    "Zoe",
    "Aisha",
    "Fatima",
    "Ahmed",
    "Ali",
    "Omar",
    "Priya",
    "Sunita",
    "Rajesh",
    "Tomasz",
    "Agnieszka",
    "Kwame",
    "Chidi",
    "Precious",
    "Shanice",
    "Jermaine",
    "Tyrone",
    "Kai",
    "Leo",
    "Mia",
    "Jasmine",
    "Layla",
    "Maisie",
    "Kian",
    "Tegan",
    "Demi",
    "Courtney",
    "Paige",
    "Brooke",
    "Carly",
    "Ava",
    "Isla",
    "Mae",
    "Kai",
    "Leo",
    "Esme",
];

/// Given names that are also ordinary words or months: flagged only before a surname.
const AMBIGUOUS_GIVEN_NAMES: &[&str] = &[
    "May", "June", "April", "August", "Grace", "Hope", "Faith", "Joy", "Dawn", "Rose", "Summer",
    "Will", "Mark", "Bill", "Amber", "Ruby", "Holly", "Ivy", "Lily", "Poppy", "Daisy", "Iris",
    "Heather", "Crystal", "Honey", "Skye", "Autumn", "Rich", "Frank", "Guy", "Penny", "Sky",
    "Jordan", "Chase", "Carter", "Hunter", "Harmony",
];

/// Capitalised words that never begin or end a person's name in a review: roles,
/// agencies, documents, places, weekdays and months.
const NOT_NAMES: &[&str] = &[
    "Child",
    "Children",
    "Baby",
    "Mother",
    "Father",
    "Sibling",
    "Siblings",
    "Brother",
    "Sister",
    "Grandmother",
    "Grandfather",
    "Grandparent",
    "Grandparents",
    "Aunt",
    "Uncle",
    "Cousin",
    "Partner",
    "Stepfather",
    "Stepmother",
    "Parent",
    "Parents",
    "Family",
    "Young",
    "Person",
    "Adult",
    "Infant",
    "Unborn",
    "Social",
    "Care",
    "Worker",
    "Workers",
    "Services",
    "Service",
    "Health",
    "Visitor",
    "Visiting",
    "Police",
    "Officer",
    "School",
    "Nurse",
    "Midwife",
    "Midwifery",
    "General",
    "Practice",
    "Practitioner",
    "Hospital",
    "Trust",
    "Board",
    "Council",
    "County",
    "City",
    "Borough",
    "Local",
    "Safeguarding",
    "Authority",
    "Review",
    "Case",
    "Serious",
    "Executive",
    "Summary",
    "Report",
    "Overview",
    "Panel",
    "Team",
    "Department",
    "Unit",
    "Centre",
    "Center",
    "Court",
    "Family",
    "Street",
    "Road",
    "Lane",
    "Avenue",
    "Close",
    "Drive",
    "Way",
    "Place",
    "Primary",
    "Secondary",
    "Academy",
    "College",
    "University",
    "Emergency",
    "Accident",
    "Mental",
    "Protection",
    "Plan",
    "Conference",
    "Meeting",
    "Strategy",
    "Section",
    "Part",
    "Appendix",
    "Chapter",
    "Page",
    "Table",
    "Figure",
    "Paragraph",
    "Finding",
    "Findings",
    "Recommendation",
    "Recommendations",
    "Lesson",
    "Lessons",
    "Learning",
    "Key",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Christmas",
    "Easter",
    "England",
    "Wales",
    "Scotland",
    "Britain",
    "British",
    "English",
    "Welsh",
    "National",
    "Department",
    "Education",
    "Ofsted",
    "Home",
    "Office",
    "Crown",
    "Prosecution",
    "Coroner",
    "Judge",
    "Magistrates",
    "The",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "They",
    "Their",
    "Then",
    "When",
    "Where",
    "What",
    "Which",
    "While",
    "Who",
    "Whose",
    "His",
    "Her",
    "She",
    "He",
    "It",
    "Its",
    "In",
    "On",
    "At",
    "By",
    "For",
    "From",
    "With",
    "And",
    "But",
    "Or",
    "As",
    "If",
    "Of",
    "To",
    "A",
    "An",
    "No",
    "Not",
    "All",
    "Any",
    "Each",
    "Every",
    "Some",
    "Both",
    "Following",
    "After",
    "Before",
    "During",
    "Since",
    "Until",
    "Although",
    "However",
    "Also",
    "Agencies",
    "Agency",
    "Professionals",
    "Street",
    "Green",
    "Park",
    "Hill",
    "Gardens",
    "Terrace",
    "Crescent",
    "Square",
    "Road",
    "Surgery",
    "Clinic",
    "Ward",
    "Group",
    "Project",
    "Programme",
    "Early",
    "Help",
    "Housing",
    "Association",
    "Probation",
    "Youth",
    "Offending",
    "Justice",
    "Cafcass",
    "Mash",
    "Marac",
    "Northern",
    "Southern",
    "Eastern",
    "Western",
    "North",
    "South",
    "East",
    "West",
    "Central",
    "Upper",
    "Lower",
    "Great",
    "Little",
    "New",
    "Old",
    "Saint",
    "St",
    "Royal",
    "Queen",
    "King",
    "Foundation",
    "Limited",
    "Ltd",
    "Inspector",
    "Sergeant",
    "Constable",
    "Detective",
    "Doctor",
    "Dr",
    "Mr",
    "Mrs",
    "Ms",
    "Miss",
    "Professor",
    "Sir",
    "Lady",
    "Lord",
    "Reverend",
    "Father's",
    "Mother's",
];

fn is_given_name(word: &str) -> bool {
    GIVEN_NAMES.contains(&word)
}

fn is_not_name(word: &str) -> bool {
    NOT_NAMES.contains(&word)
}

fn allowed(found: &str, pseudonyms: &[String]) -> bool {
    let found_norm = found.split_whitespace().collect::<Vec<_>>().join(" ");
    pseudonyms.iter().any(|p| {
        let p = p.split_whitespace().collect::<Vec<_>>().join(" ");
        !p.is_empty()
            && (p.eq_ignore_ascii_case(&found_norm) || {
                // "Jade" in the pseudonyms allows "Jade"; "Mr Jones" allows "Jones".
                let words: Vec<&str> = found_norm.split(' ').collect();
                words.len() == 1 && p.split(' ').any(|w| w == words[0])
            })
    })
}

/// A finding before it becomes a warning.
struct Finding {
    start: usize,
    end: usize,
    code: &'static str,
}

/// Likely identifying details in `text`, in order of position, each once. Anything in
/// `pseudonyms` (and the usual pseudonyms: "Child A", "Mother", "Mr X") is allowed.
pub fn anonymisation_warnings(text: &str, pseudonyms: &[String]) -> Vec<Warning> {
    let mut findings: Vec<Finding> = Vec::new();
    names(text, pseudonyms, &mut findings);
    simple(text, &DATE_OF_BIRTH, "date_of_birth", &mut findings);
    simple(text, &ADDRESS, "address", &mut findings);
    simple(text, &POSTCODE, "postcode", &mut findings);
    simple(text, &EMAIL, "email", &mut findings);
    phones(text, &mut findings);
    nhs_numbers(text, &mut findings);
    findings.sort_by_key(|f| (f.start, f.end));
    // A name inside an address ("12 Jade Close") is the address.
    let addresses: Vec<(usize, usize)> = findings
        .iter()
        .filter(|f| f.code == "address" || f.code == "email")
        .map(|f| (f.start, f.end))
        .collect();
    findings.retain(|f| {
        f.code == "address"
            || f.code == "email"
            || !addresses
                .iter()
                .any(|(s, e)| f.start >= *s && f.end <= *e && f.code == "possible_name")
    });
    let mut seen: Vec<(&'static str, String)> = Vec::new();
    let mut warnings = Vec::new();
    for finding in findings {
        let found = normalise(&text[finding.start..finding.end]);
        if seen
            .iter()
            .any(|(code, f)| *code == finding.code && *f == found)
        {
            continue;
        }
        seen.push((finding.code, found.clone()));
        warnings.push(Warning {
            code: finding.code.to_string(),
            message: message(finding.code, &found),
            excerpt: excerpt(text, finding.start, finding.end),
        });
    }
    warnings
}

fn message(code: &str, found: &str) -> String {
    let what = match code {
        "possible_name" => "a person's name",
        "date_of_birth" => "a date of birth",
        "address" => "a street address",
        "postcode" => "a postcode",
        "phone" => "a phone number",
        "email" => "an email address",
        "nhs_number" => "an NHS number",
        _ => "identifying data",
    };
    format!("\"{found}\" may be {what}; anonymise it or confirm that it may be published")
}

fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The finding with about [`CONTEXT_CHARS`] characters either side, on word boundaries
/// where possible, whitespace normalised.
fn excerpt(text: &str, start: usize, end: usize) -> String {
    let before: Vec<(usize, char)> = text[..start].char_indices().collect();
    let from = if before.len() > CONTEXT_CHARS {
        let mut at = before[before.len() - CONTEXT_CHARS].0;
        // Start at a word.
        if let Some(space) = text[at..start].find(char::is_whitespace) {
            at += space;
        }
        at
    } else {
        0
    };
    let to = match text[end..].char_indices().nth(CONTEXT_CHARS) {
        Some((offset, _)) => {
            let mut at = end + offset;
            if let Some(space) = text[end..at].rfind(char::is_whitespace) {
                at = end + space;
            }
            at
        }
        None => text.len(),
    };
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.push_str(&normalise(&text[from..to]));
    if to < text.len() {
        out.push('…');
    }
    out
}

fn simple(
    text: &str,
    pattern: &LazyLock<Option<Regex>>,
    code: &'static str,
    out: &mut Vec<Finding>,
) {
    if let Some(re) = pattern.as_ref() {
        for m in re.find_iter(text) {
            out.push(Finding {
                start: m.start(),
                end: m.end(),
                code,
            });
        }
    }
}

/// Whether the word at `start` begins a sentence (so its capital says nothing).
fn sentence_initial(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end();
    before.is_empty() || before.ends_with(['.', '!', '?', ':', '"', '“', '•', '-', ')'])
}

fn names(text: &str, pseudonyms: &[String], out: &mut Vec<Finding>) {
    let mut taken: Vec<(usize, usize)> = Vec::new();
    hyphenated_names(text, pseudonyms, &mut taken, out);
    if let Some(re) = TITLE_NAME.as_ref() {
        for caps in re.captures_iter(text) {
            let (Some(whole), Some(surname)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            if is_not_name(surname.as_str())
                || allowed(whole.as_str(), pseudonyms)
                || allowed(surname.as_str(), pseudonyms)
            {
                continue;
            }
            taken.push((whole.start(), whole.end()));
            out.push(Finding {
                start: whole.start(),
                end: whole.end(),
                code: "possible_name",
            });
        }
    }
    if let Some(re) = CAPITALISED_PAIR.as_ref() {
        let mut at = 0;
        while let Some(caps) = re.captures_at(text, at) {
            let (Some(whole), Some(first), Some(second)) = (caps.get(0), caps.get(1), caps.get(2))
            else {
                break;
            };
            // Step one word on, so "Dear Jade Smith" still finds "Jade Smith".
            at = first.end();
            let given = first.as_str();
            let known = is_given_name(given) || AMBIGUOUS_GIVEN_NAMES.contains(&given);
            if !known
                || is_not_name(second.as_str())
                || (AMBIGUOUS_GIVEN_NAMES.contains(&given) && sentence_initial(text, first.start()))
                || overlaps(&taken, whole.start(), whole.end())
                || allowed(whole.as_str(), pseudonyms)
            {
                continue;
            }
            taken.push((whole.start(), whole.end()));
            out.push(Finding {
                start: whole.start(),
                end: whole.end(),
                code: "possible_name",
            });
            at = whole.end();
        }
    }
    // A known given name alone, not a pseudonym.
    if let Some(re) = CAPITALISED_WORD.as_ref() {
        for m in re.find_iter(text) {
            let word = m.as_str();
            if !is_given_name(word)
                || AMBIGUOUS_GIVEN_NAMES.contains(&word)
                || overlaps(&taken, m.start(), m.end())
                || allowed(word, pseudonyms)
            {
                continue;
            }
            out.push(Finding {
                start: m.start(),
                end: m.end(),
                code: "possible_name",
            });
        }
    }
}

/// Hyphenated given names ("Lily-Mae", "Lily-Mae Hartley": one half a known given
/// name) and double-barrelled surnames after a capitalised word that is not a role or
/// place ("Ava Smith-Jones", "Kayla Smith-Jones"); hyphenated words ("Multi-Agency",
/// "Follow-Up") and places written in lower case ("Stockton-on-Tees") are not names.
fn hyphenated_names(
    text: &str,
    pseudonyms: &[String],
    taken: &mut Vec<(usize, usize)>,
    out: &mut Vec<Finding>,
) {
    let name_like = |w: &str| !COMPOUND_WORDS.contains(&w) && !is_not_name(w);
    let known = |w: &str| is_given_name(w) || AMBIGUOUS_GIVEN_NAMES.contains(&w);
    let mut push = |start: usize, end: usize, taken: &mut Vec<(usize, usize)>| {
        if overlaps(taken, start, end) {
            return;
        }
        // An allowed pseudonym is taken too, so that its halves are not flagged alone.
        taken.push((start, end));
        if allowed(&text[start..end], pseudonyms) {
            return;
        }
        out.push(Finding {
            start,
            end,
            code: "possible_name",
        });
    };
    if let Some(re) = HYPHENATED_GIVEN.as_ref() {
        for caps in re.captures_iter(text) {
            let (Some(whole), Some(first), Some(second)) = (caps.get(0), caps.get(1), caps.get(2))
            else {
                continue;
            };
            let (a, b) = (first.as_str(), second.as_str());
            if !(known(a) || known(b)) || !name_like(a) || !name_like(b) {
                continue;
            }
            let end = match caps.get(3) {
                Some(surname) if name_like(surname.as_str()) => whole.end(),
                _ => second.end(),
            };
            push(whole.start(), end, taken);
        }
    }
    if let Some(re) = DOUBLE_BARRELLED.as_ref() {
        for caps in re.captures_iter(text) {
            let (Some(whole), Some(given), Some(a), Some(b)) =
                (caps.get(0), caps.get(1), caps.get(2), caps.get(3))
            else {
                continue;
            };
            let g = given.as_str();
            let plausible = known(g)
                || (name_like(g)
                    && !sentence_initial(text, given.start())
                    && !g.ends_with("shire"));
            if plausible && name_like(a.as_str()) && name_like(b.as_str()) {
                push(whole.start(), whole.end(), taken);
            }
        }
    }
}

fn overlaps(taken: &[(usize, usize)], start: usize, end: usize) -> bool {
    taken.iter().any(|(s, e)| start < *e && *s < end)
}

fn phones(text: &str, out: &mut Vec<Finding>) {
    let Some(re) = PHONE.as_ref() else {
        return;
    };
    for m in re.find_iter(text) {
        let digits: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
        let national = match digits.strip_prefix("44") {
            Some(rest) if m.as_str().starts_with('+') => format!("0{rest}"),
            _ => digits,
        };
        let ok = national.starts_with('0')
            && matches!(national.len(), 10 | 11)
            && national[1..].starts_with(['1', '2', '3', '7', '8']);
        if ok {
            out.push(Finding {
                start: m.start(),
                end: m.end(),
                code: "phone",
            });
        }
    }
}

/// Whether ten digits pass the NHS number's modulus 11 check.
pub(crate) fn nhs_check_digit_ok(digits: &[u32]) -> bool {
    if digits.len() != 10 {
        return false;
    }
    let sum: u32 = digits[..9]
        .iter()
        .enumerate()
        .map(|(i, d)| d * (10 - i as u32))
        .sum();
    let check = 11 - sum % 11;
    let check = if check == 11 { 0 } else { check };
    check != 10 && check == digits[9]
}

fn nhs_numbers(text: &str, out: &mut Vec<Finding>) {
    let Some(re) = NHS_NUMBER.as_ref() else {
        return;
    };
    for m in re.find_iter(text) {
        let digits: Vec<u32> = m.as_str().chars().filter_map(|c| c.to_digit(10)).collect();
        let labelled = NHS_CONTEXT
            .as_ref()
            .is_some_and(|ctx| ctx.is_match(&text[..m.start()]));
        let phone_already = out
            .iter()
            .any(|f| f.code == "phone" && f.start <= m.start() && m.end() <= f.end);
        if labelled || (nhs_check_digit_ok(&digits) && !phone_already) {
            out.push(Finding {
                start: m.start(),
                end: m.end(),
                code: "nhs_number",
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_compile() {
        for pattern in [
            &TITLE_NAME,
            &CAPITALISED_PAIR,
            &CAPITALISED_WORD,
            &HYPHENATED_GIVEN,
            &DOUBLE_BARRELLED,
            &DATE_OF_BIRTH,
            &ADDRESS,
            &POSTCODE,
            &PHONE,
            &EMAIL,
            &NHS_NUMBER,
            &NHS_CONTEXT,
        ] {
            assert!(pattern.is_some());
        }
    }

    #[test]
    fn nhs_check_digit() {
        let digits = |s: &str| s.chars().filter_map(|c| c.to_digit(10)).collect::<Vec<_>>();
        assert!(nhs_check_digit_ok(&digits("9434765919")));
        assert!(!nhs_check_digit_ok(&digits("9434765918")));
    }
}
