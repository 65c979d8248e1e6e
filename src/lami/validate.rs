//! Checks LAMI 1.0 documents against the object model, including Trace Compass's stricter
//! rules (required titles and column descriptions, no `inherit` in metadata, integral
//! timestamps/durations/sizes, bounds consistency). Returns every problem found, each with
//! the JSON location it concerns.

use std::collections::HashMap;

use serde_json::Value;

const NUMBER_CLASSES: &[&str] = &[
    "number",
    "ratio",
    "timestamp",
    "duration",
    "size",
    "bitrate",
];
const INTEGRAL_CLASSES: &[&str] = &["timestamp", "duration", "size"];
const OTHER_CLASSES: &[&str] = &[
    "bool",
    "string",
    "time-range",
    "syscall",
    "process",
    "path",
    "fd",
    "irq",
    "cpu",
    "disk",
    "part",
    "netif",
];

fn is_column_class(name: &str) -> bool {
    name == "mixed" || NUMBER_CLASSES.contains(&name) || OTHER_CLASSES.contains(&name)
}

/// Problems of a `--metadata` document (empty when valid).
pub fn validate_metadata(doc: &Value) -> Vec<String> {
    let mut p = Vec::new();
    let Some(obj) = doc.as_object() else {
        return vec!["metadata: not a JSON object".into()];
    };
    if doc.get("mi-version") != Some(&serde_json::json!({"major": 1, "minor": 0})) {
        p.push("metadata: mi-version must be {\"major\": 1, \"minor\": 0}".into());
    }
    if !obj.get("title").is_some_and(Value::is_string) {
        p.push("metadata: missing title (Trace Compass requires it)".into());
    }
    if let Some(v) = obj.get("version") {
        check_version(v, &mut p);
    }
    match obj.get("table-classes").and_then(Value::as_object) {
        Some(classes) if !classes.is_empty() => {
            for (name, class) in classes {
                let at = format!("metadata: table class `{name}`");
                if class.get("inherit").is_some() {
                    p.push(format!(
                        "{at}: uses inherit (Trace Compass ignores it there)"
                    ));
                }
                if !class.get("title").is_some_and(Value::is_string) {
                    p.push(format!("{at}: missing title"));
                }
                match class.get("column-descriptions").and_then(Value::as_array) {
                    Some(cols) => check_columns(cols, &at, &mut p),
                    None => p.push(format!("{at}: missing column-descriptions")),
                }
            }
        }
        _ => p.push("metadata: table-classes must be a non-empty object".into()),
    }
    p
}

fn check_version(v: &Value, p: &mut Vec<String>) {
    let has = |k: &str| v.get(k).is_some();
    let int_or_absent = |k: &str| v.get(k).is_none_or(|x| x.is_u64());
    if (has("minor") && !has("major")) || (has("patch") && !has("minor")) {
        p.push("metadata: version breaks the major/minor/patch dependency rule".into());
    }
    if !(int_or_absent("major") && int_or_absent("minor") && int_or_absent("patch")) {
        p.push("metadata: version numbers must be integers".into());
    }
}

fn check_columns(cols: &[Value], at: &str, p: &mut Vec<String>) {
    for (i, col) in cols.iter().enumerate() {
        let class = col.get("class").and_then(Value::as_str).unwrap_or("mixed");
        if !is_column_class(class) {
            p.push(format!("{at}: column {i} has unknown class `{class}`"));
        }
        if col.get("unit").is_some() && class != "number" {
            p.push(format!("{at}: column {i} has a unit on a `{class}` column"));
        }
        if col.get("title").is_some_and(|t| !t.is_string()) {
            p.push(format!("{at}: column {i} title is not a string"));
        }
    }
}

