//! The operations of the [`Store`](crate::Store), one area per module, each an
//! `impl Store` over the layers below (the store, `write`, the records and the leaves).
//! This module only declares them.

pub(crate) mod accounts;
pub(crate) mod audit;
pub(crate) mod backup;
pub(crate) mod check;
pub(crate) mod files;
pub(crate) mod listings;
pub(crate) mod reviews;
