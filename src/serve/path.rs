//! Turning a request target into a path inside the site, refusing every spelling of traversal.

/// Why a request target was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Malformed: bad percent-encoding, NUL, an encoded slash or backslash, not starting with `/`.
    BadRequest,
    /// Well-formed but names something outside the site (`..`, absolute or drive paths).
    Outside,
}

/// The site-relative path (`customers/kh-001/index.html` style, without a leading slash) that a
/// request target names, or why it is refused. The query string and fragment are ignored. The
/// result may name a folder; the caller adds `index.html`.
pub fn site_path(target: &str) -> Result<String, Refused> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Err(Refused::BadRequest);
    }
    let lowered = path.to_ascii_lowercase();
    // An encoded separator would let one segment smuggle `../` past the segment check below.
    if lowered.contains("%2f") || lowered.contains("%5c") || lowered.contains("%00") {
        return Err(Refused::BadRequest);
    }
    let decoded = percent_decode(path).ok_or(Refused::BadRequest)?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return Err(Refused::BadRequest);
    }
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Err(Refused::Outside),
            s if s.contains(':') => return Err(Refused::Outside),
            s => segments.push(s),
        }
    }
    Ok(segments.join("/"))
}

/// The value of the query parameter `name` of a request target, percent-decoded.
pub fn query_param(target: &str, name: &str) -> Option<String> {
    let query = target.split('#').next()?.split_once('?')?.1;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .and_then(|(_, value)| percent_decode(value))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: Option<&u8>| (*b? as char).to_digit(16);
            let (hi, lo) = (hex(bytes.get(i + 1))?, hex(bytes.get(i + 2))?);
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_paths() {
        assert_eq!(site_path("/").as_deref(), Ok(""));
        assert_eq!(
            site_path("/customers/kh-001/").as_deref(),
            Ok("customers/kh-001")
        );
        assert_eq!(site_path("/style.css?v=3#x").as_deref(), Ok("style.css"));
        assert_eq!(
            site_path("/customers/%E6%9D%AD%E5%B7%9E/").as_deref(),
            Ok("customers/杭州")
        );
        assert_eq!(site_path("/a/./b//c").as_deref(), Ok("a/b/c"));
    }

    #[test]
    fn traversal_in_every_spelling() {
        for target in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/x",
            "/.%2e/x",
            "/a/%2e%2e/%2e%2e/x",
        ] {
            assert_eq!(site_path(target), Err(Refused::Outside), "{target}");
        }
        for target in [
            "/..%2fetc/passwd",
            "/%2f%2fetc",
            "/a%5c..%5cb",
            "/..\\..\\x",
            "/a%00.html",
            "/a\0b",
            "relative",
            "",
            "/%zz",
            "/%e6%9d",
        ] {
            assert_eq!(site_path(target), Err(Refused::BadRequest), "{target:?}");
        }
        assert_eq!(site_path("/C:/Windows/win.ini"), Err(Refused::Outside));
        assert_eq!(
            site_path("//etc/passwd").as_deref(),
            Ok("etc/passwd"),
            "stays inside the site"
        );
    }
}
