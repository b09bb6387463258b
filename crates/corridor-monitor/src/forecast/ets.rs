//! The ETS state-space models (Hyndman, Koehler, Ord and Snyder 2008, *Forecasting with
//! Exponential Smoothing: the State Space Approach*, table 2.3): the filter that runs a
//! model over the data, the heuristic initial states, the likelihood, the fit of one model,
//! and the point forecasts, prediction variances and simulated paths.
//!
//! Everything here works on the series divided by its mean (so values are about 1), which
//! keeps the optimiser's steps and tolerances independent of the currency's size.

use super::nelder_mead;
use super::{ErrorType, ModelKind, SeasonType, TrendType};
use crate::rng::SplitMix64;

/// Smoothing parameters. `beta` is used only with a trend, `gamma` only with a season and
/// `phi` only with a damped trend.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Params {
    pub(crate) alpha: f64,
    pub(crate) beta: f64,
    pub(crate) gamma: f64,
    pub(crate) phi: f64,
}

/// The model's state after some observation: level, trend (slope), and the seasonal terms
/// as a ring indexed by `time % m` (the term for time `t` is `season[t % m]`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct State {
    pub(crate) level: f64,
    pub(crate) trend: f64,
    pub(crate) season: Vec<f64>,
}

/// A model of one kind fitted to one (scaled) series.
#[derive(Debug, Clone)]
pub(crate) struct Fitted {
    pub(crate) kind: ModelKind,
    pub(crate) m: usize,
    pub(crate) params: Params,
    /// State after the last observation.
    pub(crate) last: State,
    /// Observations.
    pub(crate) n: usize,
    /// Standard deviation of the one-step errors: absolute (scaled units) for additive
    /// errors, relative for multiplicative ones.
    pub(crate) sigma: f64,
    /// Minus twice the log-likelihood, in scaled units.
    pub(crate) neg2loglik: f64,
    /// Number of parameters counted by the information criterion (including σ).
    pub(crate) k: usize,
}

/// Bounds of the smoothing parameters ("usual" region of Hyndman et al. §10.2, narrowed by
/// a margin so the optimiser never sits on an edge).
const EPS: f64 = 1e-4;
const PHI_LO: f64 = 0.8;
const PHI_HI: f64 = 0.98;

/// Lower bound on the sum of squared errors per observation, so that a perfectly fitting
/// model (a constant series) has a finite likelihood.
const SSE_FLOOR_PER_OBS: f64 = 1e-30;

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

impl ModelKind {
    fn has_trend(self) -> bool {
        self.trend != TrendType::None
    }

    fn has_season(self) -> bool {
        self.season != SeasonType::None
    }

    fn damped(self) -> bool {
        self.trend == TrendType::Damped
    }

    /// Smoothing parameters optimised (α, β, γ, φ as present).
    fn smoothing_count(self) -> usize {
        1 + usize::from(self.has_trend())
            + usize::from(self.has_season())
            + usize::from(self.damped())
    }

    /// Whether the model needs strictly positive data.
    pub(crate) fn needs_positive(self) -> bool {
        self.error == ErrorType::Multiplicative || self.season == SeasonType::Multiplicative
    }
}

/// One observation's worth of the model: the one-step mean, then the state update for
/// error `e` (absolute for additive errors, relative for multiplicative ones).
struct Step {
    base: f64,
    phib: f64,
    s: f64,
    mu: f64,
}

fn prepare(kind: ModelKind, p: &Params, st: &State, idx: usize) -> Step {
    let phib = match kind.trend {
        TrendType::None => 0.0,
        TrendType::Additive => st.trend,
        TrendType::Damped => p.phi * st.trend,
    };
    let base = st.level + phib;
    let s = st.season[idx];
    let mu = match kind.season {
        SeasonType::None => base,
        SeasonType::Additive => base + s,
        SeasonType::Multiplicative => base * s,
    };
    Step { base, phib, s, mu }
}

