//! OAI-PMH 2.0 at `/oai` (GET, or POST form-encoded): the six verbs over the records of
//! `service::oai` (public reviews; withdrawn ones as deleted records, `deletedRecord`
//! persistent), in two formats: `oai_dc` (Dublin Core) and `lessons` (the review JSON,
//! as the API gives it, inside one element of a documented schema, `/oai/review.xsd`).
//! Sets: `board:SLUG`, `region:SLUG`, `theme:SLUG`. Datestamps to the second (UTC);
//! `from`/`until` by day or second, inclusive. Lists come a page at a time with
//! stateless signed resumption tokens (`token`). Every answer, errors included, is
//! `text/xml` with status 200, as the protocol says; errors carry exactly the protocol's
//! codes.

mod token;

use std::collections::{BTreeSet, HashMap};

use actix_web::{web, HttpRequest, HttpResponse};
use lessons_model::vocab::{REGIONS, THEMES};
use lessons_model::{Review, Vocabulary};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

use crate::formats::citation::REPOSITORY_NAME;
use crate::formats::xml::escape;
use crate::http::blocking::Pool;
use crate::http::config::{site_url, SiteConfig};
use crate::service::oai::OaiRecord;
use crate::service::requests::query_pairs;
use crate::service::{Repository, ServiceError};
use token::Position;

/// The namespace and schema of the `lessons` format.
const LESSONS_NAMESPACE: &str = "urn:lessons:review:1";
/// How much of the summary `dc:description` carries.
const DESCRIPTION_CHARS: usize = 600;

/// `GET /oai`
pub async fn get(req: HttpRequest, pool: Pool, config: web::Data<SiteConfig>) -> HttpResponse {
    let args = query_pairs(req.query_string());
    answer(&req, args, pool, &config).await
}

/// `POST /oai` (`application/x-www-form-urlencoded`).
pub async fn post(
    req: HttpRequest,
    body: web::Bytes,
    pool: Pool,
    config: web::Data<SiteConfig>,
) -> HttpResponse {
    let args = form_urlencoded::parse(&body).into_owned().collect();
    answer(&req, args, pool, &config).await
}

/// `GET /oai/review.xsd`: the schema of the `lessons` format.
pub async fn schema() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/xml; charset=utf-8")
        .body(format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{LESSONS_NAMESPACE}" xmlns="{LESSONS_NAMESPACE}" elementFormDefault="qualified">
  <xs:annotation><xs:documentation>A review of the Lessons repository: the element's text is the review as JSON, exactly as GET /api/v1/reviews/{{id}} gives it (see /api/openapi.json, schema Review).</xs:documentation></xs:annotation>
  <xs:element name="review">
    <xs:complexType>
      <xs:simpleContent>
        <xs:extension base="xs:string">
          <xs:attribute name="id" type="xs:string" use="required"/>
          <xs:attribute name="type" type="xs:string" fixed="application/json"/>
        </xs:extension>
      </xs:simpleContent>
    </xs:complexType>
  </xs:element>
</xs:schema>
"#
        ))
}

async fn answer(
    req: &HttpRequest,
    args: Vec<(String, String)>,
    pool: Pool,
    config: &SiteConfig,
) -> HttpResponse {
    let site = site_url(req);
    let page_size = config.oai_page_size.max(1);
    let admin_email = config.admin_email.clone();
    let body = pool
        .run(move |service| {
            Ok::<_, ServiceError>(respond(
                service,
                &site,
                admin_email.as_deref(),
                page_size,
                &args,
            ))
        })
        .await
        .unwrap_or_else(|_| {
            envelope(
                &site_url(req),
                None,
                "<error code=\"badArgument\">the request could not be answered</error>",
            )
        });
    HttpResponse::Ok()
        .content_type("text/xml; charset=utf-8")
        .body(body)
}

