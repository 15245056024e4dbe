//! Crashes and restarts: the same data dir answers the same searches after SIGKILL, and
//! a lost index is rebuilt from the store at start-up.

use crate::support::{temp_data, Server};

const QUERIES: &[&[(&str, &str)]] = &[
    &[("q", "")],
    &[("q", "neglect")],
    &[("q", "GP missed appointments"), ("view", "lessons")],
    &[("theme", "unseen_men")],
    &[("view", "lessons"), ("level", "inter_agency")],
];

fn totals(server: &Server) -> Vec<u64> {
    QUERIES
        .iter()
        .map(|q| server.search(q)["total"].as_u64().unwrap())
        .collect()
}

#[test]
fn searches_survive_sigkill_and_a_lost_index() {
    let (_dir, data) = temp_data();
    let server = Server::start(&data, true);
    let before = totals(&server);
    assert!(before[0] >= 60);
    server.kill();

    let server = Server::start(&data, false);
    assert_eq!(totals(&server), before, "after SIGKILL and restart");
    server.kill();

    std::fs::remove_dir_all(data.join("index")).unwrap();
    let server = Server::start(&data, false);
    assert_eq!(
        totals(&server),
        before,
        "after rebuilding the index from the store"
    );
}
