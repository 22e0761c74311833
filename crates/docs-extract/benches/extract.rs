//! Whole-set extraction speed, on the shared corpora (read from
//! `../shared/corpus`, never copied).
//!
//! `cargo bench -p docusaurus-openapi-extract --bench extract` prints, per
//! set, the median time of a whole extraction (pages in memory → validated
//! document), its throughput in MB/s of page bytes, and the same for a
//! baseline measured in the same run: decoding every page's `api` JSON with
//! serde_json on one thread, the floor any extractor pays. The ratio of the
//! two is what the numbers mean on a shared, noisy machine.

use std::path::Path;
use std::time::{Duration, Instant};

use docs_extract::{extract, read_sources, NamesFile, Source};

/// The allocator the project's tools use (see `xtask`): extraction builds
/// and drops millions of small JSON nodes, where glibc's malloc is slow.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RUNS: usize = 15;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The floor: every `api:` value decoded to a JSON value, one thread.
fn baseline(pages: &[Source]) -> usize {
    let mut n = 0;
    for page in pages {
        for line in page.text.lines() {
            if let Some(api) = line.strip_prefix("api: ") {
                let value: serde_json::Value = if api.starts_with('{') {
                    serde_json::from_str(api).unwrap()
                } else {
                    use base64::Engine as _;
                    use std::io::Read as _;
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(api)
                        .unwrap();
                    let mut json = Vec::new();
                    flate2::read::ZlibDecoder::new(&bytes[..])
                        .read_to_end(&mut json)
                        .unwrap();
                    serde_json::from_slice(&json).unwrap()
                };
                n += value.as_object().map_or(0, |m| m.len());
            }
        }
    }
    n
}

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    for set in ["sailpoint-beta-2022-08", "identityiq-2024-03"] {
        let sources = read_sources(&corpus.join(set)).expect("the shared corpus");
        let bytes: usize = sources.pages.iter().map(|p| p.text.len()).sum();
        let mb = bytes as f64 / 1e6;
        let names = NamesFile::default();
        // Warm up, then alternate the two so that load hits both alike.
        let _ = extract(&sources.pages, &names).unwrap();
        let (mut full, mut floor) = (Vec::new(), Vec::new());
        for _ in 0..RUNS {
            let t = Instant::now();
            std::hint::black_box(extract(&sources.pages, &names).unwrap());
            full.push(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(baseline(&sources.pages));
            floor.push(t.elapsed());
        }
        let (full, floor) = (median(full), median(floor));
        println!(
            "{set}: {mb:.1} MB in {} pages\n  extraction        {:>7.1} ms  {:>6.0} MB/s\n  baseline (decode)  {:>7.1} ms  {:>6.0} MB/s\n  extraction / baseline time: {:.2}x",
            sources.pages.len(),
            full.as_secs_f64() * 1e3,
            mb / full.as_secs_f64(),
            floor.as_secs_f64() * 1e3,
            mb / floor.as_secs_f64(),
            full.as_secs_f64() / floor.as_secs_f64(),
        );
    }
}
