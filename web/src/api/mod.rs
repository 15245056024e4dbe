//! The JSON API (DESIGN §6), one file per surface: [`search`] (search, similar,
//! vocabularies), [`reviews`] (read, deposit, amend, publish, withdraw, revisions,
//! files), [`cite`], [`export`] (exports and the codebook), [`stats`], [`recurring`]
//! (recurring lessons and their exports), [`health`] (`/healthz`, `/metrics`), [`actions`]
//! (recommendations' action plans) and [`docs`] (`/api/openapi.json`). Handlers parse, call the
//! service through `http::blocking::Pool` and render JSON; errors are `http::errors`.

pub mod actions;
pub mod cite;
pub mod docs;
pub mod export;
pub mod health;
pub mod recurring;
pub mod reviews;
pub mod search;
pub mod stats;
