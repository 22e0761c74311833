//! Decoding a success body leniently: what real SailPoint tenants send is
//! not always what the docs say (an enum value they do not list, `null`
//! where they promise a value, a field missing, a `oneOf` no member of
//! which matches). One odd value must not cost the whole answer.
//!
//! A body is decoded as it is first (the fast path, the only one a body
//! that matches its type ever takes). When that fails, the body is read as
//! JSON, the path to the value decoding stopped at is found (from where it
//! stopped: see `locate`), and the value there is repaired, the smallest
//! repair first:
//!
//! 1. a `null` is dropped (the field reads as its default, or `None`), or
//!    else read as an empty value of a kind that decodes (`""`, `[]`,
//!    `false`, `0`, `{}` where every field is optional: a required field
//!    the server left `null` reads as empty);
//! 2. another value is kept as another kind where it can be (a number sent
//!    as a string, one item where a list is documented), else dropped (an
//!    enum value the type does not list: the optional field is empty);
//! 3. a missing required field is filled the same way (`null` first, for a
//!    required field that may be `null`), and a field the type does not
//!    have is dropped where the type refuses unknown fields;
//! 4. where the types of a `oneOf` all fail, the `null`s inside are dropped;
//! 5. failing all these, the same is tried one level up; an item of a list
//!    that nothing repairs is dropped, as long as most of the list stays.
//!
//! A field dropped and found required later (a struct reports a missing
//! field only once it has read the others) is put back and repaired
//! otherwise.
//!
//! A repair is made wherever the same path (list indices aside) holds the
//! same kind of value, so a list whose every item has the same odd field
//! costs one repair, not one per item. Each repair is reported (a `tracing`
//! warning naming the operation, the path and what was done, never the
//! value). The number of repairs and of attempts is bounded; past the
//! bound, or when no repair helps, the body does not decode, and the error
//! says where, and what kind of value was there.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde::de::DeserializeOwned;
use serde_json::Value;

/// The most distinct repairs made to one body.
pub const MAX_REPAIRS: usize = 32;

/// One step of a path into a JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    Key(String),
    Index(usize),
}

/// What was done to a body to decode it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    /// Where, with list indices left out (`[].owner.id`): every place the
    /// same path held the same kind of value.
    pub path: String,
    /// What was done there.
    pub action: Action,
    /// How many places.
    pub places: usize,
}

/// A repair's action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The member was dropped: the field reads as empty (`None`, `[]`, its
    /// default). `was`: the kind of value it held.
    Dropped {
        /// The kind of value it held.
        was: &'static str,
    },
    /// The value was read as another kind, kept (a number sent as a
    /// string, one item where a list was documented).
    Converted {
        /// The kind of value it held.
        was: &'static str,
        /// What it reads as now.
        now: &'static str,
    },
    /// A `null` was replaced by an empty value of another kind.
    Emptied {
        /// The kind of value it held.
        was: &'static str,
        /// What it reads as now (`""`, `[]`, `false`, `0`).
        now: &'static str,
    },
    /// A missing required field was filled in.
    Filled {
        /// What it reads as (`null`, `""`, ...).
        now: &'static str,
    },
    /// The `null`s inside were dropped (none of a `oneOf`'s types matched).
    NullsDropped,
    /// None of a `oneOf`'s types matched: the fields the nearest one
    /// requires, missing, were filled with empty values (their names).
    Completed {
        /// The fields filled, as paths inside the value.
        fields: Vec<String>,
    },
    /// The item was dropped from its list.
    ItemDropped {
        /// The kind of value it was.
        was: &'static str,
    },
}

impl std::fmt::Display for Repair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.action {
            Action::Dropped { was } => {
                write!(f, "`{}` ({was}) dropped: the field is empty", self.path)?
            }
            Action::Converted { was, now } => write!(f, "`{}` ({was}) read as {now}", self.path)?,
            Action::Emptied { was, now } => write!(f, "`{}` ({was}) read as {now}", self.path)?,
            Action::Filled { now } => write!(f, "`{}` missing, read as {now}", self.path)?,
            Action::NullsDropped => write!(f, "`{}`: the nulls inside dropped", self.path)?,
            Action::Completed { fields } if fields.is_empty() => write!(
                f,
                "`{}`: fields its type has that may be null, missing, read as null",
                self.path
            )?,
            Action::Completed { fields } => write!(
                f,
                "`{}`: {} field(s) its type requires, missing, read as empty ({})",
                self.path,
                fields.len(),
                fields.join(", ")
            )?,
            Action::ItemDropped { was } => {
                write!(f, "`{}` ({was}) dropped from its list", self.path)?
            }
        }
        if self.places > 1 {
            write!(f, " ({} places)", self.places)?;
        }
        Ok(())
    }
}

/// Why a body does not decode, even leniently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Where (`None`: the body as a whole).
    pub path: Option<String>,
    /// The kind of value there, when the body is JSON.
    pub kind: Option<&'static str>,
    /// Why, in the type's words, never the value.
    pub reason: String,
}

/// A body decoded, and the repairs it needed (none on the fast path).
#[derive(Debug)]
pub struct Decoded<T> {
    /// The value.
    pub value: T,
    /// What was repaired, in order.
    pub repairs: Vec<Repair>,
}

/// Decodes `body` as `T`, leniently (see the module docs), with `T`'s
/// JSON Schema for completing a `oneOf` member (see `members`).
pub fn decode_with_schema<T: DeserializeOwned + schemars::JsonSchema>(
    body: &[u8],
) -> Result<Decoded<T>, Failure> {
    decode_as::<T>(body, Some(&|| schemars::schema_for!(T).to_value()))
}

/// Decodes `body` as `T`, leniently (see the module docs).
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<Decoded<T>, Failure> {
    decode_as::<T>(body, None)
}

