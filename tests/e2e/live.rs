//! Operator commands on a running service (through its control socket): `board add`,
//! `user add`, `token add`, `import`, `export`, `dump` and `check` work while the server
//! runs and their effects are live at once (a new board in `/api/v1/vocabularies`, valid against
//! the OpenAPI schema; a new user signs in; a new token works; an import is searchable);
//! refusals say the same and exit the same with and without the server; `check` reports
//! the same live and stopped; the socket is owner-only and a socket open to others is not
//! used; commands that need the server stopped say so.

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::process::Output;
use std::time::Duration;

use serde_json::{json, Value};

use crate::support::{
    add_barsetshire, run_cli, run_cli_with_input, temp_data, write_lines, Server,
};

const PASSWORD: &str = "a long enough password\n";

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn succeeds(output: &Output) -> String {
    assert!(output.status.success(), "{}", stderr(output));
    stderr(output)
}

fn review(title: &str, word: &str) -> Value {
    json!({
        "title": title, "board": "wessex", "incident": "serious_harm",
        "child": { "age_band": "under_1", "sex": "male" }, "themes": ["neglect"],
        "commissioned_on": "2010-01-10", "completed_on": "2010-06-30", "published_on": "2010-09-01",
        "summary": format!("The health visitor noticed the {word} in the kitchen."),
        "lessons": [{ "kind": "lesson", "level": "inter_agency", "text": "Write down what is seen." }]
    })
}

#[test]
fn operator_commands_work_while_the_server_runs() {
    let (dir, data) = temp_data();
    add_barsetshire(&data);
    let server = Server::start(&data, false);

    // The control socket is the owner's only.
    let socket = std::fs::symlink_metadata(data.join("control.sock")).expect("a control socket");
    assert!(socket.file_type().is_socket());
    assert_eq!(socket.permissions().mode() & 0o777, 0o600);

    // board add: the board is in the vocabularies at once, as the schema says.
    let added = run_cli(
        &data,
        &[
            "board",
            "add",
            "wessex",
            "--name",
            "Wessex Safeguarding Board",
            "--region",
            "south_west",
        ],
    );
    assert!(succeeds(&added).contains("board wessex saved"));
    let (status, vocabularies) = server.json("/api/v1/vocabularies");
    assert_eq!(status, 200);
    let boards = vocabularies["boards"].as_array().expect("boards listed");
    assert!(
        boards.contains(&json!({
            "slug": "wessex", "name": "Wessex Safeguarding Board", "region": "south_west"
        })),
        "{boards:?}"
    );
    assert!(boards.iter().any(|b| b["slug"] == "barsetshire"));
    let (_, document) = server.json("/api/openapi.json");
    let problems = conforms(&document, &vocabularies, &schema_ref("Vocabularies"), "");
    assert!(problems.is_empty(), "{problems:#?}");

    // user add (password on stdin): the user signs in on the site.
    let added = run_cli_with_input(
        &data,
        &[
            "user",
            "add",
            "officer@wessex.example",
            "--board",
            "wessex",
            "--role",
            "depositor",
        ],
        PASSWORD,
    );
    assert!(succeeds(&added).contains("user officer@wessex.example saved"));
    assert!(added.stdout.is_empty());
    assert_eq!(
        sign_in(&server, "officer@wessex.example", PASSWORD.trim()),
        303
    );
    assert_eq!(
        sign_in(&server, "officer@wessex.example", "wrong password!"),
        401
    );

    // token add: one token, alone on stdout, that works on the API.
    let token = run_cli(&data, &["token", "add", "officer@wessex.example"]);
    succeeds(&token);
    let stdout = String::from_utf8(token.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout:?}");
    let token = stdout.trim();
    let (status, created) = server.send(
        "POST",
        "/api/v1/reviews",
        Some(token),
        Some(&review("Serious Case Review: Child Heron", "kettle")),
    );
    assert_eq!(status, 201, "{created}");

    // import: what it imports is searchable at once.
    let file = dir.path().join("live.jsonl");
    write_lines(
        &file,
        &[
            review("Serious Case Review: Child Plover", "xylophone").to_string(),
            "{not json".to_string(),
        ],
    );
    let imported = run_cli(&data, &["import", file.to_str().unwrap()]);
    let said = stderr(&imported);
    assert_eq!(imported.status.code(), Some(1), "a bad line fails: {said}");
    assert!(said.contains("line 2: not valid JSON"), "{said}");
    assert!(said.contains("imported 1 review; refused 1 line"), "{said}");
    assert_eq!(server.search(&[("q", "xylophone")])["total"], 1);

    // export: the same bytes as the API's export of the same search.
    let csv = dir.path().join("neglect.csv");
    let exported = run_cli(
        &data,
        &[
            "export",
            "theme=neglect",
            "--output",
            csv.to_str().unwrap(),
            "--site-url",
            &server.base,
        ],
    );
    assert!(succeeds(&exported).contains("exported 1 row to"));
    let (status, api) = server.get("/api/v1/export?theme=neglect&format=csv");
    assert_eq!(status, 200);
    let file = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(file, api);
    assert!(file.contains("xylophone"), "{file}");

    // dump to standard output: the header and the one public review.
    let dumped = run_cli(&data, &["dump", "--output", "-"]);
    assert!(succeeds(&dumped).contains("dumped 1 public review of 1 board to standard output"));
    let dump = String::from_utf8(dumped.stdout).unwrap();
    assert_eq!(dump.lines().count(), 2, "{dump}");
    assert!(dump.contains("Child Plover"));

    // check: all well, read at one moment (the accounts written above included), and
    // the same report as once the server is stopped.
    let live_check = run_cli(&data, &["check"]);
    succeeds(&live_check);
    let report = String::from_utf8(live_check.stdout).unwrap();
    assert!(report.ends_with("ok\n"), "{report}");
    assert!(
        report.contains("index: 1 reviews, 1 findings; 0 problems"),
        "{report}"
    );

    // Commands that need the server stopped say so.
    for args in [&["reindex"][..], &["check", "--repair"]] {
        let refused = run_cli(&data, args);
        assert_eq!(refused.status.code(), Some(1));
        assert!(
            stderr(&refused).contains("needs the server stopped"),
            "{}",
            stderr(&refused)
        );
    }
    drop(server);
    let stopped_check = run_cli(&data, &["check"]);
    succeeds(&stopped_check);
    assert_eq!(String::from_utf8(stopped_check.stdout).unwrap(), report);
}

