//! Reported transactions as Parquet (feature `parquet`): typed columns (amounts in integer
//! minor units with their currency, dates as timestamps, flags as booleans) and one row group
//! per report page, written as the page arrives, so memory stays flat however long the report.

use std::io::Write;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Int64Builder, StringBuilder, TimestampMillisecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use chrono::NaiveDateTime;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

use super::reporting::ReportedTransaction;
use crate::error::Error;

/// The columns, in file order.
fn schema() -> SchemaRef {
    let text = |name: &str, nullable: bool| Field::new(name, DataType::Utf8, nullable);
    let flag = |name: &str| Field::new(name, DataType::Boolean, false);
    Arc::new(Schema::new(vec![
        text("id", false),
        text("type", true),
        text("status", false),
        Field::new("amount_minor", DataType::Int64, true),
        text("currency", true),
        Field::new("captured_amount_minor", DataType::Int64, true),
        text("order_id", true),
        // Saferpay sends local wall-clock times without an offset: no time zone here either.
        Field::new(
            "date",
            DataType::Timestamp(TimeUnit::Millisecond, None),
            true,
        ),
        text("customer_id", false),
        text("terminal_id", false),
        text("terminal_type", true),
        text("application", true),
        text("payment_method", true),
        text("provider", true),
        text("description", true),
        text("payer_id", true),
        flag("is_captured"),
        flag("is_refunded"),
        flag("is_cancelled"),
        text("declined_by", true),
        // The provider's record as JSON text: nothing it sent is lost.
        text("raw", false),
    ]))
}

/// `2026-11-20T10:00:00.000` (or without fractions) as milliseconds since the epoch, read as
/// UTC wall-clock time; anything else is null.
fn timestamp(date: Option<&str>) -> Option<i64> {
    let date = date?;
    NaiveDateTime::parse_from_str(date, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(date, "%Y-%m-%dT%H:%M"))
        .ok()
        .map(|at| at.and_utc().timestamp_millis())
}

fn parquet_error(e: impl std::fmt::Display) -> Error {
    Error::internal(format!("cannot write Parquet: {e}"))
}

/// Writes reported transactions into a Parquet file, one row group per [`write_page`] call.
///
/// [`write_page`]: TransactionParquetWriter::write_page
pub struct TransactionParquetWriter<W: Write + Send> {
    writer: ArrowWriter<W>,
    schema: SchemaRef,
    rows: u64,
}

impl<W: Write + Send> TransactionParquetWriter<W> {
    pub fn new(out: W) -> Result<TransactionParquetWriter<W>, Error> {
        let schema = schema();
        let properties = WriterProperties::builder()
            .set_created_by(format!("paywire {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = ArrowWriter::try_new(out, Arc::clone(&schema), Some(properties))
            .map_err(parquet_error)?;
        Ok(TransactionParquetWriter {
            writer,
            schema,
            rows: 0,
        })
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Bytes handed to the output so far (complete row groups).
    pub fn bytes_written(&self) -> usize {
        self.writer.bytes_written()
    }

    /// Writes one page as a row group (and flushes it, so nothing of it stays in memory).
    pub fn write_page(&mut self, transactions: &[ReportedTransaction]) -> Result<(), Error> {
        if transactions.is_empty() {
            return Ok(());
        }
        let n = transactions.len();
        let texts = |get: &dyn Fn(&ReportedTransaction) -> Option<&str>| -> ArrayRef {
            let bytes = transactions
                .iter()
                .map(|t| get(t).map_or(0, str::len))
                .sum();
            let mut column = StringBuilder::with_capacity(n, bytes);
            for t in transactions {
                column.append_option(get(t));
            }
            Arc::new(column.finish())
        };
        let flags = |get: &dyn Fn(&ReportedTransaction) -> bool| -> ArrayRef {
            let mut column = BooleanBuilder::with_capacity(n);
            for t in transactions {
                column.append_value(get(t));
            }
            Arc::new(column.finish())
        };
        let mut amount = Int64Builder::with_capacity(n);
        let mut captured = Int64Builder::with_capacity(n);
        let mut date = TimestampMillisecondBuilder::with_capacity(n);
        for t in transactions {
            amount.append_option(t.amount.map(|m| m.minor()));
            captured.append_option(t.captured_amount.map(|m| m.minor()));
            date.append_option(timestamp(t.date.as_deref()));
        }
        let columns: Vec<ArrayRef> = vec![
            texts(&|t| Some(&t.id)),
            texts(&|t| t.transaction_type.as_deref()),
            texts(&|t| Some(&t.status)),
            Arc::new(amount.finish()),
            // Currency codes are short: a plain column (dictionary encoding is the writer's).
            {
                let mut column = StringBuilder::with_capacity(n, n * 3);
                for t in transactions {
                    column.append_option(t.amount.map(|m| m.currency()).as_ref().map(|c| c.code()));
                }
                Arc::new(column.finish())
            },
            Arc::new(captured.finish()),
            texts(&|t| t.order_id.as_deref()),
            Arc::new(date.finish()),
            texts(&|t| Some(&t.customer_id)),
            texts(&|t| Some(&t.terminal_id)),
            texts(&|t| t.terminal_type.as_deref()),
            texts(&|t| t.application.as_deref()),
            texts(&|t| t.payment_method.as_deref()),
            texts(&|t| t.provider.as_deref()),
            texts(&|t| t.description.as_deref()),
            texts(&|t| t.payer_id.as_deref()),
            flags(&|t| t.is_captured),
            flags(&|t| t.is_refunded),
            flags(&|t| t.is_cancelled),
            texts(&|t| t.declined_by.as_deref()),
            texts(&|t| Some(t.raw.get())),
        ];
        let batch =
            RecordBatch::try_new(Arc::clone(&self.schema), columns).map_err(parquet_error)?;
        self.writer.write(&batch).map_err(parquet_error)?;
        self.writer.flush().map_err(parquet_error)?;
        self.rows += n as u64;
        Ok(())
    }

    /// Writes the footer and returns the output.
    pub fn finish(self) -> Result<W, Error> {
        self.writer.into_inner().map_err(parquet_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};

    #[test]
    fn dates_become_timestamps() {
        assert_eq!(timestamp(Some("1970-01-01T00:00:01.500")), Some(1500));
        assert_eq!(timestamp(Some("1970-01-01T00:01")), Some(60_000));
        assert_eq!(timestamp(Some("yesterday")), None);
        assert_eq!(timestamp(None), None);
    }

    #[test]
    fn one_row_group_per_page() {
        let raw = serde_json::json!({
            "TransactionId": "t1", "MerchantAmount": "5.00", "MerchantCurrency": "CHF",
            "AuthorizationDetails": {"State": "CAPTURED", "AuthorizationDate": "2026-11-20T10:00:00.000"}
        });
        let t = ReportedTransaction::from_wire(raw).unwrap();
        let mut writer = TransactionParquetWriter::new(Vec::new()).unwrap();
        writer.write_page(&[t.clone(), t.clone()]).unwrap();
        writer.write_page(&[t]).unwrap();
        assert_eq!(writer.rows(), 3);
        let bytes = writer.finish().unwrap();
        let reader = SerializedFileReader::new(bytes::Bytes::from(bytes)).unwrap();
        let meta = reader.metadata();
        assert_eq!(meta.num_row_groups(), 2);
        assert_eq!(meta.file_metadata().num_rows(), 3);
    }
}