/// Problems of a results document, resolving string classes in `metadata`.
pub fn validate_results(doc: &Value, metadata: &Value) -> Vec<String> {
    let mut p = Vec::new();
    let Some(obj) = doc.as_object() else {
        return vec!["results: not a JSON object".into()];
    };
    if obj.len() != 1 {
        p.push("results: the top level must hold only `results`".into());
    }
    let Some(tables) = obj.get("results").and_then(Value::as_array) else {
        p.push("results: missing `results` array".into());
        return p;
    };
    let declared: HashMap<&str, &Value> = metadata
        .get("table-classes")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default();
    for (ti, table) in tables.iter().enumerate() {
        check_table(table, ti, &declared, &mut p);
    }
    p
}

fn check_table(table: &Value, ti: usize, declared: &HashMap<&str, &Value>, p: &mut Vec<String>) {
    let at = format!("results[{ti}]");
    match table.get("time-range") {
        Some(tr) => check_object(tr, "time-range", &format!("{at}.time-range"), p),
        None => p.push(format!("{at}: missing time-range")),
    }
    let Some(columns) = resolve_columns(table.get("class"), declared, &at, p) else {
        return;
    };
    let Some(rows) = table.get("data").and_then(Value::as_array) else {
        p.push(format!("{at}: missing data array"));
        return;
    };
    for (ri, row) in rows.iter().enumerate() {
        let Some(cells) = row.as_array() else {
            p.push(format!("{at}.data[{ri}]: row is not an array"));
            continue;
        };
        if cells.len() != columns.len() {
            p.push(format!(
                "{at}.data[{ri}]: {} cells for {} columns",
                cells.len(),
                columns.len()
            ));
        }
        for (ci, (cell, col)) in cells.iter().zip(&columns).enumerate() {
            if cell.is_null() {
                continue;
            }
            let cat = format!("{at}.data[{ri}][{ci}]");
            let class = cell.get("class").and_then(Value::as_str).unwrap_or("");
            if class != "unknown" && col != "mixed" && class != col {
                p.push(format!("{cat}: `{class}` cell in a `{col}` column"));
            }
            check_object(cell, class, &cat, p);
        }
    }
}

