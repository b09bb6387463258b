//! Field paths (`crossings[2].capacity`) and finding them in the scenario's text, so that
//! an error found after parsing (an unknown crossing, a period that ends before it starts)
//! can still name its line.
//!
//! Nothing here runs unless there is an error: the text is parsed a second time into a tree
//! of positions. TOML gives spans through `toml::Spanned` (keys and values); JSON gives them
//! through borrowed `serde_json::value::RawValue`s, whose text is a slice of the input, so
//! its offset is a pointer difference (no `unsafe`).

use std::fmt;
use std::ops::Range;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::{Format, Position};

/// One step of a [`FieldPath`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Segment {
    /// A table's or object's key.
    Key(String),
    /// An array's index, from 0.
    Index(usize),
}

/// Where a value sits in a scenario: `routing[1].to`, `demand[0].crossing.mehran`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct FieldPath(Vec<Segment>);

impl FieldPath {
    /// The path of a top-level key.
    pub(crate) fn root(key: &str) -> FieldPath {
        FieldPath(vec![Segment::Key(key.to_owned())])
    }

    /// This path followed by `key`.
    pub(crate) fn key(&self, key: &str) -> FieldPath {
        let mut segments = self.0.clone();
        segments.push(Segment::Key(key.to_owned()));
        FieldPath(segments)
    }

    /// This path followed by `[index]`.
    pub(crate) fn index(&self, index: usize) -> FieldPath {
        let mut segments = self.0.clone();
        segments.push(Segment::Index(index));
        FieldPath(segments)
    }

    fn segments(&self) -> &[Segment] {
        &self.0
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(key) if position == 0 => f.write_str(key)?,
                Segment::Key(key) => write!(f, ".{key}")?,
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// The line and column of a byte offset in `text` (both from 1; the column counts
/// characters).
pub(crate) fn position_of(text: &str, offset: usize) -> Position {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    Position { line, column }
}

/// Where `path` is in `text`: the key (TOML) or value (JSON) of the deepest part of the
/// path that exists, or `None` if not even the first step is found.
pub(crate) fn locate(format: Format, text: &str, path: &FieldPath) -> Option<Position> {
    let offset = match format {
        Format::Toml => locate_toml(text, path.segments()),
        Format::Json => locate_json(text, path.segments()),
    }?;
    Some(position_of(text, offset))
}

// ---------------------------------------------------------------------------------------
// TOML

/// A TOML value's children with the spans of their keys and values.
#[derive(Default)]
struct TomlNode(Vec<TomlChild>);

struct TomlChild {
    segment: Segment,
    key_span: Option<Range<usize>>,
    value_span: Range<usize>,
    node: TomlNode,
}

fn locate_toml(text: &str, path: &[Segment]) -> Option<usize> {
    let root: TomlNode = toml::from_str(text).ok()?;
    let mut node = &root;
    let mut found = None;
    for segment in path {
        let Some(child) = node.0.iter().find(|child| &child.segment == segment) else {
            break;
        };
        found = Some(
            child
                .key_span
                .as_ref()
                .map_or(child.value_span.start, |span| span.start),
        );
        node = &child.node;
    }
    found
}

struct TomlVisitor;

impl<'de> Visitor<'de> for TomlVisitor {
    type Value = TomlNode;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any TOML value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TomlNode, A::Error> {
        let mut children = Vec::new();
        while let Some(key) = map.next_key::<toml::Spanned<String>>()? {
            let key_span = key.span();
            let value: toml::Spanned<TomlNode> = map.next_value()?;
            children.push(TomlChild {
                segment: Segment::Key(key.into_inner()),
                key_span: Some(key_span),
                value_span: value.span(),
                node: value.into_inner(),
            });
        }
        Ok(TomlNode(children))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TomlNode, A::Error> {
        let mut children = Vec::new();
        while let Some(value) = seq.next_element::<toml::Spanned<TomlNode>>()? {
            children.push(TomlChild {
                segment: Segment::Index(children.len()),
                key_span: None,
                value_span: value.span(),
                node: value.into_inner(),
            });
        }
        Ok(TomlNode(children))
    }

    fn visit_bool<E>(self, _: bool) -> Result<TomlNode, E> {
        Ok(TomlNode::default())
    }

    fn visit_i64<E>(self, _: i64) -> Result<TomlNode, E> {
        Ok(TomlNode::default())
    }

    fn visit_u64<E>(self, _: u64) -> Result<TomlNode, E> {
        Ok(TomlNode::default())
    }

    fn visit_f64<E>(self, _: f64) -> Result<TomlNode, E> {
        Ok(TomlNode::default())
    }

    fn visit_str<E>(self, _: &str) -> Result<TomlNode, E> {
        Ok(TomlNode::default())
    }
}

impl<'de> Deserialize<'de> for TomlNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<TomlNode, D::Error> {
        deserializer.deserialize_any(TomlVisitor)
    }
}

// ---------------------------------------------------------------------------------------
// JSON

/// A JSON value's children, each as its raw text (a slice of the input).
struct JsonNode<'a>(Vec<(Segment, &'a RawValue)>);

