//! The inputs named on the command line: files read by format, directories walked in
//! sorted order without following symbolic links.

use std::fs::{self, File};
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::format::{self, Format, Inner};
use super::{archive, Flow, Origin, Producer};

/// Buffer for reading files: large enough that tar's 512-byte reads stay cheap.
const BUFFER: usize = 64 * 1024;

/// Reads every input in order, leaving out the folders `skip` wherever they are met.
pub(crate) fn inputs(p: &mut Producer, inputs: &[PathBuf], skip: &[PathBuf]) -> Flow {
    let (inputs, _) = distinct(inputs);
    let inputs = &inputs;
    let skip = canonical_all(skip);
    let skipped = |path: &Path| is_skipped(&skip, path);
    for input in inputs {
        let source = input.display().to_string();
        // A path named on the command line is followed if it is a link: the user chose it.
        match fs::metadata(input) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                p.fail(source, "no such file or directory")?
            }
            Err(e) => p.fail(source, format!("cannot read: {e}"))?,
            Ok(m) if m.is_dir() => dir(p, input, "", &skipped)?,
            Ok(m) if m.is_file() => {
                let name = input
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| source.clone());
                let detected = format::detect_explicit(&name);
                let origin = Origin {
                    id: detected.stem,
                    source,
                };
                file(p, input, &origin, detected.format, m.len())?
            }
            Ok(_) => p.fail(source, "not a regular file or directory")?,
        }
    }
    Ok(())
}

/// Walks a directory: entries sorted by name, subdirectories in place (so the order is
/// by path, component by component). `rel` is the directory's path below the input.
fn dir(p: &mut Producer, path: &Path, rel: &str, skipped: &dyn Fn(&Path) -> bool) -> Flow {
    if skipped(path) {
        return Ok(());
    }
    if let Some(marker) = run_folder(path) {
        return p.skip(
            path.display().to_string(),
            format!("the output folder of a newsgraph run (it holds {marker}): never input"),
        );
    }
    let listing = match fs::read_dir(path) {
        Ok(listing) => listing,
        Err(e) => {
            return p.fail(
                path.display().to_string(),
                format!("cannot list directory: {e}"),
            )
        }
    };
    let mut entries = Vec::new();
    for entry in listing {
        match entry {
            Ok(entry) => entries.push((entry.file_name(), entry.file_type())),
            Err(e) => p.fail(
                path.display().to_string(),
                format!("cannot list directory: {e}"),
            )?,
        }
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, kind) in entries {
        let full = path.join(&name);
        let source = full.display().to_string();
        let name = name.to_string_lossy();
        let rel_path = if rel.is_empty() {
            name.into_owned()
        } else {
            format!("{rel}/{name}")
        };
        let kind = match kind {
            Ok(kind) => kind,
            Err(e) => {
                p.fail(source, format!("cannot read: {e}"))?;
                continue;
            }
        };
        if kind.is_file() && skipped(&full) {
            continue;
        }
        if kind.is_symlink() {
            p.skip(source, "symbolic link not followed")?;
        } else if kind.is_dir() {
            dir(p, &full, &rel_path, skipped)?;
        } else if !kind.is_file() {
            p.skip(source, "not a regular file")?;
        } else {
            match format::detect(&rel_path) {
                Err(reason) => p.skip(source, reason)?,
                Ok(detected) => {
                    let len = match fs::symlink_metadata(&full) {
                        Ok(m) => m.len(),
                        Err(e) => {
                            p.fail(source, format!("cannot read: {e}"))?;
                            continue;
                        }
                    };
                    let origin = Origin {
                        id: detected.stem,
                        source,
                    };
                    file(p, &full, &origin, detected.format, len)?;
                }
            }
        }
    }
    Ok(())
}

