//! Readable names for component schemas whose names lost their case.
//!
//! SailPoint lowercased the schema names of its current spec
//! (`accessprofilebulkdeleterequest`), which progenitor turns into
//! `Accessprofilebulkdeleterequest`. The words are still there, written with
//! their boundaries everywhere else in the document: in operation ids
//! (`bulkDeleteAccessProfiles`), property and parameter names, paths, tags,
//! enum values, summaries and descriptions. A [`Vocabulary`] collects them,
//! [`Vocabulary::split`] cuts a lowercase run into them and [`readable_name`]
//! gives the PascalCase name (`AccessProfileBulkDeleteRequest`).
//!
//! How a run is cut: among all ways to cover it with vocabulary words, the
//! one with the fewest words, then the fewest words seen only in
//! descriptions, then the most frequent words (by their count in
//! identifiers). Fewest words is what makes `pendingapproval`
//! `pending approval` and not `pen ding approval`; frequency makes
//! `sourceappcreatedto` `source app create dto`, not `… created to`.
//!
//! What counts as a word:
//!
//! - a word the API wrote next to a case boundary or separator in an
//!   identifier at least twice (`access` in `accessProfileId`, `profiles`
//!   in `/access-profiles`) is always a word;
//! - any other token (seen on its own: a property `hostname`, an enum value
//!   `accessprofile`, a word of a summary or a description; or next to a
//!   boundary once: `LifecyclestateDeleted`) is a word unless it is two or
//!   more of the first kind of words, the first at least 4 letters long and
//!   every one at least 3 (`accessprofile` = `access` + `profile` is a
//!   compound that someone lowercased; `perform` and `into` stay words);
//! - words of 2 letters need 3 occurrences in identifiers (`id`, `by`,
//!   `of`), a word of 1 letter 20 occurrences next to a boundary (`v` of
//!   `V1`); words seen only in descriptions need 3 letters, and lose ties
//!   against identifier words;
//! - words given with [`Vocabulary::add_words`] are always words.
//!
//! Everything here is pure: no I/O, no global state, and no input makes it
//! panic. [`Vocabulary::split`] is O(n × longest word).

use std::collections::BTreeMap;

use serde_json::Value;

/// Longer tokens are not taken as words (a base64 blob in a description).
const MAX_WORD_LEN: usize = 48;
/// Identifier occurrences a 2-letter word needs.
const MIN_COUNT_2: u32 = 3;
/// Occurrences next to a boundary a 1-letter word needs.
const MIN_COUNT_1: u32 = 20;
/// Occurrences next to a boundary that make a token surely a word (once
/// may be a lowercased compound of an upstream identifier:
/// `LifecyclestateDeleted`).
const MIN_BOUNDED_SURE: u32 = 2;
/// A compound's first part is at least this long (so `in`+`to`, `per`+`form`
/// or `app`+`end` are not taken apart).
const COMPOUND_FIRST_MIN: usize = 4;
/// Every part of a compound is at least this long.
const COMPOUND_PART_MIN: usize = 3;

/// Words the API itself uses, with how often.
///
/// Built from OpenAPI documents ([`Vocabulary::from_document`],
/// [`Vocabulary::add_document`]) and lists of words
/// ([`Vocabulary::add_words`]); used by [`Vocabulary::split`] and
/// [`readable_name`].
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    /// Every token seen, with where it was seen.
    counts: BTreeMap<String, Counts>,
    /// The words [`Vocabulary::split`] may use: rebuilt from `counts` after
    /// every addition.
    index: Trie,
}

/// Where a token was seen, and how often.
#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    /// Occurrences in identifiers and names.
    ident: u32,
    /// Occurrences in identifiers of two or more words written without
    /// spaces (`accessProfileId`, `ACCESS_PROFILE`, `/access-profiles`).
    bounded: u32,
    /// Occurrences in descriptions.
    text: u32,
    /// Given by [`Vocabulary::add_words`].
    given: bool,
}

/// A word [`Vocabulary::split`] may use.
#[derive(Clone, Copy, Debug)]
struct Entry {
    /// Seen only in descriptions: among equally short splits, the one with
    /// fewer of these wins.
    prose: bool,
    /// ln of the word's count: the tie-break among equally short splits.
    weight: f64,
}

impl Vocabulary {
    /// An empty vocabulary.
    pub fn new() -> Vocabulary {
        Vocabulary::default()
    }

    /// Words of one OpenAPI document: the identifiers in operation ids,
    /// property names (of every schema, inline ones included), parameter
    /// names, paths, tags, enum values, `x-go-name`,
    /// `x-sailpoint-resource-operation-id`, `x-displayName`, discriminators
    /// and the component names that still have case boundaries or separators
    /// (`ProvisioningConfig`, `intel-blast-radius-summary`); the words of
    /// summaries; and, as a fallback, the words of descriptions. Examples are
    /// data, not the API's words, and are skipped; so are schema titles
    /// (SailPoint's are the lowercased names). Words are lowercased.
    pub fn from_document(doc: &Value) -> Vocabulary {
        let mut vocabulary = Vocabulary::new();
        vocabulary.add_document(doc);
        vocabulary
    }

