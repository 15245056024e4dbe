//! The Lessons web site, JSON API and command line. Only this crate knows HTTP, HTML
//! and the JSON shapes of DESIGN §6. Layers, each calling only those below it:
//!
//! - [`cli`]: the `lessons` binary's subcommands; it calls the service, and [`app`] to serve.
//! - [`app`]: every route, the app state and the server.
//! - [`api`] (the JSON API), [`pages`] (the site), [`feeds`] (Atom), [`oai`] (OAI-PMH)
//!   and [`discovery`] (robots, sitemaps): handlers that
//!   parse, call the service through `http::blocking::Pool`, and render. They never
//!   call each other.
//! - [`http`]: errors as answers (the one mapping), the blocking pool, who is calling,
//!   bodies, settings and absolute URLs, the page frame, middleware.
//! - [`service`]: the only code that touches the store and the index; synchronous, no HTTP.
//! - [`formats`] (export encoders, citations, codebook), [`openapi`] (the API document),
//!   [`metrics`] (the Prometheus registry) and [`throttle`] (sign-in throttling): leaves
//!   that know neither HTTP handlers nor the store.

pub mod api;
pub mod app;
pub mod cli;
pub mod discovery;
pub mod feeds;
pub mod formats;
pub mod http;
pub mod metrics;
pub mod oai;
pub mod openapi;
pub mod pages;
pub mod service;
pub mod throttle;

#[cfg(test)]
mod test_fixtures;
#[cfg(test)]
mod tests;
