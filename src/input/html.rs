//! HTML to text: markup dropped (script, style and head content too), entities decoded,
//! block elements as line breaks, runs of spaces collapsed; `<title>` kept apart.

/// A page's text and title.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Page {
    pub text: String,
    pub title: Option<String>,
}

/// Elements that end a line before and after them.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
];

/// Elements whose content is never text.
const HIDDEN: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object",
];

/// Builds the text: collapses whitespace outside `<pre>`, keeps at most one blank line.
#[derive(Default)]
struct Out {
    text: String,
    space: bool,
}

impl Out {
    fn push_text(&mut self, s: &str, pre: bool) {
        for c in s.chars() {
            if pre {
                self.space = false;
                self.text.push(if c == '\u{a0}' { ' ' } else { c });
            } else if c.is_whitespace() {
                self.space = true;
            } else {
                if self.space && !self.text.is_empty() && !self.text.ends_with('\n') {
                    self.text.push(' ');
                }
                self.space = false;
                self.text.push(c);
            }
        }
    }

    fn trim_spaces(&mut self) {
        let kept = self.text.trim_end_matches([' ', '\t']).len();
        self.text.truncate(kept);
        self.space = false;
    }

    /// Ends the current line (a block boundary): nothing if already at a line start.
    fn end_line(&mut self) {
        self.trim_spaces();
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    /// A `<br>`: a line break even on an empty line, but never more than one blank line.
    fn line_break(&mut self) {
        self.trim_spaces();
        if !self.text.is_empty() && !self.text.ends_with("\n\n") {
            self.text.push('\n');
        }
    }

    fn finish(self) -> String {
        self.text.trim().to_string()
    }
}

/// Extracts the text of an HTML page.
pub(crate) fn extract(html: &str) -> Page {
    let mut out = Out::default();
    let mut title: Option<String> = None;
    let mut in_head = false;
    let mut pre = 0usize;
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if !in_head {
                out.push_text(&decode_entities(rest), pre > 0);
            }
            break;
        };
        if lt > 0 && !in_head {
            out.push_text(&decode_entities(&rest[..lt]), pre > 0);
        }
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
        } else if let Some(after) = strip_prefix_ci(rest, "<![CDATA[") {
            rest = after.find("]]>").map_or("", |i| &after[i + 3..]);
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            // Doctype, processing instruction or bogus comment: up to the next '>'.
            rest = rest.find('>').map_or("", |i| &rest[i + 1..]);
        } else if let Some(tag) = parse_tag(rest) {
            rest = &rest[tag.len..];
            let name = tag.name.as_str();
            if tag.end {
                match name {
                    "head" => in_head = false,
                    "pre" => {
                        pre = pre.saturating_sub(1);
                        out.end_line();
                    }
                    _ if BLOCKS.contains(&name) => out.end_line(),
                    "td" | "th" => out.push_text(" ", false),
                    _ => {}
                }
                continue;
            }
            match name {
                "head" => in_head = true,
                "body" => {
                    in_head = false;
                    out.end_line();
                }
                "title" => {
                    let (content, after) = raw_text(rest, "title");
                    rest = after;
                    let mut t = Out::default();
                    t.push_text(&decode_entities(content), false);
                    let t = t.finish();
                    if title.is_none() && !t.is_empty() {
                        title = Some(t);
                    }
                }
                _ if HIDDEN.contains(&name) && !tag.self_closing => {
                    rest = raw_text(rest, name).1;
                }
                _ if HIDDEN.contains(&name) => {}
                "textarea" if !in_head => {
                    let (content, after) = raw_text(rest, name);
                    rest = after;
                    out.push_text(&decode_entities(content), false);
                }
                "br" => out.line_break(),
                "pre" => {
                    out.end_line();
                    pre += 1;
                }
                "td" | "th" => out.push_text(" ", false),
                "img" | "input" => {}
                _ if BLOCKS.contains(&name) => out.end_line(),
                _ => {}
            }
        } else {
            // A '<' that starts no tag ("a < b") is text.
            if !in_head {
                out.push_text("<", pre > 0);
            }
            rest = &rest[1..];
        }
    }
    Page {
        text: out.finish(),
        title,
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// The content of a raw-text element up to its end tag (case-insensitive), and what
/// follows the end tag. An unclosed element runs to the end.
fn raw_text<'a>(s: &'a str, name: &str) -> (&'a str, &'a str) {
    let close = format!("</{name}");
    for (at, _) in s.match_indices("</") {
        let Some(after) = strip_prefix_ci(&s[at..], &close) else {
            continue;
        };
        if after.is_empty()
            || after.starts_with(|c: char| c == '>' || c == '/' || c.is_ascii_whitespace())
        {
            let end = s[at..].find('>').map_or(s.len(), |j| at + j + 1);
            return (&s[..at], &s[end..]);
        }
    }
    (s, "")
}

