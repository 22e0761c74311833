//! Every item of a SailPoint list operation, page by page.
//!
//! SailPoint's list endpoints page with `offset` and `limit` (see its
//! "standard collection parameters"); with `count=true` an answer also says
//! how many items there are in all (`X-Total-Count`). The generated client
//! gives every list operation's builder a `stream()` (see the codegen's
//! `paginated_lists` adaptation) built on [`items`]:
//!
//! ```text
//! let mut profiles = client.list_access_profiles().limit(100).stream();
//! while let Some(profile) = profiles.next().await {
//!     let profile = profile?;
//!     println!("{:?}", profile.name);
//! }
//! // Or all at once:
//! let all = client.list_access_profiles().stream().collect_all().await?;
//! ```
//!
//! Each page is one call through the client, so the runtime's retries,
//! re-authentication and error handling apply to each page. Where a list
//! ends, as SailPoint's lists end (and as they misbehave):
//!
//! - after a page shorter than the page size, when the server does not say
//!   how many items there are;
//! - once `X-Total-Count` items have come, when it does (with `count=true`,
//!   which the generated streams ask for with their first page); a short
//!   page before that is not the end: the next page is asked for from
//!   where it stopped, and a page that brings nothing before the count is
//!   reached is an error ([`Error::Paging`]) saying how many came;
//! - at SailPoint's `400 "Specified offset is invalid."`, which answers an
//!   offset just past the end of a list whose length is an exact multiple
//!   of the page size: the stream ends cleanly, but only there (past a
//!   full page, or at the count), never at the first page;
//! - at a page that repeats the page before it (a server that ignores
//!   `offset` would otherwise make the stream endless): an error;
//! - after the first error, which it yields.
//!
//! Search beyond Elasticsearch's 10,000-result window pages differently,
//! by the sort values of the last document (`searchAfter`): see
//! [`search_after`].

use std::collections::VecDeque;
use std::future::Future;
use std::hash::Hasher as _;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde_json::Value;

use crate::Error;

/// One page: its items, and how many there are in all when the server said
/// (`X-Total-Count`).
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items of this page, in order.
    pub items: Vec<T>,
    /// How many items the whole list has, when the answer said.
    pub total: Option<u64>,
    /// A digest of the items, to tell a page that repeats the one before.
    fingerprint: u64,
}

impl<T: serde::Serialize> Page<T> {
    /// A page of `items`, of a list of `total` items when that is known.
    pub fn new(items: Vec<T>, total: Option<u64>) -> Self {
        let fingerprint = fingerprint(&items);
        Page {
            items,
            total,
            fingerprint,
        }
    }

    /// A page from a list operation's answer: its body, and its
    /// `X-Total-Count` header when it is a number.
    pub fn from_response(response: progenitor_client::ResponseValue<Vec<T>>) -> Self {
        let total = total_count(response.headers());
        Page::new(response.into_inner(), total)
    }
}

/// `X-Total-Count`, when it is a number.
fn total_count(headers: &http::HeaderMap) -> Option<u64> {
    headers
        .get("x-total-count")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// A digest of `items` as JSON (64-bit FNV-1a over their serialization,
/// never held in memory whole).
fn fingerprint<T: serde::Serialize>(items: &[T]) -> u64 {
    struct Fnv(u64);
    impl std::io::Write for Fnv {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            for byte in bytes {
                self.0 ^= u64::from(*byte);
                self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
            }
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut digest = Fnv(0xcbf2_9ce4_8422_2325);
    if serde_json::to_writer(&mut digest, items).is_err() {
        // Not serializable as JSON: the length stands in.
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        hasher.write_usize(items.len());
        return hasher.finish();
    }
    digest.0
}

/// Every item of a list, page by page: a [`Stream`] of `Result<T, Error>`,
/// which also has [`Items::next`] and [`Items::collect_all`] for callers
/// who do not use a stream library.
pub struct Items<'a, T> {
    inner: Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>>,
}

impl<T> std::fmt::Debug for Items<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Items")
    }
}

impl<T> Items<'_, T> {
    /// The next item; `None` once the list is done (or after an error).
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        std::future::poll_fn(|cx| self.inner.as_mut().poll_next(cx)).await
    }

    /// Every item, or the first error.
    pub async fn collect_all(mut self) -> Result<Vec<T>, Error> {
        let mut all = Vec::new();
        while let Some(item) = self.next().await {
            all.push(item?);
        }
        Ok(all)
    }
}

