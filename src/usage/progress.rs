//! A tap on the bytes a reader reads, for a progress display: the caller's hook sees each
//! chunk as it passes (once per buffered read, 64 KiB, not once per row) and cannot change
//! what is read, so the totals are the same with and without it.

use std::fmt;
use std::io::Read;
use std::sync::Arc;

/// The hook's signature: one chunk of raw bytes.
pub type ChunkHook = dyn Fn(&[u8]) + Send + Sync;

/// Called with each chunk of the file's raw bytes (before any decompression).
#[derive(Clone)]
pub struct Progress(pub Arc<ChunkHook>);

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Progress")
    }
}

/// A reader that shows every chunk it reads to an optional hook.
pub struct Tap<R> {
    pub inner: R,
    pub hook: Option<Progress>,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(hook) = &self.hook {
            (hook.0)(&buf[..n]);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn the_hook_sees_every_byte_and_changes_none() {
        let seen = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&seen);
        let hook = Progress(Arc::new(move |chunk: &[u8]| {
            counter.fetch_add(chunk.len(), Ordering::Relaxed);
        }));
        let data = vec![7u8; 200_000];
        let mut out = Vec::new();
        Tap {
            inner: &data[..],
            hook: Some(hook),
        }
        .read_to_end(&mut out)
        .unwrap();
        assert_eq!(out, data);
        assert_eq!(seen.load(Ordering::Relaxed), 200_000);
    }
}
