//! [`SearchGate`]: how many searches are computed at once, and in which order the rest
//! wait (first come, first served).
//!
//! Every request runs on the blocking thread pool, which has hundreds of threads. With
//! no bound, 64 concurrent searches on a 2-core machine all run at once, each getting a
//! sliver of a core: every search finishes late, and a deposit arriving among them gets
//! the same sliver, so writes wait on searches they have nothing to do with. A bounded
//! number of running searches (like Elasticsearch's search thread pool, sized by the
//! cores) keeps the cores busy, finishes searches in arrival order, and leaves writes,
//! sign-ins and page loads a core's worth of room. An answer already in the result
//! cache never waits; a search that finds its answer there only after waiting its turn
//! (the same search finished ahead of it) has held a turn for that lookup.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::Thread;

/// A first-come, first-served counting semaphore for searches. A finishing search
/// hands its turn to the oldest waiting one and wakes that thread alone (a condition
/// variable woken for all would wake every waiting thread at each handover).
#[derive(Debug)]
pub struct SearchGate {
    turns: Mutex<Turns>,
}

#[derive(Debug)]
struct Turns {
    running: usize,
    limit: usize,
    waiting: VecDeque<Arc<Waiter>>,
}

/// A thread waiting for its turn, and whether it was given it.
#[derive(Debug)]
struct Waiter {
    thread: Thread,
    given: AtomicBool,
}

impl Waiter {
    fn give_turn(&self) {
        self.given.store(true, Ordering::Release);
        self.thread.unpark();
    }
}

/// The default limit: one search per core (at least 2).
pub fn default_limit() -> usize {
    std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(2)
        .max(2)
}

impl SearchGate {
    /// At most `limit` searches at once (0 counts as 1).
    pub fn new(limit: usize) -> SearchGate {
        SearchGate {
            turns: Mutex::new(Turns {
                running: 0,
                limit: limit.max(1),
                waiting: VecDeque::new(),
            }),
        }
    }

    /// Changes the limit (searches already running finish; a higher limit lets
    /// waiting ones in at once).
    pub fn set_limit(&self, limit: usize) {
        let mut turns = self.lock();
        turns.limit = limit.max(1);
        while turns.running < turns.limit {
            let Some(next) = turns.waiting.pop_front() else {
                break;
            };
            turns.running += 1;
            next.give_turn();
        }
    }

    /// Searches waiting for their turn now.
    pub fn waiting(&self) -> u64 {
        self.lock().waiting.len() as u64
    }

    /// Runs `search` when its turn comes.
    pub fn pass<T>(&self, search: impl FnOnce() -> T) -> T {
        let _turn = self.enter();
        search()
    }

    fn enter(&self) -> Turn<'_> {
        let waiter = {
            let mut turns = self.lock();
            if turns.running < turns.limit && turns.waiting.is_empty() {
                turns.running += 1;
                return Turn(self);
            }
            let waiter = Arc::new(Waiter {
                thread: std::thread::current(),
                given: AtomicBool::new(false),
            });
            turns.waiting.push_back(Arc::clone(&waiter));
            waiter
        };
        // `park` may return spuriously: the flag says whether the turn was given.
        while !waiter.given.load(Ordering::Acquire) {
            std::thread::park();
        }
        Turn(self)
    }

    /// The counters stay consistent whatever panicked while holding them (each change
    /// is one step), so a poisoned lock is used as it is.
    fn lock(&self) -> MutexGuard<'_, Turns> {
        self.turns
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A running search's turn; dropping it (even by a panic) hands it to the oldest
/// waiting search, or frees it.
struct Turn<'a>(&'a SearchGate);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut turns = self.0.lock();
        if turns.running > turns.limit {
            // The limit was lowered: this turn is not handed on.
            turns.running -= 1;
            return;
        }
        match turns.waiting.pop_front() {
            Some(next) => next.give_turn(),
            None => turns.running -= 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SearchGate;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    #[test]
    fn never_runs_more_than_the_limit_and_lets_everyone_through() {
        let gate = Arc::new(SearchGate::new(2));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..12)
            .map(|_| {
                let (gate, running, most) = (gate.clone(), running.clone(), most.clone());
                std::thread::spawn(move || {
                    gate.pass(|| {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(5));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
        assert_eq!(gate.waiting(), 0);
    }

    /// A thread holding a turn of `gate` until the sender is sent to (it holds it
    /// once this returns).
    fn hold_a_turn(
        gate: &Arc<SearchGate>,
    ) -> (
        std::sync::mpsc::Sender<()>,
        std::thread::JoinHandle<Option<()>>,
    ) {
        let (hold, release) = std::sync::mpsc::channel::<()>();
        let first = {
            let gate = gate.clone();
            std::thread::spawn(move || gate.pass(|| release.recv().ok()))
        };
        while gate.lock().running == 0 {
            std::thread::yield_now();
        }
        (hold, first)
    }

    #[test]
    fn waiting_searches_run_in_arrival_order() {
        let gate = Arc::new(SearchGate::new(1));
        let order = Arc::new(Mutex::new(Vec::new()));
        let (hold, first) = hold_a_turn(&gate);
        let mut waiters = Vec::new();
        for n in 0..4 {
            let (waiter_gate, order) = (gate.clone(), order.clone());
            waiters.push(std::thread::spawn(move || {
                waiter_gate.pass(|| order.lock().unwrap().push(n))
            }));
            // Each takes its ticket before the next starts.
            while gate.waiting() < n + 1 {
                std::thread::yield_now();
            }
        }
        hold.send(()).unwrap();
        first.join().unwrap();
        for waiter in waiters {
            waiter.join().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), [0, 1, 2, 3]);
    }

    #[test]
    fn a_higher_limit_lets_waiting_searches_in_at_once() {
        let gate = Arc::new(SearchGate::new(1));
        let (hold, first) = hold_a_turn(&gate);
        let (done, finished) = std::sync::mpsc::channel();
        let second = {
            let gate = gate.clone();
            std::thread::spawn(move || gate.pass(|| done.send(()).ok()))
        };
        while gate.waiting() == 0 {
            std::thread::yield_now();
        }
        gate.set_limit(2);
        // The second runs while the first still holds its turn.
        assert!(finished.recv_timeout(Duration::from_secs(10)).is_ok());
        hold.send(()).unwrap();
        first.join().unwrap();
        second.join().unwrap();
        assert_eq!(gate.lock().running, 0);
    }

    #[test]
    fn a_panicking_search_gives_its_turn_back() {
        let gate = Arc::new(SearchGate::new(1));
        let panicked = {
            let gate = gate.clone();
            std::thread::spawn(move || gate.pass(|| panic!("a search failed")))
        };
        assert!(panicked.join().is_err());
        assert_eq!(gate.pass(|| 7), 7);
        gate.set_limit(0);
        assert_eq!(gate.lock().limit, 1, "at least one search runs");
    }
}