#[test]
fn refusals_are_the_same_with_and_without_the_server() {
    let (dir, data) = temp_data();
    add_barsetshire(&data);
    let output = dir.path().join("refused.csv");
    let output = output.to_str().unwrap();
    let refusals: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "board", "add", "Bad Slug", "--name", "", "--region", "atlantis",
            ],
            "",
        ),
        (
            vec![
                "user",
                "add",
                "someone@example.org",
                "--board",
                "nowhere",
                "--role",
                "depositor",
            ],
            PASSWORD,
        ),
        (
            vec!["user", "add", "someone@example.org", "--role", "admin"],
            "short\n",
        ),
        // Refused by the argument parser, before standard input is read (none is sent:
        // writing it could meet a closed pipe).
        (
            vec!["user", "add", "someone@example.org", "--role", "ruler"],
            "",
        ),
        (vec!["token", "add", "nobody@example.org"], ""),
        (vec!["export", "board=nowhere", "--output", output], ""),
        (vec!["export", "year_from=soon", "--output", output], ""),
    ];
    let run_all = || -> Vec<(Option<i32>, String, String)> {
        refusals
            .iter()
            .map(|(args, input)| {
                let result = run_cli_with_input(&data, args, input);
                (
                    result.status.code(),
                    String::from_utf8_lossy(&result.stdout).into_owned(),
                    stderr(&result),
                )
            })
            .collect()
    };
    let server = Server::start(&data, false);
    let live = run_all();
    drop(server);
    let stopped = run_all();
    for ((args, _), (live, stopped)) in refusals.iter().zip(live.iter().zip(&stopped)) {
        assert_ne!(live.0, Some(0), "{args:?} is refused: {live:?}");
        assert!(!live.2.is_empty(), "{args:?} says why");
        assert_eq!(live, stopped, "{args:?}");
    }
    assert!(live[0].2.contains("region"), "{:?}", live[0]);
    assert!(
        live[1].2.contains("unknown board \"nowhere\""),
        "{:?}",
        live[1]
    );
    assert!(
        live[4].2.contains("no user nobody@example.org"),
        "{:?}",
        live[4]
    );
    assert!(live[5].2.contains("unknown board"), "{:?}", live[5]);
    assert!(
        !std::path::Path::new(output).exists(),
        "a refused export writes nothing"
    );
}

