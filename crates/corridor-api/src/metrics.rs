//! Prometheus metrics in the text format: requests by route and status, request latency
//! histograms by route, ledger batches, the requests they merged, and transfers.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Latency bucket bounds, in seconds.
const BUCKETS: [f64; 12] = [
    0.000_25, 0.000_5, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0,
];

#[derive(Debug, Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The service's metrics.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    batches: AtomicU64,
    batched_requests: AtomicU64,
    transfers: AtomicU64,
    clearing_runs: AtomicU64,
}

impl Metrics {
    /// Counts one answered request.
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut requests) = self.requests.lock() {
            *requests
                .entry((method.to_owned(), route.to_owned(), status))
                .or_insert(0) += 1;
        }
        if let Ok(mut latency) = self.latency.lock() {
            let histogram = latency.entry(route.to_owned()).or_default();
            for (bound, count) in BUCKETS.iter().zip(histogram.counts.iter_mut()) {
                if seconds <= *bound {
                    *count += 1;
                }
            }
            histogram.count += 1;
            histogram.sum += seconds;
        }
    }

    /// Counts one ledger batch of transfers that merged `requests` requests.
    pub fn batch(&self, requests: usize, transfers: usize) {
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.batched_requests
            .fetch_add(requests as u64, Ordering::Relaxed);
        self.transfers
            .fetch_add(transfers as u64, Ordering::Relaxed);
    }

    /// Counts one clearing run (a new cycle cleared and kept).
    pub fn clearing_run(&self) {
        self.clearing_runs.fetch_add(1, Ordering::Relaxed);
    }

    /// The metrics in Prometheus' text format.
    pub fn render(&self) -> String {
        let mut text = String::new();
        text.push_str("# HELP corridor_http_requests_total HTTP requests answered.\n");
        text.push_str("# TYPE corridor_http_requests_total counter\n");
        if let Ok(requests) = self.requests.lock() {
            for ((method, route, status), count) in requests.iter() {
                let _ = writeln!(
                    text,
                    "corridor_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {count}"
                );
            }
        }
        text.push_str("# HELP corridor_http_request_seconds Time to answer a request.\n");
        text.push_str("# TYPE corridor_http_request_seconds histogram\n");
        if let Ok(latency) = self.latency.lock() {
            for (route, histogram) in latency.iter() {
                for (bound, count) in BUCKETS.iter().zip(histogram.counts.iter()) {
                    let _ = writeln!(
                        text,
                        "corridor_http_request_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                    );
                }
                let _ = writeln!(
                    text,
                    "corridor_http_request_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\ncorridor_http_request_seconds_sum{{route=\"{route}\"}} {}\ncorridor_http_request_seconds_count{{route=\"{route}\"}} {}",
                    histogram.count, histogram.sum, histogram.count
                );
            }
        }
        for (name, help, value) in [
            (
                "corridor_ledger_batches_total",
                "Ledger batches of transfers applied (one durable write each).",
                &self.batches,
            ),
            (
                "corridor_ledger_batched_requests_total",
                "Transfer requests applied in those batches.",
                &self.batched_requests,
            ),
            (
                "corridor_ledger_transfers_total",
                "Transfers applied (every result, ok or not).",
                &self.transfers,
            ),
            (
                "corridor_clearing_runs_total",
                "Clearing runs: new cycles cleared and kept.",
                &self.clearing_runs,
            ),
        ] {
            let _ = writeln!(
                text,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
        text
    }
}
