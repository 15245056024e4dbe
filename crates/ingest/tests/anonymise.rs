//! The anonymisation check: each kind of identifying detail is found with its context;
//! pseudonyms, roles, agencies and places are not.

use lessons_ingest::anonymisation_warnings;

fn found(text: &str) -> Vec<(String, String)> {
    anonymisation_warnings(text, &[])
        .into_iter()
        .map(|w| (w.code, w.excerpt))
        .collect()
}

#[test]
fn each_kind_is_found_with_its_excerpt() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "Child A lived with her aunt, Kirsty Hollins, during the summer of 2009.",
            "possible_name",
            "Kirsty Hollins",
        ),
        (
            "The referral was made by Mrs Pemberton, who lived next door to the family.",
            "possible_name",
            "Mrs Pemberton",
        ),
        (
            "Later that year Mr Okafor moved into the flat with the mother.",
            "possible_name",
            "Mr Okafor",
        ),
        (
            "The health visitor noted that Jade had lost weight since the last visit.",
            "possible_name",
            "Jade",
        ),
        (
            "Child B was born on 3 March 2007 at the general hospital in the county.",
            "date_of_birth",
            "born on 3 March 2007",
        ),
        (
            "The referral form gave DOB: 14/02/2011 and the name of the school.",
            "date_of_birth",
            "DOB: 14/02/2011",
        ),
        (
            "Her date of birth was 2 June 2005, according to the school's records.",
            "date_of_birth",
            "date of birth was 2 June 2005",
        ),
        (
            "The family then moved to 27 Larkspur Close on the edge of the estate.",
            "address",
            "27 Larkspur Close",
        ),
        (
            "Police attended a flat at 4 Mill Lane after a neighbour called.",
            "address",
            "4 Mill Lane",
        ),
        (
            "The new address was in the BS16 4QT area of the town, near the park.",
            "postcode",
            "BS16 4QT",
        ),
        (
            "The mother's mobile, 07700 900123, was often switched off.",
            "phone",
            "07700 900123",
        ),
        (
            "The duty desk on 0117 496 0321 took the call late at night.",
            "phone",
            "0117 496 0321",
        ),
        (
            "A text was sent from +44 7700 900456 the next morning.",
            "phone",
            "+44 7700 900456",
        ),
        (
            "The GP wrote to mum.smith1982@examplemail.co.uk about the missed visit.",
            "email",
            "mum.smith1982@examplemail.co.uk",
        ),
        (
            "The discharge letter quoted NHS number 943 476 5919 in full.",
            "nhs_number",
            "943 476 5919",
        ),
        (
            "The child's number 9434765919 appeared on the referral.",
            "nhs_number",
            "9434765919",
        ),
    ];
    for (text, code, snippet) in cases {
        let warnings = anonymisation_warnings(text, &[]);
        let hit = warnings.iter().find(|w| w.code == *code);
        let Some(hit) = hit else {
            panic!("{code} not found in {text:?}: {warnings:?}");
        };
        assert!(
            hit.excerpt.contains(snippet),
            "{code}: {:?} lacks {snippet:?}",
            hit.excerpt
        );
        assert!(hit.message.contains(snippet), "{code}: {:?}", hit.message);
    }
}

#[test]
fn the_excerpt_is_about_forty_characters_either_side() {
    let text = format!(
        "{} Mrs Pemberton {}",
        "word ".repeat(30),
        "more ".repeat(30)
    );
    let warnings = anonymisation_warnings(&text, &[]);
    assert_eq!(warnings.len(), 1);
    let excerpt = &warnings[0].excerpt;
    assert!(excerpt.contains("Mrs Pemberton"));
    let len = excerpt.chars().count();
    assert!((60..=110).contains(&len), "{len}: {excerpt}");
    assert!(excerpt.starts_with('…') && excerpt.ends_with('…'));
}

