//! Writing CSV for spreadsheets: one header, then one record per row, quoted as needed.

/// Writing CSV failed: a fault of routewise, never of the user's input.
#[derive(Debug, thiserror::Error)]
#[error("writing CSV failed: {0}")]
pub struct CsvError(String);

/// A CSV text from a header and rows.
pub fn csv_text(
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<String, CsvError> {
    let fail = |e: csv::Error| CsvError(e.to_string());
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).map_err(fail)?;
    for row in rows {
        writer.write_record(&row).map_err(fail)?;
    }
    let bytes = writer.into_inner().map_err(|e| CsvError(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| CsvError(e.to_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_with_commas_are_quoted() {
        let text =
            super::csv_text(&["a", "b"], [vec!["x,y".to_string(), "z".to_string()]]).unwrap();
        assert_eq!(text, "a,b\n\"x,y\",z\n");
    }
}
