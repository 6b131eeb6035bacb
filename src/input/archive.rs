//! Tar (plain or gzip-compressed) and zip archives: members read as files by their
//! extension, unsafe names refused, links not followed, nested archives not opened.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};

use super::format;
use super::{Flow, Origin, Outcome, Producer};

/// What an archive member is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    File,
    Dir,
    Symlink,
    HardLink,
    Other,
}

/// A member name as a relative path with `/` separators and no `.` parts, or `None` when
/// it is absolute (`/x`, `\x`, `C:x`), climbs out (`..`) or holds a NUL: such a name is
/// never used as an id or a path.
pub(crate) fn safe_member_path(raw: &str) -> Option<String> {
    let b = raw.as_bytes();
    let drive = b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':';
    if raw.starts_with(['/', '\\']) || drive || raw.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for part in raw.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => return None,
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// One member of an archive: checked, then read by its extension.
fn member(
    p: &mut Producer,
    archive: &Origin,
    raw: &str,
    kind: Kind,
    size: u64,
    reader: &mut dyn Read,
) -> Flow<Outcome> {
    let source = format!("{}!{}", archive.source, raw);
    let path = match safe_member_path(raw) {
        Some(path) if !path.is_empty() || kind == Kind::Dir => path,
        _ => {
            p.fail(
                source,
                "unsafe member path (absolute, or climbing out with ..)",
            )?;
            return Ok(Outcome::Read);
        }
    };
    match kind {
        Kind::Dir => return Ok(Outcome::Read),
        Kind::Symlink => p.skip(source, "symbolic link not followed")?,
        Kind::HardLink => p.skip(source, "hard link not followed")?,
        Kind::Other => p.skip(source, "not a regular file")?,
        Kind::File => {
            let detected = match format::detect(&path) {
                Ok(detected) => detected,
                Err(reason) => {
                    p.skip(source, reason)?;
                    return Ok(Outcome::Read);
                }
            };
            if detected.format.is_archive() {
                p.skip(source, "nested archive not read")?;
                return Ok(Outcome::Read);
            }
            let origin = Origin {
                id: format!("{}/{}", archive.id, detected.stem),
                source,
            };
            let declared = (!detected.format.gzip).then_some(size);
            return p.stream(&origin, detected.format, declared, reader);
        }
    }
    Ok(Outcome::Read)
}

/// Reads a tar stream member by member. Damage (a bad header, a truncated stream) is one
/// failure; what was read before it stays.
pub(crate) fn tar(p: &mut Producer, origin: &Origin, reader: &mut dyn Read) -> Flow<Outcome> {
    let mut archive = tar::Archive::new(reader);
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(e) => {
            p.fail(&origin.source, format!("cannot read tar archive: {e}"))?;
            return Ok(Outcome::Damaged);
        }
    };
    // A member whose read failed has been reported; the error the archive then gives is
    // the same damage and is not reported twice.
    let mut damaged = false;
    let mut any = false;
    for entry in entries {
        let mut entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                if !damaged {
                    p.fail(
                        &origin.source,
                        format!("damaged tar archive: {e}; the rest of it was not read"),
                    )?;
                }
                return Ok(Outcome::Damaged);
            }
        };
        any = true;
        let kind = entry.header().entry_type();
        if kind.is_pax_global_extensions()
            || kind.is_pax_local_extensions()
            || kind.is_gnu_longname()
            || kind.is_gnu_longlink()
        {
            continue;
        }
        let kind = if kind.is_dir() {
            Kind::Dir
        } else if kind.is_symlink() {
            Kind::Symlink
        } else if kind.is_hard_link() {
            Kind::HardLink
        } else if kind.is_file() || kind.is_contiguous() {
            Kind::File
        } else {
            Kind::Other
        };
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let size = entry.size();
        damaged = member(p, origin, &raw, kind, size, &mut entry)? == Outcome::Damaged;
    }
    if !any && !damaged {
        p.skip(&origin.source, "empty archive")?;
    }
    Ok(if damaged {
        Outcome::Damaged
    } else {
        Outcome::Read
    })
}

