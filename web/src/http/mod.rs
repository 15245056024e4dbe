//! HTTP plumbing shared by the API, the pages and the feeds: how errors become answers
//! ([`errors`], the only mapping of a domain condition to a status), how handlers reach
//! the service off the executor ([`blocking`]), who is calling ([`session`]), request
//! bodies ([`body`]), settings and absolute URLs ([`config`]), the page frame
//! ([`layout`]), download names ([`download`]) and the middleware ([`middleware`]).
//! It calls the service; it never calls the API, pages, feeds or command line.

pub mod blocking;
pub mod body;
pub mod conditional;
pub mod config;
pub mod download;
pub mod errors;
pub mod layout;
pub mod middleware;
pub mod session;

#[cfg(test)]
mod body_properties;