/// Applies the state equations of table 2.3 for error `e`.
fn apply(kind: ModelKind, p: &Params, st: &mut State, idx: usize, step: &Step, e: f64) {
    let Step { base, phib, s, mu } = *step;
    let (level, trend, season) = match (kind.error, kind.season) {
        (ErrorType::Additive, SeasonType::None) => (base + p.alpha * e, phib + p.beta * e, s),
        (ErrorType::Additive, SeasonType::Additive) => {
            (base + p.alpha * e, phib + p.beta * e, s + p.gamma * e)
        }
        (ErrorType::Additive, SeasonType::Multiplicative) => (
            base + p.alpha * e / s,
            phib + p.beta * e / s,
            s + p.gamma * e / base,
        ),
        (ErrorType::Multiplicative, SeasonType::None) => {
            (base * (1.0 + p.alpha * e), phib + p.beta * base * e, s)
        }
        (ErrorType::Multiplicative, SeasonType::Additive) => (
            base + p.alpha * mu * e,
            phib + p.beta * mu * e,
            s + p.gamma * mu * e,
        ),
        (ErrorType::Multiplicative, SeasonType::Multiplicative) => (
            base * (1.0 + p.alpha * e),
            phib + p.beta * base * e,
            s * (1.0 + p.gamma * e),
        ),
    };
    st.level = level;
    st.trend = if kind.has_trend() { trend } else { 0.0 };
    st.season[idx] = season;
}

/// Runs the model over `y` from `init`. Returns the final state, the sum of squared errors
/// and the sum of `ln μ_t` (used by multiplicative-error likelihoods), or `None` when the
/// model breaks down (a non-finite state, or a non-positive mean under multiplicative error).
fn filter(
    kind: ModelKind,
    m: usize,
    p: &Params,
    init: &State,
    y: &[f64],
) -> Option<(State, f64, f64)> {
    let mut st = init.clone();
    let mut sse = 0.0;
    let mut sum_ln_mu = 0.0;
    for (t, &yt) in y.iter().enumerate() {
        let idx = t % m;
        let step = prepare(kind, p, &st, idx);
        let e = match kind.error {
            ErrorType::Additive => yt - step.mu,
            ErrorType::Multiplicative => {
                if step.mu <= 0.0 || !step.mu.is_finite() {
                    return None;
                }
                sum_ln_mu += step.mu.ln();
                (yt - step.mu) / step.mu
            }
        };
        sse += e * e;
        apply(kind, p, &mut st, idx, &step, e);
        if !(st.level.is_finite() && st.trend.is_finite() && st.season[idx].is_finite()) {
            return None;
        }
    }
    Some((st, sse, sum_ln_mu))
}

/// Heuristic initial states (after Hyndman et al. §2.6.1): seasonal terms from a classical
/// decomposition (centred moving average) of the first full seasons, at most four;
/// level and slope from a least-squares line through the first seasonally adjusted values
/// (two seasons, or ten values without a season). Requires `y.len() >= 2 * m` for seasonal
/// models and positive data for multiplicative seasonality.
fn heuristic_init(kind: ModelKind, m: usize, y: &[f64]) -> State {
    let n = y.len();
    let season = match kind.season {
        SeasonType::None => vec![0.0; m],
        SeasonType::Additive | SeasonType::Multiplicative => {
            let multiplicative = kind.season == SeasonType::Multiplicative;
            let k = (n / m).min(4) * m;
            let window = &y[..k];
            let half = m / 2;
            let mut sums = vec![0.0; m];
            let mut counts = vec![0usize; m];
            #[allow(clippy::cast_precision_loss)]
            let mf = m as f64;
            for t in half..k - half {
                let ma = if m.is_multiple_of(2) {
                    (0.5 * window[t - half]
                        + window[t - half + 1..t + half].iter().sum::<f64>()
                        + 0.5 * window[t + half])
                        / mf
                } else {
                    window[t - half..=t + half].iter().sum::<f64>() / mf
                };
                let detrended = if multiplicative {
                    window[t] / ma
                } else {
                    window[t] - ma
                };
                sums[t % m] += detrended;
                counts[t % m] += 1;
            }
            #[allow(clippy::cast_precision_loss)]
            let mut s: Vec<f64> = sums
                .iter()
                .zip(&counts)
                .map(|(sum, &c)| {
                    if c == 0 {
                        if multiplicative {
                            1.0
                        } else {
                            0.0
                        }
                    } else {
                        sum / c as f64
                    }
                })
                .collect();
            let mean = s.iter().sum::<f64>() / mf;
            for v in &mut s {
                if multiplicative {
                    *v /= mean;
                } else {
                    *v -= mean;
                }
            }
            s
        }
    };
    let adjusted: Vec<f64> = y
        .iter()
        .enumerate()
        .map(|(t, &v)| match kind.season {
            SeasonType::None => v,
            SeasonType::Additive => v - season[t % m],
            SeasonType::Multiplicative => v / season[t % m],
        })
        .collect();
    let span = if kind.has_season() { 2 * m } else { 10 };
    let first = &adjusted[..span.min(n)];
    #[allow(clippy::cast_precision_loss)]
    let len = first.len() as f64;
    let (level, trend) = if kind.has_trend() && first.len() >= 2 {
        // Least squares of a_t on x = t + 1; the level is the line at x = 0.
        #[allow(clippy::cast_precision_loss)]
        let xs: Vec<f64> = (1..=first.len()).map(|x| x as f64).collect();
        let mx = xs.iter().sum::<f64>() / len;
        let my = first.iter().sum::<f64>() / len;
        let sxy: f64 = xs.iter().zip(first).map(|(x, y)| (x - mx) * (y - my)).sum();
        let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
        let slope = sxy / sxx;
        (my - slope * mx, slope)
    } else {
        let take = if kind.has_season() {
            m.min(n)
        } else {
            10.min(n)
        };
        #[allow(clippy::cast_precision_loss)]
        let mean = adjusted[..take].iter().sum::<f64>() / take as f64;
        (mean, 0.0)
    };
    State {
        level,
        trend,
        season,
    }
}

