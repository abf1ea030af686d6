//! Lines of input (a `--batch` file, the MCP server's stdin) read with a bound on how much
//! of one is held: a runaway line costs time, never memory.

use std::io::{self, BufRead};

use crate::query::{quoted, QUOTED_CHARS};

/// One line of input, as [`BoundedLines`] reads it.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// The line, without its `\n` or `\r\n`.
    Text(String),
    /// Longer than the limit: how long, and its first characters (to quote).
    TooLong {
        bytes: u64,
        start: String,
    },
    NotUtf8,
}

/// Reads lines holding at most `limit` bytes of one: the rest of a longer line is read
/// and dropped piece by piece, so a runaway line costs time, never memory.
pub struct BoundedLines<R> {
    reader: R,
    limit: usize,
    buf: Vec<u8>,
}

impl<R: BufRead> BoundedLines<R> {
    pub fn new(reader: R, limit: usize) -> Self {
        BoundedLines {
            reader,
            limit,
            buf: Vec::new(),
        }
    }

    /// The next line without its `\n` or `\r\n`, or `None` at the end of the input.
    ///
    /// # Errors
    /// The reader's.
    pub fn next_line(&mut self) -> io::Result<Option<Line>> {
        self.buf.clear();
        // One byte more than the limit, for a `\r` before the `\n`.
        let keep = self.limit.saturating_add(1);
        let mut bytes: u64 = 0;
        let mut any = false;
        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            };
            if chunk.is_empty() {
                if !any {
                    return Ok(None);
                }
                break;
            }
            any = true;
            let (piece, used, ended) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (&chunk[..i], i + 1, true),
                None => (chunk, chunk.len(), false),
            };
            let room = keep.saturating_sub(self.buf.len()).min(piece.len());
            self.buf.extend_from_slice(&piece[..room]);
            bytes += piece.len() as u64;
            self.reader.consume(used);
            if ended {
                break;
            }
        }
        if bytes <= keep as u64 && self.buf.last() == Some(&b'\r') {
            self.buf.pop();
            bytes -= 1;
        }
        if bytes > self.limit as u64 {
            // Enough bytes for the quoted characters, cut where a character may be split.
            let head = &self.buf[..self.buf.len().min(4 * QUOTED_CHARS)];
            return Ok(Some(Line::TooLong {
                bytes,
                start: quoted(&String::from_utf8_lossy(head)),
            }));
        }
        match String::from_utf8(std::mem::take(&mut self.buf)) {
            Ok(line) => Ok(Some(Line::Text(line))),
            Err(_) => Ok(Some(Line::NotUtf8)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::BufReader;

    use super::*;

    fn read_all(input: &[u8], limit: usize) -> Vec<Line> {
        // A tiny buffer, so lines cross chunk boundaries.
        let mut lines = BoundedLines::new(BufReader::with_capacity(3, input), limit);
        let mut out = Vec::new();
        while let Some(line) = lines.next_line().unwrap() {
            out.push(line);
        }
        out
    }

    #[test]
    fn lines_are_read_up_to_the_limit_and_longer_ones_skipped() {
        let lines = read_all(b"one\r\n\nsixsix\n12345678901\n\xff\nlast", 6);
        assert_eq!(
            lines,
            vec![
                Line::Text("one".into()),
                Line::Text(String::new()),
                Line::Text("sixsix".into()),
                Line::TooLong {
                    bytes: 11,
                    start: "1234567".into()
                },
                Line::NotUtf8,
                Line::Text("last".into()),
            ]
        );
        assert_eq!(
            read_all(b"sixsix\r\n", 6),
            vec![Line::Text("sixsix".into())]
        );
        assert!(read_all(b"", 6).is_empty());
    }
}
