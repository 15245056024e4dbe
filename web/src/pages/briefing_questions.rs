//! Questions for reflection on the printable briefings, as data: two or three per theme
//! of the vocabulary (written for this project, in our own words), and a few general
//! ones for a briefing whose findings carry no theme. [`questions_for`] picks them by
//! the themes a briefing involves, most frequent theme first.

/// Questions for each theme slug of `lessons_model::vocab::THEMES`.
pub const THEME_QUESTIONS: &[(&str, &[&str])] = &[
    ("physical_abuse", &[
        "When an injury is explained, who in our service checks that the explanation fits the injury and the child's age and development?",
        "How would we know if the same child had been seen with injuries by another service?",
    ]),
    ("emotional_abuse", &[
        "What does emotional harm look like in the children we see, and how do we record it when nothing is visible?",
        "When did we last talk with a child about how they feel at home, not only about what happened?",
    ]),
    ("abusive_head_trauma", &[
        "Do the parents and carers we meet hear, from us, how to cope when a baby will not stop crying?",
        "Which early signs (vomiting, drowsiness, a large head) would prompt us to ask for a medical opinion the same day?",
    ]),
    ("bruising_in_non_mobile_infants", &[
        "Does everyone in our team know that any bruise on a baby who is not yet mobile needs a referral, whatever the explanation?",
        "What stops a practitioner from following the bruising protocol, and how can we make it easier?",
    ]),
    ("neglect", &[
        "How do we see the build-up of small concerns over months, rather than judging each one alone?",
        "What does a good day look like for this child, and how far is today from it?",
        "When did we last measure change against what we asked the family to do?",
    ]),
    ("online_abuse", &[
        "Do we ask children and young people about their online lives as routinely as about school and friends?",
        "Who in our service knows how to preserve and pass on evidence of harm online?",
    ]),
    ("intrafamilial_sexual_abuse", &[
        "What makes it hard for a child to tell us about abuse at home, and what have we done to make it easier?",
        "When a child's behaviour changes, do we consider sexual abuse among the possible causes?",
    ]),
    ("child_sexual_exploitation", &[
        "Do we see the young person as a victim even when they say they consent or do not want our help?",
        "How do we share what we learn about places and adults linked to exploitation?",
    ]),
    ("child_criminal_exploitation", &[
        "When a young person is found carrying drugs or far from home, do we ask who is exploiting them before what they did wrong?",
        "Which services hear about missing episodes, arrests and exclusions, and who puts them together?",
    ]),
    ("fabricated_or_induced_illness", &[
        "When a child's reported symptoms do not match what professionals observe, who is responsible for saying so?",
        "How do we keep one shared medical chronology when many clinicians are involved?",
    ]),
    ("sudden_unexpected_death_in_infancy", &[
        "Do we talk about safer sleep with every family, and again when their circumstances change?",
        "How do we adapt safer sleep advice for families under stress, who drink or use drugs, or who move often?",
    ]),
    ("suicide_and_self_harm", &[
        "When a young person tells us they have hurt themselves, what happens next, and who follows it up?",
        "How do we involve parents and schools while respecting what the young person wants?",
    ]),
    ("disabled_children", &[
        "Do we find a way to hear from a disabled child who does not use speech, rather than relying on their parents?",
        "Could we be explaining signs of harm by the child's condition?",
    ]),
    ("looked_after_children_and_care_leavers", &[
        "Who is the consistent adult for this young person, and do they know it?",
        "What happens to the support a care leaver needs on their eighteenth birthday?",
    ]),
    ("vulnerable_adolescents", &[
        "Are we treating an adolescent's risky behaviour as a choice rather than as a sign of harm?",
        "Which of our services stop seeing a young person at sixteen or eighteen, and who carries on?",
    ]),
    ("missing_and_not_in_school", &[
        "When a child stops attending school or goes missing, how quickly does someone ask why and tell the others involved?",
        "Do we know which children in our area are educated at home, and who sees them?",
    ]),
    ("fgm_forced_marriage_honour_abuse", &[
        "Does our team know the mandatory reporting duty for female genital mutilation and how to act on it?",
        "How do we speak to a young person alone, safely, when the family may be the risk?",
    ]),
    ("trafficking_and_unaccompanied_children", &[
        "When a young person's age or story is doubted, does our response still put their safety first?",
        "Who do we tell, and how fast, when a child may have been trafficked?",
    ]),
    ("harmful_sexual_behaviour", &[
        "Do we respond to a child who harms others as a child who may also need protection?",
        "How do we keep the children who were harmed safe while the child who harmed is helped?",
    ]),
    ("parental_mental_health", &[
        "When we treat a parent's mental health, do we ask about the children and what they see at home?",
        "Who tells children's services when a parent's mental health gets worse?",
    ]),
    ("parental_substance_misuse", &[
        "Do adult services ask about children in the home, and tell others when use increases or relapse happens?",
        "How do we check what a parent tells us about their drinking or drug use?",
    ]),
    ("parental_learning_disability", &[
        "Have we adapted what we ask of a parent with a learning disability so that they can understand and do it?",
        "Who supports the parent, and who keeps the child's needs in view at the same time?",
    ]),
    ("domestic_abuse", &[
        "Do we ask about domestic abuse safely and routinely, with the parent alone?",
        "How do we hear what the child has seen and heard, not only what the adults report?",
        "When a victim says the abuser has left, how do we check?",
    ]),
    ("unseen_men", &[
        "Who are the men in this child's life, and have we met them?",
        "Do we assess fathers, stepfathers and partners as carers and as possible risks, or only the mother?",
    ]),
    ("pregnancy_prebirth_and_young_parents", &[
        "Do we begin planning early enough in a pregnancy when there are known risks?",
        "How do we support a young parent who is still a child themselves?",
    ]),
    ("poverty_housing_and_transience", &[
        "When a family moves, who makes sure the records and the concerns move with them?",
        "Do we tell neglect apart from poverty, and offer practical help for both?",
    ]),
    ("race_culture_and_faith", &[
        "Have we asked the family about their culture and faith rather than assuming?",
        "Could assumptions about a community have made us accept something we would question elsewhere?",
    ]),
    ("parents_own_adverse_childhood", &[
        "What do we know of the parents' own childhoods, and how does it shape what they can do now?",
        "Do we use the parents' history to understand risk, without letting it excuse harm to the child?",
    ]),
    ("thresholds_and_escalation", &[
        "Does everyone in our team know how to escalate when they disagree with a decision about a child?",
        "When a referral is not accepted, who checks that the concern is still being acted on?",
    ]),
    ("disguised_compliance", &[
        "How do we tell real change in a family from agreement that does not change anything for the child?",
        "What evidence would we need to see, not only hear, before closing a case?",
    ]),
    ("professional_curiosity_and_challenge", &[
        "When did we last ask a question we were afraid to ask of a family or of a colleague?",
        "What helps us stay curious when a family is hostile, charming or very busy?",
    ]),
    ("history_and_chronologies", &[
        "Do we read the history before we act, including what happened with older brothers and sisters?",
        "Who keeps a single chronology of the family, and who can see it?",
    ]),
    ("information_sharing", &[
        "What stops us sharing a concern with another agency, and is the reason a good one?",
        "When we share information, do we check that it arrived and was understood?",
    ]),
    ("risk_assessment", &[
        "Was our assessment updated when the family's circumstances changed?",
        "Whose views shaped the assessment, and whose were missing?",
    ]),
    ("supervision_and_workload", &[
        "Does supervision give practitioners time to think about a child, not only to review tasks?",
        "How do we notice when a caseload is too heavy for good work, and what do we do about it?",
    ]),
    ("cross_boundary_working", &[
        "When a family crosses into another area, who hands over, and who confirms it was received?",
        "Do we know whom to call in the neighbouring area, and do we call?",
    ]),
    ("child_protection_processes", &[
        "Are the actions in our plans specific, owned and reviewed, or just listed?",
        "Do the right people come to child protection meetings, and what do we do when they do not?",
    ]),
    ("voice_of_the_child", &[
        "When did someone last see this child alone, and what did the child say?",
        "How does what the child tells us change what we do?",
        "What would the child say about our help if we asked?",
    ]),
    ("policies_procedures_and_recording", &[
        "Do our procedures help practitioners do the right thing, or stand in their way?",
        "Would someone reading our records understand why we decided what we did?",
    ]),
    ("early_help", &[
        "How do we notice when early help is not working, and step up in time?",
        "Who holds the whole picture while a family is supported by early help?",
    ]),
];