/// [`decode`], with the type's schema when there is one.
fn decode_as<T: DeserializeOwned>(
    body: &[u8],
    schema: Option<&dyn Fn() -> Value>,
) -> Result<Decoded<T>, Failure> {
    if let Ok(value) = serde_json::from_slice::<T>(body) {
        return Ok(Decoded {
            value,
            repairs: Vec::new(),
        });
    }
    let mut value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(_) if body.iter().all(u8::is_ascii_whitespace) => {
            return Err(Failure {
                path: None,
                kind: None,
                reason: "the body is empty".into(),
            })
        }
        Err(e) => {
            return Err(Failure {
                path: None,
                kind: None,
                reason: format!("the body is not JSON ({})", syntax_reason(&e)),
            })
        }
    };
    // The repairs are not generic: only this closure is compiled for each
    // `T`, and it is the fast path's deserializer again.
    let mut decoded: Option<T> = None;
    let mut probe =
        |bytes: &[u8]| serde_json::from_slice::<T>(bytes).map(|value| decoded = Some(value));
    let mut repairer = Repairer::new(body.len(), &mut probe);
    repairer.schema = schema;
    let repairs = repairer.run(&mut value)?;
    match decoded {
        Some(value) => Ok(Decoded { value, repairs }),
        // The last attempt decoded; it set `decoded`.
        None => Err(Failure {
            path: None,
            kind: None,
            reason: "the body does not decode".into(),
        }),
    }
}

/// Decodes a JSON value as `T`, leniently (see the module docs). It is
/// decoded from its text, as a body is (one deserializer of `T` compiled,
/// not two).
pub fn decode_value<T: DeserializeOwned>(value: &Value) -> Result<Decoded<T>, Failure> {
    decode(&serde_json::to_vec(value).unwrap_or_default())
}

/// The attempts (whole decodings of the value) one body may cost: more for
/// a small body, fewer for a large one (each attempt reads all of it).
fn attempt_budget(len: usize) -> usize {
    const MIB: usize = 1 << 20;
    (256 * MIB / len.max(MIB)).clamp(24, 256)
}

struct Repairer<'p> {
    /// Decodes the text of the value as the type (keeping it when it does).
    probe: &'p mut dyn FnMut(&[u8]) -> Result<(), serde_json::Error>,
    /// The type's JSON Schema, when there is one (made when first needed).
    schema: Option<&'p dyn Fn() -> Value>,
    made_schema: Option<Value>,
    attempts: usize,
    budget: usize,
    repairs: Vec<Repair>,
    /// The members dropped, by pattern, to put back should the field turn
    /// out to be required: a struct says what it misses only after reading
    /// its other fields, so a drop followed by an error in a later field
    /// cannot be told from a drop that worked until then.
    dropped: Vec<(String, Vec<Place>)>,
    /// Patterns found to be required: never dropped again.
    required: std::collections::HashSet<String>,
    /// How many items were dropped from each list (by its path): an item
    /// is dropped only while most of its list stays.
    items_dropped: std::collections::HashMap<String, usize>,
}

/// A member dropped: its object's path, its key and what it held.
type Place = (Vec<Step>, String, Value);

/// What one repair step did.
enum Outcome {
    /// A repair.
    Repaired(Repair),
    /// A drop put back (the field is required); the loop goes on.
    Undone,
}

/// The outcome of one attempt: success, or where and why it failed.
enum Attempt {
    Decoded,
    Failed(Option<Vec<Step>>, String),
}

fn attempt(
    value: &Value,
    probe: &mut dyn FnMut(&[u8]) -> Result<(), serde_json::Error>,
) -> Attempt {
    // Compact JSON is one line (strings escape their line breaks), so
    // serde_json's column is the byte offset where it stopped.
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    match probe(&bytes) {
        Ok(()) => Attempt::Decoded,
        Err(e) => {
            let message = e.to_string();
            let path = match e.line() {
                // No position: the error came out of the top-level value.
                0 => Some(Vec::new()),
                1 => locate(&bytes, e.column(), &message),
                _ => None,
            };
            Attempt::Failed(path, message)
        }
    }
}

/// The path of the value an error of serde_json's is about, from where it
/// stopped (`at`, a byte offset of the compact JSON `bytes`) and what it
/// says. Reading it from there keeps decoding the one instantiation of
/// `T`'s deserializer the fast path uses: tracking paths while decoding
/// (serde_path_to_error) would compile every response type's deserializer
/// a second time. Where serde_json stops:
///
/// - an error of its own reader about a value (`invalid type`, `invalid
///   value`, `unknown variant`) is placed just past a scalar, or at the
///   start of a list or object it refuses;
/// - an error about an object or list as a whole (`missing field`,
///   `invalid length`) just past its end;
/// - `unknown field` just past the key, inside its object;
/// - any other (a `oneOf` no type of which matches, a type's own check)
///   is placed by its container, after the value it is about: just past a
///   list's comma that follows it, at an object's comma that follows it,
///   or just past the container's end when it was the last.
fn locate(bytes: &[u8], at: usize, message: &str) -> Option<Vec<Step>> {
    let find = |mode: Mode| find(bytes, mode);
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| message.starts_with(p));
    if starts(&["invalid type: map", "invalid type: sequence"]) {
        return find(Mode::StartsAt(at)).or_else(|| find(Mode::EndsAt(at)));
    }
    if starts(&[
        "invalid type",
        "invalid value",
        "unknown variant",
        "missing field",
        "invalid length",
    ]) {
        return find(Mode::EndsAt(at)).or_else(|| find(Mode::Around(at)));
    }
    if starts(&["unknown field"]) {
        return find(Mode::Around(at));
    }
    // The value before `at`: at an object's comma (a member that is not
    // its object's last), else before a list's comma, or the last of the
    // container that ends at `at`.
    let in_an_object = || {
        bytes.get(at) == Some(&b',')
            && scan(bytes, Mode::Around(at))
                .is_some_and(|(_, start)| bytes.get(start) == Some(&b'{'))
    };
    let before = match at.checked_sub(1).and_then(|i| bytes.get(i)) {
        _ if in_an_object() => at,
        Some(b',' | b']' | b'}') => at - 1,
        _ => at,
    };
    find(Mode::EndsAt(before))
        .or_else(|| find(Mode::EndsAt(at)))
        .or_else(|| find(Mode::Around(at)))
}

