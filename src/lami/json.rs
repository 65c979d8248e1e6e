//! Rendering analysis tables as LAMI 1.0 JSON.

use serde_json::{Map, Value, json};

use crate::analysis::table::{Cell, Column, ColumnClass, Process, Table, TableClass};

/// What `--metadata` describes: the analysis and the table classes it may emit.
#[derive(Debug, Clone)]
pub struct Metadata {
    /// Analysis title (Trace Compass requires it).
    pub title: String,
    /// One-sentence description.
    pub description: String,
    /// Tags (`linux-kernel`, `cpu`, `top`, ...).
    pub tags: Vec<String>,
    /// Every table class the analysis may emit, complete (no `inherit`).
    pub classes: Vec<TableClass>,
}

fn number(class: &str, value: impl Into<Value>) -> Value {
    json!({ "class": class, "value": value.into() })
}

fn float(class: &str, v: f64) -> Value {
    // JSON has no NaN or infinity: an incomputable number is LAMI's `unknown`.
    if v.is_finite() {
        number(class, v)
    } else {
        json!({ "class": "unknown" })
    }
}

/// A cell as a LAMI data object (`null` for an empty cell).
pub fn cell_json(cell: &Cell) -> Value {
    match cell {
        Cell::Empty => Value::Null,
        Cell::Unknown => json!({ "class": "unknown" }),
        Cell::Count(n) => number("number", *n),
        Cell::Number(v) => float("number", *v),
        Cell::Ratio(v) => float("ratio", *v),
        Cell::Timestamp(ns) => number("timestamp", *ns),
        Cell::Duration(ns) => number("duration", *ns),
        Cell::Size(b) => number("size", *b),
        Cell::Bitrate(v) => float("bitrate", *v),
        Cell::Bool(b) => json!({ "class": "bool", "value": b }),
        Cell::Text(s) => json!({ "class": "string", "value": s }),
        Cell::TimeRange { begin_ns, end_ns } => time_range(*begin_ns, *end_ns),
        Cell::Syscall(name) => json!({ "class": "syscall", "name": name }),
        Cell::Process(p) => {
            let Process { name, pid, tid } = &**p;
            let mut o = Map::new();
            o.insert("class".into(), "process".into());
            if let Some(n) = name {
                o.insert("name".into(), n.as_str().into());
            }
            if let Some(p) = pid {
                o.insert("pid".into(), (*p).into());
            }
            if let Some(t) = tid {
                o.insert("tid".into(), (*t).into());
            }
            Value::Object(o)
        }
        Cell::Path(p) => json!({ "class": "path", "path": &**p }),
        Cell::Fd(fd) => json!({ "class": "fd", "fd": fd }),
        Cell::Irq { nr, hard, name } => {
            let mut o = json!({ "class": "irq", "nr": nr, "hard": hard });
            if let (Some(n), Some(map)) = (name, o.as_object_mut()) {
                map.insert("name".into(), n.as_str().into());
            }
            o
        }
        Cell::Cpu(id) => json!({ "class": "cpu", "id": id }),
        Cell::Disk(n) => json!({ "class": "disk", "name": n }),
        Cell::Part(n) => json!({ "class": "part", "name": n }),
        Cell::Netif(n) => json!({ "class": "netif", "name": n }),
    }
}

/// A time-range data object.
pub fn time_range(begin_ns: i64, end_ns: i64) -> Value {
    json!({
        "class": "time-range",
        "begin": number("timestamp", begin_ns),
        "end": number("timestamp", end_ns),
    })
}

fn column_json(c: &Column) -> Value {
    let mut o = json!({ "title": c.title, "class": c.class.lami_name() });
    if let (Some(unit), ColumnClass::Number, Some(map)) = (&c.unit, c.class, o.as_object_mut()) {
        map.insert("unit".into(), unit.clone().into());
    }
    o
}