/// Reads one regular file of a known format and `len` bytes.
fn file(p: &mut Producer, path: &Path, origin: &Origin, format: Format, len: u64) -> Flow {
    let before = p.bytes_read.load(Ordering::Relaxed);
    let flow = read_file(p, path, origin, format, len);
    // Whatever was not counted while reading (a zip read at once, a file not opened)
    // counts as read now, so that the count reaches the total.
    p.bytes_read.fetch_max(before + len, Ordering::Relaxed);
    flow
}

/// A reader that counts the bytes it reads into the producer's total.
struct Counted<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn read_file(p: &mut Producer, path: &Path, origin: &Origin, format: Format, len: u64) -> Flow {
    let single = !format.gzip && matches!(format.inner, Inner::Plain | Inner::Html);
    if single && len > p.options.max_document_bytes {
        // Known too big from its size alone: not even opened.
        return p.fail(
            &origin.source,
            super::decode::too_big(Some(len), p.options.max_document_bytes),
        );
    }
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) => return p.fail(&origin.source, format!("cannot open: {e}")),
    };
    if format.inner == Inner::Zip && !format.gzip {
        return archive::zip(p, origin, file);
    }
    let file = Counted {
        inner: file,
        count: Arc::clone(&p.bytes_read),
    };
    let mut reader = BufReader::with_capacity(BUFFER, file);
    let declared = (!format.gzip).then_some(len);
    p.stream(origin, format, declared, &mut reader).map(|_| ())
}

/// The files [`inputs`] reads, by its rule and in its order, with their metadata; nothing
/// is opened. A path named on the command line is followed if it is a link (any regular
/// file named is read); in folders, entries go in name order, links and the folders
/// `skip` are left out, and a regular file counts when its format is known.
pub(crate) fn files(inputs: &[PathBuf], skip: &[PathBuf]) -> Vec<(PathBuf, fs::Metadata)> {
    fn dir(
        path: &Path,
        rel: &str,
        skipped: &dyn Fn(&Path) -> bool,
        out: &mut Vec<(PathBuf, fs::Metadata)>,
    ) {
        if skipped(path) || run_folder(path).is_some() {
            return;
        }
        let Ok(listing) = fs::read_dir(path) else {
            return;
        };
        let mut entries: Vec<(std::ffi::OsString, io::Result<fs::FileType>)> = listing
            .flatten()
            .map(|e| (e.file_name(), e.file_type()))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, kind) in entries {
            let Ok(kind) = kind else { continue };
            let full = path.join(&name);
            let name = name.to_string_lossy();
            let rel = if rel.is_empty() {
                name.into_owned()
            } else {
                format!("{rel}/{name}")
            };
            if kind.is_dir() {
                dir(&full, &rel, skipped, out);
            } else if kind.is_file() && !skipped(&full) && format::detect(&rel).is_ok() {
                if let Ok(m) = fs::symlink_metadata(&full) {
                    out.push((full, m));
                }
            }
        }
    }
    let skip = canonical_all(skip);
    let skipped = |path: &Path| is_skipped(&skip, path);
    let mut out = Vec::new();
    for input in &distinct(inputs).0 {
        match fs::metadata(input) {
            Ok(m) if m.is_dir() => dir(input, "", &skipped, &mut out),
            Ok(m) if m.is_file() => out.push((input.clone(), m)),
            _ => {}
        }
    }
    out
}

/// The paths `skip` as the walk meets them: canonical, and for a file that does not
/// exist yet (a store's -wal file), its canonical folder joined with its name.
fn canonical_all(skip: &[PathBuf]) -> Vec<PathBuf> {
    skip.iter()
        .filter_map(|d| {
            d.canonicalize().ok().or_else(|| {
                let parent = d.parent().filter(|p| !p.as_os_str().is_empty());
                let parent = parent.unwrap_or(Path::new("."));
                Some(parent.canonicalize().ok()?.join(d.file_name()?))
            })
        })
        .collect()
}

/// Whether the walk leaves `path` out: the name is compared first, so that most
/// entries cost no system call.
fn is_skipped(skip: &[PathBuf], path: &Path) -> bool {
    skip.iter().any(|s| s.file_name() == path.file_name())
        && path.canonicalize().is_ok_and(|c| skip.contains(&c))
}