/// Which value [`find`] looks for: the innermost one that ends at, starts
/// at or holds a byte offset.
#[derive(Clone, Copy)]
enum Mode {
    EndsAt(usize),
    StartsAt(usize),
    Around(usize),
}

/// The path of the innermost value of `bytes` (compact JSON) that `mode`
/// describes.
fn find(bytes: &[u8], mode: Mode) -> Option<Vec<Step>> {
    scan(bytes, mode).map(|(path, _)| path)
}

/// The innermost value of `bytes` (compact JSON) that `mode` describes:
/// its path and where it starts.
fn scan(bytes: &[u8], mode: Mode) -> Option<(Vec<Step>, usize)> {
    struct Scan<'b> {
        bytes: &'b [u8],
        mode: Mode,
        i: usize,
        path: Vec<Step>,
        /// The deepest match so far: its depth, path and start.
        best: Option<(usize, Vec<Step>, usize)>,
    }
    impl Scan<'_> {
        fn peek(&self) -> Option<u8> {
            self.bytes.get(self.i).copied()
        }
        /// Reads one value; its span decides whether it is the best so far.
        fn value(&mut self) -> Option<()> {
            let start = self.i;
            match self.peek()? {
                b'{' => {
                    self.i += 1;
                    if self.peek()? != b'}' {
                        loop {
                            let key = self.string()?;
                            if self.peek()? != b':' {
                                return None;
                            }
                            self.i += 1;
                            self.path.push(Step::Key(key));
                            self.value()?;
                            self.path.pop();
                            match self.peek()? {
                                b',' => self.i += 1,
                                b'}' => break,
                                _ => return None,
                            }
                        }
                    }
                    self.i += 1;
                }
                b'[' => {
                    self.i += 1;
                    if self.peek()? != b']' {
                        let mut index = 0;
                        loop {
                            self.path.push(Step::Index(index));
                            self.value()?;
                            self.path.pop();
                            index += 1;
                            match self.peek()? {
                                b',' => self.i += 1,
                                b']' => break,
                                _ => return None,
                            }
                        }
                    }
                    self.i += 1;
                }
                b'"' => {
                    self.string()?;
                }
                _ => {
                    while self
                        .peek()
                        .is_some_and(|b| !matches!(b, b',' | b']' | b'}'))
                    {
                        self.i += 1;
                    }
                }
            }
            let end = self.i;
            let matches = match self.mode {
                Mode::EndsAt(at) => end == at,
                Mode::StartsAt(at) => start == at,
                Mode::Around(at) => start < at && at < end,
            };
            let depth = self.path.len();
            if matches && self.best.as_ref().is_none_or(|(best, _, _)| depth > *best) {
                self.best = Some((depth, self.path.clone(), start));
            }
            Some(())
        }
        /// Reads a string (its text, escapes decoded).
        fn string(&mut self) -> Option<String> {
            let start = self.i;
            if self.peek()? != b'"' {
                return None;
            }
            self.i += 1;
            let mut escaped = false;
            loop {
                match self.peek()? {
                    b'\\' => {
                        escaped = true;
                        self.i += 2;
                    }
                    b'"' => break,
                    _ => self.i += 1,
                }
            }
            self.i += 1;
            let raw = self.bytes.get(start..self.i)?;
            if escaped {
                serde_json::from_slice(raw).ok()
            } else {
                std::str::from_utf8(&raw[1..raw.len() - 1])
                    .ok()
                    .map(str::to_owned)
            }
        }
    }
    let mut scan = Scan {
        bytes,
        mode,
        i: 0,
        path: Vec::new(),
        best: None,
    };
    scan.value()?;
    scan.best.map(|(_, path, start)| (path, start))
}

impl<'p> Repairer<'p> {
    fn new(len: usize, probe: &'p mut dyn FnMut(&[u8]) -> Result<(), serde_json::Error>) -> Self {
        Repairer {
            probe,
            schema: None,
            made_schema: None,
            attempts: 0,
            budget: attempt_budget(len),
            repairs: Vec::new(),
            dropped: Vec::new(),
            required: std::collections::HashSet::new(),
            items_dropped: std::collections::HashMap::new(),
        }
    }

    fn try_decode(&mut self, value: &Value) -> Attempt {
        self.attempts += 1;
        attempt(value, self.probe)
    }

    /// Repairs `value` until it decodes (the probe then holds what it
    /// decoded to); the repairs made.
    fn run(mut self, value: &mut Value) -> Result<Vec<Repair>, Failure> {
        loop {
            let (path, message) = match self.try_decode(value) {
                Attempt::Decoded => return Ok(self.repairs),
                Attempt::Failed(path, message) => (path, message),
            };
            let failure = |value: &Value, why: Option<&str>| {
                let located = path.as_deref().and_then(|p| at(value, p));
                let mut reason = reason_text(&message).into_owned();
                if let Some(why) = why {
                    reason.push_str("; ");
                    reason.push_str(why);
                }
                Failure {
                    path: path.as_deref().filter(|p| !p.is_empty()).map(display_path),
                    kind: located.map(kind_of),
                    reason,
                }
            };
            let Some(steps) = path.as_deref() else {
                return Err(failure(value, None));
            };
            if self.repairs.len() >= MAX_REPAIRS {
                return Err(failure(value, Some("too many other problems in the body")));
            }
            match self.repair(value, steps, &message) {
                Some(Outcome::Repaired(repair)) => self.repairs.push(repair),
                Some(Outcome::Undone) => {}
                None if self.attempts >= self.budget => {
                    return Err(failure(value, Some("too many other problems in the body")))
                }
                None => return Err(failure(value, None)),
            }
        }
    }

    /// Puts back the members dropped at `pattern`, if some were: the field
    /// is required after all.
    fn undo_drop(&mut self, value: &mut Value, pattern: &str) -> bool {
        let Some(at_index) = self.dropped.iter().position(|(p, _)| p == pattern) else {
            return false;
        };
        let (pattern, places) = self.dropped.remove(at_index);
        for (parent, key, original) in places {
            if let Some(Value::Object(map)) = at_mut(value, &parent) {
                map.insert(key, original);
            }
        }
        self.repairs
            .retain(|r| !(r.path == pattern && matches!(r.action, Action::Dropped { .. })));
        self.required.insert(pattern);
        true
    }

