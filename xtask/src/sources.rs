//! Reading upstream pages from files, folders and URLs.

use anyhow::{bail, Context as _, Result};
use docusaurus_openapi_extract::{Source, Sources};

/// Loads every input: a page file, a folder of pages, or an http(s) URL of a page.
pub fn load(inputs: &[String]) -> Result<Sources> {
    let mut all = Sources::default();
    for input in inputs {
        if input.starts_with("http://") || input.starts_with("https://") {
            all.pages.push(fetch(input)?);
        } else {
            let read = docusaurus_openapi_extract::read_sources(std::path::Path::new(input))?;
            all.pages.extend(read.pages);
            all.skipped.extend(read.skipped);
        }
    }
    Ok(all)
}

/// Fetches one page. A non-2xx answer or an HTML page is an error.
pub fn fetch(url: &str) -> Result<Source> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the HTTP runtime")?;
    let (status, content_type, text) = runtime
        .block_on(async {
            let client = reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(60))
                .build()?;
            let response = client.get(url).send().await?;
            let status = response.status();
            let content_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let text = response.text().await?;
            Ok::<_, reqwest::Error>((status, content_type, text))
        })
        .with_context(|| format!("fetching {url}"))?;
    if !status.is_success() {
        bail!("{url}: the server answered {status}, not a docs page");
    }
    let head = text
        .trim_start()
        .get(..15)
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("text/html")
        || head.starts_with("<!doctype")
        || head.starts_with("<html")
    {
        bail!("{url}: the server answered an HTML page ({content_type}); give the URL of the page's .mdx source");
    }
    let file_name = url
        .split(['?', '#'])
        .next()
        .and_then(|u| u.rsplit('/').next())
        .unwrap_or("page.api.mdx")
        .to_owned();
    Ok(Source {
        name: url.to_owned(),
        file_name,
        text,
    })
}
