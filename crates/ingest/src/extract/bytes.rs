//! Byte-level helpers shared by the sniffer, the text decoder and the readers: finding a
//! byte string, and a byte count in words for messages. It uses no other module.

/// The offset of the first occurrence of `needle` in `haystack`.
pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// "50 MB", "200 KB", "12 bytes".
pub(crate) fn human_size(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{} MB", n >> 20)
    } else if n >= 1 << 10 {
        format!("{} KB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}
