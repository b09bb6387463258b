//! Loading a whole trade file: the format from its header, the reader, the records into one
//! [`Load`], invalid rows rejected or set aside, the content's digest.
//!
//! The command line and the service both load files through [`ingest`].

use std::io::{self, BufRead, BufReader, Read};
use std::sync::mpsc;

use corridor_import::{
    ComtradeReader, CustomsReader, FigureSource, FiguresReader, ImportError, ServicesReader,
    TradeRecord,
};
use sha2::{Digest, Sha256};

use crate::{LoadReport, LoadSpec, Registry, RegistryError, SourceSpec};

/// The trade file formats (documented in `docs/formats/trade-files.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// UN Comtrade CSV, current or legacy layout.
    Comtrade,
    /// Customs declarations, one per row.
    Customs,
    /// Services trade by period and EBOPS code.
    Services,
    /// Published figures, each with its own source.
    Figures,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] = [
        Format::Comtrade,
        Format::Customs,
        Format::Services,
        Format::Figures,
    ];

    /// `comtrade`, `customs`, `services`, `figures`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Comtrade => "comtrade",
            Format::Customs => "customs",
            Format::Services => "services",
            Format::Figures => "figures",
        }
    }

    /// The format called `name`.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| format.name() == name)
    }

    /// The format a header line belongs to, by the columns only it has.
    pub fn detect(header: &str) -> Option<Format> {
        let columns: Vec<String> = header
            .trim_start_matches('\u{feff}')
            .split(',')
            .map(|column| column.trim().trim_matches('"').to_owned())
            .collect();
        let has = |name: &str| columns.iter().any(|column| column == name);
        if has("typeCode") || has("Trade Value (US$)") || has("Trade Flow Code") {
            Some(Format::Comtrade)
        } else if has("declaration") {
            Some(Format::Customs)
        } else if has("ebops") {
            Some(Format::Services)
        } else if has("source") && has("kind") {
            Some(Format::Figures)
        } else {
            None
        }
    }

    /// The source of a format whose files do not say it, when the caller names none:
    /// UN Comtrade for Comtrade files (its reporters' customs statistics).
    pub fn default_source(self) -> Option<SourceSpec> {
        match self {
            Format::Comtrade => Some(SourceSpec {
                name: "UN Comtrade".to_owned(),
                kind: corridor_import::SourceKind::Customs,
                url: Some("https://comtradeplus.un.org/".to_owned()),
            }),
            _ => None,
        }
    }
}

/// Why a file could not be loaded. Nothing of it was stored.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// A row (or the header) is invalid.
    #[error("{0}")]
    Import(#[from] ImportError),
    /// The registry refused a figure (a conflict, a source of another kind) or failed.
    #[error("{0}")]
    Registry(#[from] RegistryError),
    /// The file's header matches no format.
    #[error("{file} line 1: cannot tell the format from the header (expected the columns of a {formats} file); give --format")]
    UnknownFormat {
        /// The file.
        file: String,
        /// The formats, listed.
        formats: String,
    },
    /// The file needs a source (`--source` and `--kind`) and none was given.
    #[error(
        "{file}: {format} files do not name their source: give one (--source NAME --kind KIND)"
    )]
    SourceNeeded {
        /// The file.
        file: String,
        /// The format.
        format: &'static str,
    },
    /// Reading the file, or writing a rejected row, failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The error.
        source: io::Error,
    },
}

/// Reads and hashes what passes through.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.hasher.update(&buf[..read]);
        Ok(read)
    }
}

/// What to do with an invalid row when invalid rows are set aside: receives the error
/// (which names file, line, column and value).
pub type RejectSink<'a> = &'a mut dyn FnMut(&ImportError) -> io::Result<()>;