/// An OAI error: its code and message.
struct OaiError(&'static str, String);

fn err(code: &'static str, message: impl Into<String>) -> OaiError {
    OaiError(code, message.into())
}

/// What the verb answers, or an error; the `request` element's arguments are echoed
/// except for badVerb and badArgument.
fn respond(
    service: &Repository,
    site: &str,
    admin_email: Option<&str>,
    page_size: usize,
    args: &[(String, String)],
) -> String {
    let echo = |args: &[(String, String)]| Some(args.to_vec());
    let result = verb(service, site, admin_email, page_size, args);
    match result {
        Ok(content) => envelope(site, echo(args), &content),
        Err(OaiError(code, message)) => {
            let shown = if matches!(code, "badVerb" | "badArgument") {
                None
            } else {
                echo(args)
            };
            envelope(
                site,
                shown,
                &format!("<error code=\"{code}\">{}</error>", escape(&message)),
            )
        }
    }
}

fn verb(
    service: &Repository,
    site: &str,
    admin_email: Option<&str>,
    page_size: usize,
    args: &[(String, String)],
) -> Result<String, OaiError> {
    let mut seen = BTreeSet::new();
    for (key, _) in args {
        if !seen.insert(key.as_str()) {
            return Err(if key == "verb" {
                err("badVerb", "the verb is given more than once")
            } else {
                err("badArgument", format!("{key} is given more than once"))
            });
        }
    }
    let get = |name: &str| {
        args.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let verb = get("verb").ok_or_else(|| err("badVerb", "no verb"))?;
    let allowed: &[&str] = match verb {
        "Identify" => &[],
        "ListMetadataFormats" => &["identifier"],
        "ListSets" => &["resumptionToken"],
        "GetRecord" => &["identifier", "metadataPrefix"],
        "ListIdentifiers" | "ListRecords" => {
            &["metadataPrefix", "from", "until", "set", "resumptionToken"]
        }
        other => return Err(err("badVerb", format!("{other} is not an OAI-PMH verb"))),
    };
    if let Some((key, _)) = args
        .iter()
        .find(|(k, _)| k != "verb" && !allowed.contains(&k.as_str()))
    {
        return Err(err(
            "badArgument",
            format!("{verb} takes no argument {key}"),
        ));
    }
    let identity = Identity::of(site, admin_email);
    match verb {
        "Identify" => identify(service, &identity),
        "ListMetadataFormats" => list_formats(service, &identity, get("identifier")),
        "ListSets" => list_sets(service, get("resumptionToken")),
        "GetRecord" => {
            let id =
                get("identifier").ok_or_else(|| err("badArgument", "identifier is required"))?;
            let prefix = get("metadataPrefix")
                .ok_or_else(|| err("badArgument", "metadataPrefix is required"))?;
            let format = Format::named(prefix)?;
            let record = find(service, &identity, id)?;
            let names = service.board_names();
            Ok(format!(
                "<GetRecord>{}</GetRecord>",
                record_xml(&record, format, &identity, &names)
            ))
        }
        list => list_records(service, &identity, page_size, list, args),
    }
}

/// The repository's names, from the site's address.
struct Identity {
    site: String,
    /// The host, for identifiers `oai:HOST:ID`.
    host: String,
    /// The contact address `Identify` gives.
    admin_email: String,
}

impl Identity {
    fn of(site: &str, admin_email: Option<&str>) -> Identity {
        let host = site
            .split("://")
            .nth(1)
            .unwrap_or(site)
            .split([':', '/'])
            .next()
            .unwrap_or("localhost")
            .to_string();
        // The schema wants `local@domain.tld`: a host without a dot gets `.invalid`.
        let admin_email = admin_email.map(str::to_string).unwrap_or_else(|| {
            if host.contains('.') {
                format!("admin@{host}")
            } else {
                format!("admin@{host}.invalid")
            }
        });
        Identity {
            site: site.to_string(),
            host,
            admin_email,
        }
    }

    fn identifier(&self, review_id: &str) -> String {
        format!("oai:{}:{review_id}", self.host)
    }

    fn review_id<'a>(&self, identifier: &'a str) -> Option<&'a str> {
        identifier.strip_prefix(&format!("oai:{}:", self.host))
    }
}

/// The metadata formats.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    DublinCore,
    Lessons,
}

impl Format {
    fn named(prefix: &str) -> Result<Format, OaiError> {
        match prefix {
            "oai_dc" => Ok(Format::DublinCore),
            "lessons" => Ok(Format::Lessons),
            other => Err(err(
                "cannotDisseminateFormat",
                format!("{other} is not a format of this repository (oai_dc, lessons)"),
            )),
        }
    }
}