#[test]
fn a_control_socket_open_to_others_is_not_used() {
    let (_dir, data) = temp_data();
    add_barsetshire(&data);
    let server = Server::start(&data, false);
    let socket = data.join("control.sock");
    std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o666)).unwrap();
    let refused = run_cli_with_input(
        &data,
        &["user", "add", "someone@example.org", "--role", "admin"],
        PASSWORD,
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("other accounts may use it"),
        "{}",
        stderr(&refused)
    );
    drop(server);
    // Nothing was written: once stopped, the user does not exist.
    let token = run_cli(&data, &["token", "add", "someone@example.org"]);
    assert!(stderr(&token).contains("no user"), "{}", stderr(&token));
}

/// Signs in on the site's form: the status of the sign-in answer (303 when it worked).
fn sign_in(server: &Server, email: &str, password: &str) -> u16 {
    let agent = ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(Duration::from_secs(30))
        .build();
    let form = agent
        .get(&server.url("/login"))
        .call()
        .expect("the sign-in form");
    let cookies: Vec<String> = form
        .all("set-cookie")
        .iter()
        .filter_map(|c| c.split(';').next().map(str::to_string))
        .collect();
    let body = form.into_string().unwrap();
    let marker = "name=\"csrf\" value=\"";
    let start = body.find(marker).expect("a CSRF field") + marker.len();
    let csrf = body[start..].split('"').next().unwrap_or_default();
    let answer = agent
        .post(&server.url("/login"))
        .set("Cookie", &cookies.join("; "))
        .send_form(&[
            ("csrf", csrf),
            ("next", "/my"),
            ("email", email),
            ("password", password),
        ]);
    match answer {
        Ok(response) => response.status(),
        Err(ureq::Error::Status(code, _)) => code,
        Err(error) => panic!("POST /login: {error}"),
    }
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// Where `value` breaks `schema` (the OpenAPI 3.0 subset the document uses: `$ref`,
/// `type`, `enum`, `required`, `properties`, `additionalProperties: false`, `items`,
/// `minItems`, `maxItems`, `nullable`).
fn conforms(document: &Value, value: &Value, schema: &Value, at: &str) -> Vec<String> {
    if let Some(target) = schema["$ref"].as_str() {
        let name = target.trim_start_matches("#/components/schemas/");
        let resolved = &document["components"]["schemas"][name];
        assert!(resolved.is_object(), "{target} resolves");
        return conforms(document, value, resolved, at);
    }
    if value.is_null() && schema["nullable"] == true {
        return Vec::new();
    }
    let mut problems = Vec::new();
    let kind_ok = match schema["type"].as_str() {
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        _ => true,
    };
    if !kind_ok {
        return vec![format!("{at}: {value} is not a {}", schema["type"])];
    }
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.contains(value) {
            problems.push(format!("{at}: {value} is not one of the enum"));
        }
    }
    if let Some(object) = value.as_object() {
        for key in schema["required"].as_array().into_iter().flatten() {
            if !object.contains_key(key.as_str().unwrap_or_default()) {
                problems.push(format!("{at}: {key} is missing"));
            }
        }
        for (key, item) in object {
            match schema["properties"].get(key) {
                Some(property) => {
                    problems.extend(conforms(document, item, property, &format!("{at}.{key}")))
                }
                None if schema["additionalProperties"] == false => {
                    problems.push(format!("{at}: {key} is not in the schema"))
                }
                None => {}
            }
        }
    }
    if let Some(items) = value.as_array() {
        let count = items.len() as u64;
        if schema["minItems"].as_u64().is_some_and(|min| count < min)
            || schema["maxItems"].as_u64().is_some_and(|max| count > max)
        {
            problems.push(format!("{at}: {count} items"));
        }
        for (n, item) in items.iter().enumerate() {
            problems.extend(conforms(
                document,
                item,
                &schema["items"],
                &format!("{at}[{n}]"),
            ));
        }
    }
    problems
}
