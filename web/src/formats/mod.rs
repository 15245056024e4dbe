//! Encoders shared by the API and the command line: the export file formats and their
//! codebook, citations (words, RIS, BibTeX), the wide CSV of a cross-tabulation, and XML
//! text escaping. They
//! turn model and index values into bytes, and know nothing of HTTP or the store.

pub mod citation;
pub mod codebook;
pub mod crosstab;
pub mod export;
pub mod recurring;
pub mod xml;
