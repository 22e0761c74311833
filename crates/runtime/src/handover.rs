//! Typed errors handed from the hooks to the caller through progenitor's
//! `Error::Custom(String)`, the only way a hook can fail in progenitor 0.15.
//!
//! The hook leaves the error here and puts its key in the string, after the
//! error's own message (so progenitor's error reads well unconverted too);
//! [`From<progenitor_client::Error<E>>`](crate::Error) takes it back, whole:
//! its variant, its fields and its source. Nothing is serialized.
//!
//! Three failures go this way: no access token could be had (the request
//! is never sent), an experimental operation was called by a client that
//! did not opt in to those ([`Error::ExperimentalNotEnabled`]: nothing is
//! sent, not even a token request), and a request that may have been
//! carried out got no answer (the caller must hear that repeating it is
//! not safe, which a `reqwest::Error` cannot say). An error nobody converts stays until
//! [`KEPT`] newer ones have come; converted after that, it becomes a
//! [`Error::Transport`] with its message, not safe to retry.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::Error;

/// How many errors not yet taken back are kept.
pub const KEPT: usize = 4096;

const MARK: &str = " [sailpoint-runtime error #";

static TABLE: Table = Table::new(KEPT);

/// Errors waiting to be taken back, oldest first, at most `kept`.
struct Table {
    next: AtomicU64,
    waiting: Mutex<VecDeque<(u64, Error)>>,
    kept: usize,
}

impl Table {
    const fn new(kept: usize) -> Self {
        Table {
            next: AtomicU64::new(1),
            waiting: Mutex::new(VecDeque::new()),
            kept,
        }
    }

    fn hand_over(&self, error: Error) -> String {
        let key = self.next.fetch_add(1, Ordering::Relaxed);
        let text = format!("{error}{MARK}{key}]");
        let mut waiting = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        if waiting.len() >= self.kept {
            waiting.pop_front();
        }
        waiting.push_back((key, error));
        text
    }

    fn take_back(&self, text: &str) -> Option<Error> {
        let key: u64 = text.strip_suffix(']')?.rsplit_once(MARK)?.1.parse().ok()?;
        let mut waiting = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        let at = waiting.iter().position(|(k, _)| *k == key)?;
        waiting.remove(at).map(|(_, error)| error)
    }
}

/// Leaves `error` to be taken back; returns the text for `Error::Custom`.
pub(crate) fn hand_over(error: Error) -> String {
    TABLE.hand_over(error)
}

/// The error `text` was handed over with, if it is one and is still kept.
pub(crate) fn take_back(text: &str) -> Option<Error> {
    TABLE.take_back(text)
}

/// What a handed-over error no longer kept becomes: its message, as a
/// transport failure that is not safe to repeat (the conservative answer).
pub(crate) fn lost(text: String) -> Error {
    let message = match text.rsplit_once(MARK) {
        Some((message, _)) => message.to_owned(),
        None => text,
    };
    Error::Transport {
        message,
        timeout: false,
        retry_safe: false,
        source: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AuthError;

    fn auth() -> Error {
        Error::Auth(AuthError::Rejected {
            token_url: "https://t.example/oauth/token".into(),
            status: 401,
            error: "invalid_client".into(),
            description: None,
        })
    }

    #[test]
    fn an_error_comes_back_whole_and_once() {
        let text = hand_over(auth());
        assert!(text.starts_with("token endpoint https://t.example/oauth/token refused"));
        let back = take_back(&text).expect("kept");
        assert!(matches!(
            back,
            Error::Auth(AuthError::Rejected { status: 401, .. })
        ));
        assert!(take_back(&text).is_none(), "taken back once");
    }

    #[test]
    fn text_that_is_not_a_key_is_not_taken_for_one() {
        for text in [
            "",
            "x",
            "[sailpoint-runtime error #]",
            "a [sailpoint-runtime error #x]",
        ] {
            assert!(take_back(text).is_none(), "{text}");
        }
    }

    #[test]
    fn an_error_never_taken_back_does_not_stay_forever() {
        let table = Table::new(3);
        let first = table.hand_over(auth());
        for _ in 0..3 {
            let _ = table.hand_over(auth());
        }
        assert!(table.take_back(&first).is_none());
        assert_eq!(table.waiting.lock().unwrap().len(), 3);
        let lost = lost(first);
        assert!(!lost.is_retryable());
        assert!(
            lost.to_string().contains("refused the credentials"),
            "{lost}"
        );
        assert!(
            !lost.to_string().contains("sailpoint-runtime error #"),
            "{lost}"
        );
    }
}
