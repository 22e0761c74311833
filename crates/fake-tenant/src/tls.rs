//! TLS for the fake tenant, with a certificate authority of its own made
//! for each tenant (rcgen), and a CONNECT proxy on 127.0.0.1: what a client
//! behind a corporate proxy, or facing a gateway with a private CA, meets.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _};

/// A certificate authority, and a server certificate it signed for
/// `127.0.0.1` and `localhost`.
pub struct Authority {
    /// The authority's certificate, PEM: what a client must trust.
    pub ca_pem: String,
    /// The server's configuration, with the certificate and its key.
    pub server: Arc<rustls::ServerConfig>,
}

impl Authority {
    /// A new authority and server certificate.
    pub fn new() -> Self {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "fake-tenant test authority");
        let ca_key = KeyPair::generate().expect("a CA key");
        let ca_cert = ca.self_signed(&ca_key).expect("the CA certificate");
        let issuer = Issuer::new(ca, ca_key);
        let server = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .expect("server parameters");
        let server_key = KeyPair::generate().expect("a server key");
        let server_cert = server
            .signed_by(&server_key, &issuer)
            .expect("the server certificate");
        let key = rustls::pki_types::PrivateKeyDer::try_from(server_key.serialize_der())
            .expect("a private key");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(vec![server_cert.der().clone()], key)
            .expect("the server's certificate");
        Authority {
            ca_pem: ca_cert.pem(),
            server: Arc::new(config),
        }
    }
}

impl Default for Authority {
    fn default() -> Self {
        Self::new()
    }
}

/// An HTTP proxy on 127.0.0.1 that tunnels `CONNECT host:port` (what a
/// client does for an `https` URL through a proxy), recording each target.
/// Stops when dropped.
pub struct ConnectProxy {
    addr: SocketAddr,
    connects: Arc<Mutex<Vec<String>>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl ConnectProxy {
    /// Starts a proxy on a free port.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback address");
        let addr = listener.local_addr().expect("local addr");
        let connects = Arc::new(Mutex::new(Vec::new()));
        let record = connects.clone();
        let server = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let record = record.clone();
                tokio::spawn(async move {
                    let _ = tunnel(stream, record).await;
                });
            }
        });
        ConnectProxy {
            addr,
            connects,
            server,
        }
    }

    /// `http://127.0.0.1:PORT`: what `HTTPS_PROXY` would be.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The `host:port` of every tunnel asked for, in order.
    pub fn connects(&self) -> Vec<String> {
        self.connects
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// One tunnel: `CONNECT target HTTP/1.1`, its headers, then bytes both
/// ways.
async fn tunnel(
    stream: tokio::net::TcpStream,
    record: Arc<Mutex<Vec<String>>>,
) -> std::io::Result<()> {
    let mut client = tokio::io::BufReader::new(stream);
    let mut line = String::new();
    client.read_line(&mut line).await?;
    let mut parts = line.split_whitespace();
    let (Some("CONNECT"), Some(target)) = (parts.next(), parts.next()) else {
        client
            .get_mut()
            .write_all(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n")
            .await?;
        return Ok(());
    };
    let target = target.to_owned();
    loop {
        let mut header = String::new();
        if client.read_line(&mut header).await? == 0 || header.trim().is_empty() {
            break;
        }
    }
    record
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(target.clone());
    let mut upstream = tokio::net::TcpStream::connect(&target).await?;
    client
        .get_mut()
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await?;
    tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    Ok(())
}
