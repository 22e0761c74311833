//! One module per task; `main.rs` only dispatches.

pub mod diff;
pub mod extract;
pub mod migrate;
pub mod probe;
pub mod refresh;
pub mod regen;

/// Colour only on a terminal, and not when NO_COLOR is set.
pub(crate) fn use_color() -> bool {
    use std::io::IsTerminal as _;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}
