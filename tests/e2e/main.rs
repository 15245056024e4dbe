//! End-to-end tests: the real `lessons` binary, started on a free loopback port with the
//! demo corpus or a fresh data directory, checked over HTTP and on the command line.
//! One test binary (`mod`s below) so that linking stays fast.

mod accounts;
mod actions;
mod api;
mod audit;
mod backup;
mod check;
mod citation_meta;
mod cli;
mod crash;
mod deposit;
mod discovery;
mod everyday;
mod export;
mod feeds;
mod header;
mod headers;
mod hostile;
mod live;
mod metrics;
mod oai;
mod openapi;
mod pages;
mod private_files;
mod progress;
mod recurring;
mod recurring_pages;
mod restart;
mod search_cache;
mod search_filters;
mod security;
mod shutdown;
mod snapshot;
mod stats;
mod support;
mod upload;
mod visibility;
