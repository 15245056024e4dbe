//! The codebook of the exports, in one place: what each column of each view holds (its
//! description, here; its name, type and vocabulary come from `lessons_index::export`),
//! rendered as JSON (`GET /api/v1/codebook`) and as the Markdown of `docs/codebook.md`
//! (kept equal by a test).

use lessons_index::export::{columns, Column, ExportView, LIST_SEPARATOR};
use serde::Serialize;
use serde_json::json;

use super::export::CODEBOOK_VERSION;
use super::recurring::{self, What};

/// One column as the codebook describes it.
#[derive(Serialize)]
struct CodebookColumn {
    name: &'static str,
    #[serde(rename = "type")]
    column_type: &'static str,
    description: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    vocabulary: Option<Vec<serde_json::Value>>,
}

/// The codebook as JSON: every column of each view, in export order.
pub fn codebook() -> serde_json::Value {
    let view_columns = |view: ExportView| -> Vec<CodebookColumn> {
        columns(view)
            .iter()
            .map(|column| CodebookColumn {
                name: column.name(),
                column_type: column.column_type().key(),
                description: description(*column, view),
                vocabulary: column.vocabulary().map(|vocabulary| {
                    vocabulary
                        .terms()
                        .iter()
                        .map(|t| json!({ "value": t.slug, "label": t.label }))
                        .collect()
                }),
            })
            .collect()
    };
    let recurring_columns = |what: What| -> Vec<CodebookColumn> {
        recurring::columns(what)
            .iter()
            .map(|column| CodebookColumn {
                name: column.name,
                column_type: column.column_type.key(),
                description: column.description,
                vocabulary: column.vocabulary.map(|vocabulary| {
                    vocabulary
                        .terms()
                        .iter()
                        .map(|t| json!({ "value": t.slug, "label": t.label }))
                        .collect()
                }),
            })
            .collect()
    };
    json!({
        "version": CODEBOOK_VERSION,
        "separator": LIST_SEPARATOR,
        "views": {
            "reviews": view_columns(ExportView::Reviews),
            "lessons": view_columns(ExportView::Lessons),
            "actions": view_columns(ExportView::Actions),
        },
        "recurring": {
            "lessons": recurring_columns(What::Lessons),
            "members": recurring_columns(What::Members),
        }
    })
}

/// The codebook as Markdown: the text of `docs/codebook.md` (a test keeps the file
/// equal to this, so the published codebook never drifts from the code).
pub fn codebook_markdown() -> String {
    let mut out = String::from(
        "# Export codebook\n\n\
         The columns of `GET /api/v1/export` and `lessons export`, view by view, in file order, \
         then those of `GET /api/v1/recurring/export`. \
         Generated from the code (`web/src/formats/codebook.rs`); the same list is served as JSON at \
         `GET /api/v1/codebook`.\n\n\
         - Types: `string`; `integer`; `boolean` (`true`/`false`); `date` (`YYYY-MM-DD`, \
         `incident_date` may be `YYYY-MM`); `list` (a JSON array, or in CSV one cell with the \
         values joined by `; `).\n\
         - An unknown or unrecorded value is an empty CSV cell, or `null` in JSON.\n\
         - CSV only: a cell of text people typed (`title`, `pseudonyms`, `board_name`, \
         `keywords`, `text`, `summary`, `evidence`) that starts with `=`, `+`, `-`, `@`, a tab or a carriage \
         return gets a single quote (`'`) in front, so that spreadsheet programs show it as text \
         instead of running it as a formula (OWASP's advice on CSV injection). Remove that one \
         leading quote to get the text as deposited; JSON, NDJSON, RIS and BibTeX give it \
         unchanged.\n\
         - Vocabulary columns hold slugs; their labels are at `GET /api/v1/vocabularies` and in \
         the JSON codebook.\n",
    );
    out.push_str(&format!("- Codebook version: {CODEBOOK_VERSION}.\n"));
    for view in ExportView::ALL {
        let heading = match view {
            ExportView::Reviews => "Reviews view (`view=reviews`, one row per review)",
            ExportView::Lessons => "Lessons view (`view=lessons`, one row per finding)",
            ExportView::Actions => "Actions view (`view=actions`, one row per action of a recommendation's plan; the other parameters are the lessons view's, and only public reviews' actions are exported)",
        };
        out.push_str(&format!(
            "\n## {heading}\n\n| column | type | vocabulary | description |\n|---|---|---|---|\n"
        ));
        for column in columns(view) {
            let vocabulary = column.vocabulary().map(vocabulary_name).unwrap_or_default();
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                column.name(),
                column.column_type().key(),
                vocabulary,
                description(*column, view)
            ));
        }
    }
    for what in What::ALL {
        let heading = match what {
            What::Lessons => "Recurring lessons (`GET /api/v1/recurring/export?what=lessons`, one row per recurring lesson)",
            What::Members => "Recurring lesson members (`GET /api/v1/recurring/export?what=members`, one row per member finding)",
        };
        out.push_str(&format!(
            "\n## {heading}\n\n| column | type | vocabulary | description |\n|---|---|---|---|\n"
        ));
        for column in recurring::columns(what) {
            let vocabulary = column.vocabulary.map(vocabulary_name).unwrap_or_default();
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                column.name,
                column.column_type.key(),
                vocabulary,
                column.description
            ));
        }
    }
    out
}

