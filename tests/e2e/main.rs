//! End-to-end tests: the real `lessons` binary, started on a free loopback port with the
//! demo corpus or a fresh data directory, checked over HTTP and on the command line.
//! One test binary (`mod`s below) so that linking stays fast.

mod accounts;
mod api;
mod audit;
mod backup;
mod check;
mod cli;
mod crash;
mod deposit;
mod everyday;
mod export;
mod feeds;
mod header;
mod headers;
mod hostile;
mod live;
mod metrics;
mod openapi;
mod pages;
mod private_files;
mod restart;
mod search_filters;
mod security;
mod shutdown;
mod snapshot;
mod stats;
mod support;
mod upload;
mod visibility;