fn identify(service: &Repository, identity: &Identity) -> Result<String, OaiError> {
    let records = records(service)?;
    let earliest = records
        .iter()
        .map(|r| r.datestamp)
        .min()
        .unwrap_or_else(OffsetDateTime::now_utc);
    Ok(format!(
        "<Identify><repositoryName>{}</repositoryName><baseURL>{}/oai</baseURL><protocolVersion>2.0</protocolVersion><adminEmail>{}</adminEmail><earliestDatestamp>{}</earliestDatestamp><deletedRecord>persistent</deletedRecord><granularity>YYYY-MM-DDThh:mm:ssZ</granularity></Identify>",
        escape(REPOSITORY_NAME),
        escape(&identity.site),
        escape(&identity.admin_email),
        stamp(earliest)
    ))
}

fn list_formats(
    service: &Repository,
    identity: &Identity,
    identifier: Option<&str>,
) -> Result<String, OaiError> {
    if let Some(id) = identifier {
        find(service, identity, id)?;
    }
    Ok(format!(
        "<ListMetadataFormats><metadataFormat><metadataPrefix>oai_dc</metadataPrefix><schema>http://www.openarchives.org/OAI/2.0/oai_dc.xsd</schema><metadataNamespace>http://www.openarchives.org/OAI/2.0/oai_dc/</metadataNamespace></metadataFormat><metadataFormat><metadataPrefix>lessons</metadataPrefix><schema>{}/oai/review.xsd</schema><metadataNamespace>{LESSONS_NAMESPACE}</metadataNamespace></metadataFormat></ListMetadataFormats>",
        escape(&identity.site)
    ))
}

fn list_sets(service: &Repository, token: Option<&str>) -> Result<String, OaiError> {
    if token.is_some() {
        return Err(err(
            "badResumptionToken",
            "the list of sets comes whole: no token was issued",
        ));
    }
    let mut out = String::from("<ListSets>");
    let boards = service
        .boards()
        .map_err(|e| err("badArgument", e.to_string()))?;
    let set = |out: &mut String, spec: String, name: &str| {
        out.push_str(&format!(
            "<set><setSpec>{}</setSpec><setName>{}</setName></set>",
            escape(&spec),
            escape(name)
        ));
    };
    for board in &boards {
        set(&mut out, format!("board:{}", board.slug), &board.name);
    }
    for region in REGIONS {
        set(&mut out, format!("region:{}", region.slug), region.label);
    }
    for theme in THEMES {
        set(&mut out, format!("theme:{}", theme.slug), theme.label);
    }
    out.push_str("</ListSets>");
    Ok(out)
}

fn records(service: &Repository) -> Result<Vec<OaiRecord>, OaiError> {
    service
        .oai_records()
        .map_err(|e| err("badArgument", format!("the records could not be read: {e}")))
}

fn find(
    service: &Repository,
    identity: &Identity,
    identifier: &str,
) -> Result<OaiRecord, OaiError> {
    let missing = || {
        err(
            "idDoesNotExist",
            format!("{identifier} is not an identifier of this repository"),
        )
    };
    let id = identity.review_id(identifier).ok_or_else(missing)?;
    service
        .oai_record(id)
        .map_err(|e| err("badArgument", format!("the record could not be read: {e}")))?
        .ok_or_else(missing)
}