#[test]
fn pseudonyms_roles_agencies_and_places_are_not_flagged() {
    let text = "Child A lived with Mother and Father in Barsetshire. Baby T was seen by the Health Visitor. \
        Mr X and Ms K attended the Child Protection Conference at Barsetshire County Council. \
        Sibling 1 and Sibling 2 went to Oakfield Primary School. The Local Safeguarding Children Board \
        commissioned the Serious Case Review in March 2009. Children's Social Care and Barsetshire Police \
        held a strategy discussion on Monday. The General Practitioner referred the family to CAMHS. \
        In June the family moved to the North West. Following the Initial Child Protection Conference, \
        the Core Group met. The review was published in 2010 and 12 recommendations were made.";
    let warnings = anonymisation_warnings(text, &[]);
    assert!(warnings.is_empty(), "{warnings:#?}");
}

#[test]
fn names_listed_as_pseudonyms_are_allowed() {
    let text = "Jade lived with her mother. Mr Green, the mother's partner, was rarely seen. Kirsty Hollins was her aunt.";
    let pseudonyms = vec!["Jade".to_string(), "Mr Green".to_string()];
    let codes: Vec<_> = anonymisation_warnings(text, &pseudonyms)
        .into_iter()
        .map(|w| w.excerpt)
        .collect();
    assert_eq!(codes.len(), 1, "{codes:?}");
    assert!(codes[0].contains("Kirsty Hollins"));
}

#[test]
fn findings_are_deduplicated_and_in_order() {
    let text = "Police went to 27 Larkspur Close. Mrs Pemberton called the police. Later Mrs Pemberton called again from 27 Larkspur Close.";
    let codes: Vec<_> = found(text).into_iter().map(|(code, _)| code).collect();
    assert_eq!(codes, ["address", "possible_name"]);
}

#[test]
fn ordinary_numbers_are_not_phones_or_nhs_numbers() {
    let text = "Between 2008 and 2010 there were 1234 contacts; the review cost 15000 pounds. \
        The chronology has 112 entries over 36 months, and the reference 2011/0456 was used.";
    assert!(found(text).is_empty(), "{:?}", found(text));
}

/// Hyphenated given names and double-barrelled surnames are names (issue 15: "Lily-Mae
/// Hartley" went unflagged); hyphenated words and places are not.
#[test]
fn hyphenated_and_double_barrelled_names_are_flagged() {
    let cases: &[(&str, &str)] = &[
        (
            "The nursery said that Lily-Mae Hartley had been collected late.",
            "Lily-Mae Hartley",
        ),
        (
            "The social worker visited Ava Smith-Jones at her grandmother's flat.",
            "Ava Smith-Jones",
        ),
        (
            "Her friend Tiegan Ashworth-Clarke told a teacher about the messages.",
            "Tiegan Ashworth-Clarke",
        ),
        (
            "The health visitor weighed Lily-Mae at the clinic.",
            "Lily-Mae",
        ),
    ];
    for (text, name) in cases {
        let found = found(text);
        assert!(
            found
                .iter()
                .any(|(code, excerpt)| code == "possible_name" && excerpt.contains(name)),
            "{text}: {found:?}"
        );
        let warnings = anonymisation_warnings(text, &[]);
        assert!(
            warnings
                .iter()
                .any(|w| w.message.contains(&format!("\"{name}\""))),
            "{text}: {warnings:?}"
        );
    }
    let text = "A follow-up visit was booked. The Multi-Agency Safeguarding Hub and the \
        Follow-Up Clinic in Stockton-on-Tees shared a Self-Harm Pathway with Newcastle-upon-Tyne. \
        The Barsetshire Multi-Agency Panel met. A Child-Centred Approach was agreed.";
    assert_eq!(found(text), Vec::<(String, String)>::new());
    // A pseudonym given by the depositor is allowed.
    let allowed = anonymisation_warnings(
        "The nursery said that Lily-Mae had been collected late.",
        &["Lily-Mae".to_string()],
    );
    assert!(allowed.is_empty(), "{allowed:?}");
}