    /// Repairs the failure at `steps`, trying the smallest repairs first,
    /// from the failing value up to the body's root.
    fn repair(&mut self, value: &mut Value, steps: &[Step], message: &str) -> Option<Outcome> {
        // A field the type does not have (a type that refuses unknown
        // fields): dropped, a property added upstream.
        if let Some(field) = quoted_after(message, "unknown field `") {
            let mut target = steps.to_vec();
            target.push(Step::Key(field.to_owned()));
            if let Some(Value::Object(map)) = at_mut(value, steps) {
                if let Some(removed) = map.remove(field) {
                    let was = kind_of(&removed);
                    if self.progressed(value, &target) {
                        let mut places = vec![(steps.to_vec(), field.to_owned(), removed)];
                        places.extend(drop_everywhere(value, &target, was));
                        let count = places.len();
                        return Some(Outcome::Repaired(Repair {
                            path: pattern(&target),
                            action: Action::Dropped { was },
                            places: count,
                        }));
                    }
                    if let Some(Value::Object(map)) = at_mut(value, steps) {
                        map.insert(field.to_owned(), removed);
                    }
                }
            }
        }
        // A missing field: put back what was dropped there, or fill it in.
        if let Some(field) = missing_field(message) {
            let mut target = steps.to_vec();
            target.push(Step::Key(field.to_owned()));
            if self.undo_drop(value, &pattern(&target)) {
                return Some(Outcome::Undone);
            }
            for now in ["null", "\"\"", "[]", "false", "0", "{}"] {
                if self.attempts >= self.budget {
                    return None;
                }
                let filler: Value = serde_json::from_str(now).unwrap_or(Value::Null);
                let Some(Value::Object(map)) = at_mut(value, steps) else {
                    break;
                };
                map.insert(field.to_owned(), filler.clone());
                if self.progressed(value, &target) {
                    let places = 1 + everywhere(value, &target, |parent, key| {
                        if let Value::Object(map) = parent {
                            if !map.contains_key(key) {
                                map.insert(key.to_owned(), filler.clone());
                                return true;
                            }
                        }
                        false
                    });
                    return Some(Outcome::Repaired(Repair {
                        path: pattern(&target),
                        action: Action::Filled { now: shown(now) },
                        places,
                    }));
                }
                if let Some(Value::Object(map)) = at_mut(value, steps) {
                    map.remove(field);
                }
            }
        }
        // None of a `oneOf`'s types matched: a `null` inside is the usual
        // cause, and dropping those keeps the rest of the value.
        if message.starts_with("data did not match any variant") {
            if let Some(repair) = self.nulls_dropped(value, steps) {
                return Some(Outcome::Repaired(repair));
            }
            if let Some(repair) = self.member_completed(value, steps) {
                return Some(Outcome::Repaired(repair));
            }
        }
        for depth in (1..=steps.len()).rev() {
            if self.attempts >= self.budget {
                return None;
            }
            let target = &steps[..depth];
            if let Some(repair) = self.repair_at(value, target) {
                return Some(Outcome::Repaired(repair));
            }
        }
        None
    }

    /// The repairs of the value at `target`, smallest first.
    fn repair_at(&mut self, value: &mut Value, target: &[Step]) -> Option<Repair> {
        let (parent, last) = target.split_at(target.len() - 1);
        let was = kind_of(at(value, target)?);
        // A `null` is best dropped (the field then reads as its documented
        // default); any other value best kept, as another kind.
        let first = if was == "null" {
            self.dropped(value, target)
                .or_else(|| self.converted(value, target))
        } else {
            self.converted(value, target)
                .or_else(|| self.dropped(value, target))
        };
        if first.is_some() {
            return first;
        }
        // 3. The nulls inside (a `oneOf` none of whose types matched).
        if let Some(repair) = self.nulls_dropped(value, target) {
            return Some(repair);
        }
        // 4. An item nothing else repairs: dropped from its list, as long
        // as most of the list stays (a list most of whose items are not of
        // its type is not that list: better an error than an empty one).
        let Step::Index(index) = last[0] else {
            return None;
        };
        let list = display_path(parent);
        let dropped_before = self.items_dropped.get(&list).copied().unwrap_or(0);
        let removed = match at_mut(value, parent) {
            Some(Value::Array(items))
                if index < items.len() && items.len() > dropped_before + 1 =>
            {
                items.remove(index)
            }
            _ => return None,
        };
        if self.progressed(value, target) {
            *self.items_dropped.entry(list).or_default() += 1;
            return Some(Repair {
                path: display_path(target),
                action: Action::ItemDropped { was },
                places: 1,
            });
        }
        if let Some(Value::Array(items)) = at_mut(value, parent) {
            items.insert(index, removed);
        }
        None
    }

    /// Drops the member at `target`, if its parent is an object and that
    /// gets past the failure (an optional field reads as empty).
    fn dropped(&mut self, value: &mut Value, target: &[Step]) -> Option<Repair> {
        let (parent, last) = target.split_at(target.len() - 1);
        let was = kind_of(at(value, target)?);
        let shape = pattern(target);
        if let (Step::Key(key), false) = (&last[0], self.required.contains(&shape)) {
            let removed = match at_mut(value, parent) {
                Some(Value::Object(map)) => map.remove(key)?,
                _ => return None,
            };
            if self.progressed(value, target) {
                let mut places = vec![(parent.to_vec(), key.clone(), removed)];
                places.extend(drop_everywhere(value, target, was));
                let count = places.len();
                self.dropped.push((shape.clone(), places));
                return Some(Repair {
                    path: shape,
                    action: Action::Dropped { was },
                    places: count,
                });
            }
            if let Some(Value::Object(map)) = at_mut(value, parent) {
                map.insert(key.clone(), removed);
            }
        }
        None
    }

