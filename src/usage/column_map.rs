//! Any CSV through a column map: `--map input_tokens=prompt_tokens,model=model_group`.
//!
//! Each pair names a routewise column (see [`super::csv_header`]) and the file's column
//! that holds it. The header row is rewritten before it is read, so every other rule of the
//! usage CSV holds: a mapped column is read exactly as the named one would be, a column the
//! map replaces is ignored (and said so in the notes), and a source column the file does
//! not have is an error listing the columns it does have. With `--input-includes-cache`
//! the input column is taken as OpenAI-style (cache reads and writes included) and they
//! are subtracted, as [`super::record::InputConvention::IncludesCache`] says.

use ::csv::ByteRecord;

use super::csv_header::Column;

/// Where the file keeps each routewise column it does not name itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    /// (routewise column, the file's column).
    pairs: Vec<(Column, String)>,
}

impl ColumnMap {
    /// Parses `target=source,target=source`. Errors say which pair is wrong and why.
    pub fn parse(text: &str) -> Result<ColumnMap, String> {
        let mut pairs: Vec<(Column, String)> = Vec::new();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((target, source)) = pair.split_once('=') else {
                return Err(format!(
                    "--map: `{pair}` is not `column=source` (for example `input_tokens=prompt_tokens`)"
                ));
            };
            let (target, source) = (target.trim(), source.trim());
            let column = Column::ALL
                .iter()
                .find(|c| c.name().eq_ignore_ascii_case(target))
                .ok_or_else(|| {
                    let names: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
                    format!(
                        "--map: `{target}` is not a routewise usage column; the columns are {}",
                        names.join(", ")
                    )
                })?;
            if source.is_empty() {
                return Err(format!("--map: `{pair}` names no source column"));
            }
            if pairs.iter().any(|(c, _)| c == column) {
                return Err(format!("--map: `{target}` is mapped twice"));
            }
            pairs.push((*column, source.to_owned()));
        }
        Ok(ColumnMap { pairs })
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The header with mapped columns renamed to routewise's names, and the columns they
    /// replace renamed out of the way. A source the header lacks is an error listing the
    /// columns present.
    pub fn apply(&self, header: &ByteRecord) -> Result<ByteRecord, String> {
        let names: Vec<String> = header
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_owned())
            .collect();
        let mut renamed = names.clone();
        for (column, source) in &self.pairs {
            let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(source)) else {
                return Err(format!(
                    "--map {}={source}: the file has no column `{source}`; its columns are: {}",
                    column.name(),
                    names.join(", ")
                ));
            };
            // A column already called by the target's name is replaced, so not read.
            for (j, name) in names.iter().enumerate() {
                if j != i && name.eq_ignore_ascii_case(column.name()) {
                    renamed[j] = format!("{name} (replaced by --map)");
                }
            }
            renamed[i] = column.name().to_owned();
        }
        Ok(ByteRecord::from(renamed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_parse_and_rename_the_header() {
        let map =
            ColumnMap::parse("input_tokens=prompt_tokens, model=model_group,timestamp=startTime")
                .unwrap();
        let header = ByteRecord::from(vec!["startTime", "model", "model_group", "prompt_tokens"]);
        let renamed = map.apply(&header).unwrap();
        assert_eq!(
            renamed
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect::<Vec<_>>(),
            [
                "timestamp",
                "model (replaced by --map)",
                "model",
                "input_tokens"
            ]
        );
    }

    #[test]
    fn mistakes_are_explained() {
        assert!(
            ColumnMap::parse("tokens=prompt")
                .unwrap_err()
                .contains("not a routewise usage column")
        );
        assert!(
            ColumnMap::parse("input_tokens")
                .unwrap_err()
                .contains("column=source")
        );
        assert!(
            ColumnMap::parse("model=a,model=b")
                .unwrap_err()
                .contains("twice")
        );
        let map = ColumnMap::parse("input_tokens=prompt_tokens").unwrap();
        let e = map.apply(&ByteRecord::from(vec!["a", "b"])).unwrap_err();
        assert!(
            e.contains("no column `prompt_tokens`; its columns are: a, b"),
            "{e}"
        );
    }
}
