//! What every reader shares below the CSV parser: CRLF handling, field decoding, I/O errors.

use std::borrow::Cow;
use std::io::{BufRead, Read};

use crate::ImportError;

/// Turns CRLF into LF on the way to the CSV parser, whose line numbers are one short after
/// a CRLF (it counts the LF only when the next record starts). A lone CR is kept.
#[derive(Debug)]
pub(crate) struct CrlfToLf<R> {
    inner: R,
    /// A CR ended the last chunk; whether it is dropped depends on the next byte.
    pending_cr: bool,
}

impl<R> CrlfToLf<R> {
    pub(crate) fn new(inner: R) -> Self {
        CrlfToLf {
            inner,
            pending_cr: false,
        }
    }
}

impl<R: BufRead> Read for CrlfToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            let chunk = self.inner.fill_buf()?;
            let mut written = 0;
            if std::mem::take(&mut self.pending_cr) && chunk.first() != Some(&b'\n') {
                buf[0] = b'\r';
                written = 1;
            }
            if chunk.is_empty() {
                return Ok(written);
            }
            let mut consumed = 0;
            while consumed < chunk.len() && written < buf.len() {
                let byte = chunk[consumed];
                consumed += 1;
                if byte == b'\r' {
                    match chunk.get(consumed) {
                        Some(b'\n') => continue,
                        Some(_) => {}
                        None => {
                            self.pending_cr = true;
                            break;
                        }
                    }
                }
                buf[written] = byte;
                written += 1;
            }
            self.inner.consume(consumed);
            if written > 0 {
                return Ok(written);
            }
        }
    }
}

/// Decodes a field: UTF-8 when valid, else ISO-8859-1 (each byte is the char of that code
/// point).
pub(crate) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(bytes.iter().copied().map(char::from).collect()),
    }
}

pub(crate) fn read_error(input: &str, error: &csv::Error, line: u64) -> ImportError {
    ImportError::Read {
        input: input.to_owned(),
        line: error.position().map_or(line, csv::Position::line),
        message: error.to_string(),
    }
}