    /// Adds a document's words (another version of the same API), as
    /// [`Vocabulary::from_document`] finds them.
    pub fn add_document(&mut self, doc: &Value) {
        self.collect(doc);
        self.rebuild();
    }

    /// Adds words from a plain list (maintainers' extra words). Each item is
    /// cut like an identifier and lowercased (`lite` adds `lite`;
    /// `access-profile` and `accessProfile` add `access` and `profile`).
    /// These words are always used, whatever their length.
    pub fn add_words<'a>(&mut self, words: impl IntoIterator<Item = &'a str>) {
        for item in words {
            for word in tokens(item) {
                let counts = self.counts.entry(word).or_default();
                counts.given = true;
            }
        }
        self.rebuild();
    }

    /// A lowercase run split into known words, or `None` when no split covers
    /// the whole run. A run of digits is always a part of its own
    /// (`accesstype2` → `["access", "type", "2"]`). `None` also for an empty
    /// run and for a run with anything but ASCII lowercase letters and
    /// digits.
    pub fn split(&self, run: &str) -> Option<Vec<String>> {
        let bytes = run.as_bytes();
        if bytes.is_empty()
            || !bytes
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            return None;
        }
        let cuts = segment(&self.index, bytes, 1, 1)?;
        Some(
            cuts.into_iter()
                .map(|(a, b)| run[a..b].to_owned())
                .collect(),
        )
    }

    /// Counts the tokens of one document.
    fn collect(&mut self, doc: &Value) {
        let mut stack: Vec<(&Value, Option<&str>)> = vec![(doc, None)];
        while let Some((value, key)) = stack.pop() {
            match value {
                Value::Object(map) => {
                    if key == Some("properties") {
                        for name in map.keys() {
                            self.add_identifier(name);
                        }
                    }
                    if key == Some("mapping") {
                        for name in map.keys() {
                            self.add_identifier(name);
                        }
                    }
                    if let (Some(Value::String(name)), Some(Value::String(_))) =
                        (map.get("name"), map.get("in"))
                    {
                        self.add_identifier(name);
                    }
                    let schemas_by_name = key == Some("properties");
                    for (k, v) in map {
                        match (k.as_str(), v) {
                            ("example" | "examples", _) if !schemas_by_name => continue,
                            (
                                "operationId"
                                | "propertyName"
                                | "x-go-name"
                                | "x-displayName"
                                | "x-codegen-request-body-name",
                                Value::String(s),
                            ) => self.add_identifier(s),
                            ("x-sailpoint-resource-operation-id" | "tags", Value::String(s)) => {
                                self.add_identifier(s)
                            }
                            (
                                "x-sailpoint-resource-operation-id" | "tags" | "enum",
                                Value::Array(items),
                            ) => {
                                for item in items {
                                    if let Value::String(s) = item {
                                        self.add_identifier(s);
                                    }
                                }
                            }
                            ("summary", Value::String(s)) => self.add_weak(s),
                            ("description", Value::String(s)) => self.add_text(s),
                            _ => {}
                        }
                        stack.push((v, Some(k.as_str())));
                    }
                }
                Value::Array(items) => stack.extend(items.iter().map(|v| (v, None))),
                _ => {}
            }
        }
        if let Some(Value::Array(tags)) = doc.get("tags") {
            for tag in tags {
                if let Some(Value::String(name)) = tag.get("name") {
                    self.add_identifier(name);
                }
            }
        }
        if let Some(Value::Object(paths)) = doc.get("paths") {
            for path in paths.keys() {
                self.add_identifier(path);
            }
        }
        let mut names: Vec<&String> = Vec::new();
        if let Some(Value::Object(kinds)) = doc.get("components") {
            for kind in kinds.values() {
                if let Value::Object(named) = kind {
                    names.extend(named.keys());
                }
            }
        }
        // Swagger 2.
        if let Some(Value::Object(named)) = doc.get("definitions") {
            names.extend(named.keys());
        }
        for name in names {
            self.add_component_name(name);
        }
    }

    /// An identifier: its words are bounded when it has two or more and no
    /// spaces.
    fn add_identifier(&mut self, s: &str) {
        let words = tokens(s);
        let bounded = words.len() > 1 && !s.chars().any(char::is_whitespace);
        for word in words {
            let counts = self.counts.entry(word).or_default();
            counts.ident = counts.ident.saturating_add(1);
            if bounded {
                counts.bounded = counts.bounded.saturating_add(1);
            }
        }
    }

    /// Words of a name whose boundaries may be lost (a summary, a
    /// lowercased component name with separators): never bounded.
    fn add_weak(&mut self, s: &str) {
        for word in tokens(s) {
            let counts = self.counts.entry(word).or_default();
            counts.ident = counts.ident.saturating_add(1);
        }
    }

    /// Words of a description.
    fn add_text(&mut self, s: &str) {
        for word in tokens(s) {
            let counts = self.counts.entry(word).or_default();
            counts.text = counts.text.saturating_add(1);
        }
    }

    /// A component name: with case boundaries (`ProvisioningConfig`,
    /// `IDENTITY_PROFILE`) an identifier; lowercase with separators
    /// (`intel-blast-radius-summary`, `aggregationresult-csv`) its words may
    /// be lowercased compounds; one lowercase word is what we split, not a
    /// word.
    fn add_component_name(&mut self, name: &str) {
        let has_lower = name.chars().any(|c| c.is_ascii_lowercase());
        let has_case = name.chars().skip(1).any(|c| c.is_ascii_uppercase());
        if has_case || !has_lower {
            self.add_identifier(name);
        } else if tokens(name).len() > 1 {
            self.add_weak(name);
        }
    }

    /// Rebuilds the index from the counts (see the module documentation for
    /// which tokens are words).
    fn rebuild(&mut self) {
        let allowed = |word: &str, c: &Counts| -> bool {
            c.given
                || match word.len() {
                    0 => false,
                    1 => c.bounded >= MIN_COUNT_1,
                    2 => c.ident >= MIN_COUNT_2,
                    _ => true,
                }
        };
        let weight = |c: &Counts| -> f64 {
            // Identifier words by their identifier count: descriptions
            // repeat `to` and `the` thousands of times.
            let seen = if c.ident > 0 { c.ident } else { c.text };
            let n = u64::from(seen) + u64::from(c.given);
            (n.max(1) as f64).ln()
        };
        let sure = |c: &Counts| c.given || c.bounded >= MIN_BOUNDED_SURE;
        let mut strong = Trie::default();
        for (word, c) in &self.counts {
            if allowed(word, c) && sure(c) {
                strong.insert(
                    word.as_bytes(),
                    Entry {
                        prose: false,
                        weight: weight(c),
                    },
                );
            }
        }
        let mut index = Trie::default();
        for (word, c) in &self.counts {
            if !allowed(word, c) {
                continue;
            }
            if !sure(c)
                && segment(
                    &strong,
                    word.as_bytes(),
                    COMPOUND_FIRST_MIN,
                    COMPOUND_PART_MIN,
                )
                .is_some()
            {
                continue;
            }
            index.insert(
                word.as_bytes(),
                Entry {
                    prose: !c.given && c.ident == 0,
                    weight: weight(c),
                },
            );
        }
        self.index = index;
    }
}

