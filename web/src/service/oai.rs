//! The records OAI-PMH harvesters see (`/oai`, the `oai` module renders them): every
//! review the public can read now, and every withdrawn review that was public once, as
//! a deleted record. Drafts, embargoed reviews and reviews withdrawn before they were
//! ever public are not records at all.
//!
//! A record's datestamp is when what a harvester gets last changed: the later of the
//! review's `updated_at` and the first second (UTC) of its embargo date, the day it
//! became public, so that an incremental harvest from before that day picks it up.
//! Records come sorted by datestamp, then id, which resumption tokens continue from.
//!
//! Also the secret key resumption tokens are signed with, kept as a store setting
//! (made on first use, once, under the write lock).

use std::collections::HashMap;

use lessons_model::dates::parse_date;
use lessons_model::{Review, Status};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::error::ServiceResult;
use super::repository::Repository;
use super::reviews::withdrawal_notice;

/// The store setting that holds the token key (hex).
const KEY_SETTING: &str = "oai_token_key";

/// One record: a public review, or the id of a withdrawn one.
#[derive(Debug, Clone)]
pub struct OaiRecord {
    /// The review as the public sees it (for a deleted record: its stored form, of which
    /// only the id, board, region and themes are shown, as set memberships).
    pub review: Review,
    pub datestamp: OffsetDateTime,
    pub deleted: bool,
}

impl Repository {
    /// Every record, by datestamp then id.
    pub fn oai_records(&self) -> ServiceResult<Vec<OaiRecord>> {
        let today = OffsetDateTime::now_utc().date();
        let regions = self.board_regions()?;
        let mut records = Vec::new();
        for review in self.store.reviews() {
            let review = review.map_err(super::repository::RepositoryError::from)?;
            records.extend(record_of(review, &regions, today));
        }
        records.sort_by(|a, b| {
            a.datestamp
                .cmp(&b.datestamp)
                .then_with(|| a.review.id.cmp(&b.review.id))
        });
        Ok(records)
    }

    /// The record of review `id`, when it is one (GetRecord reads this review only).
    pub fn oai_record(&self, id: &str) -> ServiceResult<Option<OaiRecord>> {
        let Some(review) = self.store.review(id)? else {
            return Ok(None);
        };
        let today = OffsetDateTime::now_utc().date();
        Ok(record_of(review, &self.board_regions()?, today))
    }

    fn board_regions(&self) -> ServiceResult<HashMap<String, String>> {
        Ok(self
            .boards()?
            .into_iter()
            .map(|b| (b.slug, b.region))
            .collect())
    }

    /// The key resumption tokens are signed with (made and stored on first use).
    pub fn oai_token_key(&self) -> ServiceResult<Vec<u8>> {
        if let Some(key) = self
            .store
            .setting(KEY_SETTING)?
            .and_then(|hex| decode_hex(&hex))
        {
            return Ok(key);
        }
        let mut fresh = [0u8; 32];
        getrandom::fill(&mut fresh)
            .map_err(|e| super::ServiceError::internal(&e, "no random numbers for a token key"))?;
        let stored = self.setting_or_init(KEY_SETTING, &encode_hex(&fresh))?;
        decode_hex(&stored)
            .ok_or_else(|| super::ServiceError::internal(&"bad key", "the token key is unreadable"))
    }
}

/// `review` as a record: public today, or withdrawn after it was public (deleted);
/// `None` for a draft, an embargoed review or one withdrawn before it was ever public.
fn record_of(
    mut review: Review,
    regions: &HashMap<String, String>,
    today: time::Date,
) -> Option<OaiRecord> {
    let deleted = if review.is_public_on(today) {
        false
    } else if review.status == Status::Withdrawn && withdrawal_notice(&review).is_some() {
        true
    } else {
        return None;
    };
    if review.region.is_none() {
        review.region = regions.get(&review.board).cloned();
    }
    review.keep_public_files();
    let datestamp = datestamp(&review);
    Some(OaiRecord {
        review,
        datestamp,
        deleted,
    })
}

/// When what a harvester gets of `review` last changed (see the module documentation).
fn datestamp(review: &Review) -> OffsetDateTime {
    let updated = review
        .updated_at
        .as_deref()
        .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let embargo_end = review
        .embargo_until
        .as_deref()
        .and_then(parse_date)
        .map(|day| day.midnight().assume_utc());
    match embargo_end {
        Some(end) if review.status == Status::Published => updated.max(end),
        _ => updated,
    }
    .replace_nanosecond(0)
    .unwrap_or(updated)
}

fn encode_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || text.len() < 32 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(updated_at: &str, embargo_until: Option<&str>, status: Status) -> Review {
        Review {
            updated_at: Some(updated_at.into()),
            embargo_until: embargo_until.map(str::to_string),
            status,
            ..Review::default()
        }
    }

    #[test]
    fn a_record_dates_from_its_last_change_or_the_day_its_embargo_ended() {
        let stamp = |r: &Review| datestamp(r).format(&Rfc3339).unwrap();
        let plain = review("2012-05-01T10:00:00.123Z", None, Status::Published);
        assert_eq!(stamp(&plain), "2012-05-01T10:00:00Z");
        let embargoed = review(
            "2012-05-01T10:00:00Z",
            Some("2013-02-01"),
            Status::Published,
        );
        assert_eq!(
            stamp(&embargoed),
            "2013-02-01T00:00:00Z",
            "public from that day"
        );
        let amended_after = review(
            "2013-03-05T09:30:00Z",
            Some("2013-02-01"),
            Status::Published,
        );
        assert_eq!(stamp(&amended_after), "2013-03-05T09:30:00Z");
        let withdrawn = review(
            "2013-04-01T08:00:00Z",
            Some("2013-02-01"),
            Status::Withdrawn,
        );
        assert_eq!(stamp(&withdrawn), "2013-04-01T08:00:00Z");
    }

    #[test]
    fn keys_read_back_from_hex() {
        let key = [0xabu8; 32];
        assert_eq!(decode_hex(&encode_hex(&key)), Some(key.to_vec()));
        assert_eq!(decode_hex("zz"), None);
        assert_eq!(decode_hex("abc"), None);
    }
}