/// The file of a newsgraph run's output folder that marks `path` as one (its summary, or
/// its checkpoint while it runs), if it holds one: such a folder is never input.
fn run_folder(path: &Path) -> Option<&'static str> {
    [crate::names::SUMMARY_FILE, crate::names::CHECKPOINT_FILE]
        .into_iter()
        .find(|name| path.join(name).is_file())
}

/// The inputs with every file read once: an input that is the same file or folder as an
/// earlier one, or lies inside an input folder whose walk reads it, is left out (the
/// first spelling is kept, in its place). With each, a note saying so.
pub(crate) fn distinct(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let real: Vec<Option<(PathBuf, bool)>> = inputs
        .iter()
        .map(|input| {
            let real = input.canonicalize().ok()?;
            let is_dir = fs::metadata(&real).ok()?.is_dir();
            Some((real, is_dir))
        })
        .collect();
    // Whether the walk of folder `folder` reads `inner`, a path below it (real paths: no
    // link on the way): a folder always, a file when its format is known by its name.
    let walk_reads = |folder: &Path, inner: &Path, is_dir: bool| {
        is_dir
            || inner
                .strip_prefix(folder)
                .is_ok_and(|rel| format::detect(&rel.to_string_lossy()).is_ok())
    };
    let mut kept = Vec::new();
    let mut notes = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let Some((path, is_dir)) = &real[i] else {
            kept.push(input.clone());
            continue;
        };
        let same = (0..i).find(|&j| real[j].as_ref().is_some_and(|(other, _)| other == path));
        if let Some(j) = same {
            notes.push(format!(
                "{} is the same as {}: read once",
                input.display(),
                inputs[j].display()
            ));
            continue;
        }
        let within = (0..inputs.len()).find(|&j| {
            real[j].as_ref().is_some_and(|(folder, folder_is_dir)| {
                *folder_is_dir
                    && folder != path
                    && path.starts_with(folder)
                    && walk_reads(folder, path, *is_dir)
            })
        });
        if let Some(j) = within {
            notes.push(format!(
                "{} is inside {}: read once, as part of it",
                input.display(),
                inputs[j].display()
            ));
            continue;
        }
        kept.push(input.clone());
    }
    (kept, notes)
}

/// The sizes of the files [`inputs`] would read.
pub(crate) fn total_bytes(inputs: &[PathBuf]) -> u64 {
    files(inputs, &[]).iter().map(|(_, m)| m.len()).sum()
}

#[cfg(test)]
mod tests {
    use super::super::test_summary as summary;
    use super::super::{read, Item, ReadOptions};
    use std::fs;

    #[test]
    fn directories_are_walked_in_order_without_following_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("in");
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::write(root.join("b.txt"), "Second.").unwrap();
        fs::write(root.join("a.md"), "First.").unwrap();
        fs::write(root.join("sub/c.TXT"), "Third.").unwrap();
        fs::write(root.join("photo.jpg"), [0xff, 0xd8, 0]).unwrap();
        fs::write(root.join("empty.txt"), "").unwrap();
        fs::write(root.join("blank.txt"), " \n\t\n").unwrap();
        fs::write(root.join("bad.txt"), b"Putin \xff\xfe said").unwrap();
        fs::write(root.join("bin.txt"), b"\x00\x01binary").unwrap();
        fs::write(dir.path().join("outside.txt"), "Not to be read.").unwrap();
        std::os::unix::fs::symlink(dir.path().join("outside.txt"), root.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
        let items: Vec<Item> = read(std::slice::from_ref(&root), &ReadOptions::default()).collect();
        let s = summary(&items);
        let p = |rel: &str| root.join(rel).display().to_string();
        assert_eq!(
            s,
            vec![
                ('D', "a".into(), p("a.md")),
                ('D', "b".into(), p("b.txt")),
                (
                    'F',
                    p("bad.txt"),
                    "not UTF-8 text (invalid byte at offset 6)".into()
                ),
                ('F', p("bin.txt"), "binary content (NUL bytes)".into()),
                ('S', p("blank.txt"), "empty document".into()),
                ('S', p("empty.txt"), "empty document".into()),
                ('S', p("link.txt"), "symbolic link not followed".into()),
                ('S', p("photo.jpg"), "unsupported file type .jpg".into()),
                ('D', "sub/c".into(), p("sub/c.TXT")),
                ('S', p("up"), "symbolic link not followed".into()),
            ]
        );
    }