    /// Reads the value at `target` as another kind, if that gets past the
    /// failure: the same value (a number in a string), or for `null` an
    /// empty one.
    fn converted(&mut self, value: &mut Value, target: &[Step]) -> Option<Repair> {
        let was = kind_of(at(value, target)?);
        let original = std::mem::take(at_mut(value, target)?);
        for conversion in Conversion::candidates(&original) {
            if self.attempts >= self.budget {
                break;
            }
            let Some(now) = conversion.apply(&original) else {
                continue;
            };
            *at_mut(value, target)? = now;
            if self.progressed(value, target) {
                let places = 1 + everywhere(value, target, |parent, key| match parent {
                    Value::Object(map) => match map.get_mut(key) {
                        Some(v) if kind_of(v) == was => match conversion.apply(v) {
                            Some(now) => {
                                *v = now;
                                true
                            }
                            None => false,
                        },
                        _ => false,
                    },
                    _ => false,
                });
                let action = match conversion {
                    Conversion::Empty(json) => Action::Emptied {
                        was,
                        now: shown(json),
                    },
                    other => Action::Converted {
                        was,
                        now: other.kind(),
                    },
                };
                return Some(Repair {
                    path: pattern(target),
                    action,
                    places,
                });
            }
        }
        *at_mut(value, target)? = original;
        None
    }

    /// Fills in the fields the nearest member of the `oneOf` at `target`
    /// requires and the value lacks (see `crate::members`), if the type's
    /// schema is known and that helps.
    fn member_completed(&mut self, value: &mut Value, target: &[Step]) -> Option<Repair> {
        if self.attempts >= self.budget {
            return None;
        }
        if self.made_schema.is_none() {
            self.made_schema = Some((self.schema?)());
        }
        let root = self.made_schema.as_ref()?;
        let schema = crate::members::schema_at(root, target)?;
        let fills = crate::members::complete(root, schema, at(value, target)?)?;
        let original = at(value, target)?.clone();
        let mut fields = Vec::new();
        for (path, fill, reported) in fills {
            let Some((Step::Key(key), parent)) = path.split_last() else {
                continue;
            };
            if let Some(Value::Object(map)) = at_mut(at_mut(value, target)?, parent) {
                map.insert(key.clone(), fill);
                if reported {
                    fields.push(pattern(&path));
                }
            }
        }
        if self.progressed(value, target) {
            fields.sort();
            fields.dedup();
            return Some(Repair {
                path: display_path(target),
                action: Action::Completed { fields },
                places: 1,
            });
        }
        *at_mut(value, target)? = original;
        None
    }

    /// Drops every `null` member inside the value at `target`, if it has
    /// some and that helps.
    fn nulls_dropped(&mut self, value: &mut Value, target: &[Step]) -> Option<Repair> {
        if self.attempts >= self.budget {
            return None;
        }
        let inner = at(value, target)?;
        if !has_null_member(inner) {
            return None;
        }
        let original = inner.clone();
        drop_null_members(at_mut(value, target)?);
        if self.progressed(value, target) {
            return Some(Repair {
                path: display_path(target),
                action: Action::NullsDropped,
                places: 1,
            });
        }
        *at_mut(value, target)? = original;
        None
    }

    /// Whether decoding now gets past the failure at `target`: it succeeds,
    /// or fails elsewhere (not at `target`, not inside it, not above it).
    /// A missing or unknown field is located at the field, not at its
    /// object: a second one of the same object is elsewhere.
    fn progressed(&mut self, value: &Value, target: &[Step]) -> bool {
        match self.try_decode(value) {
            Attempt::Decoded => true,
            Attempt::Failed(None, _) => false,
            Attempt::Failed(Some(mut now), message) => {
                let field =
                    missing_field(&message).or_else(|| quoted_after(&message, "unknown field `"));
                if let Some(field) = field {
                    now.push(Step::Key(field.to_owned()));
                }
                let related = now.len() <= target.len() && target.starts_with(&now)
                    || now.starts_with(target);
                !related
            }
        }
    }
}

/// Applies `repair(parent, key)` at every place matching `target` with its
/// list indices as wildcards, other than `target` itself; how many it
/// changed.
fn everywhere(
    value: &mut Value,
    target: &[Step],
    mut repair: impl FnMut(&mut Value, &str) -> bool,
) -> usize {
    let Some((Step::Key(key), parent)) = target.split_last() else {
        return 0;
    };
    if !parent.iter().any(|s| matches!(s, Step::Index(_))) {
        return 0;
    }
    let mut changed = 0;
    visit_pattern(value, parent, &mut |p| {
        if repair(p, key) {
            changed += 1;
        }
    });
    changed
}

/// Drops the member at every place matching `target` (list indices as
/// wildcards) that holds a value of kind `was`: each place's parent, key
/// and what it held.
fn drop_everywhere(
    value: &mut Value,
    target: &[Step],
    was: &str,
) -> Vec<(Vec<Step>, String, Value)> {
    fn walk(
        value: &mut Value,
        pattern: &[Step],
        key: &str,
        was: &str,
        here: &mut Vec<Step>,
        out: &mut Vec<Place>,
    ) {
        match pattern.split_first() {
            None => {
                if let Value::Object(map) = value {
                    if map.get(key).is_some_and(|v| kind_of(v) == was) {
                        if let Some(removed) = map.remove(key) {
                            out.push((here.clone(), key.to_owned(), removed));
                        }
                    }
                }
            }
            Some((Step::Index(_), rest)) => {
                if let Value::Array(items) = value {
                    for (i, item) in items.iter_mut().enumerate() {
                        here.push(Step::Index(i));
                        walk(item, rest, key, was, here, out);
                        here.pop();
                    }
                }
            }
            Some((Step::Key(k), rest)) => {
                if let Some(inner) = value.get_mut(k.as_str()) {
                    here.push(Step::Key(k.clone()));
                    walk(inner, rest, key, was, here, out);
                    here.pop();
                }
            }
        }
    }
    let mut out = Vec::new();
    let Some((Step::Key(key), parent)) = target.split_last() else {
        return out;
    };
    if parent.iter().any(|s| matches!(s, Step::Index(_))) {
        walk(value, parent, key, was, &mut Vec::new(), &mut out);
    }
    out
}

