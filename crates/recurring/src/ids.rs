//! Stable ids across regroupings: each new group takes the id of the old group with
//! which it shares the most findings (greedy, largest overlap first, each old id used
//! once); other new groups get `rl-{next_id}`; an old id that maps to no new group is
//! retired with its successor (the new group holding most of its old members) or none.

use std::collections::{BTreeMap, HashMap};

use crate::{Group, Grouping};

/// Names `groups` (finding ids, already in member order) against `previous`.
pub(crate) fn name(groups: Vec<Vec<String>>, previous: &Grouping) -> Grouping {
    let mut old_of: HashMap<&str, usize> = HashMap::new();
    for (i, group) in previous.groups.iter().enumerate() {
        for member in &group.members {
            old_of.insert(member.as_str(), i);
        }
    }
    // overlap[(old, new)] = shared findings
    let mut overlap: HashMap<(usize, usize), usize> = HashMap::new();
    for (j, group) in groups.iter().enumerate() {
        for member in group {
            if let Some(&i) = old_of.get(member.as_str()) {
                *overlap.entry((i, j)).or_default() += 1;
            }
        }
    }
    let mut pairs: Vec<((usize, usize), usize)> = overlap.iter().map(|(k, v)| (*k, *v)).collect();
    pairs.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| {
                id_number(&previous.groups[a.0 .0].id).cmp(&id_number(&previous.groups[b.0 .0].id))
            })
            .then(a.0 .1.cmp(&b.0 .1))
    });
    let mut new_id: Vec<Option<String>> = vec![None; groups.len()];
    let mut old_used = vec![false; previous.groups.len()];
    for ((i, j), _) in &pairs {
        if !old_used[*i] && new_id[*j].is_none() {
            old_used[*i] = true;
            new_id[*j] = Some(previous.groups[*i].id.clone());
        }
    }
    let highest = previous
        .groups
        .iter()
        .map(|g| &g.id)
        .chain(previous.retired.keys())
        .filter_map(|id| id_number(id))
        .max()
        .unwrap_or(0);
    let mut next_id = previous.next_id.max(highest + 1).max(1);
    let ids: Vec<String> = new_id
        .into_iter()
        .map(|id| {
            id.unwrap_or_else(|| {
                let id = format!("rl-{next_id}");
                next_id += 1;
                id
            })
        })
        .collect();

    let mut retired = previous.retired.clone();
    for (i, old) in previous.groups.iter().enumerate() {
        if old_used[i] {
            continue;
        }
        // The new group holding most of its old members.
        let successor = pairs
            .iter()
            .filter(|((oi, _), _)| *oi == i)
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0 .1.cmp(&a.0 .1)))
            .map(|((_, j), _)| ids[*j].clone());
        retired.insert(old.id.clone(), successor);
    }
    resolve_chains(&mut retired);

    let mut named: Vec<Group> = groups
        .into_iter()
        .zip(ids)
        .map(|(members, id)| Group { id, members })
        .collect();
    named.sort_by_key(|g| id_number(&g.id));
    Grouping {
        groups: named,
        next_id,
        retired,
    }
}

/// A retired id whose successor was itself retired later points to that one's successor.
fn resolve_chains(retired: &mut BTreeMap<String, Option<String>>) {
    let snapshot = retired.clone();
    for successor in retired.values_mut() {
        let mut hops = 0;
        while let Some(next) = successor.as_ref().and_then(|s| snapshot.get(s)) {
            *successor = next.clone();
            hops += 1;
            if hops > snapshot.len() {
                *successor = None;
                break;
            }
        }
    }
}

/// The number of an id `rl-N`.
pub(crate) fn id_number(id: &str) -> Option<u64> {
    id.strip_prefix("rl-")?.parse().ok()
}