/// The column classes of a table's class (declared name, inherit, or dynamic).
fn resolve_columns(
    class: Option<&Value>,
    declared: &HashMap<&str, &Value>,
    at: &str,
    p: &mut Vec<String>,
) -> Option<Vec<String>> {
    let column_classes = |cols: &Value| -> Vec<String> {
        cols.as_array()
            .map(|a| {
                a.iter()
                    .map(|c| {
                        c.get("class")
                            .and_then(Value::as_str)
                            .unwrap_or("mixed")
                            .to_owned()
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let lookup = |name: &str, p: &mut Vec<String>| match declared.get(name) {
        Some(c) => Some(column_classes(&c["column-descriptions"])),
        None => {
            p.push(format!(
                "{at}: class `{name}` is not declared in the metadata"
            ));
            None
        }
    };
    match class {
        Some(Value::String(name)) => lookup(name, p),
        Some(Value::Object(o)) => {
            if !o.get("title").is_some_and(Value::is_string) {
                p.push(format!("{at}: inline class without title"));
            }
            match (
                o.get("inherit").and_then(Value::as_str),
                o.get("column-descriptions"),
            ) {
                (_, Some(cols)) => {
                    let mut problems = Vec::new();
                    check_columns(
                        cols.as_array().map_or(&[][..], Vec::as_slice),
                        at,
                        &mut problems,
                    );
                    p.extend(problems);
                    Some(column_classes(cols))
                }
                (Some(parent), None) => lookup(parent, p),
                (None, None) => {
                    p.push(format!("{at}: inline class without column-descriptions"));
                    None
                }
            }
        }
        _ => {
            p.push(format!("{at}: missing or invalid class"));
            None
        }
    }
}

fn check_object(v: &Value, class: &str, at: &str, p: &mut Vec<String>) {
    let need = |key: &str, ok: fn(&Value) -> bool, p: &mut Vec<String>| {
        if !v.get(key).is_some_and(ok) {
            p.push(format!("{at}: `{class}` object needs a valid `{key}`"));
        }
    };
    if v.get("class").and_then(Value::as_str) != Some(class) {
        p.push(format!("{at}: expected a `{class}` object"));
        return;
    }
    match class {
        c if NUMBER_CLASSES.contains(&c) => check_number(v, c, at, p),
        "unknown" => {}
        "bool" => need("value", Value::is_boolean, p),
        "string" => need("value", Value::is_string, p),
        "time-range" => {
            for key in ["begin", "end"] {
                match v.get(key) {
                    Some(ts) => check_object(ts, "timestamp", &format!("{at}.{key}"), p),
                    None => p.push(format!("{at}: time-range needs `{key}`")),
                }
            }
            let (b, e) = (v["begin"]["value"].as_i64(), v["end"]["value"].as_i64());
            if let (Some(b), Some(e)) = (b, e)
                && b > e
            {
                p.push(format!("{at}: time-range begins after it ends"));
            }
        }
        "syscall" | "disk" | "part" | "netif" => need("name", Value::is_string, p),
        "path" => need("path", Value::is_string, p),
        "fd" => need("fd", Value::is_i64, p),
        "cpu" => need("id", Value::is_u64, p),
        "irq" => need("nr", Value::is_u64, p),
        "process" => {
            for (key, ok) in [
                ("name", Value::is_string as fn(&Value) -> bool),
                ("pid", Value::is_i64),
                ("tid", Value::is_i64),
            ] {
                if v.get(key).is_some_and(|x| !ok(x)) {
                    p.push(format!("{at}: process `{key}` has the wrong type"));
                }
            }
        }
        other => p.push(format!("{at}: unknown data-object class `{other}`")),
    }
}

fn check_number(v: &Value, class: &str, at: &str, p: &mut Vec<String>) {
    let bound = |k: &str| v.get(k);
    let value = v.get("value");
    if value.is_none() && (bound("low").is_none() || bound("high").is_none()) {
        p.push(format!("{at}: `{class}` needs `value` or both bounds"));
        return;
    }
    if value.is_some() && (bound("low").is_some() != bound("high").is_some()) {
        p.push(format!("{at}: `{class}` has only one bound"));
    }
    let integral = INTEGRAL_CLASSES.contains(&class);
    if let Some(x) = value
        && (!x.is_number() || (integral && !(x.is_i64() || x.is_u64())))
    {
        let want = if integral { "an integer" } else { "a number" };
        p.push(format!("{at}: `{class}` value must be {want}"));
    }
    for k in ["low", "high"] {
        if let Some(b) = bound(k)
            && !(b.is_number() || b == "-inf" || b == "+inf")
        {
            p.push(format!(
                "{at}: `{class}` {k} must be a number or an infinity"
            ));
        }
    }
    let num = |x: Option<&Value>| x.and_then(Value::as_f64);
    if let (Some(l), Some(x), Some(h)) = (num(bound("low")), num(value), num(bound("high")))
        && !(l <= x && x <= h)
    {
        p.push(format!("{at}: `{class}` value outside its bounds"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The worked example of the LAMI notes (docs/lami.md §9): valid as a whole.
    #[test]
    fn worked_example_is_valid() {
        let meta = json!({
          "mi-version": {"major": 1, "minor": 0},
          "version": {"major": 0, "minor": 4, "patch": 2, "extra": "dev"},
          "title": "Block request latency",
          "table-classes": {
            "disk-stats": {"title": "Per disk", "column-descriptions": [
                {"title": "Disk", "class": "disk"},
                {"title": "Requests", "class": "number", "unit": "requests"},
                {"title": "Maximum", "class": "duration"}]},
            "slowest": {"title": "Slowest", "column-descriptions": [
                {"title": "Issue to completion", "class": "time-range"},
                {"title": "Issuer", "class": "process"},
                {"title": "Queued behind", "class": "mixed"}]}
          }
        });
        assert_eq!(validate_metadata(&meta), Vec::<String>::new());
        let ts = |v: i64| json!({"class": "timestamp", "value": v});
        let results = json!({"results": [
          {"time-range": {"class": "time-range", "begin": ts(1), "end": ts(5)},
           "class": "disk-stats",
           "data": [[{"class": "disk", "name": "sda"}, {"class": "number", "value": 1},
                     {"class": "unknown"}]]},
          {"time-range": {"class": "time-range", "begin": ts(1), "end": ts(5)},
           "class": {"inherit": "slowest", "title": "Slowest [sda]"},
           "data": [[{"class": "time-range",
                      "begin": {"class": "timestamp", "low": 1, "high": 3}, "end": ts(4)},
                     {"class": "process", "tid": 91}, null]]}
        ]});
        assert_eq!(validate_results(&results, &meta), Vec::<String>::new());
    }

    #[test]
    fn trace_compass_rules_are_enforced() {
        let meta = json!({"mi-version": {"major": 1, "minor": 0},
            "table-classes": {"t": {"inherit": "x", "column-descriptions": [
                {"class": "duration", "unit": "ns"}, {"class": "bogus"}]}}});
        let problems = validate_metadata(&meta);
        assert!(problems.iter().any(|p| p.contains("missing title")));
        assert!(problems.iter().any(|p| p.contains("uses inherit")));
        assert!(problems.iter().any(|p| p.contains("unit on a `duration`")));
        assert!(problems.iter().any(|p| p.contains("unknown class `bogus`")));
    }

    #[test]
    fn bad_results_are_reported_with_their_location() {
        let meta = json!({"mi-version": {"major": 1, "minor": 0}, "title": "t",
            "table-classes": {"t": {"title": "T", "column-descriptions": [{"class": "duration"}]}}});
        let ts = |v: i64| json!({"class": "timestamp", "value": v});
        let results = json!({"results": [
            {"time-range": {"class": "time-range", "begin": ts(9), "end": ts(5)},
             "class": "t",
             "data": [[{"class": "duration", "value": 1.5}], [{"class": "size", "value": 1}], []]},
            {"time-range": {"class": "time-range", "begin": ts(1), "end": ts(5)},
             "class": "undeclared", "data": []}
        ]});
        let p = validate_results(&results, &meta);
        assert!(
            p.iter().any(|s| s.contains("begins after it ends")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|s| s.contains("results[0].data[0][0]") && s.contains("integer"))
        );
        assert!(
            p.iter()
                .any(|s| s.contains("`size` cell in a `duration` column"))
        );
        assert!(p.iter().any(|s| s.contains("0 cells for 1 columns")));
        assert!(p.iter().any(|s| s.contains("`undeclared` is not declared")));
    }

    #[test]
    fn our_writer_produces_valid_documents() {
        use crate::analysis::table::{Cell, Column, ColumnClass, Table, TableClass};
        use crate::lami::json::{Metadata, metadata_json, results_json};
        let class = TableClass {
            name: "per-tid".into(),
            title: "Per-TID top CPU usage".into(),
            columns: vec![
                Column::new("Process", ColumnClass::Process),
                Column::new("Duration", ColumnClass::Duration),
                Column::new("Usage", ColumnClass::Ratio),
                Column::counted("Migrations", "migrations"),
            ],
        };
        let meta = metadata_json(&Metadata {
            title: "CPU usage".into(),
            description: "d".into(),
            tags: vec!["cpu".into()],
            classes: vec![class.clone()],
        });
        assert_eq!(validate_metadata(&meta), Vec::<String>::new());
        let mut t = Table::new(class, 10, 20);
        t.rows.push(vec![
            Cell::process(Some("bash"), Some(1), Some(1)),
            Cell::Duration(5),
            Cell::Ratio(0.5),
            Cell::Count(2),
        ]);
        t.rows.push(vec![
            Cell::Unknown,
            Cell::Empty,
            Cell::Ratio(f64::INFINITY),
            Cell::Count(0),
        ]);
        let mut sub = t.clone();
        sub.subtitle = Some("cpu 0".into());
        assert_eq!(
            validate_results(&results_json(&[t, sub]), &meta),
            Vec::<String>::new()
        );
    }
}
