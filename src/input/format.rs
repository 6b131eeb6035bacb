//! Which format a file or archive member is, from its name's extensions (case-insensitive).

/// The format inside any gzip layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Inner {
    /// `.txt`, `.md`, or an unknown extension named on the command line: text as is.
    Plain,
    /// `.html`, `.htm`: text extracted from the markup.
    Html,
    /// `.jsonl`, `.ndjson`: one document per line.
    Jsonl,
    /// `.csv`: one document per row, columns named by the header.
    Csv,
    /// `.sgm`: Reuters-21578 SGML, one document per `<REUTERS>` element.
    Sgml,
    /// `.tar` (and `.tar.gz`, `.tgz` with `gzip`).
    Tar,
    /// `.zip`.
    Zip,
}

/// A file's format: the inner format, possibly gzip-compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Format {
    pub inner: Inner,
    pub gzip: bool,
}

impl Format {
    pub fn is_archive(&self) -> bool {
        matches!(self.inner, Inner::Tar | Inner::Zip)
    }
}

/// A name's format and its stem (the name without the extensions that made the format).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Detected {
    pub format: Format,
    pub stem: String,
}

fn inner_of(ext: &str) -> Option<Inner> {
    Some(match ext {
        "txt" | "md" => Inner::Plain,
        "html" | "htm" => Inner::Html,
        "jsonl" | "ndjson" => Inner::Jsonl,
        "csv" => Inner::Csv,
        "sgm" => Inner::Sgml,
        "tar" => Inner::Tar,
        "zip" => Inner::Zip,
        _ => return None,
    })
}

/// Splits `name` (a file name, or a path whose last component is the name) at its last dot.
fn split_ext(name: &str) -> Option<(&str, String)> {
    let start = name.rfind('/').map_or(0, |i| i + 1);
    let dot = name[start..].rfind('.')? + start;
    // A leading dot (".bashrc") is part of the name, not an extension.
    if dot == start {
        return None;
    }
    Some((&name[..dot], name[dot + 1..].to_ascii_lowercase()))
}

/// The format of a file found in a directory or an archive, or the reason it is not read
/// (`unsupported file type .xyz`).
pub(crate) fn detect(name: &str) -> Result<Detected, String> {
    let Some((stem, ext)) = split_ext(name) else {
        return Err("unsupported file type (no extension)".into());
    };
    if ext == "tgz" {
        return Ok(Detected {
            format: Format {
                inner: Inner::Tar,
                gzip: true,
            },
            stem: stem.into(),
        });
    }
    if ext == "gz" {
        return match split_ext(stem) {
            Some((inner_stem, inner_ext)) => match inner_of(&inner_ext) {
                Some(inner) => Ok(Detected {
                    format: Format { inner, gzip: true },
                    stem: inner_stem.into(),
                }),
                None => Err(format!("unsupported file type .{inner_ext}.gz")),
            },
            None => Err("unsupported file type .gz (no inner extension)".into()),
        };
    }
    match inner_of(&ext) {
        Some(inner) => Ok(Detected {
            format: Format { inner, gzip: false },
            stem: stem.into(),
        }),
        None => Err(format!("unsupported file type .{ext}")),
    }
}

/// The format of a path named on the command line: as [`detect`], but an unknown
/// extension is read as plain text (gzip-compressed for `.gz`), with the last extension
/// dropped from the stem.
pub(crate) fn detect_explicit(name: &str) -> Detected {
    if let Ok(found) = detect(name) {
        return found;
    }
    let (stem, ext) = split_ext(name).unwrap_or((name, String::new()));
    let gzip = ext == "gz";
    let stem = if gzip {
        split_ext(stem).map_or(stem, |(s, _)| s)
    } else {
        stem
    };
    Detected {
        format: Format {
            inner: Inner::Plain,
            gzip,
        },
        stem: stem.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(name: &str) -> (Inner, bool, String) {
        let d = detect(name).unwrap();
        (d.format.inner, d.format.gzip, d.stem)
    }

    #[test]
    fn extensions_choose_formats_case_insensitively() {
        assert_eq!(fmt("a.txt"), (Inner::Plain, false, "a".into()));
        assert_eq!(fmt("dir/b.MD"), (Inner::Plain, false, "dir/b".into()));
        assert_eq!(fmt("c.Html"), (Inner::Html, false, "c".into()));
        assert_eq!(fmt("c.htm"), (Inner::Html, false, "c".into()));
        assert_eq!(fmt("d.ndjson"), (Inner::Jsonl, false, "d".into()));
        assert_eq!(fmt("e.csv"), (Inner::Csv, false, "e".into()));
        assert_eq!(
            fmt("reut2-000.sgm"),
            (Inner::Sgml, false, "reut2-000".into())
        );
        assert_eq!(fmt("x.tar"), (Inner::Tar, false, "x".into()));
        assert_eq!(fmt("x.tar.gz"), (Inner::Tar, true, "x".into()));
        assert_eq!(fmt("x.TGZ"), (Inner::Tar, true, "x".into()));
        assert_eq!(fmt("x.zip"), (Inner::Zip, false, "x".into()));
        assert_eq!(fmt("x.jsonl.gz"), (Inner::Jsonl, true, "x".into()));
        assert_eq!(fmt("a.b.txt"), (Inner::Plain, false, "a.b".into()));
    }

    #[test]
    fn unknown_extensions_are_named() {
        assert_eq!(
            detect("photo.JPG").unwrap_err(),
            "unsupported file type .jpg"
        );
        assert_eq!(
            detect("x.log.gz").unwrap_err(),
            "unsupported file type .log.gz"
        );
        assert!(detect("README").unwrap_err().contains("no extension"));
        assert!(detect("dir.d/.hidden")
            .unwrap_err()
            .contains("no extension"));
        assert!(detect("y.gz").unwrap_err().contains(".gz"));
    }

    #[test]
    fn explicit_unknown_extensions_are_plain_text() {
        let d = detect_explicit("notes.log");
        assert_eq!(d.format.inner, Inner::Plain);
        assert_eq!(d.stem, "notes");
        let d = detect_explicit("notes.log.gz");
        assert!(d.format.gzip);
        assert_eq!(d.stem, "notes");
        assert_eq!(detect_explicit("README").stem, "README");
    }
}