/// The name of a vocabulary as the codebook's Markdown shows it.
fn vocabulary_name(vocabulary: lessons_model::Vocabulary) -> &'static str {
    use lessons_model::Vocabulary as V;
    match vocabulary {
        V::Theme => "themes",
        V::Agency => "agencies",
        V::Region => "regions",
        V::ReviewType => "review types",
        V::Methodology => "methodologies",
        V::AgeBand => "age bands",
        V::Incident => "incidents",
        V::Abuse => "abuse",
        V::SourceOfHarm => "sources of harm",
        V::Sex => "sexes",
        V::ParallelProcess => "parallel processes",
        V::OfstedGrade => "Ofsted grades",
        V::LessonKind => "finding kinds",
        V::Level => "levels",
        V::DocumentType => "document types",
        V::Timeliness => "timeliness",
        V::ActionStatus => "action statuses",
        V::Progress => "progress",
    }
}

/// What `column` holds. `view` decides the wording of the columns views share.
pub fn description(column: Column, view: impl Into<ExportView>) -> &'static str {
    let view = view.into();
    let lessons = view == ExportView::Lessons;
    let actions = view == ExportView::Actions;
    match column {
        Column::Id if actions => "The action's citable id: the review id, '#' and the action's id (A<n>, unique within the review, never reused).",
        Column::Permalink if actions => "Web address of the action's recommendation on its review's page.",
        Column::ReviewId if actions => "Id of the review the action's recommendation comes from.",
        Column::Agency if actions => "The agency the recommendation is addressed to (empty for inter-agency recommendations).",
        Column::Overdue if actions => "Whether the action is open (planned or in progress) and its due date is before the day of the export.",
        Column::Rank => "Position in the export's order (1 = first): relevance to the query, or date with sort=newest/oldest.",
        Column::Id if lessons => "The finding's citable id: the review id, '#L' and the finding's number.",
        Column::Id => "The review's citable id, stable and never reused.",
        Column::Permalink if lessons => "Web address of the finding on its review's page.",
        Column::Permalink => "Web address of the review's page.",
        Column::ReviewId => "Id of the review the finding comes from.",
        Column::Title => "The review's title as published.",
        Column::Pseudonyms => "Names the review uses for the children and family (e.g. 'Child A').",
        Column::Board => "Slug of the Local Safeguarding Children Board that ran the review.",
        Column::BoardName => "Full name of that board.",
        Column::Region => "The board's region.",
        Column::ReviewType => "Kind of review.",
        Column::Methodology => "Review methodology, where recorded.",
        Column::Incident => "What happened to the child.",
        Column::Abuse => "Kinds of abuse or neglect known or suspected.",
        Column::SourceOfHarm => "Who harmed the child, where recorded.",
        Column::AgeBand => "Age band of each child the review is about.",
        Column::Sex => "Sex of each child the review is about, in the same order as age_band.",
        Column::IncidentDate => "Date of the incident (YYYY-MM-DD or YYYY-MM).",
        Column::CommissionedOn => "Date the board decided to initiate the review.",
        Column::CompletedOn => "Date the review was completed.",
        Column::PublishedOn => "Date the executive summary was published.",
        Column::Year => "Year of publication (of completion when there is no publication date): the year facet.",
        Column::DurationMonths => "Whole months from commissioning to completion, when both dates are known.",
        Column::OverSixMonths => "Whether the review took longer than the six-month timescale of the statutory guidance; empty when unknown.",
        Column::ParallelProcesses => "Processes running alongside the review (why publication may wait).",
        Column::OfstedGrade => "Ofsted's evaluation of the review (2007 to 2012), where recorded.",
        Column::Themes if lessons => "The finding's own themes: what the theme filter matches in the lessons view.",
        Column::Themes => "The review's themes and those of its findings.",
        Column::ReviewThemes => "The themes of the finding's review: what the review_theme filter matches.",
        Column::Agencies => "Agencies involved with the child and family.",
        Column::ReviewAgencies => "The agencies involved in the finding's review: what the review_agency filter matches.",
        Column::Keywords => "Free keywords as deposited.",
        Column::LessonCount => "Number of findings (lessons, recommendations, good practice) in the review.",
        Column::Kind => "Lesson, recommendation or good practice.",
        Column::Level => "Whether the finding is about one agency or about agencies working together.",
        Column::Agency => "The agency the finding is about or addressed to (individual-agency findings; empty for inter-agency ones): what the agency filter matches in the lessons view.",
        Column::Text => "The finding's full text.",
        Column::RecurringId => "The recurring lesson (rl-N) the finding belongs to, at /recurring/{id}; empty when it is in none.",
        Column::Summary => "Full text of the executive summary, paragraphs separated by blank lines. Long: spreadsheet programs cut cells at 32,767 characters.",
        Column::Actions => "Recommendations only: the number of actions in the recommendation's plan (0 with no plan; empty for other findings).",
        Column::ActionsCompleted => "Recommendations only: how many of those actions are completed.",
        Column::Progress => "Recommendations only: the follow-through derived from the actions: no_plan (no actions), not_started (every open action still planned), in_progress, completed (every action completed, superseded or not accepted, at least one completed), not_accepted. Empty for other findings. The progress facet also has the value overdue, a flag beside these (see overdue): an overdue recommendation is counted under both its progress and overdue.",
        Column::Overdue => "Recommendations only: whether an open (planned or in progress) action's due date is before the day of the export, worked out on that day (an action due tomorrow is overdue the day after); what progress=overdue matches.",
        Column::FindingId => "The recommendation the action belongs to: the review id, '#L' and the finding's number.",
        Column::FindingNumber => "The recommendation's number among its review's findings (from 1).",
        Column::ActionId => "The action's id within its review (A<n>).",
        Column::ActionText => "What the board said would be done.",
        Column::Owner => "The lead agency for the action.",
        Column::Due => "The target date.",
        Column::ActionStatus => "planned, in_progress, completed, not_accepted or superseded.",
        Column::CompletedOnTime => "Completed actions only: whether it was completed by its due date, i.e. its updated_on (the day it was last changed, normally the day it was marked completed) is on or before due; empty for actions not completed.",
        Column::Evidence => "What the board reports as evidence of the action's progress or completion.",
        Column::UpdatedOn => "The day the action was last changed.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `docs/codebook.md` is generated: run with UPDATE_DOCS=1 to rewrite it.
    #[test]
    fn the_published_codebook_matches_the_code() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/codebook.md");
        let expected = codebook_markdown();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(&path, &expected).unwrap();
        }
        let published = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            published == expected,
            "docs/codebook.md is out of date: run UPDATE_DOCS=1 cargo test -p lessons-web --lib codebook"
        );
    }

    #[test]
    fn every_column_is_described() {
        for view in ExportView::ALL {
            assert!(columns(view)
                .iter()
                .all(|c| !description(*c, view).is_empty()));
        }
    }

    #[test]
    fn the_codebook_lists_every_column_with_its_vocabulary() {
        let book = codebook();
        let lessons = book["views"]["lessons"].as_array().unwrap();
        assert_eq!(lessons.len(), columns(ExportView::Lessons).len());
        let level = lessons.iter().find(|c| c["name"] == "level").unwrap();
        assert_eq!(level["vocabulary"][0]["value"], "individual");
        assert_eq!(book["separator"], "; ");
        assert_eq!(lessons.last().unwrap()["name"], "recurring_id");
        let actions = book["views"]["actions"].as_array().unwrap();
        let status = actions.iter().find(|c| c["name"] == "status").unwrap();
        assert_eq!(status["vocabulary"][0]["value"], "planned");
        let progress = lessons.iter().find(|c| c["name"] == "progress").unwrap();
        assert!(progress["description"].as_str().unwrap().contains("both"));
        let members = book["recurring"]["members"].as_array().unwrap();
        assert_eq!(members.len(), recurring::MEMBER_COLUMNS.len());
        assert_eq!(book["recurring"]["lessons"][0]["name"], "id");
    }
}
