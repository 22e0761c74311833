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
//! re-authentication and error handling apply to each page. The stream
//! ends after a page shorter than the page size (an empty one included),
//! once `X-Total-Count` items have come when the server says how many, or
//! after the first error (which it yields).

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::Error;

/// One page: its items, and how many there are in all when the server said
/// (`X-Total-Count`).
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items of this page, in order.
    pub items: Vec<T>,
    /// How many items the whole list has, when the answer said.
    pub total: Option<u64>,
}

impl<T> Page<T> {
    /// A page from a list operation's answer: its body, and its
    /// `X-Total-Count` header when it is a number.
    pub fn from_response(response: progenitor_client::ResponseValue<Vec<T>>) -> Self {
        let total = response
            .headers()
            .get("x-total-count")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        Page {
            items: response.into_inner(),
            total,
        }
    }
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
    offset: u64,
    page_size: u64,
    done: bool,
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
        offset,
        page_size: page_size.max(1),
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
                Err(e) => {
                    pager.done = true;
                    return Some((Err(e), pager));
                }
                Ok(page) => {
                    let n = page.items.len() as u64;
                    pager.offset = pager.offset.saturating_add(n);
                    let all_came = page.total.is_some_and(|total| pager.offset >= total);
                    if n < pager.page_size || all_came {
                        pager.done = true;
                    }
                    pager.buffer.extend(page.items);
                }
            }
        }
    });
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
            async move {
                Ok(Page {
                    items: page,
                    total: total.then_some(n),
                })
            }
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
                    Ok(Page {
                        items: vec![offset, offset + 1],
                        total: None,
                    })
                }
            }
        });
        assert_eq!(stream.next().await.unwrap().unwrap(), 0);
        assert_eq!(stream.next().await.unwrap().unwrap(), 1);
        assert!(stream.next().await.unwrap().is_err());
        assert!(stream.next().await.is_none());
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

    proptest! {
        /// Whatever pages a server sends (any sizes, a total that is true,
        /// false or absent), the stream yields the items of the pages it
        /// asked for, in order, and asks again only after a full page
        /// while the total (when given) is not reached.
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
                async move { Ok(Page { items: page, total }) }
            });
            let got = futures_util::FutureExt::now_or_never(stream.collect_all())
                .expect("no page waits")
                .unwrap();
            // What it should have asked for, by the rules.
            let mut expected = Vec::new();
            let mut asked = 0;
            let mut offset = 0u64;
            loop {
                let len = sizes.get(asked).copied().unwrap_or(0) as u64;
                asked += 1;
                expected.extend(offset..offset + len);
                offset += len;
                if len < size || total.is_some_and(|t| offset >= t) {
                    break;
                }
            }
            prop_assert_eq!(got, expected);
            prop_assert_eq!(*served.lock().unwrap(), asked);
        }
    }
}