/// Calls `f` on every value at `pattern`, list indices as wildcards.
fn visit_pattern(value: &mut Value, pattern: &[Step], f: &mut dyn FnMut(&mut Value)) {
    match pattern.split_first() {
        None => f(value),
        Some((Step::Index(_), rest)) => {
            if let Value::Array(items) = value {
                for item in items {
                    visit_pattern(item, rest, f);
                }
            }
        }
        Some((Step::Key(key), rest)) => {
            if let Some(inner) = value.get_mut(key.as_str()) {
                visit_pattern(inner, rest, f);
            }
        }
    }
}

/// A value as another kind: the same value where it can be (a number in a
/// string, one item as a list), an empty one for `null`.
#[derive(Debug, Clone, Copy)]
enum Conversion {
    /// `null` as this empty JSON value.
    Empty(&'static str),
    /// A string holding a number, as the number.
    Number,
    /// `"true"` or `"false"` as the boolean.
    Boolean,
    /// A number or boolean as its text.
    Text,
    /// A value as a list of it.
    Wrapped,
    /// A list of one item as the item.
    Unwrapped,
}

impl Conversion {
    fn candidates(value: &Value) -> &'static [Conversion] {
        use Conversion::*;
        match value {
            Value::Null => &[
                Empty("\"\""),
                Empty("[]"),
                Empty("false"),
                Empty("0"),
                Empty("{}"),
            ],
            Value::String(_) => &[Number, Boolean, Wrapped],
            Value::Number(_) | Value::Bool(_) => &[Text, Wrapped],
            // An object where a list is documented is not wrapped: filling
            // in an item's required fields from an unrelated object would
            // make one up.
            Value::Object(_) => &[],
            Value::Array(_) => &[Unwrapped],
        }
    }

    fn apply(self, value: &Value) -> Option<Value> {
        match (self, value) {
            (Conversion::Empty(json), Value::Null) => serde_json::from_str(json).ok(),
            (Conversion::Number, Value::String(s)) => {
                let s = s.trim();
                if let Ok(n) = s.parse::<i64>() {
                    Some(n.into())
                } else if let Ok(n) = s.parse::<u64>() {
                    Some(n.into())
                } else {
                    s.parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                        .map(Value::Number)
                }
            }
            (Conversion::Boolean, Value::String(s)) => match s.trim() {
                t if t.eq_ignore_ascii_case("true") => Some(Value::Bool(true)),
                f if f.eq_ignore_ascii_case("false") => Some(Value::Bool(false)),
                _ => None,
            },
            (Conversion::Text, Value::Number(n)) => Some(Value::String(n.to_string())),
            (Conversion::Text, Value::Bool(b)) => Some(Value::String(b.to_string())),
            (Conversion::Wrapped, v @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) => {
                Some(Value::Array(vec![v.clone()]))
            }
            (Conversion::Unwrapped, Value::Array(items)) if items.len() == 1 => {
                Some(items[0].clone())
            }
            _ => None,
        }
    }

    /// The kind of value it makes (for [`Action::Converted`]).
    fn kind(self) -> &'static str {
        match self {
            Conversion::Empty(_) => "an empty value",
            Conversion::Number => "a number",
            Conversion::Boolean => "a boolean",
            Conversion::Text => "a string",
            Conversion::Wrapped => "a list of one",
            Conversion::Unwrapped => "its one item",
        }
    }
}

fn has_null_member(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.values().any(|v| v.is_null() || has_null_member(v)),
        Value::Array(items) => items.iter().any(has_null_member),
        _ => false,
    }
}

fn drop_null_members(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_null_members);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null_members),
        _ => {}
    }
}

fn at<'v>(value: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    steps.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get(k.as_str()),
        Step::Index(i) => v.get(*i),
    })
}

fn at_mut<'v>(value: &'v mut Value, steps: &[Step]) -> Option<&'v mut Value> {
    steps.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get_mut(k.as_str()),
        Step::Index(i) => v.get_mut(*i),
    })
}

/// The field serde says is missing (`missing field \`id\``).
fn missing_field(message: &str) -> Option<&str> {
    quoted_after(message, "missing field `")
}

/// What `message` quotes right after `prefix`, up to the closing backtick.
fn quoted_after<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    message.strip_prefix(prefix)?.split('`').next()
}

/// The kind of a JSON value, for messages.
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn shown(json: &'static str) -> &'static str {
    match json {
        "\"\"" => "an empty string",
        "[]" => "an empty list",
        "false" => "false",
        "0" => "0",
        "{}" => "an empty object",
        _ => "null",
    }
}

/// The longest key a path shows whole.
const MAX_SHOWN_KEY: usize = 64;

/// `[3].owner.id`; `["a b"]` for a key that is not a plain name.
fn display_path(steps: &[Step]) -> String {
    write_path(steps, false)
}

/// `[].owner.id`: the path with list indices left out.
fn pattern(steps: &[Step]) -> String {
    write_path(steps, true)
}

fn write_path(steps: &[Step], wildcard: bool) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Index(_) if wildcard => out.push_str("[]"),
            Step::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
            Step::Key(k) => {
                let plain = !k.is_empty()
                    && k.len() <= MAX_SHOWN_KEY
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if plain {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                } else {
                    let cut = &k[..crate::error::char_boundary_at_most(k, MAX_SHOWN_KEY)];
                    let escaped: String = cut.escape_debug().collect();
                    let _ = write!(
                        out,
                        "[\"{escaped}{}\"]",
                        if cut.len() < k.len() { "…" } else { "" }
                    );
                }
            }
        }
    }
    if out.is_empty() {
        out.push_str("(the body)");
    }
    out
}