fn locate_json(text: &str, path: &[Segment]) -> Option<usize> {
    let base = text.as_ptr() as usize;
    let mut current: &str = text;
    let mut found = None;
    for segment in path {
        let node: JsonNode<'_> = serde_json::from_str(current).ok()?;
        let Some((_, raw)) = node.0.iter().find(|(s, _)| s == segment) else {
            break;
        };
        let slice = raw.get();
        found = Some((slice.as_ptr() as usize).saturating_sub(base));
        current = slice;
    }
    found
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = JsonNode<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonNode<'de>, A::Error> {
        let mut children = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value: &'de RawValue = map.next_value()?;
            children.push((Segment::Key(key), value));
        }
        Ok(JsonNode(children))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsonNode<'de>, A::Error> {
        let mut children = Vec::new();
        while let Some(value) = seq.next_element::<&'de RawValue>()? {
            children.push((Segment::Index(children.len()), value));
        }
        Ok(JsonNode(children))
    }

    fn visit_bool<E>(self, _: bool) -> Result<JsonNode<'de>, E> {
        Ok(JsonNode(Vec::new()))
    }

    fn visit_i64<E>(self, _: i64) -> Result<JsonNode<'de>, E> {
        Ok(JsonNode(Vec::new()))
    }

    fn visit_u64<E>(self, _: u64) -> Result<JsonNode<'de>, E> {
        Ok(JsonNode(Vec::new()))
    }

    fn visit_f64<E>(self, _: f64) -> Result<JsonNode<'de>, E> {
        Ok(JsonNode(Vec::new()))
    }

    fn visit_str<E>(self, _: &str) -> Result<JsonNode<'de>, E> {
        Ok(JsonNode(Vec::new()))
    }

    fn visit_unit<E>(self) -> Result<JsonNode<'de>, E> {
        Ok(JsonNode(Vec::new()))
    }
}

impl<'de> Deserialize<'de> for JsonNode<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<JsonNode<'de>, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn path() -> FieldPath {
        FieldPath::root("routing").index(1).key("to")
    }

    #[test]
    fn paths_display_like_code() {
        assert_eq!(path().to_string(), "routing[1].to");
        assert_eq!(
            FieldPath::root("demand")
                .index(0)
                .key("crossing")
                .key("mehran")
                .to_string(),
            "demand[0].crossing.mehran"
        );
    }

    #[test]
    fn finds_toml_keys() {
        let text = "name = \"x\"\n\n[[routing]]\nfrom = \"a\"\nto = \"b\"\n\n[[routing]]\nfrom = \"b\"\n  to = \"zz\"\n";
        assert_eq!(
            locate(Format::Toml, text, &path()),
            Some(Position { line: 9, column: 3 })
        );
        // A missing last step falls back to the deepest step found: the table.
        let missing = FieldPath::root("routing").index(1).key("extra_days");
        assert_eq!(
            locate(Format::Toml, text, &missing).map(|p| p.line),
            Some(7)
        );
        assert_eq!(locate(Format::Toml, text, &FieldPath::root("nope")), None);
    }

    #[test]
    fn finds_json_values() {
        let text = "{\n \"routing\": [\n  {\"from\": \"a\", \"to\": \"b\"},\n  {\"from\": \"b\",\n   \"to\": \"zz\"}\n ]\n}";
        assert_eq!(
            locate(Format::Json, text, &path()),
            Some(Position {
                line: 5,
                column: 10
            })
        );
    }
}
