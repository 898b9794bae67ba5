//! Resumable transaction export.
//!
//! With an output file the export writes `FILE.partial` and, after every page, fsyncs it and
//! atomically replaces `FILE.checkpoint.json` (the query, the next page number, the bytes and
//! transactions written so far). Started again with the same query, it truncates the partial
//! file to the checkpointed length (dropping whatever a killed run wrote after its last
//! checkpoint) and continues with `TransactionPager::resume_at(next_page)`, so every
//! transaction ends up in the file exactly once. On completion `FILE.partial` is renamed to
//! `FILE` and the checkpoint removed. Paging rules (serial calls, page size, date window) are
//! the core pager's; nothing here second-guesses them.

use std::fs::{File, OpenOptions};
use std::io::{IsTerminal as _, Seek as _, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use paywire::saferpay::{Client, ReportPage, TransactionPager, TransactionQuery};
use serde::{Deserialize, Serialize};

use crate::args::Format;
use crate::exit::{CliError, CliResult};
use crate::output;

const CHECKPOINT_VERSION: u32 = 1;

/// What identifies an export: resuming with anything different would mix two reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryKey {
    pub start: String,
    pub end: String,
    pub state: String,
    pub terminal_id: Option<String>,
    pub page_size: u32,
    pub format: String,
}

impl QueryKey {
    pub fn new(query: &TransactionQuery, format: Format) -> QueryKey {
        QueryKey {
            start: query.start.to_wire(),
            end: query.end.to_wire(),
            state: query.state.clone(),
            terminal_id: query.terminal_id.clone(),
            page_size: query.page_size,
            format: format.extension().to_owned(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Checkpoint {
    pub version: u32,
    pub query: QueryKey,
    /// The page the next run fetches (1-based).
    pub next_page: u32,
    /// Length of the partial file that holds exactly the pages before `next_page`.
    pub bytes_written: u64,
    pub transactions_written: u64,
    pub pages_written: u32,
    pub total_transactions: Option<u64>,
    /// Every page is in the partial file; only the rename is left.
    pub complete: bool,
}

pub struct ExportOptions {
    pub progress: bool,
    pub restart: bool,
    pub stop_after_pages: Option<u32>,
    /// Shown in front of the progress bar.
    pub label: String,
}

#[derive(Debug, Default, Serialize)]
pub struct ExportSummary {
    pub file: Option<PathBuf>,
    /// Transactions in the output (including those written by earlier, interrupted runs).
    pub transactions: u64,
    pub total_transactions: Option<u64>,
    /// Report requests this run made.
    pub requests: u32,
    /// Set when this run continued an interrupted export.
    pub resumed_from_page: Option<u32>,
}

/// `FILE` + suffix, next to it.
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Progress on stderr, only when stderr is a terminal (never in pipes, cron or CI logs).
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(wanted: bool, label: &str) -> Progress {
        if !wanted || !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {pos} transactions") {
            bar.set_style(style);
        }
        bar.set_message(label.to_owned());
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar: Some(bar) }
    }

    fn set_total(&self, total: u64) {
        if let Some(bar) = &self.bar
            && bar.length() != Some(total)
        {
            if let Ok(style) = ProgressStyle::with_template(
                "{msg} [{bar:30}] {pos}/{len} transactions, {rate}, ETA {eta}",
            ) {
                let style = style
                    .with_key(
                        "rate",
                        |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                            let _ = write!(w, "{:.0}/s", state.per_sec());
                        },
                    )
                    .progress_chars("=> ");
                bar.set_style(style);
            }
            bar.set_length(total);
        }
    }

