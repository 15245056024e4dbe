//! The Lessons web site, JSON API and command line. Only this crate knows HTTP, HTML
//! and the JSON shapes of DESIGN §6.
//!
//! - [`repository`]: a data directory opened for use; keeps the index in step with the store.
//! - [`app`]: routes, headers and the server; [`api`] the JSON API (read side) and
//!   [`deposit_api`] its write side; [`auth`] tokens, sessions and passwords; [`pages`] the site.
//! - [`cli`]: the `lessons` binary's subcommands; [`import`] JSON Lines import; [`demo`] the bundled corpus;
//!   [`snapshot`] the public dump (`lessons dump` / `lessons restore`); [`check`] `lessons check`;
//!   [`control`] the operator's socket (`lessons backup` while the server runs).
//! - [`errors`]: every error as an HTTP answer; [`citation`] citing a review (words, RIS, BibTeX);
//!   [`export`] streamed exports of whole result sets and their codebook; [`stats`]
//!   cross-tabulations of any search (JSON and CSV).
//! - [`metrics`]: `GET /metrics` (Prometheus) and the middleware that counts requests.
//! - [`openapi`]: the OpenAPI document of the API (`/api/openapi.json`, and the `/api` page).

pub mod api;
pub mod app;
pub mod auth;
pub mod check;
pub mod citation;
pub mod cli;
pub mod control;
pub mod demo;
pub mod deposit_api;
pub mod deposit_form;
pub mod errors;
pub mod export;
pub mod feeds;
pub mod import;
pub mod metrics;
pub mod openapi;
pub mod pages;
pub mod repository;
pub mod snapshot;
pub mod stats;
pub mod throttle;
pub mod upload;

#[cfg(test)]
mod tests;
