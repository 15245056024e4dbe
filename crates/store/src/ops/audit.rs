//! Reading the audit log (for `/admin/audit`): the entries a filter selects, newest
//! first, and the length of the log.

use crate::audit::{AuditEntry, AuditFilter};
use crate::codec::decode_json;
use crate::error::Result;
use crate::store::Store;

impl Store {
    /// Up to `limit` entries matching `filter`, newest first.
    pub fn audit(&self, filter: &AuditFilter, limit: usize) -> Result<Vec<AuditEntry>> {
        let end = filter.before.unwrap_or(u64::MAX).to_be_bytes();
        let mut found = Vec::new();
        for entry in self.audit.range(..end).rev() {
            let (_, value) = entry?;
            let entry: AuditEntry = decode_json(&value, "audit entry")?;
            if filter.matches(&entry) {
                found.push(entry);
                if found.len() == limit {
                    break;
                }
            }
        }
        Ok(found)
    }

    /// How many entries the log holds.
    pub fn audit_len(&self) -> usize {
        self.audit.len()
    }
}
