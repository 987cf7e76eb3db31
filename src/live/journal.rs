//! The journal: what this process published, one line per message as the stream confirmed
//! it (`--journal FILE`): `<id> <type> <publisher>`. The integration test checks that
//! every line's message is in the recorded run file.

use crate::message::Envelope;
use std::cell::RefCell;
use std::fs::File;
use std::io::Write;

/// Where publications are noted (nowhere without `--journal`).
#[derive(Default)]
pub struct Journal {
    file: RefCell<Option<File>>,
}

impl Journal {
    /// A journal appending to `path` (none: nothing is noted).
    pub fn open(path: Option<&str>) -> Result<Journal, String> {
        let file = match path {
            Some(p) => Some(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .map_err(|e| format!("--journal: {p}: {e}"))?,
            ),
            None => None,
        };
        Ok(Journal { file: RefCell::new(file) })
    }

    /// Notes that `publisher` published `env`, which the stream holds.
    pub fn published(&self, env: &Envelope, publisher: &str) {
        if let Some(f) = self.file.borrow_mut().as_mut() {
            let _ = writeln!(f, "{} {} {}", env.id, env.message_type().name(), publisher);
            let _ = f.flush();
        }
    }
}
