//! Nelder–Mead simplex minimisation (Nelder and Mead 1965, with the standard coefficients:
//! reflection 1, expansion 2, contraction ½, shrink ½), for the few smoothing parameters and
//! initial states of an ETS model. Derivative-free, which suits a likelihood evaluated by
//! running a filter over the data.

/// The outcome of a minimisation.
#[derive(Debug, Clone)]
pub(crate) struct Minimum {
    pub(crate) x: Vec<f64>,
    pub(crate) value: f64,
}

/// Minimises `f` from `start`, with initial simplex steps `steps` (one per coordinate),
/// stopping when the simplex's values differ by less than `ftol` (relative, plus the same
/// absolute) or after `max_evals` evaluations. Non-finite values count as +∞.
pub(crate) fn minimize<F>(
    mut f: F,
    start: &[f64],
    steps: &[f64],
    ftol: f64,
    max_evals: usize,
) -> Minimum
where
    F: FnMut(&[f64]) -> f64,
{
    let d = start.len();
    let mut eval = |x: &[f64]| {
        let v = f(x);
        if v.is_nan() {
            f64::INFINITY
        } else {
            v
        }
    };
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(d + 1);
    simplex.push((start.to_vec(), eval(start)));
    for i in 0..d {
        let mut x = start.to_vec();
        x[i] += steps[i];
        let v = eval(&x);
        simplex.push((x, v));
    }
    let mut evals = d + 1;
    let point = |c: &[f64], from: &[f64], t: f64| -> Vec<f64> {
        c.iter().zip(from).map(|(c, w)| c + t * (w - c)).collect()
    };
    loop {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let best = simplex[0].1;
        let worst = simplex[d].1;
        if evals >= max_evals
            || (worst.is_finite() && (worst - best).abs() <= ftol * (best.abs() + ftol))
        {
            break;
        }
        let mut centroid = vec![0.0; d];
        for (x, _) in &simplex[..d] {
            for (c, xi) in centroid.iter_mut().zip(x) {
                *c += xi;
            }
        }
        #[allow(clippy::cast_precision_loss)]
        let dn = d as f64;
        for c in &mut centroid {
            *c /= dn;
        }
        let worst_x = simplex[d].0.clone();
        let reflected = point(&centroid, &worst_x, -1.0);
        let fr = eval(&reflected);
        evals += 1;
        if fr < best {
            let expanded = point(&centroid, &worst_x, -2.0);
            let fe = eval(&expanded);
            evals += 1;
            simplex[d] = if fe < fr {
                (expanded, fe)
            } else {
                (reflected, fr)
            };
            continue;
        }
        if fr < simplex[d - 1].1 {
            simplex[d] = (reflected, fr);
            continue;
        }
        let (contracted, fc, accept) = if fr < worst {
            let c = point(&centroid, &reflected, 0.5);
            let fc = eval(&c);
            (c, fc, fc <= fr)
        } else {
            let c = point(&centroid, &worst_x, 0.5);
            let fc = eval(&c);
            (c, fc, fc < worst)
        };
        evals += 1;
        if accept {
            simplex[d] = (contracted, fc);
            continue;
        }
        let best_x = simplex[0].0.clone();
        for entry in simplex.iter_mut().skip(1) {
            let x = point(&best_x, &entry.0, 0.5);
            let v = eval(&x);
            *entry = (x, v);
        }
        evals += d;
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (x, value) = simplex.swap_remove(0);
    Minimum { x, value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_rosenbrock_minimum() {
        let rosen = |x: &[f64]| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2);
        let m = minimize(rosen, &[-1.2, 1.0], &[0.5, 0.5], 1e-14, 10_000);
        assert!(
            (m.x[0] - 1.0).abs() < 1e-4 && (m.x[1] - 1.0).abs() < 1e-4,
            "{m:?}"
        );
    }

    #[test]
    fn treats_nan_as_infinity() {
        let f = |x: &[f64]| {
            if x[0] < 0.0 {
                f64::NAN
            } else {
                (x[0] - 2.0).powi(2)
            }
        };
        let m = minimize(f, &[1.0], &[1.0], 1e-14, 1_000);
        assert!((m.x[0] - 2.0).abs() < 1e-5, "{m:?}");
    }
}