/// Questions for a briefing whose findings carry no theme, or to make up the number.
pub const GENERAL_QUESTIONS: &[&str] = &[
    "Could this happen in our service? What would stop it?",
    "What is one thing we will do differently after today, and who will check it has happened?",
];

/// The questions of one theme (none for a slug not in the vocabulary).
pub fn theme_questions(slug: &str) -> &'static [&'static str] {
    THEME_QUESTIONS
        .iter()
        .find(|(theme, _)| *theme == slug)
        .map(|(_, questions)| *questions)
        .unwrap_or(&[])
}

/// At most `max` questions for a briefing on `themes` (most frequent first): the first
/// question of each theme in turn, then the second, and so on, then the general ones.
/// Each question appears once, with the theme it comes from (none for a general one).
pub fn questions_for(themes: &[String], max: usize) -> Vec<(Option<String>, &'static str)> {
    let lists: Vec<(&String, &[&str])> = themes
        .iter()
        .map(|theme| (theme, theme_questions(theme)))
        .filter(|(_, questions)| !questions.is_empty())
        .collect();
    let mut chosen: Vec<(Option<String>, &'static str)> = Vec::new();
    let deepest = lists.iter().map(|(_, q)| q.len()).max().unwrap_or(0);
    'rounds: for round in 0..deepest {
        for (theme, questions) in &lists {
            if chosen.len() >= max {
                break 'rounds;
            }
            if let Some(question) = questions.get(round) {
                chosen.push((Some((*theme).clone()), question));
            }
        }
    }
    for question in GENERAL_QUESTIONS {
        if chosen.len() >= max {
            break;
        }
        chosen.push((None, question));
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use lessons_model::vocab::THEMES;

    #[test]
    fn every_theme_has_two_or_three_questions() {
        for theme in THEMES {
            let count = theme_questions(theme.slug).len();
            assert!(
                (2..=3).contains(&count),
                "{} has {count} questions",
                theme.slug
            );
        }
        // No entry for a slug the vocabulary does not know.
        for (slug, _) in THEME_QUESTIONS {
            assert!(
                THEMES.iter().any(|t| t.slug == *slug),
                "{slug} is not a theme"
            );
        }
    }

    #[test]
    fn questions_follow_the_themes_involved() {
        let picked = questions_for(&["unseen_men".into(), "neglect".into()], 4);
        assert_eq!(picked.len(), 4);
        assert_eq!(picked[0].0.as_deref(), Some("unseen_men"));
        assert_eq!(picked[1].0.as_deref(), Some("neglect"));
        assert_eq!(picked[2].0.as_deref(), Some("unseen_men"));
        let none = questions_for(&[], 3);
        assert_eq!(none.len(), GENERAL_QUESTIONS.len());
        assert!(none.iter().all(|(theme, _)| theme.is_none()));
    }
}