    #[test]
    fn explicit_paths_missing_unknown_and_repeated_once() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("notes.log");
        fs::write(&log, "Read as text.").unwrap();
        let missing = dir.path().join("nope.txt");
        let inputs = [log.clone(), missing.clone(), log.clone()];
        let s = summary(&read(&inputs, &ReadOptions::default()).collect::<Vec<_>>());
        assert_eq!(
            s,
            vec![
                ('D', "notes".into(), log.display().to_string()),
                (
                    'F',
                    missing.display().to_string(),
                    "no such file or directory".into()
                ),
            ]
        );
    }

    #[test]
    fn documents_over_the_limit_fail_without_being_read() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.txt");
        fs::write(&big, "x".repeat(1000)).unwrap();
        let options = ReadOptions {
            max_document_bytes: 999,
            ..ReadOptions::default()
        };
        let items: Vec<Item> = read(std::slice::from_ref(&big), &options).collect();
        let Item::Failed(f) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!(
            f.reason,
            "document of 1000 bytes is larger than the limit of 999 bytes (raise it with --max-doc-bytes)"
        );
        let options = ReadOptions {
            max_document_bytes: 1000,
            ..ReadOptions::default()
        };
        assert!(matches!(
            &read(&[big], &options).collect::<Vec<_>>()[0],
            Item::Document(_)
        ));
    }

    #[test]
    fn special_files_and_unreadable_paths_fail() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.txt");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let items: Vec<Item> =
                read(&[dir.path().to_path_buf()], &ReadOptions::default()).collect();
            assert!(matches!(&items[0], Item::Skipped(f) if f.reason == "not a regular file"));
            let items: Vec<Item> =
                read(std::slice::from_ref(&fifo), &ReadOptions::default()).collect();
            assert!(
                matches!(&items[0], Item::Failed(f) if f.reason == "not a regular file or directory")
            );
            fs::remove_file(&fifo).unwrap();
        } else {
            eprintln!("skipped the FIFO case: mkfifo is not available");
        }
        use std::os::unix::fs::PermissionsExt;
        let locked = dir.path().join("locked");
        fs::create_dir(&locked).unwrap();
        fs::write(locked.join("a.txt"), "secret").unwrap();
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        if fs::read_dir(&locked).is_ok() {
            eprintln!("skipped the unreadable directory case: running as root");
        } else {
            let items: Vec<Item> =
                read(std::slice::from_ref(&locked), &ReadOptions::default()).collect();
            assert!(
                matches!(&items[0], Item::Failed(f) if f.reason.starts_with("cannot list directory"))
            );
        }
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn reading_is_lazy_and_can_stop_early() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..50 {
            fs::write(dir.path().join(format!("{i:02}.txt")), format!("Doc {i}.")).unwrap();
        }
        let inputs = vec![dir.path().to_path_buf()];
        let reader = read(&inputs, &ReadOptions::default());
        // Nothing is read until asked; the reader can go to another thread.
        let handle = std::thread::spawn(move || reader.take(3).count());
        assert_eq!(handle.join().unwrap(), 3);
        let all: Vec<Item> = read(&inputs, &ReadOptions::default()).collect();
        assert_eq!(all.len(), 50);
        let again: Vec<Item> = read(&inputs, &ReadOptions::default()).collect();
        assert_eq!(all, again);
    }
}