impl<T> Stream for Items<'_, T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

/// Where a stream of pages stands.
struct Pager<F, T> {
    fetch: F,
    buffer: VecDeque<T>,
    /// The first offset asked for.
    start: u64,
    offset: u64,
    page_size: u64,
    /// The latest `X-Total-Count`.
    total: Option<u64>,
    /// The page before: its offset, digest and length.
    previous: Option<(u64, u64, usize)>,
    done: bool,
}

impl<F, T> Pager<F, T> {
    /// What a page's arrival means for the stream: `Err` ends it with that
    /// error (after the page's items, which are not yielded: they repeat).
    fn arrived(&mut self, page: Page<T>) -> Result<(), Error> {
        let n = page.items.len();
        if page.total.is_some() {
            self.total = page.total;
        }
        if n > 0 {
            if let Some((at, digest, len)) = self.previous {
                if digest == page.fingerprint && len == n {
                    return Err(Error::Paging {
                        offset: self.offset,
                        problem: format!(
                            "the page at offset {} is the page at offset {at} again: the server \
                             seems to ignore `offset`; stopped rather than loop",
                            self.offset
                        ),
                    });
                }
            }
        }
        self.previous = Some((self.offset, page.fingerprint, n));
        self.offset = self.offset.saturating_add(n as u64);
        self.buffer.extend(page.items);
        match self.total {
            Some(total) if self.offset >= total => self.done = true,
            Some(total) if n == 0 => {
                return Err(Error::Paging {
                    offset: self.offset,
                    problem: format!(
                        "X-Total-Count says {total} items, but the list ended at offset {}",
                        self.offset
                    ),
                });
            }
            // A short page before the count: asked again from where it stopped.
            Some(_) => {}
            None if (n as u64) < self.page_size => self.done = true,
            None => {}
        }
        Ok(())
    }

    /// Whether `error` is SailPoint's answer to an offset just past the end
    /// of a list (`400 "Specified offset is invalid."`) where one can be:
    /// past a full page when the count is unknown, at the count when it is
    /// known; never at the first page.
    fn ends_cleanly(&self, error: &Error) -> bool {
        let Some(api) = error.api() else {
            return false;
        };
        let about_offset = || {
            api.messages
                .iter()
                .chain(&api.error)
                .chain(&api.raw_body)
                .any(|text| text.to_ascii_lowercase().contains("offset"))
        };
        let past_the_end = match self.total {
            Some(total) => self.offset >= total,
            None => self
                .previous
                .is_some_and(|(_, _, len)| len as u64 >= self.page_size),
        };
        api.status == 400 && self.offset > self.start && past_the_end && about_offset()
    }
}

