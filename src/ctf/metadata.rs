//! The CTF 1.8 metadata parser: TSDL text (plain or packetized) to [`TraceClass`].
//!
//! Pipeline, one module per stage:
//!
//! ```text
//! bytes --source--> TSDL text --lexer--> tokens --parser/parser_types--> AST
//!       --blocks/classes/typegen--> intermediate types (paths still strings)
//!       --resolve--> IR (field paths, variant selectors) --validate--> TraceClass
//! ```
//!
//! The semantic rules follow babeltrace2 2.0 (the de facto reference reader) where the CTF
//! specification is vague: top-level blocks are visited by category (env, clocks, root
//! declarations, trace, streams, events) rather than in file order; a variant option is
//! selected by the enumeration label equal to its name as written; display names lose one
//! leading underscore; signed sequence lengths are refused; the conformance traces that
//! babeltrace2 refuses for their metadata are refused here too.
//!
//! Deliberate differences, all on input babeltrace2 would refuse or misread:
//! * a text file without the `/* CTF 1.8` signature is read, with a warning;
//! * a relative field path not found in its own scope is looked up in the earlier scopes
//!   (babeltrace2 and babeltrace 1.5 both fail); sequences in `event.context` are resolved
//!   (babeltrace2 2.0 aborts on them);
//! * a stream class `id` without a `stream_id` packet header field is accepted when there is
//!   a single stream class; unknown attributes and odd float sizes are warnings;
//! * clock offsets are normalized (`0 <= offset < freq`) and LTTng's `monotonic` clock is
//!   marked absolute, as babeltrace2 does.
//!
//! Not supported (reported as errors): GNU bitfields, field paths that go through an array
//! or sequence element (the IR cannot express them), `L"wide"` strings, metadata
//! compression, encryption and checksums, CTF 2.

mod ast;
mod attrs;
mod blocks;
mod classes;
mod lexer;
pub mod memo;
mod parser;
mod parser_types;
mod resolve;
mod scope;
mod source;
mod ty;
mod typegen;
mod validate;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_paths;
#[cfg(test)]
mod tests_robust;

use std::fmt;
use std::path::Path;

use super::ir::TraceClass;

/// The result of parsing one metadata stream.
#[derive(Debug, Clone)]
pub struct ParsedMetadata {
    /// The trace class described by the metadata.
    pub class: TraceClass,
    /// Things that were accepted but look wrong (unknown attributes, missing signature...),
    /// formatted like errors: `<origin>:<line>:<col>: <what>`.
    pub warnings: Vec<String>,
}

/// Why a metadata stream could not be turned into a trace class.
///
/// Its `Display` is one line: `<origin>:<line>:<col>: <what is wrong>`, or `<origin>: <what>`
/// when the problem has no position in the TSDL text (I/O, packet framing).
#[derive(Debug, thiserror::Error)]
pub enum MetadataError {
    /// The metadata file could not be read.
    #[error("{origin}: cannot read metadata: {source}")]
    Io {
        /// File name.
        origin: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The metadata is in a format this reader does not handle (CTF 2).
    #[error("{origin}: unsupported format: {format}")]
    Unsupported {
        /// File name or caller-supplied origin.
        origin: String,
        /// What was found, e.g. `CTF 2`.
        format: String,
    },
    /// The metadata is invalid; the problem has no TSDL text position.
    #[error("{origin}: {message}")]
    Invalid {
        /// File name or caller-supplied origin.
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// The metadata is invalid at a given place of the TSDL text.
    #[error("{origin}:{line}:{col}: {message}")]
    At {
        /// File name or caller-supplied origin.
        origin: String,
        /// 1-based line in the TSDL text.
        line: u32,
        /// 1-based column (in characters) in the TSDL text.
        col: u32,
        /// What is wrong.
        message: String,
    },
}

impl MetadataError {
    /// The message without origin and position.
    pub fn message(&self) -> String {
        match self {
            MetadataError::Io { source, .. } => format!("cannot read metadata: {source}"),
            MetadataError::Unsupported { format, .. } => format!("unsupported format: {format}"),
            MetadataError::Invalid { message, .. } | MetadataError::At { message, .. } => {
                message.clone()
            }
        }
    }

    /// The (line, column) of the problem in the TSDL text, when known.
    pub fn position(&self) -> Option<(u32, u32)> {
        match self {
            MetadataError::At { line, col, .. } => Some((*line, *col)),
            _ => None,
        }
    }
}

/// Reads and parses the metadata file at `path` (plain text or packetized).
pub fn parse_metadata_file(path: &Path) -> Result<ParsedMetadata, MetadataError> {
    let origin = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| MetadataError::Io {
        origin: origin.clone(),
        source,
    })?;
    parse_metadata_bytes(&bytes, &origin)
}

/// Parses a whole metadata stream held in memory; `origin` names it in messages.
pub fn parse_metadata_bytes(bytes: &[u8], origin: &str) -> Result<ParsedMetadata, MetadataError> {
    let mut diags = Vec::new();
    let text = source::metadata_text(bytes, &mut diags).map_err(|e| match e {
        source::SourceError::Unsupported(format) => MetadataError::Unsupported {
            origin: origin.to_string(),
            format,
        },
        source::SourceError::Invalid(message) => MetadataError::Invalid {
            origin: origin.to_string(),
            message,
        },
    })?;
    let class = parse_text(&text, &mut diags).map_err(|d| d.into_error(origin))?;
    let warnings = diags.iter().map(|d| d.format(origin)).collect();
    Ok(ParsedMetadata { class, warnings })
}

/// Parses TSDL text into a trace class, collecting warnings.
fn parse_text(text: &[u8], warnings: &mut Vec<Diag>) -> DResult<TraceClass> {
    let tokens = lexer::tokenize(text)?;
    let decls = parser::parse(tokens)?;
    blocks::build_trace_class(&decls, warnings)
}

/// A place in the TSDL text (1-based line and column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pos {
    pub line: u32,
    pub col: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// An internal error or warning: a message and, usually, where it applies. The origin is added
/// at the API boundary.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Diag {
    pub pos: Option<Pos>,
    pub msg: String,
}

impl Diag {
    /// A diagnostic at `pos`.
    pub fn at(pos: Pos, msg: impl Into<String>) -> Diag {
        Diag {
            pos: Some(pos),
            msg: msg.into(),
        }
    }

    /// A diagnostic without position.
    pub fn nowhere(msg: impl Into<String>) -> Diag {
        Diag {
            pos: None,
            msg: msg.into(),
        }
    }

    fn format(&self, origin: &str) -> String {
        let msg = one_line(&self.msg);
        match self.pos {
            Some(p) => format!("{origin}:{p}: {msg}"),
            None => format!("{origin}: {msg}"),
        }
    }

    fn into_error(self, origin: &str) -> MetadataError {
        let message = one_line(&self.msg);
        match self.pos {
            Some(p) => MetadataError::At {
                origin: origin.to_string(),
                line: p.line,
                col: p.col,
                message,
            },
            None => MetadataError::Invalid {
                origin: origin.to_string(),
                message,
            },
        }
    }
}

/// Messages quote names and strings from the metadata, which may contain control characters
/// (string literals with `\n`): escape them so that a message stays on one line.
fn one_line(msg: &str) -> String {
    if !msg.chars().any(char::is_control) {
        return msg.to_string();
    }
    msg.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

pub(crate) type DResult<T> = Result<T, Diag>;

/// Deepest nesting accepted in the TSDL syntax and in the resulting types. Real traces nest
/// four or five levels; the limit keeps recursion far from the stack size on hostile input.
pub(crate) const MAX_NESTING: u32 = 64;