/// The readable PascalCase form of a component name.
///
/// The name is cut at separators (anything not alphanumeric), case
/// boundaries (`accessProfile`, `OAuthClient` = `O` `Auth` `Client`) and
/// digits; each part that is a lowercase run of letters (or, in a part of the
/// name with no other uppercase letter, a capital and a lowercase run:
/// `Accessprofile-2`) is split with the vocabulary when it can be; then
/// every part is capitalised (a split-off `able` or `ability` stays with
/// the word before it: `Reviewable`) and the parts joined:
///
/// - `accessprofilebulkdeleterequest` → `AccessProfileBulkDeleteRequest`
/// - `ProvisioningConfig` → `ProvisioningConfig`, `OAuthClient` →
///   `OAuthClient` (capitals already there are kept)
/// - `dtotype` → `DtoType`, `accessrequesttype2` → `AccessRequestType2`
/// - `intel-identity-ambiguous-body` → `IntelIdentityAmbiguousBody`
/// - `IDENTITIES_DETAILS` → `IdentitiesDetails` (a name without lowercase
///   letters has no case to keep)
/// - `xyzzy` → `Xyzzy` (not covered: capitalised only)
///
/// Letters are never lost, added or reordered: only their case changes and
/// separators go. A name whose result would have no lowercase letter at all
/// (`V2`; `a_b`, which would be `AB`) is returned unchanged, which keeps the function
/// idempotent on its own output. Non-ASCII letters are kept as they are.
pub fn readable_name(name: &str, vocab: &Vocabulary) -> String {
    let lowered;
    let source = if name.chars().any(|c| c.is_ascii_lowercase()) {
        name
    } else {
        lowered = name.to_ascii_lowercase();
        &lowered
    };
    let mut out = String::with_capacity(name.len() + 8);
    for chunk in source.split(|c: char| !c.is_alphanumeric()) {
        if chunk.is_empty() {
            continue;
        }
        let no_case_inside = !chunk.chars().skip(1).any(|c| c.is_ascii_uppercase());
        for (i, part) in parts(chunk).into_iter().enumerate() {
            let bytes = part.as_bytes();
            let lowercase_run = bytes.iter().all(u8::is_ascii_lowercase);
            let capitalised_run = i == 0
                && no_case_inside
                && bytes.len() > 1
                && bytes[0].is_ascii_uppercase()
                && bytes[1..].iter().all(u8::is_ascii_lowercase);
            if lowercase_run || capitalised_run {
                if let Some(words) = vocab.split(&part.to_ascii_lowercase()) {
                    for (j, word) in words.iter().enumerate() {
                        let after_letters =
                            j > 0 && words[j - 1].bytes().all(|b| b.is_ascii_alphabetic());
                        if after_letters && SUFFIXES.contains(&word.as_str()) {
                            out.push_str(word);
                        } else {
                            push_capitalised(&mut out, word);
                        }
                    }
                    continue;
                }
            }
            push_capitalised(&mut out, part);
        }
    }
    if out.chars().any(|c| c.is_ascii_lowercase()) {
        out
    } else {
        name.to_owned()
    }
}