/// Why serde refused a value, in the type's words only: serde's messages
/// name the value itself (`invalid type: string "…", expected u32`,
/// `unknown variant \`…\``), which could be a secret the server echoed.
/// What the type expected comes last in them, and is kept.
pub(crate) fn reason_text(message: &str) -> Cow<'_, str> {
    // serde_json appends " at line N column M" to errors it locates.
    let message = match message.rfind(" at line ") {
        Some(at) if message[at..].contains(" column ") => &message[..at],
        _ => message,
    };
    let safe_whole = [
        "missing field `",
        "data did not match any variant",
        "invalid length ",
    ];
    if safe_whole.iter().any(|p| message.starts_with(p)) {
        // "invalid length 3, expected ..." and "missing field `id`" hold no
        // value; an untagged enum's message names only the type.
        return Cow::Borrowed(message);
    }
    if message.starts_with("unknown variant `") {
        return match message.rsplit_once(", expected ") {
            Some((_, expected)) => Cow::Owned(format!(
                "a value the type does not list (expected {expected})"
            )),
            None => Cow::Borrowed("a value the type does not list"),
        };
    }
    match message.rsplit_once(", expected ") {
        Some((_, expected)) => Cow::Owned(format!("expected {expected}")),
        None => Cow::Borrowed("the value is not one the type accepts"),
    }
}

/// [`reason_text`] of a serde_json error.
pub(crate) fn reason_of(e: &serde_json::Error) -> String {
    if e.is_syntax() || e.is_eof() {
        format!("the body is not JSON ({})", syntax_reason(e))
    } else {
        reason_text(&e.to_string()).into_owned()
    }
}

