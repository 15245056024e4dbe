//! `/help`: what the site holds and how to use it, in plain words: reviews, findings
//! (lessons, recommendations, good practice), individual-agency and inter-agency
//! findings, how to search, how timeliness is measured, what is public and what is not.
//! Static text, linked from the header of every page.

use actix_web::{web, HttpResponse};
use lessons_model::vocab::TEXT_SYNONYMS;
use maud::{html, Markup};

use crate::http::config::SiteConfig;
use crate::http::layout::{layout_as, Section};
use crate::http::session::Viewer;

/// Acronyms whose meaning the help page lists (each with the first full form the
/// search knows for it).
const ACRONYMS: [&str; 5] = ["gp", "a&e", "csc", "dv", "camhs"];

/// `GET /help`
pub async fn help(viewer: Viewer, config: web::Data<SiteConfig>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(layout_as("Help", &config, Section::Help, viewer.who(), render()).into_string())
}

fn render() -> Markup {
    html! {
        div.prose {
            h1 { "Help" }
            p.lede { "What this site holds, how to find what you need in it, and what the words on its pages mean." }
            nav aria-labelledby="help-contents" {
                h2 #help-contents { "On this page" }
                ul {
                    li { a href="#words" { "Reviews, findings, lessons, recommendations and good practice" } }
                    li { a href="#levels" { "Individual agency and inter-agency" } }
                    li { a href="#searching" { "How to search" } }
                    li { a href="#recurring" { "Recurring lessons" } }
                    li { a href="#timeliness" { "How timeliness is measured" } }
                    li { a href="#public" { "What is public and what is not" } }
                    li { a href="#data" { "Downloads and data" } }
                }
            }
            h2 #words { "Reviews, findings, lessons, recommendations and good practice" }
            dl.glossary {
                dt { "Review" }
                dd { "A serious case review: a Local Safeguarding Children Board looks back at what happened to a child who died or was seriously harmed, and at how the agencies involved worked with the child and family. This site holds each review's executive summary, the facts about it (board, dates, the child's age band, themes) and its findings." }
                dt { "Finding" }
                dd { "One point a review makes about practice. Each finding is one of three kinds (below), is about one agency or about agencies together, and has its own number and web address (for example " code { "#L3" } ") so that it can be cited on its own." }
                dt { "Lesson" }
                dd { "Something the review says should be learnt: what went wrong or was missed, and why it matters for other children." }
                dt { "Recommendation" }
                dd { "Something the review asks an agency, or the board, to do differently." }
                dt { "Good practice" }
                dd { "Something that went well and is worth repeating elsewhere." }
            }
            p { "The search can show reviews (one result per review) or lessons (one result per finding, of any kind). “Lessons” in the menu means every finding; the " strong { "Kind of finding" } " filter narrows it to lessons, recommendations or good practice." }

            h2 #levels { "Individual agency and inter-agency" }
            p { "An " strong { "individual-agency" } " finding is about one agency's own practice, for example a health visiting service or the police, and names that agency. An " strong { "inter-agency" } " finding is about how agencies worked together: sharing information, referrals between services, joint meetings, who held the whole picture." }
            p { "In the lessons view, the agency and level filters match the finding itself. In the reviews view, they match a review when the review or any of its findings carries the value." }

            h2 #searching { "How to search" }
            ul {
                li { strong { "Plain words" } " find results that contain most of them; results with more of your words, and rarer ones, come first. You can type a sentence: " q { "bruising in a baby who is not yet mobile" } "." }
                li { strong { "A phrase in quotes" } " must appear as written: " code { "\"disguised compliance\"" } "." }
                li { strong { "A minus sign" } " leaves out results with a word: " code { "neglect -housing" } ". " code { "+word" } " or " code { "AND" } " between words makes every word required; " code { "OR" } " between words accepts either." }
                li {
                    strong { "Acronyms and their full forms" } " find each other: "
                    @for (i, (short, long)) in acronyms().iter().enumerate() {
                        @if i > 0 { ", " }
                        code { (short.to_uppercase()) } " and " q { (long) }
                    }
                    ". Theme names work the same way: a search for a theme also finds reviews tagged with it."
                }
                li { strong { "Spelling" } ": a longer word that hardly appears also finds words spelt nearly the same, and the page offers “Did you mean …?” when another spelling would find more." }
                li { strong { "Filters" } " beside the results narrow them by theme, agency, level, region, board, age of child and more; values of one filter are alternatives, different filters must all match. The " strong { "year range" } " under the search box keeps results from those years: the year a review was published, or completed when it has no publication date." }
            }

            h2 #recurring { "Recurring lessons" }
            p { "A " strong { "recurring lesson" } " is one practice point that several reviews have made, each in its own words: for example that a baby's bruise was accepted without question, or that a mother's new partner was never assessed. It joins findings of at least two different published reviews; most findings belong to none, and none belongs to more than one. " a href="/recurring" { "Recurring lessons" } " lists them, the ones found by most reviews first." }
            p { "They are found by the site, not by hand: each finding's words are reduced to the practice terms they use (with acronyms and their full forms counted as the same), findings of different reviews that share enough of those terms are compared, and only groups whose findings are close to one another as a whole are kept, so that two findings that merely share a theme are not put together. Only published findings count; a draft or a review under embargo never adds to a recurring lesson. Groups are worked out again as reviews are published, amended or withdrawn; a group that is replaced points to the one that took over its findings." }
            p { "Each recurring lesson has a printable " strong { "7-minute briefing" } " for team meetings, and so does each review." }

            h2 #timeliness { "How timeliness is measured" }
            p { "Statutory guidance expected a serious case review to be completed within six months of the board's decision to initiate it. Each review's timeliness is measured from that decision (the date it was commissioned) to the date it was completed, in whole months." }
            p { "Results and review pages say, for example, “completed in 10 months: over the six-month target”, or “completed in 5 months: within the six-month target”. When either date is not recorded, results say nothing about it, the review page says it is not known, and the " strong { "Timeliness" } " filter counts the review as unknown. A long review is not in itself a poor one: parallel processes such as criminal proceedings often hold a review up." }

            h2 #public { "What is public and what is not" }
            ul {
                li { "Public: a review the board has published, with its executive summary as published, its facts and its findings, once any embargo date has passed." }
                li { "Not public: drafts, reviews under embargo (they appear by themselves on the embargo date), and withdrawn reviews (only a notice of withdrawal remains). They never appear in search results, counts, charts, downloads or feeds." }
                li { "Original files a board uploads are kept for the board and administrators; the public sees only a file the board marked as the public, anonymised version." }
                li { "Reviews name no child or family: pseudonyms such as “Child A” are used, and boards check every review for identifying details before they publish it." }
            }

            h2 #data { "Downloads and data" }
            p {
                "Every search can be downloaded whole (CSV, JSON, NDJSON, RIS, BibTeX) from the links above its results. "
                a href="/codebook" { "What the columns mean" } " describes every column of those files. "
                a href="/insights" { "Insights" } " counts the results of any search by two facets, as charts and tables. "
                "Programs can use " a href="/api" { "the API" } "."
            }
        }
    }
}

/// Each of [`ACRONYMS`] with the first longer form in its synonym group.
fn acronyms() -> Vec<(&'static str, &'static str)> {
    ACRONYMS
        .iter()
        .filter_map(|short| {
            let group = TEXT_SYNONYMS.iter().find(|g| g.contains(short))?;
            let long = group.iter().find(|w| w.contains(' '))?;
            Some((*short, *long))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_acronym_has_its_full_form() {
        let pairs = acronyms();
        assert_eq!(pairs.len(), ACRONYMS.len());
        assert!(pairs.contains(&("gp", "general practitioner")));
    }
}
