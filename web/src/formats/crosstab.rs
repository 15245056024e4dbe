//! A cross-tabulation (`GET /api/v1/stats?format=csv`) as a wide CSV table.

use std::collections::HashMap;

use lessons_index::CrossTab;

/// The table as RFC 4180 CSV: a header (the rows facet's name, then each column
/// value), then one line per row value with its counts; no totals.
pub fn wide_csv(table: &CrossTab) -> Vec<u8> {
    let counts: HashMap<(&str, &str), u64> = table
        .cells
        .iter()
        .map(|c| ((c.row.as_str(), c.col.as_str()), c.count))
        .collect();
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut header = vec![table.row_facet.key().to_string()];
    header.extend(table.cols.iter().map(|c| c.value.clone()));
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(&header);
    for row in &table.rows {
        let mut line = vec![row.value.clone()];
        line.extend(table.cols.iter().map(|col| {
            let count = counts.get(&(row.value.as_str(), col.value.as_str()));
            count.copied().unwrap_or(0).to_string()
        }));
        let _ = writer.write_record(&line);
    }
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lessons_index::{CrossCell, FacetName};

    #[test]
    fn the_wide_csv_has_a_header_and_zero_filled_counts() {
        let count = |value: &str, count| lessons_index::FacetCount {
            value: value.into(),
            label: value.into(),
            count,
        };
        let table = CrossTab {
            row_facet: FacetName::Year,
            col_facet: FacetName::Incident,
            rows: vec![count("2008", 2), count("2009", 1)],
            cols: vec![count("death", 2), count("serious_harm", 1)],
            cells: vec![
                CrossCell {
                    row: "2008".into(),
                    col: "death".into(),
                    count: 1,
                },
                CrossCell {
                    row: "2008".into(),
                    col: "serious_harm".into(),
                    count: 1,
                },
                CrossCell {
                    row: "2009".into(),
                    col: "death".into(),
                    count: 1,
                },
            ],
            total: 3,
        };
        assert_eq!(
            String::from_utf8(wide_csv(&table)).unwrap(),
            "year,death,serious_harm\r\n2008,1,1\r\n2009,1,0\r\n"
        );
    }
}
