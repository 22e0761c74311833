//! Whole-set extraction speed on the shared corpora (read from
//! `../shared/corpus`, never copied), with criterion.
//!
//! `cargo bench -p docusaurus-openapi-extract --bench extract` measures, per
//! set, a whole extraction (pages in memory → validated document; with and
//! without dropping the document afterwards) and, in
//! the same run, a baseline: decoding every page's `api` JSON with
//! serde_json on one thread, the floor any extractor pays. Both report
//! throughput in bytes of pages; their ratio is what the numbers mean on a
//! shared, noisy machine.

use std::io::Read as _;
use std::path::Path;

use base64::Engine as _;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use docusaurus_openapi_extract::{extract, read_sources, NamesFile, Source};

/// The allocator the project's tools use (see `xtask`): extraction builds
/// and drops millions of small JSON nodes, where glibc's malloc is slow.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The floor: every `api:` value decoded to a JSON value, one thread.
fn baseline(pages: &[Source]) -> usize {
    let mut n = 0;
    for page in pages {
        for line in page.text.lines() {
            let Some(api) = line.strip_prefix("api: ") else {
                continue;
            };
            let value: serde_json::Value = if api.starts_with('{') {
                serde_json::from_str(api).expect("JSON")
            } else {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(api)
                    .expect("base64");
                let mut json = Vec::new();
                flate2::read::ZlibDecoder::new(&bytes[..])
                    .read_to_end(&mut json)
                    .expect("zlib");
                serde_json::from_slice(&json).expect("JSON")
            };
            n += value.as_object().map_or(0, |m| m.len());
        }
    }
    n
}

fn sets(c: &mut Criterion) {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    for set in ["sailpoint-beta-2022-08", "identityiq-2024-03"] {
        let sources =
            read_sources(&corpus.join(set)).expect("the shared corpus at ../shared/corpus");
        let bytes: u64 = sources.pages.iter().map(|p| p.text.len() as u64).sum();
        let names = NamesFile::default();
        let mut group = c.benchmark_group(set);
        group.throughput(Throughput::Bytes(bytes));
        group.sample_size(20);
        // Dropping the document (a million small allocations) costs a good
        // part of building it; `extract` leaves that to the caller, as the
        // API does, and `extract+drop` counts it too.
        group.bench_function("extract", |b| {
            b.iter_with_large_drop(|| extract(&sources.pages, &names).expect("extracts"))
        });
        group.bench_function("extract+drop", |b| {
            b.iter(|| extract(&sources.pages, &names).expect("extracts"))
        });
        group.bench_function("baseline-decode", |b| b.iter(|| baseline(&sources.pages)));
        group.finish();
    }
}

criterion_group!(benches, sets);
criterion_main!(benches);
