//! Opening a store: creating the schema, or checking that a file is a newsgraph store of
//! this version, with retries while another process holds it.

use super::*;

impl Store {
    /// Opens a store for reading and writing, creating the file and schema if needed.
    /// A file that is not a newsgraph store is an error and is not modified.
    ///
    /// Safe when several processes create the same new store at once: a creator that
    /// finds the file busy (another one is creating it, or switching it to WAL) waits and
    /// starts again, up to [`BUSY_TIMEOUT`].
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let started = std::time::Instant::now();
        loop {
            match Store::open_once(path) {
                Err(StoreError::Sqlite { error, .. })
                    if is_busy(&error) && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => return other,
            }
        }
    }

    pub(super) fn open_once(path: &Path) -> Result<Store, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut store = Store::connect(path, flags, false)?;
        if let Found::Empty = store.check()? {
            store.create()?;
        }
        let conn = &store.conn;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| store.err(e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(store.invalid(format!("could not switch to WAL (journal mode {mode})")));
        }
        // FULL: a committed batch survives a power cut, as the run's checkpoint does.
        conn.execute_batch("PRAGMA synchronous = FULL")
            .map_err(|e| store.err(e))?;
        Ok(store)
    }

    /// Opens an existing store for reading; it can be read while another connection writes.
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        if !path.is_file() {
            return Err(StoreError::Missing {
                path: path.to_path_buf(),
            });
        }
        let side_files = Store::files(path)[1..3].iter().any(|p| p.exists());
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut store = Store::connect(path, flags, true)?;
        store.tidy = !side_files;
        match store.check()? {
            Found::Store => Ok(store),
            Found::Empty => Err(store.not_a_store("empty database")),
        }
    }

    pub(super) fn connect(
        path: &Path,
        flags: OpenFlags,
        read_only: bool,
    ) -> Result<Store, StoreError> {
        let err = |source| StoreError::Sqlite {
            path: path.to_path_buf(),
            error: source,
        };
        let conn = Connection::open_with_flags(path, flags).map_err(err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
        conn.execute_batch("PRAGMA foreign_keys = ON")
            .map_err(err)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            read_only,
            tidy: false,
        })
    }

    /// Reads the header and schema without writing anything, in one read transaction:
    /// another process's schema creation is seen whole or not at all.
    pub(super) fn check(&self) -> Result<Found, StoreError> {
        let read = || -> rusqlite::Result<(i64, i64, i64)> {
            let snapshot = self.conn.unchecked_transaction()?;
            let app: i64 = self
                .conn
                .query_row("PRAGMA application_id", [], |r| r.get(0))?;
            let version: i64 = self
                .conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))?;
            let objects: i64 =
                self.conn
                    .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
            snapshot.commit()?;
            Ok((app, version, objects))
        };
        let (app, version, objects) = match read() {
            Ok(found) => found,
            Err(e) if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) => {
                return Err(self.not_a_store("not an SQLite database"));
            }
            Err(e) => return Err(self.err(e)),
        };
        if app == 0 && version == 0 && objects == 0 {
            return Ok(Found::Empty);
        }
        if app != i64::from(APPLICATION_ID) {
            return Err(self.not_a_store(if app == 0 {
                "an SQLite database of another program".to_string()
            } else {
                format!("an SQLite database with application id {app:#x}")
            }));
        }
        if version != SCHEMA_VERSION {
            return Err(StoreError::Version {
                path: self.path.clone(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        Ok(Found::Store)
    }

    /// Creates the schema in an empty database (another process may have done it meanwhile).
    pub(super) fn create(&mut self) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::Sqlite {
                path: self.path.clone(),
                error: e,
            })?;
        let objects: i64 = tx
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| StoreError::Sqlite {
                path: self.path.clone(),
                error: e,
            })?;
        let result = if objects == 0 {
            tx.execute_batch(SCHEMA)
                .and_then(|()| {
                    tx.execute_batch(&format!(
                        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION};"
                    ))
                })
                .and_then(|()| tx.commit())
        } else {
            tx.commit()
        };
        result.map_err(|e| self.err(e))?;
        // Whatever it is now, it must be a store.
        match self.check()? {
            Found::Store => Ok(()),
            Found::Empty => Err(self.invalid("the schema was not created".into())),
        }
    }
}

/// Whether SQLite gave up waiting for another connection's lock.
pub(super) fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}