/// Decodes the optimiser's unconstrained vector into parameters and initial states.
fn decode(kind: ModelKind, x: &[f64], base: &State) -> (Params, State) {
    let mut i = 0;
    let mut next = || {
        let v = x[i];
        i += 1;
        v
    };
    let alpha = EPS + (1.0 - 2.0 * EPS) * sigmoid(next());
    let beta = if kind.has_trend() {
        alpha * (EPS + (1.0 - 2.0 * EPS) * sigmoid(next()))
    } else {
        0.0
    };
    let gamma = if kind.has_season() {
        (1.0 - alpha) * (EPS + (1.0 - 2.0 * EPS) * sigmoid(next()))
    } else {
        0.0
    };
    let phi = if kind.damped() {
        PHI_LO + (PHI_HI - PHI_LO) * sigmoid(next())
    } else {
        1.0
    };
    let mut st = base.clone();
    st.level = next();
    if kind.has_trend() {
        st.trend = next();
    }
    (
        Params {
            alpha,
            beta,
            gamma,
            phi,
        },
        st,
    )
}

/// Minus twice the log-likelihood of the errors (Gaussian, σ concentrated out), in scaled
/// units: `n ln(SSE/n) + n (1 + ln 2π) + 2 Σ ln μ_t` (the last term for multiplicative
/// errors only; Hyndman et al. §5.2).
fn neg2loglik(n: usize, sse: f64, sum_ln_mu: f64, kind: ModelKind) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let nf = n as f64;
    let sse = sse.max(SSE_FLOOR_PER_OBS * nf);
    let mut v = nf * (sse / nf).ln() + nf * (1.0 + (std::f64::consts::TAU).ln());
    if kind.error == ErrorType::Multiplicative {
        v += 2.0 * sum_ln_mu;
    }
    v
}