/// Reads a zip file member by member (zip needs the central directory at the end, so a
/// truncated zip is one failure). A member that cannot be read fails alone.
pub(crate) fn zip(p: &mut Producer, origin: &Origin, file: File) -> Flow {
    let listing = file.try_clone();
    let mut archive = match zip::ZipArchive::new(BufReader::new(file)) {
        Ok(archive) => archive,
        Err(e) => return p.fail(&origin.source, format!("cannot read zip archive: {e}")),
    };
    if archive.is_empty() {
        return p.skip(&origin.source, "empty archive");
    }
    // The zip crate keeps one member per name (the last): the earlier ones of a repeated
    // name are counted as failures, found by listing the central directory itself.
    let mut shadowed = if archive.has_duplicate_names() {
        let start = archive.central_directory_start();
        match listing.and_then(|mut f| central_directory_names(&mut f, start)) {
            Ok(names) => names,
            Err(e) => {
                return p.fail(
                    &origin.source,
                    format!("cannot list the zip archive's repeated member names: {e}"),
                )
            }
        }
    } else {
        HashMap::new()
    };
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(entry) => entry,
            Err(e) => {
                p.fail(
                    format!("{}!#{}", origin.source, i + 1),
                    format!("cannot read member {} of the zip archive: {e}", i + 1),
                )?;
                continue;
            }
        };
        let raw = match entry.name() {
            Ok(name) => name.into_owned(),
            Err(_) => String::from_utf8_lossy(entry.name_raw()).into_owned(),
        };
        let kind = if entry.is_dir() {
            Kind::Dir
        } else if entry.is_symlink() {
            Kind::Symlink
        } else if entry.is_file() {
            Kind::File
        } else {
            Kind::Other
        };
        if let Some(count) = shadowed.remove(entry.name_raw()).filter(|&n| n > 1) {
            for copy in 1..count {
                p.fail(
                    format!("{}!{raw}", origin.source),
                    format!(
                        "member {copy} of {count} with this name in the zip archive: \
                         only the last one is read"
                    ),
                )?;
            }
        }
        let size = entry.size();
        member(p, origin, &raw, kind, size, &mut entry)?;
    }
    Ok(())
}