    fn start_at(&self, position: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(position);
            // The rate (and so the ETA) should reflect this run, not pages from an earlier one.
            bar.reset_eta();
        }
    }

    fn inc(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Fetches the next page on the core's runtime; the pager moves in and comes back.
fn fetch(pager: TransactionPager) -> CliResult<(TransactionPager, Option<ReportPage>)> {
    let (pager, page) = paywire::rt::block_on(async move {
        let mut pager = pager;
        let page = pager.next_page().await;
        Ok((pager, page))
    })?;
    Ok((pager, page?))
}

fn render(page: &ReportPage, format: Format) -> CliResult<Vec<u8>> {
    // About 1 KB per JSONL line: one allocation per page in the common case.
    let mut buffer = Vec::with_capacity(page.transactions.len() * 1024);
    for t in &page.transactions {
        match format {
            Format::Jsonl => {
                serde_json::to_writer(&mut buffer, &output::transaction(t)).map_err(|e| {
                    CliError::Internal(format!("cannot serialise a transaction: {e}"))
                })?;
                buffer.push(b'\n');
            }
            Format::Csv => output::write_transaction_csv(&mut buffer, t),
            Format::Parquet => {
                return Err(CliError::Internal(
                    "Parquet is written by its own writer, not as text".into(),
                ));
            }
        }
    }
    Ok(buffer)
}

fn warn_if_incomplete(written: u64, total: Option<u64>) {
    if let Some(total) = total
        && written != total
    {
        eprintln!(
            "warning: the provider announced {total} transactions but {written} were exported"
        );
    }
}

/// Streams the report to stdout (no checkpoint: there is no file to resume).
pub fn export_to_stdout(
    client: &Client,
    query: TransactionQuery,
    format: Format,
    options: &ExportOptions,
) -> CliResult<ExportSummary> {
    if format == Format::Parquet {
        let stdout = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout());
        return export_parquet(client, query, stdout, None, options);
    }
    // Stopping after N pages as asked must not leave page N + 1 requested.
    let mut pager = client
        .transactions(query)?
        .prefetch(options.stop_after_pages.is_none());
    let progress = Progress::new(options.progress, &options.label);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut summary = ExportSummary::default();
    if format == Format::Csv
        && let Err(e) = out.write_all(output::csv_header().as_bytes())
    {
        return stdout_error(&e, summary);
    }
    loop {
        let (next, page) = fetch(pager)?;
        pager = next;
        summary.requests += 1;
        let Some(page) = page else { break };
        summary.total_transactions = Some(page.total_transactions);
        progress.set_total(page.total_transactions);
        let bytes = render(&page, format)?;
        if let Err(e) = out.write_all(&bytes).and_then(|()| out.flush()) {
            progress.finish();
            return stdout_error(&e, summary);
        }
        let n = page.transactions.len() as u64;
        summary.transactions += n;
        progress.inc(n);
        if options
            .stop_after_pages
            .is_some_and(|stop| summary.requests >= stop)
        {
            progress.finish();
            return Err(CliError::TryAgain(format!(
                "stopped after {} page(s) as asked (--stop-after-pages)",
                summary.requests
            )));
        }
    }
    progress.finish();
    warn_if_incomplete(summary.transactions, summary.total_transactions);
    Ok(summary)
}

fn stdout_error(e: &std::io::Error, summary: ExportSummary) -> CliResult<ExportSummary> {
    // `| head` closing the pipe is the reader's choice, not a failure.
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Ok(summary)
    } else {
        Err(CliError::io("cannot write to stdout", e))
    }
}

fn read_checkpoint(path: &Path) -> CliResult<Option<Checkpoint>> {
    match std::fs::read(path) {
        Ok(bytes) => match serde_json::from_slice::<Checkpoint>(&bytes) {
            Ok(c) if c.version == CHECKPOINT_VERSION => Ok(Some(c)),
            Ok(c) => {
                eprintln!(
                    "warning: {} has checkpoint version {}; starting over",
                    path.display(),
                    c.version
                );
                Ok(None)
            }
            Err(e) => {
                eprintln!(
                    "warning: {} is unreadable ({e}); starting over",
                    path.display()
                );
                Ok(None)
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::io(format!("cannot read {}", path.display()), &e)),
    }
}

/// Replaces the checkpoint atomically: a reader sees the old one or the new one, never half.
fn write_checkpoint(path: &Path, checkpoint: &Checkpoint) -> CliResult<()> {
    let tmp = sibling(path, ".tmp");
    let bytes = serde_json::to_vec_pretty(checkpoint)
        .map_err(|e| CliError::Internal(format!("cannot serialise the checkpoint: {e}")))?;
    let io = |e: std::io::Error| CliError::io(format!("cannot write {}", path.display()), &e);
    let mut file = File::create(&tmp).map_err(io)?;
    file.write_all(&bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(io)
}

fn remove_if_exists(path: &Path) -> CliResult<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(CliError::io(
            format!("cannot remove {}", path.display()),
            &e,
        )),
    }
}