/// Fits one model kind to the scaled series by maximum likelihood: Nelder–Mead over the
/// smoothing parameters (logit-transformed into their bounds) and the initial level and
/// slope, from two starting points, each run restarted once from its optimum. The seasonal
/// initial states stay at their heuristic values. `None` when no admissible fit exists.
pub(crate) fn fit(kind: ModelKind, m: usize, y: &[f64]) -> Option<Fitted> {
    let n = y.len();
    let m_eff = if kind.has_season() { m } else { 1 };
    let base = heuristic_init(kind, m_eff, y);
    let objective = |x: &[f64]| {
        let (p, init) = decode(kind, x, &base);
        match filter(kind, m_eff, &p, &init, y) {
            Some((_, sse, ln_mu)) => neg2loglik(n, sse, ln_mu, kind),
            None => f64::INFINITY,
        }
    };
    let mut best: Option<nelder_mead::Minimum> = None;
    for alpha0 in [0.2, 0.6] {
        let mut start = vec![logit(alpha0)];
        let mut steps = vec![1.0];
        if kind.has_trend() {
            start.push(logit(0.1));
            steps.push(1.0);
        }
        if kind.has_season() {
            start.push(logit(0.1));
            steps.push(1.0);
        }
        if kind.damped() {
            start.push(0.0);
            steps.push(1.0);
        }
        start.push(base.level);
        steps.push(0.05 * base.level.abs().max(0.1));
        if kind.has_trend() {
            start.push(base.trend);
            steps.push(0.01 * base.level.abs().max(0.1));
        }
        let mut run = nelder_mead::minimize(objective, &start, &steps, 1e-10, 3_000);
        let again = nelder_mead::minimize(objective, &run.x, &steps, 1e-10, 3_000);
        if again.value < run.value {
            run = again;
        }
        if best.as_ref().is_none_or(|b| run.value < b.value) {
            best = Some(run);
        }
    }
    let best = best?;
    if !best.value.is_finite() {
        return None;
    }
    let (params, init) = decode(kind, &best.x, &base);
    let (last, sse, ln_mu) = filter(kind, m_eff, &params, &init, y)?;
    // Parameters counted by the information criterion: smoothing parameters, initial level,
    // slope and seasonal terms (m − 1 free, as they are normalised), and σ.
    let k = kind.smoothing_count()
        + 1
        + usize::from(kind.has_trend())
        + if kind.has_season() { m - 1 } else { 0 }
        + 1;
    // σ² = SSE / (n − k), every estimated quantity counted (as `forecast::ets` does): the
    // heuristic seasonal terms are estimated from the same data and shrink the errors too.
    #[allow(clippy::cast_precision_loss)]
    let dof = n.saturating_sub(k - 1).max(1) as f64;
    #[allow(clippy::cast_precision_loss)]
    let floor = SSE_FLOOR_PER_OBS * n as f64;
    let sigma = (sse.max(floor) / dof).sqrt();
    Some(Fitted {
        kind,
        m: m_eff,
        params,
        last,
        n,
        sigma,
        neg2loglik: neg2loglik(n, sse, ln_mu, kind),
        k,
    })
}

