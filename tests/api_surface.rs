//! The crate's public names are the ones its docs promise.

/// `sailpoint::Error` is the runtime's typed error (status,
/// `trackingId`, `Retry-After`), not progenitor's: this does not compile
/// otherwise.
fn the_error(e: sailpoint::Error) -> sailpoint_runtime::Error {
    e
}

#[test]
fn the_crate_error_is_the_runtime_error_and_the_generated_one_converts() {
    let generated: sailpoint::GeneratedError<()> =
        sailpoint::GeneratedError::InvalidRequest("no body".into());
    let error: sailpoint::Error = generated.into();
    let error = the_error(error);
    assert!(error.to_string().contains("no body"), "{error}");
}