/// Makes a rename durable: the directory entry, not only the data, must reach the disk.
fn sync_parent(path: &Path) {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Ok(dir) = File::open(parent) {
        let _ = dir.sync_all();
    }
}

/// Empties the partial file (keeping a CSV header) and writes the first checkpoint.
fn start_over(
    partial: &mut File,
    partial_path: &Path,
    checkpoint_path: &Path,
    key: QueryKey,
    format: Format,
) -> CliResult<Checkpoint> {
    let io =
        |e: std::io::Error| CliError::io(format!("cannot write {}", partial_path.display()), &e);
    partial.set_len(0).map_err(io)?;
    partial.seek(SeekFrom::Start(0)).map_err(io)?;
    let header = match format {
        Format::Csv => output::csv_header().into_bytes(),
        Format::Jsonl | Format::Parquet => Vec::new(),
    };
    partial.write_all(&header).map_err(io)?;
    partial.sync_data().map_err(io)?;
    let checkpoint = Checkpoint {
        version: CHECKPOINT_VERSION,
        query: key,
        next_page: 1,
        bytes_written: header.len() as u64,
        transactions_written: 0,
        pages_written: 0,
        total_transactions: None,
        complete: false,
    };
    write_checkpoint(checkpoint_path, &checkpoint)?;
    Ok(checkpoint)
}

