//! 邮件提醒 optional SMTP delivery of deadline notices (`--smtp smtp://[user:password@]host[:port]
//! ?from=ADDRESS`): plain SMTP to the court's intranet relay (no TLS: a local relay such as
//! postfix takes it onward). Never required; the in-app notices work without it.

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::deadlines::NotificationView;

/// Where and how to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailer {
    pub host: String,
    pub port: u16,
    pub from: String,
    /// AUTH PLAIN credentials, when the URL carries them.
    pub credentials: Option<(String, String)>,
}

/// Why mail could not be sent (or the URL read).
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("SMTP 地址无效 / bad SMTP URL: {0} (smtp://[user:password@]host[:port]?from=ADDRESS)")]
    BadUrl(String),
    #[error("SMTP 连接失败 / connecting to the relay: {0}")]
    Io(#[from] std::io::Error),
    #[error("SMTP 服务器拒绝 / the relay refused ({step}): {reply}")]
    Refused { step: &'static str, reply: String },
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&text[i + 1..(i + 3).min(text.len())], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Mailer {
    /// Reads `smtp://[user:password@]host[:port]?from=ADDRESS` (port 25 by default).
    pub fn from_url(url: &str) -> Result<Mailer, MailError> {
        let bad = || MailError::BadUrl(xiezhi_store::redact(url));
        let rest = url.strip_prefix("smtp://").ok_or_else(bad)?;
        let (authority, query) = rest.split_once('?').unwrap_or((rest, ""));
        let authority = authority.trim_end_matches('/');
        let (credentials, host_port) = match authority.rsplit_once('@') {
            Some((cred, hp)) => {
                let (user, pass) = cred.split_once(':').ok_or_else(bad)?;
                (Some((percent_decode(user), percent_decode(pass))), hp)
            }
            None => (None, authority),
        };
        let (host, port) = match host_port.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), p.parse().map_err(|_| bad())?),
            None => (host_port.to_owned(), 25),
        };
        if host.is_empty() {
            return Err(bad());
        }
        let from = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("from="))
            .map(percent_decode)
            .filter(|f| f.contains('@'))
            .ok_or_else(bad)?;
        Ok(Mailer { host, port, from, credentials })
    }

    /// Sends one plain-text message (UTF-8, base64) to one address.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), MailError> {
        let stream = tokio::net::TcpStream::connect((self.host.as_str(), self.port)).await?;
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read);
        async fn reply(
            lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
            step: &'static str,
            ok: &[u8],
        ) -> Result<(), MailError> {
            let last = loop {
                let mut line = String::new();
                if lines.read_line(&mut line).await? == 0 {
                    return Err(MailError::Refused { step, reply: "connection closed".into() });
                }
                if line.as_bytes().get(3) != Some(&b'-') {
                    break line.trim_end().to_owned();
                }
            };
            if ok.iter().any(|c| last.as_bytes().first() == Some(c)) {
                Ok(())
            } else {
                Err(MailError::Refused { step, reply: last })
            }
        }
        reply(&mut lines, "greeting", b"2").await?;
        write.write_all(b"EHLO xiezhi\r\n").await?;
        reply(&mut lines, "EHLO", b"2").await?;
        if let Some((user, pass)) = &self.credentials {
            let token = base64(format!("\0{user}\0{pass}").as_bytes());
            write.write_all(format!("AUTH PLAIN {token}\r\n").as_bytes()).await?;
            reply(&mut lines, "AUTH", b"2").await?;
        }
        write.write_all(format!("MAIL FROM:<{}>\r\n", self.from).as_bytes()).await?;
        reply(&mut lines, "MAIL FROM", b"2").await?;
        write.write_all(format!("RCPT TO:<{to}>\r\n").as_bytes()).await?;
        reply(&mut lines, "RCPT TO", b"2").await?;
        write.write_all(b"DATA\r\n").await?;
        reply(&mut lines, "DATA", b"3").await?;
        let mut message = format!(
            "From: <{}>\r\nTo: <{to}>\r\nSubject: =?UTF-8?B?{}?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
            self.from,
            base64(subject.as_bytes())
        );
        let encoded = base64(body.as_bytes());
        for chunk in encoded.as_bytes().chunks(76) {
            message.push_str(std::str::from_utf8(chunk).unwrap_or(""));
            message.push_str("\r\n");
        }
        message.push_str(".\r\n");
        write.write_all(message.as_bytes()).await?;
        reply(&mut lines, "message", b"2").await?;
        write.write_all(b"QUIT\r\n").await?;
        let _ = reply(&mut lines, "QUIT", b"2").await;
        Ok(())
    }
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(TABLE[(n >> 18) as usize & 63] as char);
        out.push(TABLE[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 { TABLE[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if chunk.len() > 2 { TABLE[n as usize & 63] as char } else { '=' });
    }
    out
}

/// The digest's text: one line per case.
pub fn digest_text(notices: &[NotificationView]) -> String {
    let mut text = String::from("以下案件临近或超过审限，请及时处理（详见平台“提醒”页）：\n\n");
    for n in notices {
        let what = if n.kind == "overdue" { "已超审限" } else { "临近审限" };
        text.push_str(&format!(
            "{}  {}  审限届满 {}（{}）\n",
            n.case_number,
            what,
            n.deadline.as_deref().unwrap_or("—"),
            n.raised_on
        ));
    }
    text.push_str("\n本邮件由獬豸审判执行质效平台自动发送。\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_base64() {
        let m = Mailer::from_url("smtp://relay.court.local:2525?from=xiezhi%40court.local").unwrap();
        assert_eq!(
            (m.host.as_str(), m.port, m.from.as_str(), m.credentials),
            ("relay.court.local", 2525, "xiezhi@court.local", None)
        );
        let m = Mailer::from_url("smtp://u:p%40ss@10.0.0.5?from=a@b").unwrap();
        assert_eq!((m.port, m.credentials), (25, Some(("u".into(), "p@ss".into()))));
        assert!(Mailer::from_url("http://x?from=a@b").is_err());
        assert!(Mailer::from_url("smtp://x").is_err());
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
        assert_eq!(base64("审限".as_bytes()), "5a6h6ZmQ");
    }
}
