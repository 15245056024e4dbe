//! The frame of every HTML page: skip link, header with navigation (the current section
//! marked; on signed-in pages, who is signed in and a sign-out button), the
//! demonstration banner when the demo corpus is served, main content and footer.

use maud::{html, Markup, DOCTYPE};

use super::config::SiteConfig;

/// The section of the site a page belongs to, marked in the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Home,
    Reviews,
    Lessons,
    Themes,
    Recurring,
    Insights,
    Api,
    Help,
    Other,
}

/// Who is signed in, as the header shows it: the email, and the session's CSRF token
/// for the sign-out form (none for a caller with a bearer token: no button).
#[derive(Debug, Clone, Copy)]
pub struct SignedInAs<'a> {
    pub email: &'a str,
    pub csrf: Option<&'a str>,
}

/// The page frame: skip link, header with navigation, main content, footer.
pub fn layout(title: &str, config: &SiteConfig, section: Section, body: Markup) -> Markup {
    layout_as(title, config, section, None, body)
}

/// [`layout`] for a signed-in page: the header says who is signed in, with a sign-out
/// button.
pub fn layout_as(
    title: &str,
    config: &SiteConfig,
    section: Section,
    who: Option<SignedInAs>,
    body: Markup,
) -> Markup {
    layout_with_head(title, config, section, who, html! {}, body)
}

/// [`layout_as`] with more elements in the page's `head` (a review's citation metadata).
pub fn layout_with_head(
    title: &str,
    config: &SiteConfig,
    section: Section,
    who: Option<SignedInAs>,
    head: Markup,
    body: Markup,
) -> Markup {
    let nav = [
        ("/search", "Search reviews", Section::Reviews),
        ("/search?view=lessons", "Search lessons", Section::Lessons),
        ("/themes", "Themes", Section::Themes),
        ("/recurring", "Recurring lessons", Section::Recurring),
        ("/insights", "Insights", Section::Insights),
        ("/api", "API", Section::Api),
        ("/help", "Help", Section::Help),
    ];
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – Lessons" }
                link rel="stylesheet" href="/static/site.css";
                (head)
            }
            body {
                a.skip-link href="#main" { "Skip to main content" }
                header {
                    div.site-header {
                        div.wrap {
                            a.site-name href="/" aria-current=[(section == Section::Home).then_some("page")] { "Lessons" span.visually-hidden { ": home" } }
                            nav.site-nav aria-label="Main" {
                                ul {
                                    @for (href, text, of) in nav {
                                        li { a href=(href) aria-current=[(section == of).then_some("page")] { (text) } }
                                    }
                                    li { a href="/deposit" { "Deposit" } }
                                    @if who.is_some() { li { a href="/my" { "My reviews" } } }
                                }
                            }
                            @if let Some(who) = who {
                                div.account {
                                    span { "Signed in as " strong { (who.email) } }
                                    @if let Some(csrf) = who.csrf {
                                        form method="post" action="/logout" {
                                            input type="hidden" name="csrf" value=(csrf);
                                            button.link-button type="submit" { "Sign out" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if config.demo {
                        div.banner {
                            div.wrap {
                                p { strong { "Demonstration. " } "Every review on this site is fiction written for the project; no real child, family or case is described." }
                            }
                        }
                    }
                }
                main #main.wrap tabindex="-1" { (body) }
                footer.site-footer {
                    div.wrap {
                        p { "Lessons: a national repository of serious case review lessons, for Local Safeguarding Children Boards, practitioners and researchers." }
                        p { "Data as JSON: " a href="/api/v1/search" { "/api/v1/search" } ", " a href="/api/v1/vocabularies" { "/api/v1/vocabularies" } "; " a href="/api" { "the API documentation" } "." }
                    }
                }
            }
        }
    }
}