/// Exports to `out` through `out.partial`, checkpointing every page; resumes an interrupted
/// export of the same query.
pub fn export_to_file(
    client: &Client,
    query: TransactionQuery,
    format: Format,
    out: &Path,
    options: &ExportOptions,
) -> CliResult<ExportSummary> {
    if format == Format::Parquet {
        return export_parquet_to_file(client, query, out, options);
    }
    let key = QueryKey::new(&query, format);
    // Validate (and so fail with exit 2) before any file is touched.
    let pager = client.transactions(query.clone())?;
    let partial_path = sibling(out, ".partial");
    let checkpoint_path = sibling(out, ".checkpoint.json");
    let io = |what: &Path| {
        let what = what.display().to_string();
        move |e: std::io::Error| CliError::io(format!("cannot write {what}"), &e)
    };

    let mut partial = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&partial_path)
        .map_err(io(&partial_path))?;
    // One writer per export: a second run against the same file waits for another day.
    match partial.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(CliError::TryAgain(format!(
                "another paywire export is writing {}; try again when it has finished",
                partial_path.display()
            )));
        }
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(CliError::io(
                format!("cannot lock {}", partial_path.display()),
                &e,
            ));
        }
    }
    let partial_len = partial.metadata().map_err(io(&partial_path))?.len();

    let mut summary = ExportSummary {
        file: Some(out.to_path_buf()),
        ..ExportSummary::default()
    };
    let existing = if options.restart {
        None
    } else {
        read_checkpoint(&checkpoint_path)?
    };
    let resumable = match existing {
        Some(c) if c.query != key => {
            return Err(CliError::Usage(format!(
                "{} belongs to a different export (start {}, end {}, state {}, format {}); \
                 pass --restart to discard it, or choose another --out",
                checkpoint_path.display(),
                c.query.start,
                c.query.end,
                c.query.state,
                c.query.format
            )));
        }
        // An earlier run finished and renamed the file but died before removing the checkpoint.
        Some(c) if c.complete && partial_len == 0 && out.exists() => {
            drop(partial);
            remove_if_exists(&partial_path)?;
            remove_if_exists(&checkpoint_path)?;
            summary.transactions = c.transactions_written;
            summary.total_transactions = c.total_transactions;
            return Ok(summary);
        }
        Some(c) if partial_len < c.bytes_written => {
            eprintln!(
                "warning: {} is shorter than its checkpoint says; starting over",
                partial_path.display()
            );
            None
        }
        other => other,
    };

    let mut checkpoint = match resumable {
        Some(c) => {
            // Drop whatever was written after the last checkpoint: those transactions are on
            // the page we fetch again now.
            partial
                .set_len(c.bytes_written)
                .map_err(io(&partial_path))?;
            summary.resumed_from_page = Some(c.next_page);
            c
        }
        None => start_over(
            &mut partial,
            &partial_path,
            &checkpoint_path,
            key.clone(),
            format,
        )?,
    };
    partial
        .seek(SeekFrom::Start(checkpoint.bytes_written))
        .map_err(io(&partial_path))?;

    let progress = Progress::new(options.progress, &options.label);
    if let Some(total) = checkpoint.total_transactions {
        progress.set_total(total);
    }
    progress.start_at(checkpoint.transactions_written);

    let mut pager = pager
        .resume_at(checkpoint.next_page)
        .prefetch(options.stop_after_pages.is_none());
    while !checkpoint.complete {
        let (next, page) = match fetch(pager) {
            Ok(fetched) => fetched,
            Err(e) => {
                progress.finish();
                return Err(e);
            }
        };
        pager = next;
        summary.requests += 1;
        // Paging by number is only sound while the report stays the same. If the provider now
        // counts a different total than when the checkpoint was written, pages have shifted:
        // continuing could skip or repeat transactions, so start again from page 1.
        let resumed_first = summary.requests == 1 && summary.resumed_from_page.is_some();
        if resumed_first && let Some(expected) = checkpoint.total_transactions {
            let now = page
                .as_ref()
                .map_or(checkpoint.transactions_written, |p| p.total_transactions);
            if now != expected {
                eprintln!(
                    "warning: the report changed since the checkpoint ({expected} transactions then, {now} now); starting over"
                );
                checkpoint = start_over(
                    &mut partial,
                    &partial_path,
                    &checkpoint_path,
                    key.clone(),
                    format,
                )?;
                summary.resumed_from_page = None;
                pager = client
                    .transactions(query.clone())?
                    .prefetch(options.stop_after_pages.is_none());
                progress.start_at(0);
                continue;
            }
        }
        match page {
            None => checkpoint.complete = true,
            Some(page) => {
                let bytes = render(&page, format)?;
                partial.write_all(&bytes).map_err(io(&partial_path))?;
                // The checkpoint must never promise bytes that are not on disk.
                partial.sync_data().map_err(io(&partial_path))?;
                let n = page.transactions.len() as u64;
                checkpoint.bytes_written += bytes.len() as u64;
                checkpoint.transactions_written += n;
                checkpoint.pages_written += 1;
                checkpoint.next_page = pager.next_page_number();
                checkpoint.total_transactions = Some(page.total_transactions);
                checkpoint.complete = pager.is_done();
                write_checkpoint(&checkpoint_path, &checkpoint)?;
                progress.set_total(page.total_transactions);
                progress.inc(n);
            }
        }
        if !checkpoint.complete
            && options
                .stop_after_pages
                .is_some_and(|stop| summary.requests >= stop)
        {
            progress.finish();
            return Err(CliError::TryAgain(format!(
                "stopped after {} page(s) as asked (--stop-after-pages); run the same command again to resume from page {}",
                summary.requests, checkpoint.next_page
            )));
        }
    }
    if summary.requests > 0 {
        write_checkpoint(&checkpoint_path, &checkpoint)?;
    }
    progress.finish();

    std::fs::rename(&partial_path, out).map_err(|e| {
        CliError::io(
            format!(
                "cannot rename {} to {}",
                partial_path.display(),
                out.display()
            ),
            &e,
        )
    })?;
    sync_parent(out);
    drop(partial);
    remove_if_exists(&checkpoint_path)?;
    summary.transactions = checkpoint.transactions_written;
    summary.total_transactions = checkpoint.total_transactions;
    warn_if_incomplete(summary.transactions, summary.total_transactions);
    Ok(summary)
}