struct Tag {
    name: String,
    end: bool,
    self_closing: bool,
    /// Bytes from '<' to just after '>'.
    len: usize,
}

/// Parses a start or end tag at the start of `s` (which begins with '<'); quoted attribute
/// values may contain '>'. `None` when `s` does not start a tag.
fn parse_tag(s: &str) -> Option<Tag> {
    let bytes = s.as_bytes();
    let mut i = 1;
    let end = bytes.get(i) == Some(&b'/');
    if end {
        i += 1;
    }
    if !bytes.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    let start = i;
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' && bytes[i] != b'/'
    {
        i += 1;
    }
    let name = s[start..i].to_ascii_lowercase();
    let mut self_closing = false;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => {
                // A quote opens a value only right after '=' (spaces allowed between).
                let before = s[..i].trim_end();
                if before.ends_with('=') {
                    quote = Some(b);
                }
            }
            None if b == b'>' => {
                self_closing = i > 0 && bytes[i - 1] == b'/';
                return Some(Tag {
                    name,
                    end,
                    self_closing,
                    len: i + 1,
                });
            }
            None => {}
        }
        i += 1;
    }
    // An unterminated tag swallows the rest of the page, as browsers do.
    Some(Tag {
        name,
        end,
        self_closing,
        len: s.len(),
    })
}

