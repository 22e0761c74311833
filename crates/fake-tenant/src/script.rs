//! What a fake server answers, in order: the one scripting type of both
//! servers ([`crate::FakeTenant`]'s [`crate::Reply`]s and
//! [`crate::RawServer`]'s [`crate::Raw`] bytes).

use std::collections::VecDeque;

/// Scripted answers to API requests and to token requests, taken in the
/// order they were queued; an API request finds the default answer when
/// its queue is empty.
#[derive(Debug)]
pub struct Script<R> {
    api: VecDeque<R>,
    api_default: Option<R>,
    token: VecDeque<R>,
}

impl<R> Default for Script<R> {
    fn default() -> Self {
        Script {
            api: VecDeque::new(),
            api_default: None,
            token: VecDeque::new(),
        }
    }
}

impl<R: Clone> Script<R> {
    /// Queues an answer for the next API request.
    pub fn api(&mut self, answer: R) {
        self.api.push_back(answer);
    }

    /// The answer to API requests once the queue is empty.
    pub fn api_default(&mut self, answer: R) {
        self.api_default = Some(answer);
    }

    /// Queues an answer for the next token request.
    pub fn token(&mut self, answer: R) {
        self.token.push_back(answer);
    }

    /// The answer to the next API request, if one is scripted.
    pub fn next_api(&mut self) -> Option<R> {
        self.api.pop_front().or_else(|| self.api_default.clone())
    }

    /// The answer to the next token request, if one is scripted.
    pub fn next_token(&mut self) -> Option<R> {
        self.token.pop_front()
    }
}