/// Where JSON syntax broke, without the text around it.
fn syntax_reason(e: &serde_json::Error) -> String {
    if e.is_eof() {
        format!("it ends early, at line {} column {}", e.line(), e.column())
    } else {
        format!("syntax error at line {} column {}", e.line(), e.column())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    enum Color {
        #[serde(rename = "RED")]
        Red,
        #[serde(rename = "BLUE")]
        Blue,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Owner {
        id: String,
        #[serde(default)]
        name: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        id: String,
        #[serde(default)]
        color: Option<Color>,
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default)]
        owner: Option<Owner>,
        #[serde(default)]
        count: Option<u32>,
        maybe: Option<String>,
    }

    fn decode_items(json: &str) -> Result<Decoded<Vec<Item>>, Failure> {
        decode::<Vec<Item>>(json.as_bytes())
    }

    #[test]
    fn a_body_that_matches_takes_the_fast_path() {
        let d = decode_items(r#"[{"id":"a","maybe":null}]"#).unwrap();
        assert!(d.repairs.is_empty());
        assert_eq!(d.value[0].id, "a");
    }

    #[test]
    fn an_unknown_enum_value_on_an_optional_field_empties_it_and_keeps_the_rest() {
        let d = decode_items(r#"[{"id":"a","color":"GREEN","tags":["x"],"maybe":"m"}]"#).unwrap();
        assert_eq!(d.value[0].color, None);
        assert_eq!(d.value[0].tags, ["x"]);
        assert_eq!(d.value[0].maybe.as_deref(), Some("m"));
        assert_eq!(
            d.repairs,
            [Repair {
                path: "[].color".into(),
                action: Action::Dropped { was: "a string" },
                places: 1
            }]
        );
    }

    #[test]
    fn the_same_odd_field_in_every_item_is_one_repair() {
        let items: Vec<String> = (0..500)
            .map(|i| format!(r#"{{"id":"{i}","tags":null,"maybe":null}}"#))
            .collect();
        let d = decode_items(&format!("[{}]", items.join(","))).unwrap();
        assert_eq!(d.value.len(), 500);
        assert_eq!(d.repairs.len(), 1, "{:?}", d.repairs);
        assert_eq!(d.repairs[0].places, 500);
        assert_eq!(d.repairs[0].path, "[].tags");
    }

    #[test]
    fn a_required_null_reads_as_empty_and_a_missing_required_field_too() {
        let d = decode_items(r#"[{"id":null,"owner":{"id":null}}, {"owner":{"id":"o"}}]"#).unwrap();
        assert_eq!(d.value[0].id, "");
        assert_eq!(d.value[0].owner.as_ref().unwrap().id, "");
        assert_eq!(d.value[0].maybe, None);
        assert_eq!(d.value[1].id, "");
        assert_eq!(d.value[1].owner.as_ref().unwrap().id, "o");
        let mut shown: Vec<String> = d.repairs.iter().map(ToString::to_string).collect();
        shown.sort();
        assert_eq!(
            shown,
            [
                "`[].id` (null) read as an empty string",
                "`[].id` missing, read as an empty string",
                "`[].owner.id` (null) read as an empty string",
            ]
        );
    }

    #[test]
    fn a_value_of_another_kind_is_kept_where_it_can_be() {
        let d = decode_items(r#"[{"id":7,"count":"12","tags":"one","maybe":null}]"#).unwrap();
        assert_eq!(d.value[0].id, "7");
        assert_eq!(d.value[0].count, Some(12));
        assert_eq!(d.value[0].tags, ["one"]);
        let actions: Vec<&Action> = d.repairs.iter().map(|r| &r.action).collect();
        assert_eq!(
            actions,
            [
                &Action::Converted {
                    was: "a number",
                    now: "a string"
                },
                &Action::Converted {
                    was: "a string",
                    now: "a number"
                },
                &Action::Converted {
                    was: "a string",
                    now: "a list of one"
                },
            ]
        );
    }

    /// A list most of whose items are not of its type is an error, not an
    /// empty list.
    #[test]
    fn a_list_of_something_else_is_not_emptied() {
        let f = decode_items(r#"["a","b","c",{"id":"x","maybe":null}]"#).unwrap_err();
        assert_eq!(f.kind, Some("a string"), "{f:?}");
        let f = decode_items(r#"["only"]"#).unwrap_err();
        assert_eq!(f.path.as_deref(), Some("[0]"));
    }

    #[test]
    fn an_item_nothing_repairs_is_dropped_and_the_list_kept() {
        let d = decode_items(r#"[{"id":"a","maybe":null},"not an item",{"id":"c","maybe":null}]"#)
            .unwrap();
        let ids: Vec<&str> = d.value.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        assert_eq!(d.repairs[0].action, Action::ItemDropped { was: "a string" });
        assert_eq!(d.repairs[0].path, "[1]");
    }

    #[test]
    fn what_cannot_be_decoded_says_where_and_what_kind_never_the_value() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Strict {
            secret: u32,
        }
        let f = decode::<Strict>(br#"{"secret":"hunter2"}"#).unwrap_err();
        assert_eq!(f.path.as_deref(), Some("secret"), "{f:?}");
        assert_eq!(f.path.as_deref(), Some("secret"));
        assert_eq!(f.kind, Some("a string"));
        assert!(!f.reason.contains("hunter2"), "{}", f.reason);
        assert_eq!(f.reason, "expected u32");
        let f = decode::<Strict>(b"<html>hunter2</html>").unwrap_err();
        assert_eq!(f.path, None);
        assert!(f.reason.starts_with("the body is not JSON"), "{}", f.reason);
        assert!(!f.reason.contains("hunter2"));
        let f = decode::<Strict>(b"").unwrap_err();
        assert_eq!(f.reason, "the body is empty");
    }

    #[test]
    fn unknown_variant_messages_keep_only_the_expected_values() {
        let r =
            reason_text("unknown variant `hunter2`, expected `RED` or `BLUE` at line 1 column 9");
        assert_eq!(
            r,
            "a value the type does not list (expected `RED` or `BLUE`)"
        );
        let r = reason_text("invalid type: string \"a, expected b\", expected u32");
        assert_eq!(r, "expected u32");
        assert_eq!(reason_text("missing field `id`"), "missing field `id`");
        assert_eq!(
            reason_text("something custom: hunter2"),
            "the value is not one the type accepts"
        );
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Closed {
        id: String,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(untagged)]
    enum OneOf {
        Named { name: String },
        Counted { count: u32 },
    }

    /// Errors serde_json places after the value they are about (a `oneOf`
    /// none of whose members matches, wherever it is in a list or an
    /// object) are found at that value, not at its neighbour.
    #[test]
    fn a_oneof_that_matches_nothing_is_found_where_it_is() {
        for (json, dropped, kept) in [
            (r#"[{"name":"a"},{"other":1},{"count":2}]"#, "[1]", 2),
            (r#"[{"name":"a"},{"count":2},{"other":1}]"#, "[2]", 2),
            (r#"[{"other":1},{"count":2}]"#, "[0]", 1),
        ] {
            let d = decode::<Vec<OneOf>>(json.as_bytes()).unwrap();
            assert_eq!(d.value.len(), kept, "{json}");
            assert_eq!(d.repairs[0].path, dropped, "{json}");
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Holder {
            first: Option<OneOf>,
            last: Option<OneOf>,
        }
        let d = decode::<Holder>(br#"{"first":{"name":"a"},"last":{"name":null}}"#).unwrap();
        assert_eq!(d.repairs[0].path, "last", "{:?}", d.repairs);
        let d = decode::<Holder>(br#"{"first":{"name":[]},"last":{"count":1}}"#).unwrap();
        assert_eq!(d.repairs[0].path, "first", "{:?}", d.repairs);
        assert_eq!(d.value.last, Some(OneOf::Counted { count: 1 }));
        // In a list of lists, the last of the inner list.
        let d = decode::<Vec<Vec<OneOf>>>(br#"[[{"name":"a"},{"x":1}],[{"count":2}]]"#).unwrap();
        assert_eq!(d.repairs[0].path, "[0][1]", "{:?}", d.repairs);
    }

    /// A type that refuses unknown fields meets a property added upstream:
    /// the property is dropped, the rest kept.
    #[test]
    fn a_field_the_type_does_not_have_is_dropped_where_the_type_refuses_it() {
        let d = decode::<Vec<Closed>>(br#"[{"id":"a","new":1},{"id":"b","new":2}]"#).unwrap();
        assert_eq!(
            d.value,
            [Closed { id: "a".into() }, Closed { id: "b".into() }]
        );
        assert_eq!(d.repairs.len(), 1, "{:?}", d.repairs);
        assert_eq!(d.repairs[0].path, "[].new");
        assert_eq!(d.repairs[0].places, 2);
    }

    /// A `oneOf` member missing a field it requires is completed from the
    /// type's schema (the docs' access items lack `revocable`).
    #[test]
    fn a_oneof_member_missing_what_it_requires_is_completed_from_the_schema() {
        #[derive(Debug, Deserialize, schemars::JsonSchema, PartialEq)]
        struct RoleItem {
            id: String,
            revocable: bool,
        }
        #[derive(Debug, Deserialize, schemars::JsonSchema, PartialEq)]
        struct AppItem {
            id: String,
            #[serde(rename = "appRoleId")]
            app_role_id: String,
        }
        #[derive(Debug, Deserialize, schemars::JsonSchema, PartialEq)]
        #[serde(untagged)]
        enum AccessItem {
            Role(RoleItem),
            App(AppItem),
        }
        let body = br#"[{"id":"r"},{"id":"a","appRoleId":"x"}]"#;
        let d = decode_with_schema::<Vec<AccessItem>>(body).unwrap();
        assert_eq!(
            d.value,
            [
                AccessItem::Role(RoleItem {
                    id: "r".into(),
                    revocable: false
                }),
                AccessItem::App(AppItem {
                    id: "a".into(),
                    app_role_id: "x".into()
                }),
            ]
        );
        assert_eq!(
            d.repairs[0].to_string(),
            "`[0]`: 1 field(s) its type requires, missing, read as empty (revocable)"
        );
        // Without the schema, the item cannot be completed: it is the one
        // item of its list that fails, and most of the list stays.
        let d = decode::<Vec<AccessItem>>(body).unwrap();
        assert_eq!(d.value.len(), 1);
    }

    #[test]
    fn paths_show_odd_keys_quoted_and_cut() {
        let long = "k".repeat(100);
        let steps = [
            Step::Key("a".into()),
            Step::Index(2),
            Step::Key("b c".into()),
            Step::Key(long),
        ];
        let shown = display_path(&steps);
        assert!(shown.starts_with("a[2][\"b c\"][\"kkk"), "{shown}");
        assert!(shown.ends_with("…\"]"), "{shown}");
        assert_eq!(pattern(&steps[..3]), "a[][\"b c\"]");
        assert_eq!(display_path(&[]), "(the body)");
    }
}
