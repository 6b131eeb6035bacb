//! Sessions on one ONNX file, shared by the rayon workers.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use ort::session::Session;

use super::runtime::{self, SessionError};

/// `count` sessions on one file: one per worker (each single-threaded, so a result never
/// depends on what else runs), or one shared by all with intra-op threads.
pub struct SessionPool {
    sessions: Vec<Mutex<Session>>,
}

/// A worker's session was poisoned: an inference thread panicked while holding it.
#[derive(Debug)]
pub struct Poisoned;

impl SessionPool {
    /// `count` (at least one) sessions on `path`, each with `intra` intra-op threads.
    pub fn load(path: &Path, count: usize, intra: usize) -> Result<Self, SessionError> {
        let mut sessions = Vec::with_capacity(count.max(1));
        for _ in 0..count.max(1) {
            sessions.push(Mutex::new(runtime::session(path, intra)?));
        }
        Ok(Self { sessions })
    }

    /// The first session, to read the graph's inputs and outputs.
    pub fn first(&self) -> MutexGuard<'_, Session> {
        self.sessions[0].lock().expect("fresh mutex")
    }

    /// The session of the calling rayon worker.
    pub fn for_this_worker(&self) -> Result<MutexGuard<'_, Session>, Poisoned> {
        let slot = rayon::current_thread_index().unwrap_or(0) % self.sessions.len();
        self.sessions[slot].lock().map_err(|_| Poisoned)
    }
}