/// Loads one file of `format` (detected from the header when `None`) from `input` into the
/// registry, in one transaction.
///
/// Without `rejects`, the first invalid row rejects the whole file. With it, each invalid
/// row is handed to it and the rest is loaded. Either way a file is loaded whole or not at
/// all: an error leaves the registry as it was.
pub fn ingest<R: Read + Send>(
    registry: &mut Registry,
    mut spec: LoadSpec,
    format: Option<Format>,
    input: R,
    mut rejects: Option<RejectSink<'_>>,
) -> Result<LoadReport, IngestError> {
    let mut input = BufReader::with_capacity(
        1 << 20,
        Hashing {
            inner: input,
            hasher: Sha256::new(),
        },
    );
    let format = match format {
        Some(format) => format,
        None => {
            let header = peek_line(&mut input).map_err(|source| IngestError::Io {
                what: format!("read {}", spec.file),
                source,
            })?;
            Format::detect(&header).ok_or_else(|| IngestError::UnknownFormat {
                file: spec.file.clone(),
                formats: Format::ALL
                    .iter()
                    .map(|f| f.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?
        }
    };
    spec.format = format.name().to_owned();
    if spec.source.is_none() && format != Format::Figures {
        spec.source = format.default_source();
        if spec.source.is_none() {
            return Err(IngestError::SourceNeeded {
                file: spec.file.clone(),
                format: format.name(),
            });
        }
    }
    let file = spec.file.clone();
    let file_name = file.clone();
    let mut load = registry.begin_load(spec)?;
    let mut add = |item: Item| {
        match item {
            Ok((record, source)) => load.add(&record, source.as_ref())?,
            Err(error) => match rejects.as_mut() {
                // An error reading the bytes (not a bad row) ends the file: never skipped.
                Some(sink) if !matches!(error, ImportError::Read { .. }) => {
                    sink(&error).map_err(|source| IngestError::Io {
                        what: format!("write the rejected row of {file}"),
                        source,
                    })?;
                    load.reject();
                }
                _ => return Err(IngestError::Import(error)),
            },
        }
        Ok::<(), IngestError>(())
    };
    // Reading and parsing run on their own thread, a bounded queue ahead of the database
    // writes: the two overlap, and memory stays bounded whatever the file's size.
    let digest = std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::sync_channel::<Vec<Item>>(QUEUE_BATCHES);
        let parser = scope.spawn(move || parse(format, file_name, input, &sender));
        let mut outcome = Ok(());
        for batch in receiver {
            for item in batch {
                outcome = add(item);
                if outcome.is_err() {
                    break;
                }
            }
            if outcome.is_err() {
                // Dropping the receiver stops the parser at its next batch.
                break;
            }
        }
        let parsed = match parser.join() {
            Ok(parsed) => parsed,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        outcome?;
        parsed
    })?;
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(load.finish(&hex)?)
}

/// A parsed row, or why it is invalid.
type Item = Result<(TradeRecord, Option<FigureSource>), ImportError>;

/// Rows per message from the parser.
const BATCH_ROWS: usize = 4096;
/// Messages the queue holds before the parser waits.
const QUEUE_BATCHES: usize = 8;

/// Reads every row of `input` in `format` and sends them in batches; returns the digest of
/// the whole input. Stops early, without error, when the receiver is gone.
fn parse<R: Read>(
    format: Format,
    name: String,
    mut input: BufReader<Hashing<R>>,
    sender: &mpsc::SyncSender<Vec<Item>>,
) -> Result<Vec<u8>, IngestError> {
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    let mut push = |item: Item| -> bool {
        batch.push(item);
        if batch.len() < BATCH_ROWS {
            return true;
        }
        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
        sender.send(full).is_ok()
    };
    let open = match format {
        Format::Comtrade => {
            let rows = ComtradeReader::new(name.clone(), &mut input)?;
            rows.map(|row| row.map(|row| (row.into_record(), None)))
                .all(&mut push)
        }
        Format::Customs => CustomsReader::new(name.clone(), &mut input)?
            .map(|record| record.map(|record| (record, None)))
            .all(&mut push),
        Format::Services => ServicesReader::new(name.clone(), &mut input)?
            .map(|record| record.map(|record| (record, None)))
            .all(&mut push),
        Format::Figures => FiguresReader::new(name.clone(), &mut input)?
            .map(|item| item.map(|(record, source)| (record, Some(source))))
            .all(&mut push),
    };
    if !open || sender.send(batch).is_err() {
        return Ok(Vec::new());
    }
    // Hash whatever the reader left unread, so the digest covers the whole file.
    io::copy(&mut input, &mut io::sink()).map_err(|source| IngestError::Io {
        what: format!("read {name}"),
        source,
    })?;
    Ok(input.into_inner().hasher.finalize().to_vec())
}

/// The first line of `input`, without consuming it (up to the buffer's size).
fn peek_line<R: Read>(input: &mut BufReader<R>) -> io::Result<String> {
    let buffer = input.fill_buf()?;
    let end = buffer
        .iter()
        .position(|byte| *byte == b'\n')
        .unwrap_or(buffer.len());
    Ok(String::from_utf8_lossy(&buffer[..end]).into_owned())
}