/// Every item of a list, fetching pages of `page_size` (at least 1) from
/// `offset` on with `fetch(offset, limit)`.
pub fn items<'a, T, F, Fut>(page_size: u64, offset: u64, fetch: F) -> Items<'a, T>
where
    T: Send + 'a,
    F: FnMut(u64, u64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'a,
{
    let pager = Pager {
        fetch,
        buffer: VecDeque::new(),
        start: offset,
        offset,
        page_size: page_size.max(1),
        total: None,
        previous: None,
        done: false,
    };
    let stream = futures_util::stream::unfold(pager, |mut pager| async move {
        loop {
            if let Some(item) = pager.buffer.pop_front() {
                return Some((Ok(item), pager));
            }
            if pager.done {
                return None;
            }
            match (pager.fetch)(pager.offset, pager.page_size).await {
                Err(e) if pager.ends_cleanly(&e) => {
                    tracing::debug!(
                        offset = pager.offset,
                        "400 for an offset past the end of the list: the list is done"
                    );
                    return None;
                }
                Err(e) => {
                    pager.done = true;
                    return Some((Err(e), pager));
                }
                Ok(page) => {
                    if let Err(e) = pager.arrived(page) {
                        pager.done = true;
                        pager.buffer.clear();
                        return Some((Err(e), pager));
                    }
                }
            }
        }
    });
    Items {
        inner: Box::pin(stream),
    }
}

/// One page of a search: its documents as JSON (their sort values come
/// from there, whatever type they are read as), and `X-Total-Count`.
#[derive(Debug, Clone)]
pub struct RawPage {
    /// The documents, in order.
    pub items: Vec<Value>,
    /// `X-Total-Count`, when the answer has it.
    pub total: Option<u64>,
}

impl RawPage {
    /// A page from an answer whose body is a list of JSON values.
    pub fn from_response(response: progenitor_client::ResponseValue<Vec<Value>>) -> Self {
        let total = total_count(response.headers());
        RawPage {
            items: response.into_inner(),
            total,
        }
    }
}

/// The sort to page a search by: the caller's, with `id` added when it has
/// none (SailPoint: "always include the ID ... to ensure you don't get
/// duplicate results while paging"), so that no two documents share their
/// sort values and paging ends.
pub fn sort_for_search_after(sort: &[String]) -> Vec<String> {
    let mut sort = sort.to_vec();
    let has_id = sort
        .iter()
        .any(|s| s.trim_start_matches(['+', '-']) == "id");
    if !has_id {
        sort.push("id".into());
    }
    sort
}

/// The `searchAfter` values for the page after `last`: its values of the
/// `sort` fields (`+`/`-` prefixes dropped, dotted paths followed), as
/// text.
fn search_after_values(last: &Value, sort: &[String]) -> Result<Vec<String>, String> {
    sort.iter()
        .map(|field| {
            let name = field.trim_start_matches(['+', '-']);
            let value = name
                .split('.')
                .try_fold(last, |v, key| v.get(key))
                .ok_or_else(|| format!("the last document has no `{name}` to search after"))?;
            match value {
                Value::String(s) => Ok(s.clone()),
                Value::Number(_) | Value::Bool(_) => Ok(value.to_string()),
                _ => Err(format!(
                    "the last document's `{name}` is {}, not a value to search after",
                    crate::decode::kind_of(value)
                )),
            }
        })
        .collect()
}

/// Every document of a search, past Elasticsearch's 10,000-result window:
/// pages of `page_size` asked for with `fetch(search_after, limit)`, the
/// first with no `searchAfter`, each next one after the sort values of the
/// last document of the page before (`sort`, see [`sort_for_search_after`]).
/// Each document is read as `T` leniently (see [`crate::decode`]); one that
/// cannot be read is the stream's error.
///
/// The stream ends after a page shorter than the page size, and with an
/// error ([`Error::Paging`]) at a page that repeats the one before (a
/// server ignoring `searchAfter`) or whose last document lacks a sort
/// field. `X-Total-Count` is not held against what came: SailPoint counts
/// search results only up to Elasticsearch's window.
pub fn search_after<'a, T, F, Fut>(
    page_size: u64,
    sort: Vec<String>,
    operation: &'static str,
    mut fetch: F,
) -> Items<'a, T>
where
    T: serde::de::DeserializeOwned + Send + 'a,
    F: FnMut(Option<Vec<String>>, u64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<RawPage, Error>> + Send + 'a,
{
    let page_size = page_size.max(1);
    let pages = futures_util::stream::unfold((None::<Vec<String>>, false), move |(after, done)| {
        let next = (!done).then(|| fetch(after.clone(), page_size));
        let sort = sort.clone();
        async move {
            let page = next?.await;
            let page = match page {
                Err(e) => return Some((Err(e), (after, true))),
                Ok(page) => page,
            };
            let n = page.items.len() as u64;
            let Some(last) = page.items.last() else {
                return Some((Ok(page.items), (after, true)));
            };
            let next_after = match search_after_values(last, &sort) {
                Ok(values) => values,
                Err(problem) => {
                    return Some((Err(Error::Paging { offset: 0, problem }), (after, true)))
                }
            };
            if after.as_ref() == Some(&next_after) {
                return Some((
                    Err(Error::Paging {
                        offset: 0,
                        problem: "the page after the search's last values ends where the \
                                      page before did: the server seems to ignore `searchAfter`; \
                                      stopped rather than loop"
                            .into(),
                    }),
                    (after, true),
                ));
            }
            let done = n < page_size;
            Some((Ok(page.items), (Some(next_after), done)))
        }
    });
    let documents = futures_util::StreamExt::flat_map(pages, move |page| {
        let items: Vec<Result<T, Error>> = match page {
            Err(e) => vec![Err(e)],
            Ok(values) => values
                .into_iter()
                .map(|value| crate::answer::document(value, operation))
                .collect(),
        };
        futures_util::stream::iter(items)
    });
    // The first error ends the stream.
    let stream = futures_util::stream::unfold(
        (Box::pin(documents), false),
        |(mut documents, failed)| async move {
            if failed {
                return None;
            }
            let item = futures_util::StreamExt::next(&mut documents).await?;
            let failed = item.is_err();
            Some((item, (documents, failed)))
        },
    );
    Items {
        inner: Box::pin(stream),
    }
}

/// A page parameter's value as the generated builder holds it (`i32`,
/// `i64`, `u64`, `NonZeroU64`...), as a number.
pub trait PageNumber: Sized {
    /// The value, when it fits an `i64`.
    fn as_i64(&self) -> Option<i64>;
    /// The pager's `n` as this type, clamped to its range (a page size or
    /// offset never comes near the limits of the types the API uses).
    fn saturating_from(n: u64) -> Self;
}

macro_rules! page_numbers {
    ($($t:ty),*) => {$(
        impl PageNumber for $t {
            fn as_i64(&self) -> Option<i64> {
                i64::try_from(*self).ok()
            }
            fn saturating_from(n: u64) -> Self {
                <$t>::try_from(n).unwrap_or(<$t>::MAX)
            }
        }
    )*};
}
page_numbers!(i8, i16, i32, i64, u8, u16, u32, u64, usize, isize);

macro_rules! non_zero_page_numbers {
    ($($t:ty => $inner:ty),*) => {$(
        impl PageNumber for $t {
            fn as_i64(&self) -> Option<i64> {
                i64::try_from(self.get()).ok()
            }
            fn saturating_from(n: u64) -> Self {
                let inner = <$inner>::try_from(n.max(1)).unwrap_or(<$inner>::MAX);
                <$t>::new(inner).unwrap_or(<$t>::MIN)
            }
        }
    )*};
}
non_zero_page_numbers!(
    std::num::NonZeroU64 => u64,
    std::num::NonZeroU32 => u32,
    std::num::NonZeroI64 => i64,
    std::num::NonZeroI32 => i32
);

/// The page size for a list operation: the caller's `limit` when set (at
/// least 1, at most the API's maximum), else the API's maximum.
pub fn page_size(requested: Option<i64>, maximum: u64) -> u64 {
    match requested {
        Some(n) if n > 0 => (n as u64).min(maximum.max(1)),
        _ => maximum.max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pager's numbers reach a builder in the parameter's own type,
    /// whatever the API declares: clamped, a non-zero type never zero.
    #[test]
    fn page_numbers_convert_to_the_parameter_types() {
        use std::num::{NonZeroI32, NonZeroU32};
        assert_eq!(<i32 as PageNumber>::saturating_from(250), 250);
        assert_eq!(<i32 as PageNumber>::saturating_from(u64::MAX), i32::MAX);
        assert_eq!(<NonZeroU32 as PageNumber>::saturating_from(50).get(), 50);
        assert_eq!(<NonZeroU32 as PageNumber>::saturating_from(0).get(), 1);
        assert_eq!(
            <NonZeroI32 as PageNumber>::saturating_from(u64::MAX).get(),
            i32::MAX
        );
        assert_eq!(<u64 as PageNumber>::saturating_from(7).as_i64(), Some(7));
    }
    use std::sync::{Arc, Mutex};

    fn list(n: u64, total: bool, calls: Arc<Mutex<Vec<(u64, u64)>>>) -> Items<'static, u64> {
        items(3, 0, move |offset, limit| {
            calls.lock().unwrap().push((offset, limit));
            let page: Vec<u64> = (offset..n.min(offset + limit)).collect();
            async move { Ok(Page::new(page, total.then_some(n))) }
        })
    }

    #[tokio::test]
    async fn pages_until_a_short_page_then_stops() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let all = list(7, false, calls.clone()).collect_all().await.unwrap();
        assert_eq!(all, (0..7).collect::<Vec<_>>());
        assert_eq!(*calls.lock().unwrap(), [(0, 3), (3, 3), (6, 3)]);
    }

    #[tokio::test]
    async fn a_full_last_page_costs_one_empty_page_unless_the_total_is_known() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let all = list(6, false, calls.clone()).collect_all().await.unwrap();
        assert_eq!(all.len(), 6);
        assert_eq!(calls.lock().unwrap().len(), 3, "the third page is empty");
        let calls = Arc::new(Mutex::new(Vec::new()));
        list(6, true, calls.clone()).collect_all().await.unwrap();
        assert_eq!(calls.lock().unwrap().len(), 2, "X-Total-Count says 6");
    }

    #[tokio::test]
    async fn an_error_is_yielded_once_and_ends_the_stream() {
        let mut n = 0;
        let mut stream = items(2, 0, move |offset, _| {
            n += 1;
            let fail = n == 2;
            async move {
                if fail {
                    Err(Error::InvalidRequest("page 2".into()))
                } else {
                    Ok(Page::new(vec![offset, offset + 1], None))
                }
            }
        });
        assert_eq!(stream.next().await.unwrap().unwrap(), 0);
        assert_eq!(stream.next().await.unwrap().unwrap(), 1);
        assert!(stream.next().await.unwrap().is_err());
        assert!(stream.next().await.is_none());
    }

    /// `searchAfter` paging: each page after the sort values of the last
    /// document of the page before, ending at a short page.
    #[tokio::test]
    async fn search_after_pages_by_the_last_documents_sort_values() {
        let docs: Vec<Value> = (0..7)
            .map(|i| serde_json::json!({"id": format!("id-{i}"), "attrs": {"n": i}}))
            .collect();
        let asked = Arc::new(Mutex::new(Vec::new()));
        let record = asked.clone();
        let sort = sort_for_search_after(&["attrs.n".to_owned()]);
        assert_eq!(sort, ["attrs.n", "id"]);
        let stream = search_after::<Value, _, _>(3, sort, "search_post", move |after, limit| {
            record.lock().unwrap().push(after.clone());
            let from = match &after {
                None => 0,
                Some(values) => values[0].parse::<usize>().unwrap() + 1,
            };
            let page: Vec<Value> = docs
                .iter()
                .skip(from)
                .take(limit as usize)
                .cloned()
                .collect();
            async move {
                Ok(RawPage {
                    items: page,
                    total: None,
                })
            }
        });
        let all = stream.collect_all().await.unwrap();
        assert_eq!(all.len(), 7);
        assert_eq!(
            *asked.lock().unwrap(),
            [
                None,
                Some(vec!["2".to_owned(), "id-2".to_owned()]),
                Some(vec!["5".to_owned(), "id-5".to_owned()]),
            ]
        );
    }

    #[tokio::test]
    async fn search_after_ignored_or_a_missing_sort_field_is_an_error() {
        let same = search_after::<Value, _, _>(2, vec!["id".into()], "s", |_, _| async {
            Ok(RawPage {
                items: vec![
                    serde_json::json!({"id": "a"}),
                    serde_json::json!({"id": "b"}),
                ],
                total: None,
            })
        });
        let err = same.collect_all().await.unwrap_err();
        assert!(err.to_string().contains("ignore `searchAfter`"), "{err}");
        let missing = search_after::<Value, _, _>(1, vec!["id".into()], "s", |_, _| async {
            Ok(RawPage {
                items: vec![serde_json::json!({"name": "a"})],
                total: None,
            })
        });
        let err = missing.collect_all().await.unwrap_err();
        assert!(
            err.to_string().contains("has no `id` to search after"),
            "{err}"
        );
    }

    #[test]
    fn the_page_size_is_the_callers_within_the_api_s_maximum() {
        assert_eq!(page_size(None, 250), 250);
        assert_eq!(page_size(Some(100), 250), 100);
        assert_eq!(page_size(Some(1000), 250), 250);
        assert_eq!(page_size(Some(0), 250), 250);
        assert_eq!(page_size(Some(-5), 50), 50);
        assert_eq!(page_size(None, 0), 1);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;
    use std::sync::{Arc, Mutex};

    /// Every item a stream yields, and whether it ended with an error (the
    /// stream must end: no page of these waits).
    fn drain<T>(mut stream: Items<'_, T>) -> (Vec<T>, Option<Error>) {
        let mut got = Vec::new();
        loop {
            match futures_util::FutureExt::now_or_never(stream.next()).expect("no page waits") {
                None => return (got, None),
                Some(Ok(item)) => got.push(item),
                Some(Err(e)) => {
                    assert!(
                        futures_util::FutureExt::now_or_never(stream.next())
                            .expect("done")
                            .is_none(),
                        "nothing after an error"
                    );
                    return (got, Some(e));
                }
            }
        }
    }

    /// SailPoint's answer to an offset past the end of a list.
    fn offset_invalid() -> Error {
        Error::from(crate::ApiError::from_parts(
            http::StatusCode::BAD_REQUEST,
            None,
            br#"{"detailMessage":"Specified offset is invalid.","stackTrace":[],"suppressedExceptions":[]}"#,
        ))
    }

    proptest! {
        /// Whatever pages a server sends (any sizes, a total that is true,
        /// false or absent), the stream yields the items of the pages it
        /// asked for, in order, and ends by the rules: at a short page
        /// without a total, at the total with one (a short page before it
        /// is asked again from where it stopped; an empty one is an error).
        #[test]
        fn the_stream_yields_what_came_and_stops_where_it_should(
            size in 1u64..6,
            sizes in proptest::collection::vec(0usize..8, 0..8),
            total in proptest::option::of(0u64..40),
        ) {
            let served = Arc::new(Mutex::new(0usize));
            let pages = sizes.clone();
            let counter = served.clone();
            let stream = items(size, 0, move |offset, _limit| {
                let mut n = counter.lock().unwrap();
                let len = pages.get(*n).copied().unwrap_or(0);
                *n += 1;
                let page: Vec<u64> = (offset..offset + len as u64).collect();
                async move { Ok(Page::new(page, total)) }
            });
            let (got, error) = drain(stream);
            // What it should have asked for, by the rules.
            let mut expected = Vec::new();
            let mut asked = 0;
            let mut offset = 0u64;
            let fails = loop {
                let len = sizes.get(asked).copied().unwrap_or(0) as u64;
                asked += 1;
                expected.extend(offset..offset + len);
                offset += len;
                match total {
                    Some(t) if offset >= t => break false,
                    Some(_) if len == 0 => break true,
                    Some(_) => {}
                    None if len < size => break false,
                    None => {}
                }
            };
            prop_assert_eq!(got, expected);
            prop_assert_eq!(*served.lock().unwrap(), asked);
            prop_assert_eq!(error.is_some(), fails, "{:?}", error);
            if let Some(e) = error {
                prop_assert!(matches!(e, Error::Paging { .. }), "{e}");
                prop_assert!(e.to_string().contains("X-Total-Count says"), "{e}");
            }
        }

        /// A list whose length is an exact multiple of the page size, from
        /// a server that answers the offset past its end with SailPoint's
        /// 400: every item, no error; with the count known, that page is
        /// never asked for. The same 400 inside the list is the error it is
        /// where the client can tell: at the first page, and before the
        /// count (without one, a 400 past a full page is the end).
        #[test]
        fn an_exact_multiple_ends_cleanly_only_past_the_end(
            size in 1u64..6,
            pages in 1u64..6,
            counted in any::<bool>(),
            bad_at in proptest::option::of(0u64..6),
        ) {
            let n = size * pages;
            let asked = Arc::new(Mutex::new(Vec::new()));
            let record = asked.clone();
            let stream = items(size, 0, move |offset, limit| {
                record.lock().unwrap().push(offset);
                let result = if offset >= n || bad_at == Some(offset / size) {
                    Err(offset_invalid())
                } else {
                    let page: Vec<u64> = (offset..n.min(offset + limit)).collect();
                    Ok(Page::new(page, counted.then_some(n)))
                };
                async move { result }
            });
            let (got, error) = drain(stream);
            match bad_at.filter(|page| *page < pages) {
                Some(page) if counted || page == 0 => {
                    prop_assert_eq!(got, (0..page * size).collect::<Vec<_>>());
                    let e = error.expect("an error");
                    prop_assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
                }
                // Past a full page, without a count: the end of the list.
                Some(page) => {
                    prop_assert_eq!(got, (0..page * size).collect::<Vec<_>>());
                    prop_assert!(error.is_none(), "{:?}", error);
                }
                None => {
                    prop_assert_eq!(got, (0..n).collect::<Vec<_>>());
                    prop_assert!(error.is_none(), "{:?}", error);
                    let expected_pages = if counted { pages } else { pages + 1 };
                    prop_assert_eq!(asked.lock().unwrap().len() as u64, expected_pages);
                }
            }
        }

        /// A server that ignores `offset` (the same full page every time)
        /// ends the stream with an error after the first page, never loops.
        #[test]
        fn a_server_ignoring_offset_is_an_error_not_an_endless_stream(
            size in 1u64..8,
            total in proptest::option::of(0u64..1000),
        ) {
            let stream = items(size, 0, move |_offset, limit| {
                let page: Vec<u64> = (0..limit).collect();
                async move { Ok(Page::new(page, total.map(|t| t.max(limit * 2)))) }
            });
            let (got, error) = drain(stream);
            prop_assert_eq!(got, (0..size).collect::<Vec<_>>());
            let e = error.expect("an error");
            prop_assert!(e.to_string().contains("seems to ignore `offset`"), "{e}");
        }
    }
}