/// How many central-directory entries carry each raw member name, read from the headers
/// at `start` (each: 46 fixed bytes, then name, extra field and comment).
fn central_directory_names(file: &mut File, start: u64) -> io::Result<HashMap<Vec<u8>, usize>> {
    const SIGNATURE: [u8; 4] = [0x50, 0x4b, 0x01, 0x02];
    file.seek(SeekFrom::Start(start))?;
    let mut reader = BufReader::new(file);
    let mut counts = HashMap::new();
    let mut fixed = [0u8; 46];
    loop {
        match reader.read_exact(&mut fixed) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e),
        }
        if fixed[..4] != SIGNATURE {
            break;
        }
        let field = |at: usize| u16::from_le_bytes([fixed[at], fixed[at + 1]]) as usize;
        let mut name = vec![0; field(28)];
        reader.read_exact(&mut name)?;
        let rest = (field(30) + field(32)) as u64;
        io::copy(&mut reader.by_ref().take(rest), &mut io::sink())?;
        *counts.entry(name).or_insert(0) += 1;
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::super::test_summary as summary;
    use super::super::{read, Item, ReadOptions};
    use super::*;
    use std::io::Write;
    use std::path::Path;

    /// Appends one raw tar entry; names are written as they are (no checks), so unsafe
    /// names can be tested.
    pub(crate) fn tar_entry(
        out: &mut Vec<u8>,
        name: &str,
        kind: tar::EntryType,
        data: &[u8],
        link: &str,
    ) {
        let mut h = tar::Header::new_gnu();
        h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        h.as_old_mut().linkname[..link.len()].copy_from_slice(link.as_bytes());
        h.set_size(data.len() as u64);
        h.set_entry_type(kind);
        h.set_mode(0o644);
        h.set_cksum();
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(data).unwrap();
        gz.finish().unwrap()
    }

    fn sample_tar() -> Vec<u8> {
        let mut t = Vec::new();
        tar_entry(&mut t, "news/", tar::EntryType::Directory, b"", "");
        tar_entry(
            &mut t,
            "news/a.txt",
            tar::EntryType::Regular,
            b"Biden met Scholz.",
            "",
        );
        tar_entry(&mut t, "../x.txt", tar::EntryType::Regular, b"escape", "");
        tar_entry(&mut t, "/abs.txt", tar::EntryType::Regular, b"absolute", "");
        tar_entry(
            &mut t,
            "news/link.txt",
            tar::EntryType::Symlink,
            b"",
            "/etc/passwd",
        );
        tar_entry(
            &mut t,
            "news/hard.txt",
            tar::EntryType::Link,
            b"",
            "news/a.txt",
        );
        tar_entry(&mut t, "news/inner.zip", tar::EntryType::Regular, b"PK", "");
        tar_entry(
            &mut t,
            "news/photo.jpg",
            tar::EntryType::Regular,
            b"\xff\xd8",
            "",
        );
        tar_entry(
            &mut t,
            "news/lines.jsonl",
            tar::EntryType::Regular,
            b"{\"text\": \"one\"}\n{\"text\": \"two\"}\n",
            "",
        );
        tar_entry(
            &mut t,
            "news/c.txt.gz",
            tar::EntryType::Regular,
            &gzip(b"compressed"),
            "",
        );
        t.extend_from_slice(&[0; 1024]);
        t
    }

    fn run(path: &Path) -> Vec<Item> {
        read(&[path.to_path_buf()], &ReadOptions::default()).collect()
    }

    #[test]
    fn tar_members_are_read_checked_and_named() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["box.tar", "box.tar.gz"] {
            let path = dir.path().join(name);
            let data = sample_tar();
            let data = if name.ends_with(".gz") {
                gzip(&data)
            } else {
                data
            };
            std::fs::write(&path, data).unwrap();
            let s = summary(&run(&path));
            let src = |m: &str| format!("{}!{m}", path.display());
            assert_eq!(
                s,
                vec![
                    ('D', "box/news/a".into(), src("news/a.txt")),
                    (
                        'F',
                        src("../x.txt"),
                        "unsafe member path (absolute, or climbing out with ..)".into()
                    ),
                    (
                        'F',
                        src("/abs.txt"),
                        "unsafe member path (absolute, or climbing out with ..)".into()
                    ),
                    (
                        'S',
                        src("news/link.txt"),
                        "symbolic link not followed".into()
                    ),
                    ('S', src("news/hard.txt"), "hard link not followed".into()),
                    ('S', src("news/inner.zip"), "nested archive not read".into()),
                    (
                        'S',
                        src("news/photo.jpg"),
                        "unsupported file type .jpg".into()
                    ),
                    ('D', "box/news/lines:1".into(), src("news/lines.jsonl:1")),
                    ('D', "box/news/lines:2".into(), src("news/lines.jsonl:2")),
                    ('D', "box/news/c".into(), src("news/c.txt.gz")),
                ],
                "{name}"
            );
        }
    }

    #[test]
    fn a_truncated_tar_gz_keeps_what_came_before_and_fails_once() {
        let mut t = Vec::new();
        tar_entry(
            &mut t,
            "a.txt",
            tar::EntryType::Regular,
            b"first document",
            "",
        );
        let filler: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let filler = String::from_utf8_lossy(&filler).replace(['\0'], "x");
        tar_entry(
            &mut t,
            "b.txt",
            tar::EntryType::Regular,
            filler.as_bytes(),
            "",
        );
        tar_entry(
            &mut t,
            "c.txt",
            tar::EntryType::Regular,
            b"never reached",
            "",
        );
        t.extend_from_slice(&[0; 1024]);
        let gz = gzip(&t);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.tgz");
        std::fs::write(&path, &gz[..gz.len() / 2]).unwrap();
        let items = run(&path);
        let s = summary(&items);
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(s[0].0, 'D');
        assert_eq!(s[1].0, 'F');
        assert!(s[1].1.starts_with(&path.display().to_string()));
        assert!(s[1].2.contains("gzip"), "{s:?}");
    }

    #[test]
    fn a_corrupt_tar_header_is_one_failure() {
        let mut t = Vec::new();
        tar_entry(&mut t, "a.txt", tar::EntryType::Regular, b"kept", "");
        t.extend_from_slice(&[b'z'; 512]);
        t.extend_from_slice(&[0; 1024]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.tar");
        std::fs::write(&path, &t).unwrap();
        let s = summary(&run(&path));
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(s[0].1, "bad/a");
        assert_eq!(s[1].0, 'F');
        assert!(s[1].2.contains("damaged tar archive"), "{s:?}");
    }

    fn write_zip(path: &Path, members: &[(&str, &[u8])]) {
        let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in members {
            z.start_file(*name, opts).unwrap();
            z.write_all(data).unwrap();
        }
        z.finish().unwrap();
    }

    #[test]
    fn zip_members_are_read_and_unsafe_names_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wire.zip");
        write_zip(
            &path,
            &[
                ("stories/one.txt", b"Putin spoke."),
                ("../evil.txt", b"escape"),
                ("stories/page.html", b"<title>T</title><p>Hi &amp; bye</p>"),
                ("stories/empty.md", b"  \n"),
            ],
        );
        let items = run(&path);
        let s = summary(&items);
        let src = |m: &str| format!("{}!{m}", path.display());
        assert_eq!(s.len(), 4, "{s:?}");
        assert_eq!(
            s[0],
            ('D', "wire/stories/one".into(), src("stories/one.txt"))
        );
        assert_eq!(s[1].0, 'F');
        assert_eq!(s[1].1, src("../evil.txt"));
        let Item::Document(page) = &items[2] else {
            panic!("{s:?}")
        };
        assert_eq!(page.text, "Hi & bye");
        assert_eq!(page.meta["title"], "T");
        assert_eq!(
            s[3],
            ('S', src("stories/empty.md"), "empty document".into())
        );
    }

    /// Renames every `b.txt` to `a.txt` in the bytes of a zip (local and central headers),
    /// which `zip::ZipWriter` refuses to write.
    pub(crate) fn repeat_a_name(zip: &[u8]) -> Vec<u8> {
        let mut out = zip.to_vec();
        for i in 0..out.len().saturating_sub(4) {
            if &out[i..i + 5] == b"b.txt" {
                out[i] = b'a';
            }
        }
        out
    }

    #[test]
    fn zip_members_of_the_same_name_are_all_counted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("twice.zip");
        write_zip(
            &path,
            &[
                ("a.txt", b"First."),
                ("b.txt", b"Second."),
                ("c.txt", b"Third."),
            ],
        );
        std::fs::write(&path, repeat_a_name(&std::fs::read(&path).unwrap())).unwrap();
        let items = run(&path);
        let s = summary(&items);
        let src = |m: &str| format!("{}!{m}", path.display());
        assert_eq!(
            s,
            vec![
                (
                    'F',
                    src("a.txt"),
                    "member 1 of 2 with this name in the zip archive: only the last one is read"
                        .into()
                ),
                ('D', "twice/a".into(), src("a.txt")),
                ('D', "twice/c".into(), src("c.txt")),
            ]
        );
        assert!(matches!(&items[1], Item::Document(d) if d.text == "Second."));
    }

    #[test]
    fn a_corrupt_zip_is_one_failure() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.zip");
        write_zip(&path, &[("a.txt", b"text")]);
        let data = std::fs::read(&path).unwrap();
        std::fs::write(&path, &data[..data.len() - 30]).unwrap();
        let s = summary(&run(&path));
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!(s[0].0, 'F');
        assert!(s[0].2.contains("zip"));
    }

    #[test]
    fn gzip_files_take_their_inner_format() {
        let dir = tempfile::tempdir().unwrap();
        let jsonl = dir.path().join("feed.jsonl.gz");
        std::fs::write(
            &jsonl,
            gzip(b"{\"id\": \"x\", \"text\": \"one\"}\nnot json\n"),
        )
        .unwrap();
        let s = summary(&run(&jsonl));
        assert_eq!(s[0].0, 'D');
        assert_eq!(s[0].1, "x");
        assert_eq!(s[1].0, 'F');
        assert!(s[1].1.ends_with("feed.jsonl.gz:2"));
        let txt = dir.path().join("note.txt.gz");
        let mut two = gzip(b"first half, ");
        two.extend(gzip(b"second half"));
        std::fs::write(&txt, two).unwrap();
        let items = run(&txt);
        assert!(
            matches!(&items[0], Item::Document(d) if d.id == "note" && d.text == "first half, second half")
        );
    }

    #[test]
    fn a_truncated_gzip_is_one_failure_after_the_good_lines() {
        let mut lines = String::new();
        for i in 0..20_000 {
            lines.push_str(&format!(
                "{{\"text\": \"document number {i} with some words\"}}\n"
            ));
        }
        let gz = gzip(lines.as_bytes());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.jsonl.gz");
        std::fs::write(&path, &gz[..gz.len() / 2]).unwrap();
        let items = run(&path);
        let docs = items
            .iter()
            .filter(|i| matches!(i, Item::Document(_)))
            .count();
        let failed: Vec<_> = items
            .iter()
            .filter(|i| matches!(i, Item::Failed(_)))
            .collect();
        assert!(docs > 1000 && docs < 20_000, "{docs}");
        assert_eq!(failed.len(), 1, "{failed:?}");
        assert!(matches!(failed[0], Item::Failed(f) if f.reason.contains("gzip")));
        // A truncated single-document gzip fails too.
        let txt = dir.path().join("cut.txt.gz");
        std::fs::write(&txt, &gz[..gz.len() / 2]).unwrap();
        let s = summary(&run(&txt));
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].0, 'F');
    }

    #[test]
    fn member_paths_are_checked() {
        assert_eq!(safe_member_path("a/b.txt").as_deref(), Some("a/b.txt"));
        assert_eq!(safe_member_path("./a//b.txt").as_deref(), Some("a/b.txt"));
        assert_eq!(safe_member_path("a\\b.txt").as_deref(), Some("a/b.txt"));
        assert_eq!(safe_member_path("./").as_deref(), Some(""));
        for bad in [
            "../x",
            "/etc/passwd",
            "a/../../b",
            "\\x",
            "C:x",
            "C:\\x",
            "a\0b",
            "..",
            "x/..",
        ] {
            assert_eq!(safe_member_path(bad), None, "{bad}");
        }
    }
}