fn list_records(
    service: &Repository,
    identity: &Identity,
    page_size: usize,
    verb: &str,
    args: &[(String, String)],
) -> Result<String, OaiError> {
    let get = |name: &str| {
        args.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let key = service
        .oai_token_key()
        .map_err(|e| err("badArgument", e.to_string()))?;
    let position = match get("resumptionToken") {
        Some(text) => {
            if args.len() > 2 {
                return Err(err(
                    "badArgument",
                    "a resumptionToken comes with the verb alone",
                ));
            }
            token::read(text, &key, now)
                .filter(|p| p.verb == verb)
                .ok_or_else(|| {
                    err(
                        "badResumptionToken",
                        "the token is not valid (altered, from another list, or expired)",
                    )
                })?
        }
        None => {
            let prefix = get("metadataPrefix")
                .ok_or_else(|| err("badArgument", "metadataPrefix is required"))?;
            Format::named(prefix)?;
            let (from, until) = range(get("from"), get("until"))?;
            Position {
                verb: verb.to_string(),
                prefix: prefix.to_string(),
                set: get("set").map(str::to_string),
                from,
                until: until.unwrap_or(now).min(now),
                after: (i64::MIN, String::new()),
                cursor: 0,
                issued: now,
            }
        }
    };
    let format = Format::named(&position.prefix)?;
    let all = records(service)?;
    let matching: Vec<&OaiRecord> = all
        .iter()
        .filter(|r| {
            let at = r.datestamp.unix_timestamp();
            position.from.is_none_or(|from| at >= from)
                && at <= position.until
                && position
                    .set
                    .as_deref()
                    .is_none_or(|set| sets_of(&r.review).iter().any(|s| s == set))
        })
        .collect();
    let complete = matching.len();
    let remaining: Vec<&&OaiRecord> = matching
        .iter()
        .filter(|r| (r.datestamp.unix_timestamp(), r.review.id.clone()) > position.after)
        .collect();
    if complete == 0 {
        return Err(err("noRecordsMatch", "no record matches these arguments"));
    }
    let page: Vec<&&OaiRecord> = remaining.iter().take(page_size).copied().collect();
    let names = service.board_names();
    let mut out = format!("<{verb}>");
    for record in &page {
        out.push_str(&if verb == "ListRecords" {
            record_xml(record, format, identity, &names)
        } else {
            header_xml(record, identity)
        });
    }
    let sent = position.cursor + page.len();
    if remaining.len() > page.len() {
        let last = page
            .last()
            .map(|r| (r.datestamp.unix_timestamp(), r.review.id.clone()));
        let next = Position {
            after: last.unwrap_or(position.after.clone()),
            cursor: sent,
            issued: now,
            ..position.clone()
        };
        let expires = OffsetDateTime::from_unix_timestamp(now + token::LIFETIME_SECONDS)
            .unwrap_or_else(|_| OffsetDateTime::now_utc());
        out.push_str(&format!(
            "<resumptionToken completeListSize=\"{complete}\" cursor=\"{}\" expirationDate=\"{}\">{}</resumptionToken>",
            position.cursor,
            stamp(expires),
            escape(&token::issue(&next, &key))
        ));
    } else if position.cursor > 0 {
        out.push_str(&format!(
            "<resumptionToken completeListSize=\"{complete}\" cursor=\"{}\"/>",
            position.cursor
        ));
    }
    out.push_str(&format!("</{verb}>"));
    Ok(out)
}

/// `from` and `until` as Unix seconds (a day from its first second to its last), both
/// of one granularity, `from` not after `until`.
fn range(from: Option<&str>, until: Option<&str>) -> Result<(Option<i64>, Option<i64>), OaiError> {
    let read = |text: &str, end_of_day: bool| -> Result<(i64, bool), OaiError> {
        let bad = || {
            err(
                "badArgument",
                format!("\"{text}\" is not a date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)"),
            )
        };
        if text.len() == 10 {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            let day = Date::parse(text, &format).map_err(|_| bad())?;
            let time = if end_of_day {
                Time::from_hms(23, 59, 59).map_err(|_| bad())?
            } else {
                Time::MIDNIGHT
            };
            Ok((
                PrimitiveDateTime::new(day, time)
                    .assume_utc()
                    .unix_timestamp(),
                false,
            ))
        } else if text.len() == 20 && text.ends_with('Z') {
            let at = OffsetDateTime::parse(text, &Rfc3339).map_err(|_| bad())?;
            Ok((at.unix_timestamp(), true))
        } else {
            Err(bad())
        }
    };
    let from = from.map(|t| read(t, false)).transpose()?;
    let until = until.map(|t| read(t, true)).transpose()?;
    if let (Some((f, fine_f)), Some((u, fine_u))) = (from, until) {
        if fine_f != fine_u {
            return Err(err(
                "badArgument",
                "from and until must have the same granularity",
            ));
        }
        if f > u {
            return Err(err("badArgument", "from is later than until"));
        }
    }
    Ok((from.map(|f| f.0), until.map(|u| u.0)))
}

/// The sets a review belongs to.
fn sets_of(review: &Review) -> Vec<String> {
    let mut sets = vec![format!("board:{}", review.board)];
    if let Some(region) = &review.region {
        sets.push(format!("region:{region}"));
    }
    sets.extend(review.themes.iter().map(|t| format!("theme:{t}")));
    sets
}

fn header_xml(record: &OaiRecord, identity: &Identity) -> String {
    let status = if record.deleted {
        " status=\"deleted\""
    } else {
        ""
    };
    let sets: String = sets_of(&record.review)
        .iter()
        .map(|s| format!("<setSpec>{}</setSpec>", escape(s)))
        .collect();
    format!(
        "<header{status}><identifier>{}</identifier><datestamp>{}</datestamp>{sets}</header>",
        escape(&identity.identifier(&record.review.id)),
        stamp(record.datestamp)
    )
}

fn record_xml(
    record: &OaiRecord,
    format: Format,
    identity: &Identity,
    names: &HashMap<String, String>,
) -> String {
    let header = header_xml(record, identity);
    if record.deleted {
        return format!("<record>{header}</record>");
    }
    let metadata = match format {
        Format::DublinCore => dublin_core(&record.review, identity, names),
        Format::Lessons => lessons_json(&record.review, identity),
    };
    format!("<record>{header}<metadata>{metadata}</metadata></record>")
}

fn dublin_core(review: &Review, identity: &Identity, names: &HashMap<String, String>) -> String {
    let board = names
        .get(&review.board)
        .cloned()
        .unwrap_or_else(|| review.board.clone());
    let mut dc = String::from("<oai_dc:dc xmlns:oai_dc=\"http://www.openarchives.org/OAI/2.0/oai_dc/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd\">");
    let mut element = |name: &str, value: &str| {
        dc.push_str(&format!("<dc:{name}>{}</dc:{name}>", escape(value)));
    };
    element("title", &review.title);
    element("creator", &board);
    element("publisher", &board);
    if let Some(date) = review
        .published_on
        .clone()
        .or(review.year().map(|y| y.to_string()))
    {
        element("date", &date);
    }
    element("type", "Text");
    element("type", "Serious case review executive summary");
    for theme in &review.themes {
        element("subject", Vocabulary::Theme.label(theme).unwrap_or(theme));
    }
    let opening: String = review.summary.chars().take(DESCRIPTION_CHARS).collect();
    if !opening.trim().is_empty() {
        element("description", opening.trim());
    }
    element(
        "identifier",
        &format!("{}/reviews/{}", identity.site, review.id),
    );
    element("language", "en");
    if let Some(region) = &review.region {
        element(
            "coverage",
            Vocabulary::Region.label(region).unwrap_or(region),
        );
    }
    element(
        "rights",
        &format!("Anonymised executive summary published by {board} so that its lessons are learnt; reuse as the board permits."),
    );
    dc.push_str("</oai_dc:dc>");
    dc
}

fn lessons_json(review: &Review, identity: &Identity) -> String {
    let mut review = review.clone();
    review.fill_progress(lessons_model::dates::today());
    let json = serde_json::to_string(&review).unwrap_or_default();
    format!(
        "<review xmlns=\"{LESSONS_NAMESPACE}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"{LESSONS_NAMESPACE} {}/oai/review.xsd\" id=\"{}\" type=\"application/json\">{}</review>",
        escape(&identity.site),
        escape(&review.id),
        escape(&json)
    )
}

/// The whole answer: responseDate, the request echoed (its arguments unless `args` is
/// `None`) and the content.
fn envelope(site: &str, args: Option<Vec<(String, String)>>, content: &str) -> String {
    let attributes: String = args
        .unwrap_or_default()
        .iter()
        .map(|(k, v)| format!(" {}=\"{}\"", escape(k), escape(v)))
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd\"><responseDate>{}</responseDate><request{attributes}>{}/oai</request>{content}</OAI-PMH>\n",
        stamp(OffsetDateTime::now_utc()),
        escape(site)
    )
}

/// `YYYY-MM-DDThh:mm:ssZ`.
fn stamp(at: OffsetDateTime) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}
