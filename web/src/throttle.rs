//! Sign-in throttling: failed password attempts are counted per account and per client
//! address over a sliding [`WINDOW`]; past the limit, further attempts are refused
//! (HTTP 429 with `Retry-After`) without checking the password, until the oldest failure
//! in the window ages out. A successful sign-in clears the account's count. State is in
//! memory, shared by every worker of the server, and bounded to [`MAX_KEYS`] keys.
//!
//! Behind a reverse proxy every client has the proxy's address, so the per-address limit
//! is set high enough not to lock everyone out; the per-account limit does the real work.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How far back failures count.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failures of one account within the window before it is paused.
pub const PER_ACCOUNT: usize = 5;
/// Failures from one address within the window before it is paused.
pub const PER_ADDRESS: usize = 50;
/// Most keys remembered; the stalest are forgotten beyond this.
const MAX_KEYS: usize = 100_000;

/// Failed sign-ins, by account and by address.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginThrottle {
    /// `Err(wait)` when `email` or `address` has failed too often lately.
    pub fn check(&self, email: &str, address: Option<IpAddr>) -> Result<(), Duration> {
        self.check_at(email, address, Instant::now())
    }

    /// Counts a failed attempt.
    pub fn failed(&self, email: &str, address: Option<IpAddr>) {
        self.failed_at(email, address, Instant::now())
    }

    /// Forgets the account's failures after a successful sign-in.
    pub fn succeeded(&self, email: &str) {
        self.lock().remove(&account_key(email));
    }

    fn check_at(&self, email: &str, address: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let mut failures = self.lock();
        let mut wait = Duration::ZERO;
        for (key, limit) in keys(email, address) {
            if let Some(times) = failures.get_mut(&key) {
                forget_old(times, now);
                if times.len() >= limit {
                    let oldest = times[times.len() - limit];
                    wait = wait.max(WINDOW.saturating_sub(now.duration_since(oldest)));
                }
            }
        }
        if wait.is_zero() {
            Ok(())
        } else {
            Err(wait.max(Duration::from_secs(1)))
        }
    }

    fn failed_at(&self, email: &str, address: Option<IpAddr>, now: Instant) {
        let mut failures = self.lock();
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, times| {
                forget_old(times, now);
                !times.is_empty()
            });
        }
        if failures.len() >= MAX_KEYS {
            return; // every key is live: keep what is known rather than grow further
        }
        for (key, limit) in keys(email, address) {
            let times = failures.entry(key).or_default();
            forget_old(times, now);
            times.push_back(now);
            while times.len() > limit {
                times.pop_front();
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<Instant>>> {
        // Counts are advisory: a panic elsewhere leaves them usable.
        self.failures.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn account_key(email: &str) -> String {
    format!("account:{}", email.trim().to_lowercase())
}

fn keys(email: &str, address: Option<IpAddr>) -> Vec<(String, usize)> {
    let mut keys = vec![(account_key(email), PER_ACCOUNT)];
    if let Some(address) = address {
        keys.push((format!("address:{address}"), PER_ADDRESS));
    }
    keys
}

fn forget_old(times: &mut VecDeque<Instant>, now: Instant) {
    while times
        .front()
        .is_some_and(|t| now.duration_since(*t) >= WINDOW)
    {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));

    #[test]
    fn an_account_is_paused_after_five_failures_until_the_first_ages_out() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        for n in 0..PER_ACCOUNT as u64 {
            assert!(throttle.check_at("A@b.example", HOME, start).is_ok());
            throttle.failed_at("a@b.example", HOME, start + Duration::from_secs(n * 60));
        }
        let now = start + Duration::from_secs(5 * 60);
        assert_eq!(
            throttle.check_at("a@B.example", HOME, now),
            Err(Duration::from_secs(10 * 60))
        );
        assert!(throttle.check_at("other@b.example", HOME, now).is_ok());
        assert!(throttle
            .check_at("a@b.example", HOME, start + WINDOW)
            .is_ok());
    }

    #[test]
    fn success_clears_the_account() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..PER_ACCOUNT {
            throttle.failed_at("a@b.example", None, now);
        }
        assert!(throttle.check_at("a@b.example", None, now).is_err());
        throttle.succeeded("a@b.example");
        assert!(throttle.check_at("a@b.example", None, now).is_ok());
    }

    #[test]
    fn one_address_guessing_many_accounts_is_paused() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for n in 0..PER_ADDRESS {
            throttle.failed_at(&format!("user{n}@b.example"), HOME, now);
        }
        assert!(throttle.check_at("fresh@b.example", HOME, now).is_err());
        assert!(throttle.check_at("fresh@b.example", None, now).is_ok());
    }
}