/// Words that, after another word, are its suffix rather than a word of
/// their own: `reviewable` is `Reviewable`, not `ReviewAble`, when the
/// vocabulary knows `review` and `able` but not `reviewable`.
const SUFFIXES: [&str; 4] = ["able", "ability", "ible", "ibility"];

/// Appends `part` with its first character made ASCII uppercase.
fn push_capitalised(out: &mut String, part: &str) {
    let mut chars = part.chars();
    if let Some(first) = chars.next() {
        out.push(first.to_ascii_uppercase());
        out.push_str(chars.as_str());
    }
}

/// A character's class for cutting identifiers into parts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Upper,
    Lower,
    Digit,
    /// A non-ASCII letter or digit: a part of its own kind, never split.
    Other,
}

fn class(c: char) -> Class {
    if c.is_ascii_uppercase() {
        Class::Upper
    } else if c.is_ascii_lowercase() {
        Class::Lower
    } else if c.is_ascii_digit() {
        Class::Digit
    } else {
        Class::Other
    }
}

/// The parts of a run of alphanumeric characters, cut where the class
/// changes, except that a capital starts a word with the lowercase letters
/// after it (`OAuthClient` → `O`, `Auth`, `Client`; `DTOType` → `DTO`,
/// `Type`; `accessType2` → `access`, `Type`, `2`).
fn parts(chunk: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<(usize, Class)> = None;
    for (i, c) in chunk.char_indices() {
        let cur = class(c);
        if let Some((prev_i, prev_class)) = prev {
            if prev_class == Class::Upper && cur == Class::Lower {
                if prev_i > start {
                    out.push(&chunk[start..prev_i]);
                    start = prev_i;
                }
            } else if prev_class != cur {
                out.push(&chunk[start..i]);
                start = i;
            }
        }
        prev = Some((i, cur));
    }
    if start < chunk.len() {
        out.push(&chunk[start..]);
    }
    out
}

/// The lowercase words of an identifier or a text: its parts that are ASCII
/// letters, at most [`MAX_WORD_LEN`] long.
fn tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .flat_map(parts)
        .filter(|p| p.len() <= MAX_WORD_LEN && p.bytes().all(|b| b.is_ascii_alphabetic()))
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Words by their letters, for walking a run one letter at a time.
#[derive(Clone, Debug, Default)]
struct Trie {
    /// Node 0 is the root (created on the first insertion).
    nodes: Vec<Node>,
}

#[derive(Clone, Debug, Default)]
struct Node {
    children: Vec<(u8, u32)>,
    entry: Option<Entry>,
}

impl Trie {
    fn insert(&mut self, word: &[u8], entry: Entry) {
        if self.nodes.is_empty() {
            self.nodes.push(Node::default());
        }
        let mut node = 0usize;
        for &b in word {
            node = match self.child(node, b) {
                Some(next) => next,
                None => {
                    let next = self.nodes.len();
                    self.nodes.push(Node::default());
                    self.nodes[node].children.push((b, next as u32));
                    next
                }
            };
        }
        self.nodes[node].entry = Some(entry);
    }

    fn child(&self, node: usize, b: u8) -> Option<usize> {
        self.nodes
            .get(node)?
            .children
            .iter()
            .find(|(c, _)| *c == b)
            .map(|&(_, next)| next as usize)
    }

    fn entry(&self, node: usize) -> Option<Entry> {
        self.nodes.get(node).and_then(|n| n.entry)
    }
}

/// The best way to reach one position of a run.
#[derive(Clone, Copy)]
struct Best {
    prose: u32,
    words: u32,
    weight: f64,
    from: usize,
}

impl Best {
    fn better_than(&self, other: &Best) -> bool {
        (self.words, self.prose) < (other.words, other.prose)
            || ((self.words, self.prose) == (other.words, other.prose)
                && self.weight > other.weight)
    }
}