impl Fitted {
    /// AIC in scaled units.
    pub(crate) fn aic(&self) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let kf = self.k as f64;
        self.neg2loglik + 2.0 * kf
    }

    /// AICc in scaled units; `None` when the model has too many parameters for the data.
    pub(crate) fn aicc(&self) -> Option<f64> {
        let n = self.n;
        let k = self.k;
        if n <= k + 1 {
            return None;
        }
        #[allow(clippy::cast_precision_loss)]
        let (nf, kf) = (n as f64, k as f64);
        Some(self.neg2loglik + 2.0 * kf + 2.0 * kf * (kf + 1.0) / (nf - kf - 1.0))
    }

    /// Point forecasts for steps 1..=horizon: the state equations run with zero errors.
    pub(crate) fn point_forecasts(&self, horizon: usize) -> Vec<f64> {
        let mut st = self.last.clone();
        (0..horizon)
            .map(|h| {
                let idx = (self.n + h) % self.m;
                let step = prepare(self.kind, &self.params, &st, idx);
                apply(self.kind, &self.params, &mut st, idx, &step, 0.0);
                step.mu
            })
            .collect()
    }

    /// Whether the forecast variance has a closed form (Hyndman et al. class 1: additive
    /// errors, no or additive season).
    pub(crate) fn analytic_variance(&self) -> bool {
        self.kind.error == ErrorType::Additive && self.kind.season != SeasonType::Multiplicative
    }

    /// Forecast variances for steps 1..=horizon of a class 1 model: `σ² (1 + Σ_{j<h} c_j²)`
    /// with `c_j = α + β φ_j + γ d_{j,m}` (Hyndman et al. table 6.1), where `φ_j` is `j`
    /// for an additive trend, `φ + … + φ^j` for a damped one and 0 without a trend, and
    /// `d_{j,m}` is 1 when `j` is a multiple of `m` (with a season) and 0 otherwise.
    pub(crate) fn analytic_variances(&self, horizon: usize) -> Vec<f64> {
        let p = &self.params;
        let mut out = Vec::with_capacity(horizon);
        let mut acc = 1.0;
        let mut phi_j = 0.0;
        let mut phi_pow = 1.0;
        for h in 1..=horizon {
            out.push(self.sigma * self.sigma * acc);
            let j = h;
            phi_pow *= p.phi;
            #[allow(clippy::cast_precision_loss)]
            let jf = j as f64;
            phi_j = match self.kind.trend {
                TrendType::None => 0.0,
                TrendType::Additive => jf,
                TrendType::Damped => phi_j + phi_pow,
            };
            let seasonal_hit = self.kind.has_season() && j.is_multiple_of(self.m);
            let c = p.alpha + p.beta * phi_j + if seasonal_hit { p.gamma } else { 0.0 };
            acc += c * c;
        }
        out
    }

    /// `paths` simulated future paths of `horizon` steps, with Gaussian errors of the
    /// fitted σ from a generator seeded with `seed`. Returned step-major: `out[h][path]`.
    pub(crate) fn simulate(&self, horizon: usize, paths: usize, seed: u64) -> Vec<Vec<f64>> {
        let mut rng = SplitMix64::new(seed);
        let mut out = vec![Vec::with_capacity(paths); horizon];
        for _ in 0..paths {
            let mut st = self.last.clone();
            for (h, column) in out.iter_mut().enumerate() {
                let idx = (self.n + h) % self.m;
                let step = prepare(self.kind, &self.params, &st, idx);
                let e = self.sigma * rng.next_normal();
                let y = match self.kind.error {
                    ErrorType::Additive => step.mu + e,
                    ErrorType::Multiplicative => step.mu * (1.0 + e),
                };
                apply(self.kind, &self.params, &mut st, idx, &step, e);
                column.push(y);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(error: ErrorType, trend: TrendType, season: SeasonType) -> ModelKind {
        ModelKind {
            error,
            trend,
            season,
        }
    }

    #[test]
    fn heuristic_init_recovers_an_exact_additive_pattern() {
        let pattern = [0.1, -0.2, 0.3, -0.2];
        let y: Vec<f64> = (0..16)
            .map(|t| 1.0 + 0.01 * f64::from(t) + pattern[usize::try_from(t).unwrap_or(0) % 4])
            .collect();
        let k = kind(
            ErrorType::Additive,
            TrendType::Additive,
            SeasonType::Additive,
        );
        let st = heuristic_init(k, 4, &y);
        for (s, p) in st.season.iter().zip(pattern) {
            assert!((s - p).abs() < 1e-9, "{:?}", st.season);
        }
        assert!((st.trend - 0.01).abs() < 1e-9);
        assert!((st.level - 0.99).abs() < 1e-9, "{}", st.level);
    }

    #[test]
    fn variances_match_simulation_for_a_class_1_model() {
        let k = kind(ErrorType::Additive, TrendType::Damped, SeasonType::Additive);
        let fitted = Fitted {
            kind: k,
            m: 4,
            params: Params {
                alpha: 0.3,
                beta: 0.1,
                gamma: 0.2,
                phi: 0.9,
            },
            last: State {
                level: 1.0,
                trend: 0.01,
                season: vec![0.1, -0.1, 0.05, -0.05],
            },
            n: 20,
            sigma: 0.05,
            neg2loglik: 0.0,
            k: 0,
        };
        let exact = fitted.analytic_variances(9);
        let sims = fitted.simulate(9, 40_000, 1);
        let points = fitted.point_forecasts(9);
        for h in 0..9 {
            let mean = sims[h].iter().sum::<f64>() / 40_000.0;
            let var = sims[h].iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 40_000.0;
            assert!(
                (mean - points[h]).abs() < 0.003,
                "h={h} mean {mean} vs {}",
                points[h]
            );
            assert!(
                (var / exact[h] - 1.0).abs() < 0.04,
                "h={h} var {var} vs {}",
                exact[h]
            );
        }
    }
}