/// Named references a news page uses: the markup escapes, typography, and Latin-1.
const NAMED: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("ndash", '–'),
    ("mdash", '—'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("sbquo", '‚'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("bdquo", '„'),
    ("dagger", '†'),
    ("Dagger", '‡'),
    ("bull", '•'),
    ("hellip", '…'),
    ("permil", '‰'),
    ("prime", '′'),
    ("Prime", '″'),
    ("lsaquo", '‹'),
    ("rsaquo", '›'),
    ("euro", '€'),
    ("trade", '™'),
    ("OElig", 'Œ'),
    ("oelig", 'œ'),
    ("Scaron", 'Š'),
    ("scaron", 'š'),
    ("Yuml", 'Ÿ'),
    ("fnof", 'ƒ'),
    ("circ", 'ˆ'),
    ("tilde", '˜'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("thinsp", '\u{2009}'),
    ("zwnj", '\u{200c}'),
    ("zwj", '\u{200d}'),
    ("lrm", '\u{200e}'),
    ("rlm", '\u{200f}'),
    ("minus", '−'),
    ("larr", '←'),
    ("rarr", '→'),
];

/// The names of U+00A0..=U+00FF, in order.
const LATIN1: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
    "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
    "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
    "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
    "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
    "uuml", "yacute", "thorn", "yuml",
];

fn named(name: &str) -> Option<char> {
    if let Some(&(_, c)) = NAMED.iter().find(|(n, _)| *n == name) {
        return Some(c);
    }
    LATIN1
        .iter()
        .position(|n| *n == name)
        .and_then(|i| char::from_u32(0xa0 + i as u32))
}

/// A numeric reference's character: control characters (but tab and newline) are dropped
/// (`Some(None)`), invalid code points become U+FFFD, Windows-1252 codes their character.
fn numeric(code: u32) -> Option<char> {
    match code {
        0x09 | 0x0a => char::from_u32(code),
        0..=0x1f | 0x7f => None,
        0x80..=0x9f => Some(super::decode::windows_1252(&[code as u8]).chars().next()?),
        _ => Some(char::from_u32(code).unwrap_or('\u{fffd}')),
    }
}

/// Decodes `&name;`, `&#NNN;` and `&#xHH;`; anything else (`AT&T`, `&unknown;`) stays.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // Entities are short: look for the ';' in the next 33 bytes only, so a text of
        // many '&' and no ';' stays linear.
        let window = &rest.as_bytes()[1..rest.len().min(34)];
        let Some(semi) = window.iter().position(|&b| b == b';').map(|i| i + 1) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let body = &rest[1..semi];
        let decoded = if let Some(num) = body.strip_prefix('#') {
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse::<u32>().ok(),
            };
            code.map(numeric)
        } else if body.chars().all(|c| c.is_ascii_alphanumeric()) {
            named(body).map(Some)
        } else {
            None
        };
        match decoded {
            Some(c) => {
                out.extend(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_ampersands_without_semicolons_decode_in_linear_time() {
        let text = "&".repeat(4 << 20);
        let started = std::time::Instant::now();
        assert_eq!(decode_entities(&text).len(), text.len());
        // Quadratic scanning would take hours here; linear takes milliseconds.
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn markup_is_dropped_and_blocks_break_lines() {
        let page = extract(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Talks &amp; Sanctions</title>\
             <style>p { color: red }</style><script>if (a < b && c > d) { x = \"</div>\"; }</script></head>\
             <body><h1>Leaders   meet</h1><p>Joe <b>Biden</b> met\n   Olaf <a href=\"/s?a=1&amp;b=2\" title='x > y'>Scholz</a>.</p>\
             <ul><li>one</li><li>two</li></ul><div><div>nested <span>deep</span></div></div>\
             tail<br>after break<br/><br><br>end</body></html>",
        );
        assert_eq!(page.title.as_deref(), Some("Talks & Sanctions"));
        assert_eq!(
            page.text,
            "Leaders meet\nJoe Biden met Olaf Scholz.\none\ntwo\nnested deep\ntail\nafter break\n\nend"
        );
    }

    #[test]
    fn entities_decode() {
        assert_eq!(
            decode_entities(
                "AT&T &lt;b&gt; &#233;t&#xE9; caf&eacute; &nbsp;x &bogus; &#0;&#3;a &#150; & ;"
            ),
            "AT&T <b> été café \u{a0}x &bogus; a – & ;"
        );
        assert_eq!(decode_entities("&#x110000;"), "\u{fffd}");
        assert_eq!(decode_entities("&amp"), "&amp");
    }

    #[test]
    fn comments_cdata_and_junk_do_not_leak() {
        let page = extract(
            "<p>before<!-- a comment with <p>tags</p> --> after</p>\
             <![CDATA[ junk > with <b>markup</b> ]]><p>x < y and y > z</p>\
             <?xml-stylesheet href=\"a\"?><noscript>enable JS</noscript><p>&copy; 2024</p>\
             <!-- unclosed comment",
        );
        assert_eq!(page.text, "before after\nx < y and y > z\n© 2024");
        assert_eq!(page.title, None);
    }

    #[test]
    fn pre_keeps_its_spaces_and_tables_get_spaces() {
        let page = extract(
            "<pre>a  b\n  c</pre><table><tr><td>1</td><td>2</td></tr><tr><th>3</th></tr></table>",
        );
        assert_eq!(page.text, "a  b\n  c\n1 2\n3");
    }

    #[test]
    fn uppercase_tags_and_unclosed_script() {
        let page = extract("<HTML><BODY><P>Hello</P><SCRIPT>never shown");
        assert_eq!(page.text, "Hello");
        let page = extract("<script>a</scripts>b</SCRIPT >c");
        assert_eq!(page.text, "c");
        let page = extract("<p>text</p><div class=\"unterminated");
        assert_eq!(page.text, "text");
    }
}