/// Parquet to `out.partial`, renamed to `out` when complete. A Parquet file ends in its footer,
/// so it cannot be continued after a crash: an interrupted export starts over (the checkpoint
/// machinery above is for the text formats).
fn export_parquet_to_file(
    client: &Client,
    query: TransactionQuery,
    out: &Path,
    options: &ExportOptions,
) -> CliResult<ExportSummary> {
    // Validate (and so fail with exit 2) before any file is touched.
    client.transactions(query.clone())?;
    let partial_path = sibling(out, ".partial");
    let io =
        |e: std::io::Error| CliError::io(format!("cannot write {}", partial_path.display()), &e);
    let partial = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&partial_path)
        .map_err(io)?;
    match partial.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(CliError::TryAgain(format!(
                "another paywire export is writing {}; try again when it has finished",
                partial_path.display()
            )));
        }
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(CliError::io(
                format!("cannot lock {}", partial_path.display()),
                &e,
            ));
        }
    }
    partial.set_len(0).map_err(io)?;
    let writer = std::io::BufWriter::with_capacity(1 << 20, &partial);
    let mut summary = export_parquet(client, query, writer, Some(&partial), options)?;
    std::fs::rename(&partial_path, out).map_err(|e| {
        CliError::io(
            format!(
                "cannot rename {} to {}",
                partial_path.display(),
                out.display()
            ),
            &e,
        )
    })?;
    sync_parent(out);
    drop(partial);
    // A text export of the same name that was interrupted leaves no checkpoint to mislead.
    remove_if_exists(&sibling(out, ".checkpoint.json"))?;
    summary.file = Some(out.to_path_buf());
    Ok(summary)
}

#[cfg(feature = "parquet")]
fn export_parquet<W: Write + Send>(
    client: &Client,
    query: TransactionQuery,
    out: W,
    durable: Option<&File>,
    options: &ExportOptions,
) -> CliResult<ExportSummary> {
    let mut writer = paywire::saferpay::TransactionParquetWriter::new(out)?;
    let mut pager = client
        .transactions(query)?
        .prefetch(options.stop_after_pages.is_none());
    let progress = Progress::new(options.progress, &options.label);
    let mut summary = ExportSummary::default();
    loop {
        let (next, page) = match fetch(pager) {
            Ok(fetched) => fetched,
            Err(e) => {
                progress.finish();
                return Err(e);
            }
        };
        pager = next;
        summary.requests += 1;
        let Some(page) = page else { break };
        summary.total_transactions = Some(page.total_transactions);
        progress.set_total(page.total_transactions);
        // One row group per page, handed to the output before the next page is decoded.
        writer.write_page(&page.transactions)?;
        let n = page.transactions.len() as u64;
        summary.transactions += n;
        progress.inc(n);
        if !pager.is_done()
            && options
                .stop_after_pages
                .is_some_and(|stop| summary.requests >= stop)
        {
            progress.finish();
            return Err(CliError::TryAgain(format!(
                "stopped after {} page(s) as asked (--stop-after-pages); a Parquet export starts over when run again",
                summary.requests
            )));
        }
    }
    progress.finish();
    let mut out = writer.finish()?;
    out.flush()
        .map_err(|e| CliError::io("cannot write the Parquet output", &e))?;
    drop(out);
    if let Some(file) = durable {
        file.sync_all()
            .map_err(|e| CliError::io("cannot write the Parquet output", &e))?;
    }
    warn_if_incomplete(summary.transactions, summary.total_transactions);
    Ok(summary)
}

#[cfg(not(feature = "parquet"))]
fn export_parquet<W: Write + Send>(
    _client: &Client,
    _query: TransactionQuery,
    _out: W,
    _durable: Option<&File>,
    _options: &ExportOptions,
) -> CliResult<ExportSummary> {
    Err(CliError::Usage(
        "this paywire was built without Parquet support (cargo feature `parquet`)".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sibling_appends_to_the_file_name() {
        assert_eq!(
            sibling(Path::new("a/b.csv"), ".partial"),
            PathBuf::from("a/b.csv.partial")
        );
    }
}
