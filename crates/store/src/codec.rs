//! How values and numbers are written to sled. Values are JSON, LZ4-compressed above
//! [`COMPRESS_OVER`] bytes (marked by a leading [`COMPRESSED`] byte, which JSON never starts
//! with); numbers in keys and `meta` are big-endian, so that sled's order is numeric
//! order. Knows only [`crate::error`].

use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError};

/// The first byte of a compressed value.
pub(crate) const COMPRESSED: u8 = 0x01;
/// Values longer than this (in bytes of JSON) are stored compressed.
pub(crate) const COMPRESS_OVER: usize = 1024;
/// The largest value a compressed record may claim to expand to.
const MAX_VALUE_BYTES: usize = 1 << 30;

/// `value` as JSON, compressed when long (see the module doc).
pub(crate) fn encode_json<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(value).map_err(|e| StoreError::Corrupt {
        what: "encoding".into(),
        message: e.to_string(),
    })?;
    if json.len() <= COMPRESS_OVER {
        return Ok(json);
    }
    let compressed = lz4_flex::block::compress_prepend_size(&json);
    let mut stored = Vec::with_capacity(compressed.len() + 1);
    stored.push(COMPRESSED);
    stored.extend_from_slice(&compressed);
    Ok(stored)
}

/// A value written by [`encode_json`] (or plain JSON, as format version 1 wrote).
pub(crate) fn decode_json<T: for<'de> Deserialize<'de>>(bytes: &[u8], what: &str) -> Result<T> {
    let corrupt = |message: String| StoreError::Corrupt {
        what: what.to_string(),
        message,
    };
    let parsed = match bytes.split_first() {
        Some((&COMPRESSED, rest)) => {
            let json = decompress(rest).map_err(corrupt)?;
            serde_json::from_slice(&json)
        }
        _ => serde_json::from_slice(bytes),
    };
    parsed.map_err(|e| corrupt(e.to_string()))
}

/// LZ4 block with its little-endian u32 length first; the length is checked before
/// anything is allocated.
fn decompress(block: &[u8]) -> std::result::Result<Vec<u8>, String> {
    let (size, data) = match block.split_first_chunk::<4>() {
        Some((size, data)) => (u32::from_le_bytes(*size) as usize, data),
        None => return Err("a compressed value is cut short".into()),
    };
    if size > MAX_VALUE_BYTES {
        return Err(format!("a compressed value claims {size} bytes"));
    }
    lz4_flex::block::decompress(data, size).map_err(|e| e.to_string())
}

/// A big-endian u64 (a sequence number or a counter).
pub(crate) fn decode_u64(bytes: &[u8], what: &str) -> Result<u64> {
    let array: [u8; 8] = bytes.try_into().map_err(|_| StoreError::Corrupt {
        what: what.to_string(),
        message: format!("expected 8 bytes, found {}", bytes.len()),
    })?;
    Ok(u64::from_be_bytes(array))
}

/// A big-endian u32 (the format version).
pub(crate) fn decode_u32(bytes: &[u8], what: &str) -> Result<u32> {
    let array: [u8; 4] = bytes.try_into().map_err(|_| StoreError::Corrupt {
        what: what.to_string(),
        message: format!("expected 4 bytes, found {}", bytes.len()),
    })?;
    Ok(u32::from_be_bytes(array))
}