/// A complete table-class object.
pub fn table_class_json(class: &TableClass) -> Value {
    json!({
        "title": class.title,
        "column-descriptions": class.columns.iter().map(column_json).collect::<Vec<_>>(),
    })
}

/// The `--metadata` document.
pub fn metadata_json(meta: &Metadata) -> Value {
    let classes: Map<String, Value> = meta
        .classes
        .iter()
        .map(|c| (c.name.clone(), table_class_json(c)))
        .collect();
    json!({
        "mi-version": { "major": 1, "minor": 0 },
        "version": {
            "major": env!("CARGO_PKG_VERSION_MAJOR").parse::<u64>().unwrap_or(0),
            "minor": env!("CARGO_PKG_VERSION_MINOR").parse::<u64>().unwrap_or(0),
            "patch": env!("CARGO_PKG_VERSION_PATCH").parse::<u64>().unwrap_or(0),
        },
        "title": meta.title,
        "description": meta.description,
        "authors": ["lttng-tui developers"],
        "tags": meta.tags,
        "table-classes": classes,
    })
}

/// One result table: a declared class by name, or inheriting it with a subtitle.
pub fn table_json(table: &Table) -> Value {
    let class = match &table.subtitle {
        None => Value::String(table.class.name.clone()),
        Some(_) => json!({ "inherit": table.class.name, "title": table.title() }),
    };
    let rows: Vec<Value> = table
        .rows
        .iter()
        .map(|row| Value::Array(row.iter().map(cell_json).collect()))
        .collect();
    json!({
        "time-range": time_range(table.begin_ns, table.end_ns),
        "class": class,
        "data": rows,
    })
}

/// The results document.
pub fn results_json(tables: &[Table]) -> Value {
    json!({ "results": tables.iter().map(table_json).collect::<Vec<_>>() })
}

/// The error object (printed instead of results, with a non-zero exit status).
pub fn error_json(message: &str) -> Value {
    json!({ "error-message": message })
}

/// A progress line: a fraction in [0, 1] (clamped) and a message.
pub fn progress_line(fraction: f64, message: &str) -> String {
    let f = if fraction.is_finite() {
        fraction.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let message = message.replace(['\n', '\r'], " ");
    if message.is_empty() {
        format!("{f:.4}")
    } else {
        format!("{f:.4} {message}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_render_as_lami_objects() {
        assert_eq!(cell_json(&Cell::Empty), Value::Null);
        assert_eq!(
            cell_json(&Cell::Duration(42)),
            json!({"class": "duration", "value": 42})
        );
        assert_eq!(
            cell_json(&Cell::process(None::<&str>, None, Some(91))),
            json!({"class": "process", "tid": 91})
        );
        assert_eq!(
            cell_json(&Cell::Irq {
                nr: 3,
                hard: false,
                name: Some("NET_RX".into())
            }),
            json!({"class": "irq", "nr": 3, "hard": false, "name": "NET_RX"})
        );
        assert_eq!(
            cell_json(&Cell::Ratio(f64::NAN)),
            json!({"class": "unknown"})
        );
    }

    #[test]
    fn subtitled_tables_inherit_their_class() {
        let class = TableClass {
            name: "per-tid".into(),
            title: "Syscalls".into(),
            columns: vec![Column::counted("Count", "calls")],
        };
        let mut t = Table::new(class, 1, 2);
        t.subtitle = Some("bash (42)".into());
        t.rows.push(vec![Cell::Count(7)]);
        let v = table_json(&t);
        assert_eq!(
            v["class"],
            json!({"inherit": "per-tid", "title": "Syscalls [bash (42)]"})
        );
        assert_eq!(v["data"], json!([[{"class": "number", "value": 7}]]));
        assert_eq!(v["time-range"]["end"]["value"], json!(2));
    }

    #[test]
    fn progress_lines_are_clamped_and_single_line() {
        assert_eq!(progress_line(1.5, "done\nreally"), "1.0000 done really");
        assert_eq!(progress_line(f64::NAN, ""), "0.0000");
    }
}
