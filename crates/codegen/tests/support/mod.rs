//! Test support shared by the codegen tests (and, by path, the xtask's).
pub mod specs;
