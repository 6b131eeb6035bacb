//! A torture corpus for the input readers, written at test time: every format, and every
//! kind of bad input the readers must turn into an item with a reason.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What reading [`Expected::root`] must give (counted as the files are written).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expected {
    /// The directory to read: `<dir>/corpus`.
    pub root: PathBuf,
    pub documents: usize,
    pub skipped: usize,
    pub failed: usize,
}

/// One raw tar entry, names as they are (so `../x` and `/abs` can be written).
fn tar_entry(out: &mut Vec<u8>, name: &str, kind: tar::EntryType, data: &[u8], link: &str) {
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

/// `data` with every `from` replaced by `to` (of the same length).
fn replace_all(data: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut out = data.to_vec();
    let mut i = 0;
    while i + from.len() <= out.len() {
        if &out[i..i + from.len()] == from {
            out[i..i + from.len()].copy_from_slice(to);
            i += from.len();
        } else {
            i += 1;
        }
    }
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

/// Writes the corpus under `dir/corpus` (and a directory `dir/outside` that a symbolic
/// link in the corpus points to, which must never be read). Returns what reading the
/// corpus with the default options (8 MiB limit) must give.
pub fn build(dir: &Path) -> Expected {
    let root = dir.join("corpus");
    let outside = dir.join("outside");
    fs::create_dir_all(root.join("sub")).unwrap();
    fs::create_dir_all(root.join("dup")).unwrap();
    fs::create_dir_all(&outside).unwrap();
    fs::write(
        outside.join("secret.txt"),
        "Never read: outside the corpus.",
    )
    .unwrap();
    let mut e = Expected {
        root: root.clone(),
        ..Expected::default()
    };
    let w = |name: &str, data: &[u8]| fs::write(root.join(name), data).unwrap();

    // Good single documents.
    w("good.txt", b"Joe Biden met Olaf Scholz in Berlin.");
    w(
        "notes.md",
        "# Notes\n\nEmmanuel Macron visited Warsaw.".as_bytes(),
    );
    w(
        "page.html",
        b"<!DOCTYPE html><html><head><title>Talks &amp; Sanctions</title>\
          <script>var s = '</p>';</script><style>p{}</style></head><body>\
          <p>The <b>EU</b> sanctioned &lt;Gazprom&gt;&nbsp;today.</p><!-- hidden -->\
          <![CDATA[ junk ]]><div>Caf&eacute; &#8220;quotes&#8221;</div></body></html>",
    );
    w("sub/nested.txt", b"Angela Merkel spoke in Paris.");
    w("dup/a.txt", b"First of two with the same id.");
    w("dup/a.md", b"Second of two with the same id.");
    e.documents += 6;

    // Bad single documents.
    w("invalid-utf8.txt", b"Putin \xff\xfe said");
    w("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00");
    e.failed += 2;
    w("empty.txt", b"");
    w("blank.md", b"  \n\t \r\n");
    w("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF");
    e.skipped += 3;
    // 20 MB: over the default 8 MiB limit.
    let mut huge = fs::File::create(root.join("huge.txt")).unwrap();
    let line = "Lorem ipsum dolor sit amet, Vladimir Putin consectetur adipiscing elit.\n";
    let mut written = 0;
    while written < 20 * 1024 * 1024 {
        huge.write_all(line.as_bytes()).unwrap();
        written += line.len();
    }
    e.failed += 1;

    // JSONL: 2 documents, a malformed line, a line without text, an empty text, a blank line.
    w(
        "feed.jsonl",
        b"{\"id\": \"f1\", \"text\": \"Xi Jinping met Lula.\", \"date\": \"2024-05-01\"}\n\
          {\"id\": \"f2\", \"text\": \"Broken line\"\n\
          {\"id\": \"f3\", \"body\": \"no text field\"}\n\
          \n\
          {\"id\": \"f4\", \"text\": \"   \"}\n\
          {\"text\": \"No id: named by its line.\"}\n",
    );
    e.documents += 2;
    e.failed += 2;
    e.skipped += 1;

    // CSV: 2 documents and a row missing a column.
    w(
        "table.csv",
        b"id,title,text\nc1,One,\"Olaf Scholz, chancellor, spoke.\"\nc2,Two\nc3,Three,Rishi Sunak resigned.\n",
    );
    e.documents += 2;
    e.failed += 1;

    // Tar: a good member, `../x`, `/abs`, and a symbolic link.
    let mut t = Vec::new();
    tar_entry(
        &mut t,
        "docs/good.txt",
        tar::EntryType::Regular,
        b"Inside the tar.",
        "",
    );
    tar_entry(
        &mut t,
        "../x.txt",
        tar::EntryType::Regular,
        b"climbs out",
        "",
    );
    tar_entry(&mut t, "/abs.txt", tar::EntryType::Regular, b"absolute", "");
    tar_entry(
        &mut t,
        "docs/link.txt",
        tar::EntryType::Symlink,
        b"",
        "/etc/passwd",
    );
    t.extend_from_slice(&[0; 1024]);
    w("bundle.tar", &t);
    e.documents += 1;
    e.failed += 2;
    e.skipped += 1;

    // Zip: a good member and `../evil`.
    let mut z = zip::ZipWriter::new(fs::File::create(root.join("bundle.zip")).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    z.start_file("good.txt", opts).unwrap();
    z.write_all(b"Inside the zip.").unwrap();
    z.start_file("../evil.txt", opts).unwrap();
    z.write_all(b"climbs out").unwrap();
    z.finish().unwrap();
    e.documents += 1;
    e.failed += 1;

    // Zip: two members of the same name (which zip::ZipWriter refuses to write: a third
    // member's name is changed to the first's in the bytes). The last one is read, the
    // earlier one counted as a failure.
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in [
        ("same.txt", "Read? No."),
        ("s4me.txt", "Read: the last one."),
    ] {
        z.start_file(name, opts).unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    let twice = z.finish().unwrap().into_inner();
    w("twice.zip", &replace_all(&twice, b"s4me.txt", b"same.txt"));
    e.documents += 1;
    e.failed += 1;

    // Byte-order marks: UTF-8 (dropped), UTF-16 little- and big-endian (decoded).
    w(
        "bom-utf8.txt",
        "\u{feff}Olaf Scholz spoke in Berlin.".as_bytes(),
    );
    let (le, be) = super::utf16_with_bom("Emmanuel Macron spoke in Paris.");
    w("utf16-le.txt", &le);
    w("utf16-be.txt", &be);
    e.documents += 3;

    // Containers with no record: each is one empty document, as an empty .txt is.
    w("empty.jsonl", b"");
    w("header-only.csv", b"id,text\n");
    // 1 MB of blank lines: passed over without a parse, and the file still counted.
    w("blank-lines.jsonl", &b"\n".repeat(1 << 20));
    e.skipped += 3;

    // CSV: a row over the 8 MiB limit fails alone; the rows around it are read.
    let mut rows = b"id,text\nr1,Boris Johnson spoke.\nr2,\"".to_vec();
    rows.extend(std::iter::repeat_n(b'x', 9 * 1024 * 1024));
    rows.extend(b"\"\nr3,Keir Starmer replied.\nr4,Rishi Sunak left.\n");
    w("oversize-row.csv", &rows);
    e.documents += 3;
    e.failed += 1;

    // CSV: a quote opened and never closed (issue 27, item 2). The rows before it are
    // read; the row and the lines it swallowed fail with the reason, never one document.
    w(
        "unbalanced-quote.csv",
        b"id,text\nq1,Joe Biden spoke.\nq2,\"He said he would go\nq3,Olaf Scholz replied.\nq4,Emmanuel Macron left.\n",
    );
    e.documents += 1;
    e.failed += 1;

    // An earlier run's output folder (issue 27, item 3): never input, one skip.
    fs::create_dir_all(root.join("old-run")).unwrap();
    w("old-run/summary.json", b"{}");
    w("old-run/report.html", b"<p>Never read: a report.</p>");
    w("old-run/mentions.jsonl", b"{\"text\": \"Never read\"}\n");
    e.skipped += 1;

    // A directory symbolic link pointing outside the corpus.
    std::os::unix::fs::symlink(&outside, root.join("escape")).unwrap();
    e.skipped += 1;

    // One "sentence" of 64 KB of dots (issue 27, item 14): one document, encoded by the
    // tokenizer in bounded parts (src/ner/mod.rs `segments`).
    w("dots.txt", &b".".repeat(64 << 10));
    e.documents += 1;

    // Gzip: one good, one truncated.
    w("ok.txt.gz", &gzip(b"Compressed: Narendra Modi spoke."));
    e.documents += 1;
    let long: String = (0..5000)
        .map(|i| format!("Sentence {i} about Ursula von der Leyen. "))
        .collect();
    let gz = gzip(long.as_bytes());
    w("cut.txt.gz", &gz[..gz.len() / 2]);
    e.failed += 1;

    e
}