/// The best cover of `run` (ASCII lowercase letters and digits) by the
/// words of `trie`, as byte ranges: fewest words, then fewest prose words,
/// then the highest total weight. Digit runs are parts of their own. The
/// first word has at least `first_min` letters, every word `part_min`.
/// O(run × longest word).
fn segment(
    trie: &Trie,
    run: &[u8],
    first_min: usize,
    part_min: usize,
) -> Option<Vec<(usize, usize)>> {
    let n = run.len();
    if n == 0 {
        return None;
    }
    let mut best: Vec<Option<Best>> = vec![None; n + 1];
    best[0] = Some(Best {
        prose: 0,
        words: 0,
        weight: 0.0,
        from: 0,
    });
    let relax = |best: &mut Vec<Option<Best>>, at: usize, cand: Best| {
        if best[at].is_none_or(|b| cand.better_than(&b)) {
            best[at] = Some(cand);
        }
    };
    for i in 0..n {
        let Some(here) = best[i] else {
            continue;
        };
        if run[i].is_ascii_digit() {
            let end = i + run[i..].iter().take_while(|b| b.is_ascii_digit()).count();
            let cand = Best {
                words: here.words + 1,
                from: i,
                ..here
            };
            relax(&mut best, end, cand);
            continue;
        }
        let min = if i == 0 { first_min } else { part_min };
        let mut node = 0usize;
        for (j, &b) in run.iter().enumerate().skip(i) {
            let Some(next) = trie.child(node, b) else {
                break;
            };
            node = next;
            if j + 1 - i < min {
                continue;
            }
            if let Some(entry) = trie.entry(node) {
                let cand = Best {
                    prose: here.prose + u32::from(entry.prose),
                    words: here.words + 1,
                    weight: here.weight + entry.weight,
                    from: i,
                };
                relax(&mut best, j + 1, cand);
            }
        }
    }
    best[n]?;
    let mut cuts = Vec::new();
    let mut end = n;
    while end > 0 {
        let from = best[end]?.from;
        cuts.push((from, end));
        end = from;
    }
    cuts.reverse();
    Some(cuts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// A small document with the words of the examples, written the ways
    /// SailPoint writes them.
    fn doc() -> Value {
        json!({
            "openapi": "3.0.3",
            "tags": [{"name": "Access Profiles"}, {"name": "Access Requests"}],
            "paths": {
                "/access-profiles/bulk-delete": {
                    "post": {
                        "operationId": "deleteAccessProfilesInBulk",
                        "summary": "Delete access profile(s)",
                        "tags": ["Access Profiles"],
                        "parameters": [
                            {"name": "requestType", "in": "query"},
                            {"name": "itemOperation", "in": "query"}
                        ]
                    }
                },
                "/pending-approvals": {
                    "get": {"operationId": "listPendingApprovals"}
                },
                "/account-activities": {
                    "get": {"operationId": "listAccountActivities"}
                }
            },
            "components": {
                "schemas": {
                    "accessprofilebulkdeleterequest": {
                        "type": "object",
                        "properties": {
                            "accessProfileIds": {"type": "array"},
                            "bestEffortOnly": {"type": "boolean"},
                            "approvalId": {"type": "string"},
                            "accountActivityId": {"type": "string"},
                            "inline": {
                                "type": "object",
                                "properties": {"oauthClientType": {"type": "string"}}
                            }
                        }
                    },
                    "BaseReferenceDto": {"type": "object"},
                    "ProvisioningConfig": {"type": "object"},
                    "dtotype": {"type": "string", "enum": ["ACCESS_PROFILE", "ROLE"]},
                    "pendingapproval": {"type": "object"},
                    "accountactivityitemoperation": {"type": "string"}
                }
            }
        })
    }

    fn vocab() -> Vocabulary {
        Vocabulary::from_document(&doc())
    }

    #[test]
    fn the_examples() {
        let v = vocab();
        for (name, readable) in [
            (
                "accessprofilebulkdeleterequest",
                "AccessProfileBulkDeleteRequest",
            ),
            ("ProvisioningConfig", "ProvisioningConfig"),
            ("dtotype", "DtoType"),
            ("accessrequesttype2", "AccessRequestType2"),
            ("OAuthClient", "OAuthClient"),
            ("xyzzy", "Xyzzy"),
            ("pendingapproval", "PendingApproval"),
            (
                "accountactivityitemoperation",
                "AccountActivityItemOperation",
            ),
            ("accessprofile-2", "AccessProfile2"),
            ("Accessprofile", "AccessProfile"),
            ("IDENTITIES_DETAILS", "IdentitiesDetails"),
            ("ACCESS_PROFILE", "AccessProfile"),
            ("access-profile-xyzzy", "AccessProfileXyzzy"),
            ("accessprofilexyzzy", "Accessprofilexyzzy"),
            ("DTOType", "DTOType"),
            ("accessProfileitem", "AccessProfileitem"),
        ] {
            assert_eq!(readable_name(name, &v), readable, "{name}");
        }
        assert_eq!(
            v.split("accesstype2").unwrap(),
            ["access", "type", "2"],
            "digits at the end are their own part"
        );
        assert_eq!(v.split("xyzzy"), None);
        assert_eq!(v.split("2"), Some(vec!["2".to_owned()]));
    }

    #[test]
    fn fewest_words_win() {
        let mut v = vocab();
        v.add_words(["pen", "ding", "pend", "ing"]);
        assert_eq!(v.split("pendingapproval").unwrap(), ["pending", "approval"]);
        assert_eq!(
            v.split("pendingapprovals").unwrap(),
            ["pending", "approvals"]
        );
    }

    #[test]
    fn frequency_breaks_ties() {
        let mut v = Vocabulary::new();
        v.add_document(&json!({"paths": {
            "/a": {"get": {"operationId": "getUserName"}},
            "/b": {"get": {"operationId": "getUserNames"}},
            "/c": {"get": {"operationId": "setUsernAme"}}
        }}));
        // `user name` (2 + 2 occurrences) over `usern ame` (1 + 1).
        assert_eq!(v.split("username").unwrap(), ["user", "name"]);
    }

    #[test]
    fn lowercased_compounds_are_not_words() {
        let v = Vocabulary::from_document(&json!({
            "components": {"schemas": {
                "accessprofile-2": {"type": "object"},
                "Thing": {"properties": {
                    "accessProfileId": {}, "accessProfileName": {},
                    "kind": {"enum": ["accessprofile", "perform", "into", "append"]},
                    "perPage": {}, "formId": {}, "inTo": {}, "appEnd": {},
                    "perItem": {}, "formName": {}, "inOut": {}, "toApp": {}, "endAt": {}
                }}
            }}
        }));
        assert_eq!(v.split("accessprofile").unwrap(), ["access", "profile"]);
        let once = Vocabulary::from_document(&json!({
            "components": {"schemas": {
                "LifecyclestateDeleted": {"properties": {
                    "lifecycleId": {}, "lifecycleName": {}, "stateId": {}, "stateName": {}
                }}
            }}
        }));
        assert_eq!(
            once.split("lifecyclestate").unwrap(),
            ["lifecycle", "state"]
        );
        // Words the API wrote next to a boundary only once may be compounds
        // (`LifecyclestateDeleted`); a first part shorter than 4 letters
        // makes a word, not a compound.
        assert_eq!(v.split("perform").unwrap(), ["perform"]);
        assert_eq!(v.split("append").unwrap(), ["append"]);
        assert_eq!(v.split("into").unwrap(), ["into"]);
    }

    #[test]
    fn short_words_need_to_be_frequent() {
        let mut v = Vocabulary::new();
        let ids = |n: usize| -> Value {
            let paths: serde_json::Map<String, Value> = (0..n)
                .map(|i| {
                    let op = json!({"get": {"operationId": format!("getAccessById{i}")}});
                    (format!("/p{i}"), op)
                })
                .collect();
            json!({"paths": paths})
        };
        v.add_document(&ids(2));
        assert_eq!(v.split("accessid"), None, "`id` twice is not enough");
        v.add_document(&ids(1));
        assert_eq!(v.split("accessid").unwrap(), ["access", "id"]);
        assert_eq!(v.split("accessbyid").unwrap(), ["access", "by", "id"]);
        // One letter: 20 occurrences next to a boundary (`V1`).
        let v1 = |n: usize| -> Value {
            let paths: serde_json::Map<String, Value> = (0..n)
                .map(|i| {
                    let op = json!({"get": {"operationId": format!("getAccessV1x{i}")}});
                    (format!("/v{i}"), op)
                })
                .collect();
            json!({"paths": paths})
        };
        let mut w = Vocabulary::new();
        w.add_document(&v1(19));
        assert_eq!(w.split("accessv2"), None);
        w.add_document(&v1(1));
        assert_eq!(w.split("accessv2").unwrap(), ["access", "v", "2"]);
        assert_eq!(readable_name("accessv2", &w), "AccessV2");
        // Given words are always words.
        let mut g = Vocabulary::new();
        g.add_words(["a", "b"]);
        assert_eq!(g.split("ab").unwrap(), ["a", "b"]);
    }

    #[test]
    fn words_of_descriptions() {
        let v = Vocabulary::from_document(&json!({
            "components": {"schemas": {"Thing": {
                "description": "A revocability of sourcelite, a request without \
                    approval, see the source lite docs.",
                "properties": {
                    "sourceId": {}, "sourceName": {}, "liteMode": {}, "liteType": {},
                    "forRole": {}, "withOut": {}, "outId": {}
                }
            }}}
        }));
        // A compound of identifier words is not a word: `source lite`.
        assert_eq!(v.split("sourcelite").unwrap(), ["source", "lite"]);
        // Words only descriptions have cover what identifiers do not.
        assert_eq!(
            v.split("revocabilityforrole").unwrap(),
            ["revocability", "for", "role"]
        );
        // Fewest words first: `without`, not `with out`.
        assert_eq!(v.split("without").unwrap(), ["without"]);
        // Short description words are not words (`a`, `of`).
        assert_eq!(v.split("aof"), None);
    }

    #[test]
    fn suffixes_stay_with_their_word() {
        let mut v = vocab();
        v.add_words(["review", "able", "request", "ability", "role"]);
        assert_eq!(v.split("reviewable").unwrap(), ["review", "able"]);
        assert_eq!(readable_name("reviewablerole", &v), "ReviewableRole");
        assert_eq!(readable_name("requestability", &v), "Requestability");
        assert_eq!(readable_name("able", &v), "Able");
        assert_eq!(readable_name("ablerole", &v), "AbleRole");
        assert_eq!(readable_name("role2able", &v), "Role2Able");
    }

    #[test]
    fn every_source_is_read() {
        let v = Vocabulary::from_document(&json!({
            "tags": [{"name": "Tagword Here"}],
            "paths": {"/pathword-one/{paramword}": {"get": {
                "operationId": "getOperationword",
                "x-go-name": "GoNameword",
                "x-sailpoint-resource-operation-id": ["listResourceword"],
                "parameters": [{"name": "paramName", "in": "path"}],
                "summary": "Summaryword thing",
                "tags": ["Optagword"]
            }}},
            "components": {"schemas": {
                "SchemaWord": {"properties": {
                    "nested": {"items": {"properties": {"inlineword": {}}}},
                    "example": {"properties": {"underexample": {}}}
                },
                    "discriminator": {"propertyName": "discriminatorword"},
                    "example": {"examplekey": {"properties": {"qzxjv": {}}}}},
                "kebab-word": {"enum": ["ENUMWORD_X"]},
                "onlyoneword": {}
            }}
        }));
        for word in [
            "tagword",
            "pathword",
            "paramword",
            "operationword",
            "nameword",
            "resourceword",
            "summaryword",
            "optagword",
            "schema",
            "inlineword",
            "discriminatorword",
            "underexample",
            "kebab",
            "enumword",
        ] {
            assert_eq!(v.split(word).unwrap(), [word], "{word}");
        }
        assert_eq!(v.split("qzxjv"), None, "examples are data");
        assert_eq!(v.split("onlyoneword"), None, "the names we split");
    }

    #[test]
    fn degenerate_inputs() {
        let v = vocab();
        for run in ["", "A", "é", "access profile", "access-profile", "ACCESS"] {
            assert_eq!(v.split(run), None, "{run:?}");
        }
        assert_eq!(Vocabulary::new().split("access"), None);
        assert_eq!(Vocabulary::new().split("123").unwrap(), ["123"]);
        for (name, readable) in [
            ("", ""),
            ("___", "___"),
            ("123", "123"),
            ("V2", "V2"),
            ("a_b", "a_b"),
            ("été", "été"),
            ("accessÉprofile", "AccessÉProfile"),
            ("ß_access", "ßAccess"),
        ] {
            assert_eq!(readable_name(name, &v), readable, "{name:?}");
        }
    }

    #[test]
    fn long_inputs_are_fast() {
        let v = vocab();
        let run = "accessprofile".repeat(800);
        let start = std::time::Instant::now();
        let words = v.split(&run).unwrap();
        assert_eq!(words.len(), 1600);
        assert_eq!(v.split(&"x".repeat(10_000)), None);
        assert_eq!(v.split(&"a".repeat(10_000)), None);
        let name: String = "aB1_é".repeat(2_000);
        let _ = readable_name(&name, &v);
        let _ = readable_name(&run, &v);
        let mut big = Vocabulary::new();
        big.add_words(
            (1..=MAX_WORD_LEN)
                .map(|n| "a".repeat(n))
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
        );
        assert!(big.split(&"a".repeat(10_000)).is_some());
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    fn find(trie: &Trie, word: &str) -> Option<Entry> {
        let mut node = 0;
        for b in word.bytes() {
            node = trie.child(node, b)?;
        }
        trie.entry(node)
    }

    /// Letters of a name, lowercased one character at a time (not
    /// `str::to_lowercase`, whose final sigma depends on the neighbours).
    fn letters(s: &str) -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    }

    /// Every name up to 5 characters over a small alphabet, with a
    /// vocabulary whose words overlap: idempotent and no letter lost.
    #[test]
    fn small_names_exhaustively() {
        let mut v = Vocabulary::new();
        v.add_words(["a", "b", "ab", "ba", "bab"]);
        let alphabet = ['a', 'b', 'A', 'B', '1', '_'];
        let mut names = vec![String::new()];
        let mut all = Vec::new();
        for _ in 0..5 {
            names = names
                .iter()
                .flat_map(|n| alphabet.iter().map(move |c| format!("{n}{c}")))
                .collect();
            all.extend(names.iter().cloned());
        }
        for name in &all {
            let once = readable_name(name, &v);
            assert_eq!(letters(&once), letters(name), "{name:?} → {once:?}");
            assert_eq!(readable_name(&once, &v), once, "{name:?} → {once:?}");
        }
    }

    /// Words that make suffixes, prefixes and short words meet.
    const POOL: &[&str] = &[
        "able", "ab", "le", "review", "re", "view", "ability", "ible", "i", "a", "role", "v",
    ];

    fn vocabulary_of(words: &[String]) -> Vocabulary {
        let mut v = Vocabulary::new();
        v.add_words(words.iter().map(String::as_str));
        v
    }

    proptest! {
        #[test]
        fn split_covers_the_run_with_known_words(
            words in prop::collection::vec("[a-d]{1,4}", 0..12),
            run in "[a-d0-9]{0,40}",
        ) {
            let v = vocabulary_of(&words);
            if let Some(parts) = v.split(&run) {
                prop_assert_eq!(parts.concat(), run.clone());
                for part in &parts {
                    prop_assert!(
                        words.contains(part) || part.bytes().all(|b| b.is_ascii_digit()),
                        "{:?} in {:?}", part, parts
                    );
                }
                // Digit runs are whole parts.
                for pair in parts.windows(2) {
                    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
                    prop_assert!(!(digits(&pair[0]) && digits(&pair[1])));
                }
            }
        }

        #[test]
        fn split_never_panics(words in prop::collection::vec("\\PC{0,6}", 0..8), run in "\\PC{0,60}") {
            let v = vocabulary_of(&words);
            let _ = v.split(&run);
            let _ = readable_name(&run, &v);
        }

        #[test]
        fn from_document_never_panics(ids in prop::collection::vec("\\PC{0,20}", 0..8)) {
            let properties: serde_json::Map<String, Value> =
                ids.iter().map(|id| (id.clone(), json!({"description": id}))).collect();
            let doc = json!({
                "tags": ids.iter().map(|t| json!({"name": t})).collect::<Vec<_>>(),
                "components": {"schemas": {"S": {"properties": properties}}},
            });
            let v = Vocabulary::from_document(&doc);
            for id in &ids {
                let _ = readable_name(id, &v);
            }
        }

        #[test]
        fn no_letter_lost_or_added(
            words in prop::collection::vec("[a-d]{1,4}", 0..12),
            name in "[a-dA-D0-9_ é-]{0,30}|\\PC{0,30}",
        ) {
            let v = vocabulary_of(&words);
            let out = readable_name(&name, &v);
            prop_assert_eq!(letters(&out), letters(&name));
        }

        #[test]
        fn idempotent_with_suffixes(
            words in prop::collection::vec(prop::sample::select(POOL), 0..8),
            pieces in prop::collection::vec(
                (prop::sample::select(POOL), prop::sample::select(&["", "", "_", "-", "2"][..]), any::<bool>()),
                0..6,
            ),
        ) {
            let v = {
                let mut v = Vocabulary::new();
                v.add_words(words.iter().copied());
                v
            };
            let name: String = pieces
                .iter()
                .map(|(w, sep, upper)| {
                    let w = if *upper { w.to_ascii_uppercase() } else { w.to_string() };
                    format!("{w}{sep}")
                })
                .collect();
            let once = readable_name(&name, &v);
            prop_assert_eq!(letters(&once), letters(&name));
            prop_assert_eq!(readable_name(&once, &v), once);
        }

        #[test]
        fn idempotent_on_ascii(
            words in prop::collection::vec("[a-d]{1,4}", 0..12),
            name in "[a-dA-D0-9_ -]{0,30}",
        ) {
            let v = vocabulary_of(&words);
            let once = readable_name(&name, &v);
            prop_assert_eq!(readable_name(&once, &v), once);
        }
    }

    /// The figures for a real document: `WORDS_SPEC=doc.json[,older.json...]
    /// cargo test -p sailpoint-codegen --lib words::tests::measure --
    /// --ignored --nocapture`. The first document's component names are
    /// measured; every document gives words. `WORDS_ALL=1` lists every
    /// one-word name; `WORDS_EXTRA=a,b` adds words.
    #[test]
    #[ignore = "reads the documents named by WORDS_SPEC"]
    fn measure() {
        let Ok(paths) = std::env::var("WORDS_SPEC") else {
            return;
        };
        let docs: Vec<Value> = paths
            .split(',')
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect();
        let mut v = Vocabulary::new();
        for doc in &docs {
            v.add_document(doc);
        }
        if let Ok(extra) = std::env::var("WORDS_EXTRA") {
            v.add_words(extra.split(','));
        }
        let names: Vec<&String> = docs[0]["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        let unbroken = |s: &str| {
            let mut run = 0;
            for c in s.chars().skip(1) {
                run = if c.is_ascii_lowercase() { run + 1 } else { 0 };
                if run >= 14 {
                    return true;
                }
            }
            false
        };
        let one_word: Vec<&&String> = names
            .iter()
            .filter(|n| {
                n.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            })
            .collect();
        let covered = one_word
            .iter()
            .filter(|n| {
                v.split(n.trim_end_matches(|c: char| c.is_ascii_digit()))
                    .is_some()
            })
            .count();
        println!(
            "{} components, {} one lowercase word, {} of these covered",
            names.len(),
            one_word.len(),
            covered
        );
        let mut left = Vec::new();
        for name in &names {
            let out = readable_name(name, &v);
            if unbroken(&out) {
                left.push(format!("{name} → {out}"));
            }
        }
        println!("unbroken after readable_name: {}", left.len());
        let heck_changes: Vec<String> = names
            .iter()
            .map(|n| readable_name(n, &v))
            .filter(|out| heck::ToPascalCase::to_pascal_case(out.as_str()) != *out)
            .collect();
        println!(
            "names heck's PascalCase (typify) would still change: {} {:?}",
            heck_changes.len(),
            heck_changes.iter().take(12).collect::<Vec<_>>()
        );
        for l in &left {
            println!("  {l}");
        }
        if std::env::var_os("WORDS_ALL").is_some() {
            println!("all (* a word of descriptions only):");
            for name in &one_word {
                let words = v.split(name).unwrap_or_default();
                let marked: Vec<String> = words
                    .iter()
                    .map(|w| {
                        let prose = find(&v.index, w).is_some_and(|e| e.prose);
                        format!("{w}{}", if prose { "*" } else { "" })
                    })
                    .collect();
                println!(
                    "  {name} → {} [{}]",
                    readable_name(name, &v),
                    marked.join(" ")
                );
            }
        }
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        println!("sample:");
        for _ in 0..40 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let name = one_word[(seed % one_word.len() as u64) as usize];
            println!("  {name} → {}", readable_name(name, &v));
        }
    }
}
