//! The run's progress on the terminal: a bar when stderr is one, log lines otherwise. The ETA comes from bytes of input read against the input files' sizes, so nothing is read twice to count it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use newsgraph::run::{Position, Progress};

/// Seconds between log lines when there is no bar.
const LOG_EVERY: Duration = Duration::from_secs(10);

/// A bar or log lines, both with an ETA from the bytes read so far.
pub struct Terminal {
    bar: Option<ProgressBar>,
    /// Bytes of input the reader has read, and the sizes of all input files.
    bytes_read: Arc<AtomicU64>,
    total_bytes: u64,
    started: Instant,
    /// When the first batch was counted and the bytes read then (a resumed run reads
    /// past its checkpoint first), so that the ETA's rate is this run's.
    eta_from: Option<(Instant, u64)>,
    start_items: usize,
    /// Documents a resumed run had processed before this process: not in its rate.
    start_processed: usize,
    last_log: Instant,
}

impl Terminal {
    pub fn new(bar: bool, bytes_read: Arc<AtomicU64>, total_bytes: u64) -> Self {
        let bar = bar.then(|| {
            let bar = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} read, ETA {eta} {msg}",
                )
                .expect("valid template"),
            );
            bar
        });
        Terminal {
            bar,
            bytes_read,
            total_bytes,
            started: Instant::now(),
            eta_from: None,
            start_items: 0,
            start_processed: 0,
            last_log: Instant::now(),
        }
    }

    /// The bar, if one is drawn: what else prints while it is must go through it.
    pub fn bar(&self) -> Option<ProgressBar> {
        self.bar.clone()
    }

    fn line(&self, at: Position) -> String {
        let seconds = self.started.elapsed().as_secs_f64().max(1e-9);
        let read = self.bytes_read.load(Ordering::Relaxed);
        let s = at.summary;
        let share = if self.total_bytes > 0 {
            format!(
                " ({:.0}% of the input read)",
                100.0 * read.min(self.total_bytes) as f64 / self.total_bytes as f64
            )
        } else {
            String::new()
        };
        let eta = match self.eta(read) {
            Some(left) => format!(", ETA {}", clock(left)),
            None => String::new(),
        };
        format!(
            "{} inputs{share}: {} processed, {} skipped, {} failed; {:.1} documents/s{eta}",
            at.items_done,
            s.documents_processed,
            s.documents_skipped,
            s.documents_failed,
            s.documents_processed.saturating_sub(self.start_processed) as f64 / seconds,
        )
    }

    /// Seconds left at this run's rate of reading.
    fn eta(&self, read: u64) -> Option<u64> {
        let (since, from) = self.eta_from?;
        let done = read.saturating_sub(from);
        let left = self.total_bytes.saturating_sub(read);
        let seconds = since.elapsed().as_secs_f64();
        (done > 0 && left > 0).then(|| (left as f64 * seconds / done as f64) as u64)
    }
}

impl Progress for Terminal {
    fn start(&mut self, at: Position) {
        self.start_items = at.items_done;
        self.start_processed = at.summary.documents_processed;
        self.started = Instant::now();
        if let Some(bar) = &self.bar {
            bar.reset_eta();
        }
    }

    fn update(&mut self, at: Position) {
        let read = self.bytes_read.load(Ordering::Relaxed);
        if self.eta_from.is_none() && at.items_done > self.start_items {
            // The ETA's rate counts from here: what the reader skipped to resume is not
            // this run's work.
            self.eta_from = Some((Instant::now(), read));
            if let Some(bar) = &self.bar {
                bar.set_position(read);
                bar.reset_eta();
            }
        }
        match &self.bar {
            Some(bar) => {
                bar.set_position(read);
                bar.set_message(format!(
                    "{} inputs ({} failed, {} skipped)",
                    at.items_done, at.summary.documents_failed, at.summary.documents_skipped
                ));
            }
            None => {
                if self.last_log.elapsed() >= LOG_EVERY {
                    eprintln!("{}", self.line(at));
                    self.last_log = Instant::now();
                }
            }
        }
    }

    fn finish(&mut self, at: Position) {
        if let Some(bar) = &self.bar {
            bar.set_position(self.bytes_read.load(Ordering::Relaxed));
            bar.finish_and_clear();
        }
        eprintln!("{}", self.line(at));
    }
}

fn clock(seconds: u64) -> String {
    format!(
        "{}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsgraph::run::Summary;

    #[test]
    fn a_resumed_runs_rate_counts_only_this_processs_documents() {
        let mut terminal = Terminal::new(false, Arc::new(AtomicU64::new(0)), 0);
        let restored = Summary {
            documents_processed: 1_000_000,
            ..Summary::default()
        };
        terminal.start(Position {
            items_done: 1_000_000,
            summary: &restored,
        });
        let line = terminal.line(Position {
            items_done: 1_000_000,
            summary: &restored,
        });
        assert!(line.contains(" 0.0 documents/s"), "{line}");
    }
}
